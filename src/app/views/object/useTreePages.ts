import { useCallback, useEffect, useRef, useState } from 'react';
import type { WireError } from '../../../core/errors.ts';
import type { TreeEntryInfo, TreeOrder } from '../../../protocol/messages.ts';
import { engine } from '../../client.ts';
import { asWire } from '../../stores/repo.ts';

/** Entries asked for at a time. */
export const TREE_PAGE = 200;
/** Pages kept; farther ones are dropped and asked for again when scrolled back to. */
const KEPT_PAGES = 200;

/** A tree's entries by position: the first ones came with the object or browse answer, the rest a page at a time. */
export interface TreePages {
  /** The entry at `i`, or undefined while its page is on the way. */
  at(i: number): TreeEntryInfo | undefined;
  /** Asks for the pages holding [first, last]. */
  want(first: number, last: number): void;
  /** Changes when pages arrive. */
  version: number;
  error: WireError | undefined;
}

interface Loaded {
  first: TreeEntryInfo[];
  pages: Map<number, TreeEntryInfo[] | 'loading'>;
}

/** The pages the first entries fill (a last, short page only when it ends the tree). */
function seed(first: TreeEntryInfo[], total: number): Loaded {
  const pages = new Map<number, TreeEntryInfo[] | 'loading'>();
  for (let p = 0; p * TREE_PAGE < first.length; p++) {
    const page = first.slice(p * TREE_PAGE, (p + 1) * TREE_PAGE);
    if (page.length === TREE_PAGE || p * TREE_PAGE + page.length === total) pages.set(p, page);
  }
  return { first, pages };
}

/** Pages of the tree `oid` in `order`, seeded with the `first` entries of `total` (a new `first` starts over). */
export function useTreePages(oid: string, order: TreeOrder, first: TreeEntryInfo[], total: number): TreePages {
  const loaded = useRef<Loaded | undefined>(undefined);
  if (loaded.current?.first !== first) loaded.current = seed(first, total);
  const current = loaded.current;
  const [version, setVersion] = useState(0);
  const [error, setError] = useState<WireError | undefined>(undefined);

  // Requests of a tree no longer shown are cancelled; call `want` only from effects declared after this hook.
  const controller = useRef<AbortController | undefined>(undefined);
  useEffect(() => {
    const c = new AbortController();
    controller.current = c;
    setError(undefined);
    return () => {
      c.abort();
      for (const [p, page] of current.pages) if (page === 'loading') current.pages.delete(p);
    };
  }, [current]);

  const want = useCallback(
    (from: number, to: number) => {
      const map = current.pages;
      const signal = controller.current?.signal;
      if (!signal || signal.aborted) return;
      for (let p = Math.max(0, Math.floor(from / TREE_PAGE)); p <= Math.floor(Math.min(to, total - 1) / TREE_PAGE); p++) {
        if (map.has(p)) continue;
        map.set(p, 'loading');
        engine.call('treeEntries', { oid, order, start: p * TREE_PAGE, count: TREE_PAGE }, { signal }).then(
          (r) => {
            if (signal.aborted) return;
            map.set(p, r.entries);
            // Keep memory flat while someone scrolls through a million entries: drop the farthest pages.
            if (map.size > KEPT_PAGES) {
              const far = [...map.keys()].sort((a, b) => Math.abs(b - p) - Math.abs(a - p));
              for (const k of far.slice(0, map.size - KEPT_PAGES)) map.delete(k);
            }
            setVersion((v) => v + 1);
          },
          (err: unknown) => {
            if (signal.aborted) return;
            map.delete(p);
            setError(asWire(err));
          },
        );
      }
    },
    [current, oid, order, total],
  );

  const at = useCallback(
    (i: number) => {
      const page = current.pages.get(Math.floor(i / TREE_PAGE));
      return page && page !== 'loading' ? page[i % TREE_PAGE] : undefined;
    },
    [current],
  );

  return { at, want, version, error };
}
