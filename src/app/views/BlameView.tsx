import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useWindowVirtualizer } from '@tanstack/react-virtual';
import type { WireError } from '../../core/errors.ts';
import type { BlameCommit, BlameGroup, BlameResult } from '../../protocol/blame.ts';
import { engine } from '../client.ts';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { MarkedText } from '../components/MarkedText.tsx';
import { formatCount, formatGitDate } from '../lib/format.ts';
import { useHref } from '../lib/route.ts';
import { asWire } from '../stores/repo.ts';
import { isCancelled, runTask } from '../stores/tasks.ts';
import { HighlightedLine } from '../highlight/HighlightedLine.tsx';
import { useHighlight } from '../highlight/highlighter.ts';
import { languageFor } from '../highlight/languages.ts';
import './blame/blame.css';

/** Height of one line of code, in pixels (rows are fixed so a 100k-line file scrolls evenly). */
const ROW = 20;

/** `git blame` of a file at a commit: lines grouped by the commit that last changed them. */
export function BlameView({ rev, path }: { rev: string; path: string[] }) {
  return <BlameLoader key={`${rev}\u0000${path.join('/')}`} rev={rev} path={path} />;
}

function BlameLoader({ rev, path }: { rev: string; path: string[] }) {
  const href = useHref();
  const [result, setResult] = useState<BlameResult | undefined>();
  const [error, setError] = useState<WireError | undefined>();
  const [cancelled, setCancelled] = useState(false);
  const [attempt, setAttempt] = useState(0);
  const name = path.join('/');

  // biome-ignore lint/correctness/useExhaustiveDependencies: path (a new array on every render) is compared through `name`.
  useEffect(() => {
    const c = new AbortController();
    setError(undefined);
    setCancelled(false);
    runTask(`Blame of ${name}`, (signal, onProgress) => engine.call('blame', { rev, path }, { signal, onProgress }), c.signal).then(
      (r) => {
        if (!c.signal.aborted) setResult(r);
      },
      (err: unknown) => {
        if (c.signal.aborted) return;
        if (isCancelled(err)) setCancelled(true);
        else setError(asWire(err));
      },
    );
    return () => c.abort();
  }, [rev, name, attempt]);

  return (
    <div className="blame-page" data-testid="blame-view">
      <div className="ph-head">
        <h1>Blame</h1>
        <span className="ph-path">
          <a href={href({ view: 'browse', rev, path: [] })} title={rev}>
            <MarkedText text={/^[0-9a-f]{40,64}$/.test(rev) ? rev.slice(0, 12) : rev} />
          </a>
          {path.map((part, i) => (
            <span key={i}>
              {' / '}
              <a href={href({ view: 'browse', rev, path: path.slice(0, i + 1) })}>
                <MarkedText text={part} />
              </a>
            </span>
          ))}
        </span>
        <a href={href({ view: 'path-history', rev, path, follow: true })}>History</a>
        {result && (
          <span className="muted" data-testid="blame-summary">
            {formatCount(result.totalLines)} line{result.totalLines === 1 ? '' : 's'} · {formatCount(result.commits.length)} commit{result.commits.length === 1 ? '' : 's'} ·{' '}
            {formatCount(result.commitsVisited)} examined in {formatCount(result.ms)} ms
          </span>
        )}
      </div>
      {error && <ErrorBox error={error} title={`${name} at ${rev} could not be blamed`} />}
      {cancelled && (
        <p className="notice">
          The blame was cancelled.{' '}
          <button type="button" className="small" onClick={() => setAttempt((a) => a + 1)}>
            Start again
          </button>
        </p>
      )}
      {!result && !error && !cancelled && <p className="muted">Blaming lines…</p>}
      {result && <BlameLines result={result} rev={rev} />}
    </div>
  );
}

/** A colour from old (cool) to new (warm) for a commit's age within this file's history. */
function ageColour(time: number, oldest: number, newest: number): string {
  const t = newest > oldest ? (time - oldest) / (newest - oldest) : 1;
  const hue = 220 - 190 * t;
  return `hsl(${hue.toFixed(0)} 70% 52%)`;
}

