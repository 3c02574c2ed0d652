import { useCallback, useEffect, useRef, useState } from 'react';
import type { WireError } from '../../../core/errors.ts';
import { DIFF_LIMITS, type CombinedFileInfo, type CombinedHunks, type DiffFileInfo, type FileHunks } from '../../../protocol/diff.ts';
import { engine } from '../../client.ts';
import { asWire } from '../../stores/repo.ts';
import { isCancelled } from '../../stores/tasks.ts';
import type { Gap, Revealed } from './rows.ts';

/**
 * The diffs of the files of one comparison, loaded as they come into view (a few requests at
 * a time, so scrolling past a thousand files asks for the ones on screen, not all of them), and
 * what the person did to each: opened or collapsed it, revealed lines between hunks.
 */

/** One file's diff as the view holds it. */
export interface FileState {
  /** Opened or collapsed by the person; undefined: as its size decides (see `openByDefault`). */
  open?: boolean;
  hunks?: FileHunks;
  /** A merge's file in the combined view: its combined hunks (instead of `hunks`). */
  combined?: CombinedHunks;
  loading?: boolean;
  error?: WireError;
  /** Lines revealed in each gap (by gap index). */
  revealed: ReadonlyMap<number, Revealed>;
  /** Text of revealed lines, by new-side line number. */
  context: ReadonlyMap<number, string>;
  /** Reading lines for a reveal. */
  revealing?: boolean;
  revealError?: WireError;
  /** The hunks are the whole file (one hunk, every line). */
  whole?: boolean;
}

/** Lines revealed per click of an expand button (as code hosts do). */
export const REVEAL_STEP = 20;
/** Requests for hunks in flight at once. */
const IN_FLIGHT = 3;
/** A file with more changed lines than this waits for a click. */
export const BIG_DIFF_LINES = 1_500;
/** A comparison with more files than this shows each file collapsed until asked. */
export const MANY_FILES = 300;

const NOTHING: FileState = { revealed: new Map(), context: new Map() };

/** The zero id of the repository's hash length: an absent side. */
function side(oid: string): string {
  return /^0+$/.test(oid) ? '' : oid;
}

/** Whether a file's diff shows without a click: not too big, and not one of too many. */
export function openByDefault(file: DiffFileInfo, totalFiles: number): boolean {
  if (totalFiles > MANY_FILES) return false;
  return (file.added ?? 0) + (file.deleted ?? 0) <= BIG_DIFF_LINES;
}

/** A merge's files in the combined view: their hunks come from `diffCombinedHunks`. */
export interface CombinedSource {
  /** `--cc` (true) or `-c`. */
  dense: boolean;
  /** The merge's file behind each listed file (by its index). */
  files: ReadonlyMap<number, CombinedFileInfo>;
}

/** Lines of a combined diff as shown (to decide whether it waits for a click). */
export function combinedLineCount(c: CombinedHunks): number {
  let n = 0;
  for (const h of c.hunks) n += h.lines.length;
  return n;
}

/**
 * Per-file diff state of one comparison (`key` changes: everything starts over). With
 * `combined`, each file's hunks are its combined hunks against every parent.
 */
