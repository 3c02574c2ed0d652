import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { MarkedText } from '../../components/MarkedText.tsx';
import { formatCount } from '../../lib/format.ts';
import { navigate, useHref } from '../../lib/route.ts';
import { useFileFinderMatches } from './browse-requests.ts';

/** The event the "Go to file" button sends (the finder lives in Browse's frame, for folders and files alike). */
const OPEN_EVENT = 'packscope:open-file-finder';

/** Opens the file finder of the Browse page on screen. */
export function openFileFinder(): void {
  window.dispatchEvent(new Event(OPEN_EVENT));
}

/**
 * Browse's file finder: opens on `t` (not while typing somewhere) or `openFileFinder()`, over
 * the commit being browsed; closed again by Escape, a click outside, or opening a file.
 */
export function FileFinderHost({ rev, commit }: { rev: string; commit: string }) {
  const [open, setOpen] = useState(false);
  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (e.key !== 't' || e.altKey || e.ctrlKey || e.metaKey || e.defaultPrevented) return;
      const t = e.target instanceof Element ? e.target : null;
      if (t?.closest('input, textarea, select, [contenteditable=""], [contenteditable="true"]')) return;
      e.preventDefault();
      setOpen(true);
    };
    const onOpen = () => setOpen(true);
    window.addEventListener('keydown', onKey);
    window.addEventListener(OPEN_EVENT, onOpen);
    return () => {
      window.removeEventListener('keydown', onKey);
      window.removeEventListener(OPEN_EVENT, onOpen);
    };
  }, []);
  return open && commit ? <FileFinder rev={rev} commit={commit} onClose={() => setOpen(false)} /> : null;
}

/** Matches asked for per query (the list is virtualized; the count says how many matched in all). */
const LIMIT = 1_000;
const ROW = 30;

/**
 * The file finder (`t`): type to fuzzy-find any path of the commit's tree. The worker lists the
 * commit's files once and matches each query; results are virtualized; arrow keys choose, Enter
 * opens, Escape closes.
 */
export function FileFinder({ rev, commit, onClose }: { rev: string; commit: string; onClose: () => void }) {
  const href = useHref();
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const scroll = useRef<HTMLDivElement>(null);

  useLayoutEffect(() => input.current?.focus(), []);

  const { answer, status, error } = useFileFinderMatches(commit, query, LIMIT, () => setActive(0));

  const matches = answer?.matches ?? [];
  const virtualizer = useVirtualizer({ count: matches.length, getScrollElement: () => scroll.current, estimateSize: () => ROW, overscan: 10, useFlushSync: false });

  const open = (i: number) => {
    const m = matches[i];
    if (!m) return;
    onClose();
    navigate({ view: 'browse', rev, path: m.path.split('/') });
  };
  const move = (to: number) => {
    const next = Math.max(0, Math.min(matches.length - 1, to));
    setActive(next);
    virtualizer.scrollToIndex(next, { align: 'auto' });
  };
  const onKeyDown = (e: KeyboardEvent) => {
    switch (e.key) {
      case 'Escape':
        onClose();
        break;
      case 'ArrowDown':
        move(active + 1);
        break;
      case 'ArrowUp':
        move(active - 1);
        break;
      case 'PageDown':
        move(active + 10);
        break;
      case 'PageUp':
        move(active - 10);
        break;
      case 'Enter':
        open(active);
        break;
      default:
        return;
    }
    e.preventDefault();
  };

  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: a click outside the dialog closes it; from the keyboard, Escape does.
    <div className="finder-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="finder" role="dialog" aria-modal="true" aria-label="Go to file" data-testid="file-finder" onKeyDown={onKeyDown}>
        <div className="finder-head">
          <input
            ref={input}
            type="search"
            className="finder-input"
            placeholder="Go to file: type part of a path"
            aria-label="Find a file by path"
            aria-controls="finder-results"
            aria-activedescendant={matches.length ? `finder-${active}` : undefined}
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            spellCheck={false}
            autoComplete="off"
            data-testid="finder-input"
          />
          <span className="muted finder-count" role="status" data-testid="finder-count">
            {status === 'error'
              ? ''
              : !answer
                ? 'Listing files…'
                : `${formatCount(answer.total)} of ${formatCount(answer.files)} files${answer.total > matches.length ? `, best ${formatCount(matches.length)} shown` : ''}`}
          </span>
        </div>
        {status === 'error' && <p className="error-box finder-error">{error}</p>}
        {answer?.capped && <p className="muted finder-note">The list stopped early: {answer.capped}.</p>}
        <div ref={scroll} className="finder-results" id="finder-results" role="listbox" aria-label="Matching files" data-testid="finder-results">
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {virtualizer.getVirtualItems().map((item) => {
              const m = matches[item.index];
              const selected = item.index === active;
              return (
                <a
                  key={m.path}
                  id={`finder-${item.index}`}
                  role="option"
                  aria-selected={selected}
                  tabIndex={-1}
                  href={href({ view: 'browse', rev, path: m.path.split('/') })}
                  className={selected ? 'finder-row active' : 'finder-row'}
                  style={{ transform: `translateY(${item.start}px)`, height: ROW }}
                  onMouseMove={() => item.index !== active && setActive(item.index)}
                  onClick={(e) => {
                    e.preventDefault();
                    open(item.index);
                  }}
                  data-testid="finder-row"
                  data-path={m.path}
                >
                  <Highlighted text={m.path} positions={m.positions} />
                </a>
              );
            })}
          </div>
          {answer && matches.length === 0 && <p className="muted finder-empty">No path matches “{query}”.</p>}
        </div>
        <div className="finder-foot muted">
          <kbd>↑</kbd> <kbd>↓</kbd> to choose · <kbd>Enter</kbd> to open · <kbd>Esc</kbd> to close
        </div>
      </div>
    </div>
  );
}

/** A path with the matched characters marked (hidden characters still shown as badges). */
function Highlighted({ text, positions }: { text: string; positions: number[] }) {
  const marks = new Set(positions);
  const out: ReactNode[] = [];
  let run = '';
  let inMark = false;
  const push = (key: number) => {
    if (run === '') return;
    out.push(
      inMark ? (
        <mark key={key}>
          <MarkedText text={run} />
        </mark>
      ) : (
        <MarkedText key={key} text={run} />
      ),
    );
    run = '';
  };
  for (let i = 0; i < text.length; i++) {
    const m = marks.has(i);
    if (m !== inMark) {
      push(i);
      inMark = m;
    }
    run += text[i];
  }
  push(text.length);
  const slash = text.lastIndexOf('/');
  return (
    <span className={slash >= 0 ? 'finder-path' : 'finder-path top'} title={text}>
      {out}
    </span>
  );
}