function BlameLines({ result }: { result: BlameResult; rev: string }) {
  const href = useHref();
  // Colour comes from the highlight worker (lazy, the lines in view first), as in the file view.
  const text = useMemo(() => (result.binary ? undefined : result.lines.join('\n')), [result]);
  const language = useMemo(() => languageFor(result.path.split('/').pop() ?? '', result.lines[0] ?? ''), [result]);
  const highlight = useHighlight(text, language);
  const list = useRef<HTMLDivElement>(null);
  const [margin, setMargin] = useState(0);
  useLayoutEffect(() => {
    if (list.current) setMargin(list.current.getBoundingClientRect().top + window.scrollY);
  }, []);
  // Which group each line belongs to, and where each group starts.
  const groupOfLine = useMemo(() => {
    const g = new Int32Array(result.totalLines);
    result.groups.forEach((group, i) => g.fill(i, group.start, group.start + group.count));
    return g;
  }, [result]);
  const [oldest, newest] = useMemo(() => {
    let lo = Infinity;
    let hi = -Infinity;
    for (const c of result.commits) {
      lo = Math.min(lo, c.author.time);
      hi = Math.max(hi, c.author.time);
    }
    return [lo, hi];
  }, [result]);
  const shownLines = result.binary ? 0 : result.lines.length;
  const virtualizer = useWindowVirtualizer({ count: shownLines, estimateSize: () => ROW, overscan: 30, scrollMargin: margin, useFlushSync: false });
  const items = virtualizer.getVirtualItems();
  const firstInView = items.length ? items[0].index : 0;
  // The first line under the sticky top bar: a group scrolled partly out of view repeats its commit there.
  const topbar = typeof document === 'undefined' ? 0 : (document.querySelector('.topbar')?.getBoundingClientRect().height ?? 0);
  const firstVisible = Math.max(0, Math.floor(((virtualizer.scrollOffset ?? 0) + topbar - margin) / ROW));
  const lastInView = items.length ? items[items.length - 1].index : 0;
  useEffect(() => highlight?.inView(firstInView, lastInView), [highlight, firstInView, lastInView]);
  if (result.binary)
    return (
      <p className="notice">
        This file is binary: its {formatCount(result.totalLines)} “lines” are not shown. {formatCount(result.commits.length)} commits touched it.
      </p>
    );
  if (result.totalLines === 0) return <p className="muted">The file is empty.</p>;

  const gutter = (group: BlameGroup, commit: BlameCommit, line: number) => {
    const top = Math.max(group.start, Math.min(firstVisible, group.start + group.count - 2));
    const first = line === top;
    if (!first && line !== top + 1) return null;
    const { local, original } = formatGitDate(commit.author.time, commit.author.zone);
    if (first)
      return (
        <>
          <a href={href({ view: 'object', oid: commit.oid })} className="oid" title={commit.oid} data-testid="blame-commit">
            {commit.oid.slice(0, 8)}
          </a>{' '}
          <a href={href({ view: 'object', oid: commit.oid })} className="blame-summary" title={commit.summary}>
            <MarkedText text={commit.summary || '(no message)'} />
          </a>
        </>
      );
    return (
      <>
        <span className="blame-author" title={`${commit.author.name} <${commit.author.email}>`}>
          <MarkedText text={commit.author.name} />
        </span>{' '}
        <time title={`${local} in your time zone; ${original} as recorded`}>{local.split(',').slice(0, 2).join(',')}</time>
        {commit.boundary && <span className="badge">root</span>}
        {group.previous && (
          <a
            className="blame-prior"
            href={href({ view: 'blame', rev: group.previous.commit, path: group.previous.path.split('/') })}
            title={`Blame ${group.previous.path} as it was before ${commit.oid.slice(0, 12)}`}
            aria-label="Blame prior to this change"
            data-testid="blame-prior"
          >
            ⟲
          </a>
        )}
      </>
    );
  };

  return (
    <>
      {result.lines.length < result.totalLines && (
        <p className="notice">
          The first {formatCount(result.lines.length)} of {formatCount(result.totalLines)} lines are shown.
        </p>
      )}
      <div ref={list} className="blame-list" role="table" aria-label="Blame" style={{ height: virtualizer.getTotalSize() }}>
        {items.map((item) => {
          const line = item.index;
          const gi = groupOfLine[line];
          const group = result.groups[gi];
          const commit = result.commits[group.commit];
          const first = line === group.start;
          return (
            <div
              key={line}
              role="row"
              className={`blame-row${first ? ' first' : ''}${gi % 2 ? ' odd' : ''}`}
              data-testid={first ? 'blame-group' : undefined}
              data-oid={first ? commit.oid : undefined}
              data-lines={first ? group.count : undefined}
              style={{ transform: `translateY(${item.start - virtualizer.options.scrollMargin}px)`, height: ROW }}
            >
              <span className="blame-gutter" role="cell">
                {gutter(group, commit, line)}
              </span>
              <span className="blame-age" style={{ background: ageColour(commit.author.time, oldest, newest) }} title={`Age: ${formatGitDate(commit.author.time, commit.author.zone).local}`} />
              <span className="blame-no" role="cell">
                {line + 1}
              </span>
              <code className="blame-code" role="cell">
                {(() => {
                  const runs = highlight?.runsOf(line);
                  return runs && runs.length > 0 && highlight ? (
                    <HighlightedLine text={result.lines[line]} runs={runs} classOf={highlight.classOf} />
                  ) : (
                    <MarkedText text={result.lines[line]} multiline />
                  );
                })()}
              </code>
            </div>
          );
        })}
      </div>
    </>
  );
}