export function useFileDiffs(key: string, combined?: CombinedSource) {
  const combinedRef = useRef(combined);
  combinedRef.current = combined;
  const [states, setStates] = useState<ReadonlyMap<number, FileState>>(new Map());
  const latest = useRef(states);
  latest.current = states;
  const controller = useRef(new AbortController());
  const inFlight = useRef(new Set<number>());
  const waiting = useRef<DiffFileInfo[]>([]);

  useEffect(() => {
    const c = new AbortController();
    controller.current = c;
    inFlight.current = new Set();
    waiting.current = [];
    setStates(new Map());
    return () => c.abort();
  }, [key]);

  const patch = useCallback((index: number, change: (s: FileState) => FileState) => {
    setStates((m) => {
      const next = new Map(m);
      next.set(index, change(m.get(index) ?? NOTHING));
      return next;
    });
  }, []);

  const pump = useCallback(() => {
    const c = controller.current;
    while (inFlight.current.size < IN_FLIGHT && waiting.current.length > 0) {
      const file = waiting.current.shift()!;
      if (inFlight.current.has(file.index)) continue;
      inFlight.current.add(file.index);
      patch(file.index, (s) => ({ ...s, loading: true, error: undefined }));
      const source = combinedRef.current;
      const merged = source?.files.get(file.index);
      const request: Promise<Pick<FileState, 'hunks' | 'combined'>> = merged
        ? engine
            .call(
              'diffCombinedHunks',
              { oid: side(merged.oid), mode: merged.mode, parents: merged.parents.map((p) => ({ oid: side(p.oid), mode: p.mode })), dense: source?.dense !== false },
              { signal: c.signal },
            )
            .then((combined) => ({ combined }))
        : engine.call('diffHunks', { oldOid: side(file.old.oid), newOid: side(file.new.oid), oldMode: file.old.mode, newMode: file.new.mode }, { signal: c.signal }).then((hunks) => ({ hunks }));
      request
        .then(
          (got) => {
            if (!c.signal.aborted) patch(file.index, (s) => ({ ...s, ...got, loading: false }));
          },
          (err: unknown) => {
            if (!c.signal.aborted && !isCancelled(err)) patch(file.index, (s) => ({ ...s, loading: false, error: asWire(err) }));
          },
        )
        .finally(() => {
          if (controller.current !== c) return;
          inFlight.current.delete(file.index);
          pump();
        });
    }
  }, [patch]);

  /** Asks for the hunks of these files (the ones in view), nearest first; others waiting are dropped. */
  const want = useCallback(
    (files: DiffFileInfo[]) => {
      const m = latest.current;
      waiting.current = files.filter((f) => {
        const s = m.get(f.index);
        return !s?.hunks && !s?.combined && !s?.loading && !s?.error && !inFlight.current.has(f.index);
      });
      pump();
    },
    [pump],
  );

  const setOpen = useCallback((index: number, open: boolean) => patch(index, (s) => ({ ...s, open })), [patch]);

  /** Opens or collapses many files at once (Expand all, Collapse all). */
  const setOpenAll = useCallback((indices: number[], open: boolean) => {
    setStates((m) => {
      const next = new Map(m);
      for (const i of indices) next.set(i, { ...(m.get(i) ?? NOTHING), open });
      return next;
    });
  }, []);

  /** Reveals hidden lines of a gap: `up` the lines just above the next hunk, `down` those below the one before, or all. */
  const reveal = useCallback(
    async (file: DiffFileInfo, gap: Gap, how: 'up' | 'down' | 'all') => {
      const c = controller.current;
      const s = latest.current.get(file.index) ?? NOTHING;
      const r = s.revealed.get(gap.index) ?? { top: 0, bottom: 0 };
      const hidden = gap.count - r.top - r.bottom;
      if (hidden <= 0 || s.revealing) return;
      const next: Revealed =
        how === 'all' || hidden <= REVEAL_STEP
          ? { top: r.top + hidden, bottom: r.bottom }
          : how === 'down'
            ? { top: r.top + REVEAL_STEP, bottom: r.bottom }
            : { top: r.top, bottom: r.bottom + REVEAL_STEP };
      // The new lines: [from, to) counted from the gap's first line.
      const from = next.top > r.top ? r.top : gap.count - next.bottom;
      const to = next.top > r.top ? next.top : gap.count - r.bottom;
      patch(file.index, (st) => ({ ...st, revealing: true, revealError: undefined }));
      try {
        const text = new Map(s.context);
        for (let at = from; at < to; ) {
          const count = Math.min(DIFF_LIMITS.maxBlobLines, to - at);
          const got = await engine.call('diffBlobLines', { oid: side(file.new.oid), start: gap.newStart + at, count }, { signal: c.signal });
          got.lines.forEach((line, k) => text.set(got.start + k, line));
          if (got.lines.length === 0) break;
          at += got.lines.length;
        }
        if (c.signal.aborted) return;
        patch(file.index, (st) => ({ ...st, revealing: false, context: text, revealed: new Map(st.revealed).set(gap.index, next) }));
      } catch (err) {
        if (!c.signal.aborted && !isCancelled(err)) patch(file.index, (st) => ({ ...st, revealing: false, revealError: asWire(err) }));
      }
    },
    [patch],
  );

  /** The whole file as one hunk: every line, the changes in place. */
  const showWhole = useCallback(
    async (file: DiffFileInfo) => {
      const c = controller.current;
      patch(file.index, (st) => ({ ...st, revealing: true, revealError: undefined }));
      try {
        const hunks = await engine.call('diffHunks', { oldOid: side(file.old.oid), newOid: side(file.new.oid), oldMode: file.old.mode, newMode: file.new.mode, whole: true }, { signal: c.signal });
        if (!c.signal.aborted) patch(file.index, (st) => ({ ...st, revealing: false, hunks, whole: true, revealed: new Map(), context: new Map() }));
      } catch (err) {
        if (!c.signal.aborted && !isCancelled(err)) patch(file.index, (st) => ({ ...st, revealing: false, revealError: asWire(err) }));
      }
    },
    [patch],
  );

  /** Asks again for a file whose hunks failed. */
  const retry = useCallback(
    (file: DiffFileInfo) => {
      patch(file.index, (s) => ({ ...s, error: undefined }));
      waiting.current.unshift(file);
      pump();
    },
    [patch, pump],
  );

  return { states, want, setOpen, setOpenAll, reveal, showWhole, retry };
}
