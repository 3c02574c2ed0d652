import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useWindowVirtualizer, type Virtualizer } from '@tanstack/react-virtual';
import { DIFF_LIMITS, type CombinedHunks, type DiffFileInfo, type DiffLineInfo, type FileHunks } from '../../../protocol/diff.ts';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import { formatBytes, formatCount } from '../../lib/format.ts';
import { CombinedHunkHeader, CombinedLine } from './CombinedLines.tsx';
import { ContextLine, GapRow, SplitPair, UnifiedLine } from './DiffLines.tsx';
import { colourSkipped, COLOUR_MAX_FILE_CHARS, parentSide, type ColourKey, type ColourSide } from './colour-docs.ts';
import { useDiffColours, type ColourWanted } from './useDiffColours.ts';
import { FileHeader, FilePath, LineCounts } from './FileHeader.tsx';
import { FileList } from './FileList.tsx';
import { ImageDiff } from './ImageDiff.tsx';
import { useDiffPreferences, type DiffLayout } from './preferences.ts';
import { bodyRows, combinedRows, gapsOf, type BodyRow, type CombinedLineInfo } from './rows.ts';
import type { DiffList } from './useDiffList.ts';
import { BIG_DIFF_LINES, combinedLineCount, MANY_FILES, openByDefault, useFileDiffs, type CombinedSource, type FileState } from './useFileDiffs.ts';
import './diff.css';

/**
 * The diffs of a comparison, as a code host shows a commit: a summary with the layout toggle,
 * the changed files to jump from, and every file's diff in one virtualized list (the page
 * scrolls; only the rows in view exist), each file's hunks read from the worker as it comes
 * into view. Used by the commit page (against a parent, or a merge's parents) and the compare view.
 */

/** Why a file shows a note instead of (or after) its lines. */
type Note =
  | 'collapsed'
  | 'loading'
  | 'error'
  | 'binary'
  | 'too-large'
  | 'missing'
  | 'unreadable'
  | 'submodule'
  | 'unchanged'
  | 'cut'
  | 'reveal-error'
  /** A combined diff over more parents than git's combined diff takes. */
  | 'many-parents'
  /** A combined diff whose lost lines were listed without merging (past the merge table's cap). */
  | 'approximate'
  /** Too much text to colour: shown plain. */
  | 'plain';

type Row =
  | { kind: 'file'; pos: number; last: boolean }
  /** `n`: the row's place in its file's body (its key: rows of other files keep their measured heights). */
  | { kind: 'body'; pos: number; n: number; body: BodyRow; last: boolean }
  | { kind: 'note'; pos: number; note: Note; last: boolean }
  | { kind: 'images'; pos: number; last: boolean }
  | { kind: 'more' };

/** Heights to start from; every row is measured once drawn. */
const ESTIMATE: Record<Row['kind'], number> = { file: 50, body: 20, note: 40, images: 300, more: 48 };

/** Names that are likely images (only to guess a row's height; the bytes decide what is shown). */
const IMAGE_NAME = /\.(png|jpe?g|gif|webp|bmp|ico)$/i;

/** Rows of an open file whose hunks are there; cached per file while its state and the layout stay. */
interface CachedBody {
  hunks: FileHunks | CombinedHunks;
  revealed: FileState['revealed'];
  context: FileState['context'];
  layout: DiffLayout;
  rows: BodyRow[];
}

export interface DiffViewProps {
  /** The comparison's files, as useDiffFiles gives them (or a merge's files against each parent). */
  list: DiffList<DiffFileInfo> & { more: () => void; retry: () => void };
  /** Changes when another comparison is shown: per-file state starts over. */
  diffKey: string;
  /** Extra words in a file's header (which parent it is compared with). */
  fileLabel?: (file: DiffFileInfo) => ReactNode;
  /** What the list is, for the summary ("changed files"). */
  noun?: string;
  /** Words that replace the summary's count (the combined view counts files, not file pairs). */
  summary?: ReactNode;
  /** A merge's combined view: each file's combined hunks instead of a two-sided diff. */
  combined?: CombinedSource;
  /** Buttons in place of the unified/split switch (the combined view has one layout). */
  controls?: ReactNode;
}

