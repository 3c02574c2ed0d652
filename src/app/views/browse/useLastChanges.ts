import { useEffect, useState } from 'react';
import type { WireError } from '../../../core/errors.ts';
import type { CommitBrief, LastChangeSummary } from '../../../protocol/browse-extras.ts';
import { engine, Cancelled } from '../../client.ts';
import { asWire } from '../../stores/repo.ts';

/**
 * A folder's last commit per entry and its file sizes, streamed from the worker while the
 * listing is on screen (gathered for FLUSH_MS so 500 entries do not render 500 times). Leaving
 * the folder cancels the walk.
 */

const FLUSH_MS = 120;

export interface LastChanges {
  status: 'idle' | 'running' | 'done' | 'error';
  /** Browse position -> size in bytes (files only). */
  sizes: Map<number, number>;
  /** Browse position -> the commit that last changed the entry. */
  commits: Map<number, CommitBrief>;
  resolved: number;
  walked: number;
  summary?: LastChangeSummary;
  error?: WireError;
}

const IDLE: LastChanges = { status: 'idle', sizes: new Map(), commits: new Map(), resolved: 0, walked: 0 };

/** Runs the walk for `commit` (full id) at `path`; a tree browsed without a commit ('') asks for nothing. */
export function useLastChanges(commit: string, path: string[], key: string): LastChanges {
  const [state, setState] = useState<LastChanges>(IDLE);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for commit and path (a new array on every render).
  useEffect(() => {
    if (!commit) {
      setState(IDLE);
      return;
    }
    const controller = new AbortController();
    const sizes = new Map<number, number>();
    const byEntry = new Map<number, CommitBrief>();
    const briefs: CommitBrief[] = [];
    let walked = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let live = true;
    const flush = () => {
      timer = undefined;
      if (live) setState((s) => ({ ...s, sizes: new Map(sizes), commits: new Map(byEntry), resolved: byEntry.size, walked }));
    };
    setState({ ...IDLE, status: 'running' });
    engine
      .call(
        'lastChanges',
        { commit, path },
        {
          signal: controller.signal,
          onPartial: (chunk) => {
            if (chunk.sizes) for (const [p, size] of chunk.sizes) sizes.set(p, size);
            briefs.push(...chunk.commits);
            for (const [p, c] of chunk.entries) byEntry.set(p, briefs[c]);
            walked = chunk.walked;
            timer ??= setTimeout(flush, FLUSH_MS);
          },
        },
      )
      .then(
        (summary) => {
          if (timer) clearTimeout(timer);
          if (!live) return;
          flush();
          setState((s) => ({ ...s, status: 'done', summary, walked: summary.walked }));
        },
        (err: unknown) => {
          if (timer) clearTimeout(timer);
          if (!live || err instanceof Cancelled) return;
          flush();
          setState((s) => ({ ...s, status: 'error', error: asWire(err) }));
        },
      );
    return () => {
      live = false;
      controller.abort();
      if (timer) clearTimeout(timer);
    };
  }, [key]);
  return state;
}