/** Whether a file of the combined view shows without a click: not one of too many, and (once read) not too big. */
function combinedOpenByDefault(state: FileState | undefined, totalFiles: number): boolean {
  if (totalFiles > MANY_FILES) return false;
  return !state?.combined || combinedLineCount(state.combined) <= BIG_DIFF_LINES;
}

/** The summary, the file list and the virtualized diffs of one comparison. */
export function DiffView({ list, diffKey, fileLabel, noun = 'changed file', summary, combined, controls }: DiffViewProps) {
  const layout = useDiffPreferences((s) => s.layout);
  const setLayout = useDiffPreferences((s) => s.setLayout);
  const diffs = useFileDiffs(diffKey, combined);
  const colours = useDiffColours(diffKey);
  const isCombined = combined !== undefined;
  const files = list.files;
  const total = list.total ?? files.length;
  const cache = useRef(new Map<number, CachedBody>());
  useEffect(() => cache.current.clear(), [diffKey]);

  const openOf = (f: DiffFileInfo, st: FileState | undefined) => st?.open ?? (isCombined ? combinedOpenByDefault(st, total) : openByDefault(f, total));
  const isOpen = (f: DiffFileInfo) => openOf(f, diffs.states.get(f.index));

  // biome-ignore lint/correctness/useExhaustiveDependencies: openOf is a closure over isCombined and total, both listed.
  const { rows, headerRow } = useMemo(() => {
    const out: Row[] = [];
    const headerRow: number[] = [];
    const end = () => {
      const last = out[out.length - 1];
      if (last.kind !== 'more') last.last = true;
    };
    files.forEach((f, pos) => {
      headerRow.push(out.length);
      out.push({ kind: 'file', pos, last: false });
      const st = diffs.states.get(f.index);
      const open = openOf(f, st);
      if (!open) {
        // Collapsed for its size (not by the person): say why and offer it. One of many files
        // collapsed only has its header (with a Load diff button), so thousands stay compact.
        const lines = st?.combined ? combinedLineCount(st.combined) : (f.added ?? 0) + (f.deleted ?? 0);
        if (st?.open === undefined && lines > BIG_DIFF_LINES) out.push({ kind: 'note', pos, note: 'collapsed', last: false });
        end();
        return;
      }
      const note = (n: Note) => out.push({ kind: 'note', pos, note: n, last: false });
      const body = (source: FileHunks | CombinedHunks, make: () => BodyRow[]) => {
        let c = cache.current.get(f.index);
        if (!c || c.hunks !== source || c.revealed !== st?.revealed || c.context !== st?.context || c.layout !== layout) {
          c = { hunks: source, revealed: st!.revealed, context: st!.context, layout, rows: make() };
          cache.current.set(f.index, c);
        }
        const path = f.status === 'D' ? f.old.path : f.new.path;
        if (colourSkipped('oldLines' in source ? { hunks: source, context: st!.context } : { combined: source }, path)) note('plain');
        c.rows.forEach((row, n) => out.push({ kind: 'body', pos, n, body: row, last: false }));
      };
      if (isCombined) {
        const c = st?.combined;
        if (!c) note(st?.error ? 'error' : 'loading');
        else if (c.skipped) note(c.skipped);
        else if (c.error) note('error');
        else if (c.binary) note('binary');
        else if (c.tooLarge) note('too-large');
        else if (c.tooManyParents) note('many-parents');
        else if (c.hunks.length === 0) note('unchanged');
        else {
          body(c, () => combinedRows(c));
          if (c.cut.lines > 0) note('cut');
          if (c.approximate) note('approximate');
        }
      } else if (f.skipped) note(f.skipped);
      else if (f.binary || st?.hunks?.skipped === 'binary') {
        note('binary');
        out.push({ kind: 'images', pos, last: false });
      } else if (!st?.hunks) note(st?.error ? 'error' : 'loading');
      else if (st.hunks.skipped) note(st.hunks.skipped);
      else if (st.hunks.error) note('error');
      else if (st.hunks.hunks.length === 0) note('unchanged');
      else {
        const hunks = st.hunks;
        body(hunks, () => bodyRows(hunks, layout, st.revealed, st.context));
        if (hunks.cut.lines > 0) note('cut');
        if (st.revealError) note('reveal-error');
      }
      end();
    });
    if (!list.done || list.truncated || list.status === 'error') out.push({ kind: 'more' });
    return { rows: out, headerRow };
    // `total` decides the default of files not yet touched.
  }, [files, diffs.states, layout, total, list.done, list.truncated, list.status, isCombined]);

  // The list's place on the page and the sticky top bar's height (HistoryView does the same).
  const listRef = useRef<HTMLDivElement>(null);
  const [margin, setMargin] = useState(0);
  const [topbar, setTopbar] = useState(0);
  useLayoutEffect(() => {
    const measure = () => {
      if (listRef.current) setMargin(listRef.current.getBoundingClientRect().top + window.scrollY);
      setTopbar(document.querySelector('.topbar')?.getBoundingClientRect().height ?? 0);
    };
    measure();
    // The page's body is as tall as the window: watch the app's box, which grows with what is above the list.
    const observer = new ResizeObserver(measure);
    observer.observe(document.querySelector('.app') ?? document.documentElement);
    window.addEventListener('resize', measure);
    return () => {
      observer.disconnect();
      window.removeEventListener('resize', measure);
    };
  }, [files.length > 0]);

  // Stable while the rows are: the virtualizer recomputes every row's place (O(rows)) when these change.
  const estimateSize = useCallback(
    (i: number) => {
      const r = rows[i];
      // A binary file's picture row is empty unless the worker finds an image: guess from the name.
      if (r.kind === 'images') return IMAGE_NAME.test(files[r.pos].new.path || files[r.pos].old.path) ? ESTIMATE.images : 0;
      return ESTIMATE[r.kind];
    },
    [rows, files],
  );
  const getItemKey = useCallback((i: number) => rowKey(rows[i]), [rows]);
  const virtualizer = useWindowVirtualizer({
    count: rows.length,
    estimateSize,
    getItemKey,
    measureElement: sizeOfRow,
    overscan: 16,
    scrollMargin: margin,
    scrollPaddingStart: topbar + 44,
    useFlushSync: false,
  });
  const items = virtualizer.getVirtualItems();
  const firstIndex = items.length ? items[0].index : 0;
  const lastIndex = items.length ? items[items.length - 1].index : -1;

  // The files on screen: ask for their hunks; near the end of the list, ask for more files.
  // biome-ignore lint/correctness/useExhaustiveDependencies: asked again when the rows in view or the rows themselves change; the callbacks and the file list it reads are current then.
  useEffect(() => {
    const wanted = new Map<number, DiffFileInfo>();
    const colour = new Map<number, ColourWanted>();
    for (let i = firstIndex; i <= lastIndex; i++) {
      const r = rows[i];
      if (!r || r.kind === 'more') continue;
      const f = files[r.pos];
      if (r.kind === 'body') {
        const st = diffs.states.get(f.index);
        let w = colour.get(f.index);
        if (!w && st) {
          const source = st.combined ? { combined: st.combined } : st.hunks ? { hunks: st.hunks, context: st.context } : undefined;
          if (source) colour.set(f.index, (w = { index: f.index, path: f.status === 'D' ? f.old.path : f.new.path, source, visible: [] }));
        }
        if (w) for (const at of placesOf(r.body)) w.visible.push(at);
      }
      if (!f || f.binary || f.skipped || !isOpen(f) || wanted.has(f.index)) continue;
      wanted.set(f.index, f);
    }
    diffs.want([...wanted.values()]);
    colours.show([...colour.values()]);
    if (lastIndex >= rows.length - 3) list.more();
  }, [firstIndex, lastIndex, rows]);

  // The file whose rows are at the top of the screen (for the sticky bar and the file list).
  // Item positions include the scroll margin: they are page coordinates.
  const top = window.scrollY + topbar + 4;
  const topItem = items.find((it) => it.end > top);
  const topRow = topItem ? rows[topItem.index] : undefined;
  const current = topRow && topRow.kind !== 'more' ? topRow.pos : undefined;
  const stickyFile = current !== undefined && topRow?.kind !== 'file' ? files[current] : undefined;

  const jump = (pos: number) => virtualizer.scrollToIndex(headerRow[pos], { align: 'start' });

  const loadedAll = list.done && !list.truncated;
  const counted = files.filter((f) => f.added !== undefined).length;
  const binaries = files.filter((f) => f.binary).length;

  return (
    <section className="diff-view" data-testid="diff-view" data-layout={isCombined ? 'combined' : layout} data-loaded={files.length}>
      {/* A comparison that failed before its first page has nothing to sum up: its error says it all. */}
      {!(list.status === 'error' && files.length === 0) && (
        <div className="df-summary">
          <span className="df-summary-text" data-testid="diff-summary" role="status">
            {summary !== undefined && list.total !== undefined ? (
              summary
            ) : list.total === undefined ? (
              list.status === 'loading' ? (
                'Comparing…'
              ) : (
                ''
              )
            ) : (
              <>
                <strong>{formatCount(list.total)}</strong>
                {list.truncated ? '+' : ''} {noun}
                {list.total === 1 ? '' : 's'}
                {counted > 0 && (
                  <>
                    {' '}
                    with <span className="df-plus">+{formatCount(list.added)}</span> and <span className="df-minus">−{formatCount(list.deleted)}</span> lines
                    {!loadedAll || counted + binaries < files.length ? <span className="muted"> (in the {formatCount(counted)} files counted so far)</span> : null}
                  </>
                )}
              </>
            )}
          </span>
          <span className="spacer" />
          {files.length > 1 && (
            <span className="df-bulk">
              <button
                type="button"
                className="small"
                onClick={() =>
                  diffs.setOpenAll(
                    files.map((f) => f.index),
                    true,
                  )
                }
              >
                Expand all
              </button>
              <button
                type="button"
                className="small"
                onClick={() =>
                  diffs.setOpenAll(
                    files.map((f) => f.index),
                    false,
                  )
                }
              >
                Collapse all
              </button>
            </span>
          )}
          {controls ?? (
            <div className="df-layout" role="group" aria-label="Diff layout">
              {(['unified', 'split'] as const).map((l) => (
                <button key={l} type="button" className="small" aria-pressed={layout === l} onClick={() => setLayout(l)} data-testid={`layout-${l}`}>
                  {l === 'unified' ? 'Unified' : 'Split'}
                </button>
              ))}
            </div>
          )}
        </div>
      )}
      {list.renames === 'exact-only' && (
        <p className="df-banner" data-testid="renames-exact-only">
          Too many added and deleted files for rename detection to compare them all: only exact renames are shown, as git does past its rename limit.
        </p>
      )}
      {list.truncated && (
        <p className="df-banner warn" data-testid="diff-truncated">
          The comparison stopped after {formatCount(DIFF_LIMITS.maxFiles)} changed files; more files changed than are listed here.
        </p>
      )}
      {total > MANY_FILES && <p className="df-banner muted">{formatCount(total)} files changed: each diff is shown when you open it (or Expand all).</p>}
      {list.status === 'error' && list.error && files.length === 0 && <ErrorBox error={list.error} title="The comparison could not be made" />}
      {list.done && list.total === 0 && !list.truncated && (
        <p className="df-empty muted" data-testid="diff-empty">
          No files changed.
        </p>
      )}
      {files.length > 0 && (
        <div className={files.length === 1 && list.done ? 'df-main single' : 'df-main'}>
          {/* One file needs no list to jump from: its diff takes the width. */}
          {!(files.length === 1 && list.done) && (
            <aside className="df-side" style={{ top: topbar + 8 }}>
              <FileList files={files} total={list.total} onJump={jump} current={current} />
            </aside>
          )}
          <div className="df-files" ref={listRef}>
            {stickyFile && (
              <div className="df-sticky" style={{ top: topbar }} aria-hidden="true">
                <div className="df-sticky-bar">
                  <FilePath file={stickyFile} />
                  <span className="spacer" />
                  <LineCounts file={stickyFile} />
                </div>
              </div>
            )}
            <div className="df-rows" style={{ height: virtualizer.getTotalSize() }}>
              {items.map((item) => {
                const row = rows[item.index];
                return (
                  <div
                    key={item.key}
                    data-index={item.index}
                    ref={virtualizer.measureElement}
                    className={`df-vrow df-vrow-${row.kind}${'last' in row && row.last ? ' last' : ''}`}
                    style={{ transform: `translateY(${item.start - virtualizer.options.scrollMargin}px)` }}
                  >
                    {renderRow(row)}
                  </div>
                );
              })}
            </div>
          </div>
        </div>
      )}
    </section>
  );

  function renderRow(row: Row): ReactNode {
    if (row.kind === 'more') return <MoreRow list={list} loaded={files.length} />;
    const f = files[row.pos];
    const st = diffs.states.get(f.index);
    if (row.kind === 'file') {
      const open = isOpen(f);
      // Pairs listed without counts (a merge's files against each parent) take them from their hunks.
      const counted = f.added === undefined && st?.hunks && !st.hunks.skipped && !st.hunks.error ? { ...f, added: st.hunks.added, deleted: st.hunks.deleted } : f;
      return (
        <FileHeader
          file={counted}
          open={open}
          onToggle={() => diffs.setOpen(f.index, !open)}
          actions={
            <>
              {fileLabel?.(f)}
              {colours.failure(f.index) !== undefined && (
                <span className="df-label" title={colours.failure(f.index)} data-testid="diff-colour-failed">
                  no colour
                </span>
              )}
              {!open && st?.open === undefined && (
                <button type="button" className="small" onClick={() => diffs.setOpen(f.index, true)} data-testid="load-diff">
                  Load diff
                </button>
              )}
              {open && st?.hunks && st.hunks.hunks.length > 0 && !st.whole && !f.binary && gapsOf(st.hunks.hunks, st.hunks.oldLines, st.hunks.newLines).some((g) => g.count > 0) && (
                <button type="button" className="small" disabled={st.revealing} onClick={() => void diffs.showWhole(f)} title="Show every line of the file, the changes in place">
                  Whole file
                </button>
              )}
            </>
          }
        />
      );
    }
    if (row.kind === 'images') return <ImageDiff file={f} />;
    if (row.kind === 'note') return <NoteRow note={row.note} file={f} state={st} onOpen={() => diffs.setOpen(f.index, true)} onRetry={() => diffs.retry(f)} />;
    const b = row.body;
    const colourAt = (at: { side: ColourSide; key: ColourKey } | undefined) => (at ? colours.colourOf(f.index, at.side, at.key) : undefined);
    if (b.kind === 'line') return <UnifiedLine shown={b.line} colour={colourAt(placeOf(b.line.line))} />;
    if (b.kind === 'pair') return <SplitPair left={b.left} right={b.right} leftColour={colourAt(b.left && placeOf(b.left.line))} rightColour={colourAt(b.right && placeOf(b.right.line))} />;
    if (b.kind === 'context') return <ContextLine row={b} split={layout === 'split'} colour={colourAt({ side: 'new', key: b.newNo })} />;
    if (b.kind === 'chunk') return <CombinedHunkHeader hunk={b.hunk} parents={b.parents} />;
    if (b.kind === 'cline') return <CombinedLine line={b.line} colour={colourAt(combinedPlace(b.line))} />;
    return <GapRow row={b} file={f.index} canReveal={!/^0*$/.test(f.new.oid) && !/^0*$/.test(f.old.oid)} busy={st?.revealing === true} onReveal={(gap, how) => void diffs.reveal(f, gap, how)} />;
  }
}

/** Where a line's colour comes from: a removed line from the old side, others from the new side. */
function placeOf(line: DiffLineInfo): { side: ColourSide; key: ColourKey } | undefined {
  if (line.kind === 'del') return line.oldNo === null ? undefined : { side: 'old', key: line.oldNo };
  return line.newNo === null ? undefined : { side: 'new', key: line.newNo };
}

/** A combined line's colour: the merge's lines from the merge's side, a lost line from the first parent that had it. */
function combinedPlace(line: CombinedLineInfo): { side: ColourSide; key: ColourKey } {
  return line.newNo === null ? { side: parentSide(line.markers.indexOf('-')), key: line } : { side: 'new', key: line.newNo };
}

/** The lines of a body row, as places in the colour documents (to colour the rows in view first). */
function placesOf(b: BodyRow): { side: ColourSide; key: ColourKey }[] {
  const out: ({ side: ColourSide; key: ColourKey } | undefined)[] = [];
  if (b.kind === 'line') out.push(placeOf(b.line.line));
  else if (b.kind === 'pair') out.push(b.left && placeOf(b.left.line), b.right && placeOf(b.right.line));
  else if (b.kind === 'context') out.push({ side: 'new', key: b.newNo });
  else if (b.kind === 'cline') out.push(combinedPlace(b.line));
  return out.filter((p): p is { side: ColourSide; key: ColourKey } => p !== undefined);
}

/**
 * A row's height from its ResizeObserver entry, which comes after layout. A row just drawn
 * keeps its known or estimated height until then: reading it at once (getBoundingClientRect)
 * would lay out the page for every new row while scrolling.
 */
function sizeOfRow(element: Element, entry: ResizeObserverEntry | undefined, instance: Virtualizer<Window, Element>): number {
  const box = entry?.borderBoxSize?.[0];
  if (box) return Math.round(box.blockSize);
  const index = instance.indexFromElement(element);
  return instance.itemSizeCache.get(instance.options.getItemKey(index)) ?? instance.options.estimateSize(index);
}

function rowKey(row: Row): string {
  if (row.kind === 'more') return 'more';
  if (row.kind === 'file') return `f${row.pos}`;
  if (row.kind === 'note') return `n${row.pos}:${row.note}`;
  if (row.kind === 'images') return `i${row.pos}`;
  return `b${row.pos}:${row.n}`;
}

/** Sizes of the two sides, as known: from the list, else from the hunks. */
function sizes(file: DiffFileInfo, state: FileState | undefined): string {
  const size = (s: number | undefined) => (s === undefined ? 'size unknown' : formatBytes(s));
  const oldSize = file.old.size ?? state?.hunks?.oldSize;
  const newSize = file.new.size ?? state?.hunks?.newSize;
  if (/^0*$/.test(file.old.oid)) return size(newSize);
  if (/^0*$/.test(file.new.oid)) return size(oldSize);
  return `${size(oldSize)} → ${size(newSize)}`;
}

function NoteRow({ note, file, state, onOpen, onRetry }: { note: Note; file: DiffFileInfo; state: FileState | undefined; onOpen: () => void; onRetry: () => void }) {
  switch (note) {
    case 'collapsed': {
      const combined = state?.combined;
      const lines = combined ? combinedLineCount(combined) : (file.added ?? 0) + (file.deleted ?? 0);
      return (
        <div className="df-note" data-testid="diff-collapsed">
          Large diff: {formatCount(lines)} {combined ? 'lines of combined hunks' : 'changed lines'} are hidden until you ask.{' '}
          <button type="button" className="small" onClick={onOpen}>
            Show the diff
          </button>
        </div>
      );
    }
    case 'loading':
      return <div className="df-note muted">Reading the diff…</div>;
    case 'error':
      return (
        <div className="df-note">
          <ErrorBox
            error={state?.error ?? state?.hunks?.error ?? state?.combined?.error ?? file.error ?? { kind: 'Internal', message: 'The diff could not be made', detail: '' }}
            title="The diff of this file could not be made"
          />
          {state?.error && (
            <button type="button" className="small" onClick={onRetry}>
              Try again
            </button>
          )}
        </div>
      );
    case 'binary':
      if (state?.combined) {
        return (
          <div className="df-note" data-testid="diff-binary">
            Binary file: a side is binary, so there are no combined hunks (git prints “Binary files differ”).
          </div>
        );
      }
      return (
        <div className="df-note" data-testid="diff-binary" data-old-size={file.old.size ?? state?.hunks?.oldSize ?? ''} data-new-size={file.new.size ?? state?.hunks?.newSize ?? ''}>
          {file.status === 'A' ? 'Binary file added' : file.status === 'D' ? 'Binary file deleted' : 'Binary file changed'}: {sizes(file, state)}
        </div>
      );
    case 'too-large':
      if (state?.combined) {
        return (
          <div className="df-note" data-testid="diff-too-large">
            Not compared line by line: a side is larger than {formatBytes(DIFF_LIMITS.maxBlobBytes)} or the sides hold too many lines.
          </div>
        );
      }
      return (
        <div className="df-note" data-testid="diff-too-large" data-old-size={file.old.size ?? state?.hunks?.oldSize ?? ''} data-new-size={file.new.size ?? state?.hunks?.newSize ?? ''}>
          Not compared line by line: a side is larger than {formatBytes(DIFF_LIMITS.maxBlobBytes)} ({sizes(file, state)}).
        </div>
      );
    case 'missing':
    case 'unreadable':
      return (
        <div className="df-note">
          {file.error || state?.hunks?.error || state?.combined?.error ? (
            <ErrorBox
              error={(file.error ?? state?.hunks?.error ?? state?.combined?.error)!}
              title={note === 'missing' ? 'A side of this file is not in the repository' : 'A side of this file could not be read'}
            />
          ) : note === 'missing' ? (
            'A side of this file is not in the repository.'
          ) : (
            'A side of this file could not be read.'
          )}
        </div>
      );
    case 'submodule':
      return (
        <div className="df-note">
          Submodule: commit <span className="mono">{/^0*$/.test(file.old.oid) ? 'none' : file.old.oid.slice(0, 12)}</span> →{' '}
          <span className="mono">{/^0*$/.test(file.new.oid) ? 'none' : file.new.oid.slice(0, 12)}</span>
        </div>
      );
    case 'unchanged':
      return (
        <div className="df-note muted" data-testid="diff-unchanged">
          {state?.combined
            ? 'No combined hunks: no line of this file differs from every parent (its mode or type changed, or every change came from one parent).'
            : file.status === 'R' || file.status === 'C'
              ? `File ${file.status === 'R' ? 'renamed' : 'copied'} without changes to its lines.`
              : file.old.mode !== file.new.mode && file.status !== 'A' && file.status !== 'D'
                ? `Only the mode changed (${file.old.mode} → ${file.new.mode}).`
                : (state?.hunks?.oldLines ?? 0) === 0 && (state?.hunks?.newLines ?? 0) === 0
                  ? 'An empty file.'
                  : 'No lines changed.'}
        </div>
      );
    case 'cut':
      return (
        <div className="df-note warn" data-testid="diff-cut">
          {formatCount(state?.hunks?.cut.lines ?? state?.combined?.cut.lines ?? 0)} more lines of this diff are not shown (the first {formatCount(DIFF_LIMITS.maxHunkLines)} are).
        </div>
      );
    case 'plain':
      return (
        <div className="df-note muted" data-testid="diff-plain">
          Shown without syntax colour: this diff holds over {formatCount(COLOUR_MAX_FILE_CHARS)} characters of text.
        </div>
      );
    case 'many-parents':
      return <div className="df-note">This merge has too many parents for a combined diff of its lines; compare it with each parent instead.</div>;
    case 'approximate':
      return (
        <div className="df-note warn" data-testid="diff-approximate">
          Lines lost from several parents are listed parent by parent here: merging them as git does would take too much memory, so some appear once per parent.
        </div>
      );
    case 'reveal-error':
      return state?.revealError ? (
        <div className="df-note">
          <ErrorBox error={state.revealError} title="More lines could not be read" />
        </div>
      ) : null;
  }
}

function MoreRow({ list, loaded }: { list: DiffViewProps['list']; loaded: number }) {
  if (list.status === 'error' && list.error) {
    return (
      <div className="df-more">
        <ErrorBox error={list.error} title="The rest of the file list could not be read" />
        <button type="button" className="small" onClick={list.retry}>
          Try again
        </button>
      </div>
    );
  }
  if (list.truncated && list.done) return <div className="df-more warn">The list stops here: {formatCount(DIFF_LIMITS.maxFiles)} files is as far as the comparison goes.</div>;
  return (
    <div className="df-more muted">
      {list.status === 'loading' ? `Reading more files (${formatCount(loaded)} of ${formatCount(list.total)} so far)…` : ''}
      {list.status === 'cancelled' && (
        <button type="button" className="small" onClick={list.retry}>
          Load more files ({formatCount(loaded)} of {formatCount(list.total)})
        </button>
      )}
      {list.status === 'idle' && (
        <button type="button" className="small" onClick={list.more}>
          Load more files ({formatCount(loaded)} of {formatCount(list.total)})
        </button>
      )}
    </div>
  );
}
