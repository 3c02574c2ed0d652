import { useEffect, useState } from 'react';
import type { FileFinderAnswer } from '../../../protocol/browse-extras.ts';
import type { TreeEntryInfo } from '../../../protocol/messages.ts';
import type { Progress } from '../../../protocol/rpc.ts';
import { engine } from '../../client.ts';
import { useRequest, type RequestState } from '../../lib/request.ts';

/**
 * The browse page's own worker requests, as hooks: the file finder's matches and a folder's
 * name filter (asked after a pause in typing, not shown in the task bar: they are cheap and
 * replaced at each key), and a folder's README (a visible task; it may read a large blob).
 */

/** What the file finder shows: the last answer, and whether the current query's is under way or failed. */
export interface FinderState {
  status: 'loading' | 'done' | 'error';
  answer?: FileFinderAnswer;
  error: string;
}

/** The commit's paths matching `query` (fuzzy, at most `limit`), asked 60 ms after the last key (at once for the empty query). */
export function useFileFinderMatches(commit: string, query: string, limit: number, onAnswer: () => void): FinderState {
  const [state, setState] = useState<FinderState>({ status: 'loading', error: '' });
  // biome-ignore lint/correctness/useExhaustiveDependencies: `onAnswer` is the caller's reaction to a new answer, not a reason to ask again.
  useEffect(() => {
    const controller = new AbortController();
    setState((s) => ({ ...s, status: 'loading' }));
    const timer = setTimeout(
      () => {
        engine.call('findFiles', { commit, query, limit }, { signal: controller.signal }).then(
          (answer) => {
            setState((s) => ({ ...s, answer, status: 'done' }));
            onAnswer();
          },
          (err: unknown) => {
            if (controller.signal.aborted) return;
            setState((s) => ({ ...s, error: err instanceof Error ? err.message : String(err), status: 'error' }));
          },
        );
      },
      query === '' ? 0 : 60,
    );
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [commit, query, limit]);
  return state;
}

/** A folder's name filter: idle with no query, else the worker's answer. */
export interface FilterState {
  status: 'idle' | 'loading' | 'done';
  answer?: { entries: TreeEntryInfo[]; positions: number[]; total: number };
  error?: string;
}

/** The entries of tree `tree` whose names contain `query` (at most `limit`), asked of the worker (it holds every entry of a large folder) after a short pause in typing. */
export function useTreeFilter(tree: string, query: string, limit: number): FilterState {
  const [state, setState] = useState<FilterState>({ status: 'idle' });
  useEffect(() => {
    if (query === '') {
      setState({ status: 'idle' });
      return;
    }
    const controller = new AbortController();
    setState((s) => ({ ...s, status: 'loading' }));
    const timer = setTimeout(() => {
      engine.call('filterTree', { oid: tree, query, limit }, { signal: controller.signal }).then(
        (answer) => setState({ status: 'done', answer }),
        (err: unknown) => {
          if (!controller.signal.aborted) setState({ status: 'done', error: err instanceof Error ? err.message : String(err) });
        },
      );
    }, 100);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [tree, query, limit]);
  return state;
}

/** A README found and read. */
export interface ReadmeFound {
  name: string;
  oid: string;
  text: string;
  size: number;
}

/**
 * Reads a folder's README: `listed` (an entry the listing already has), else the first of
 * `names` the folder has as a file; nothing when it is not text or over `maxBytes`. `ask`
 * false: nothing asked (yet). Asked again when `tree`, `rev` or `ask` change.
 */
export function useFolderReadme(
  rev: string,
  path: string[],
  tree: string,
  listed: { name: string; oid: string } | undefined,
  names: readonly string[],
  maxBytes: number,
  ask: boolean,
): RequestState<ReadmeFound | undefined> {
  const read = async (signal: AbortSignal, onProgress: (p: Progress) => void): Promise<ReadmeFound | undefined> => {
    let entry: { name: string; oid: string } | undefined = listed;
    for (let i = 0; !entry && i < names.length; i++) {
      const name = names[i];
      const found = await engine.call('browse', { rev, path: [...path, name] }, { signal }).catch(() => undefined);
      if (found?.target.kind === 'blob' && (found.target.mode === '100644' || found.target.mode === '100755')) entry = { name, oid: found.target.oid };
    }
    if (!entry) return undefined;
    const detail = await engine.call('object', { oid: entry.oid }, { signal });
    const content = detail.content;
    if (content?.kind !== 'blob' || content.text === undefined || content.size > maxBytes) return undefined;
    const text = content.truncated ? (await engine.call('blobText', { oid: entry.oid }, { signal, onProgress })).text : content.text;
    return { name: entry.name, oid: entry.oid, text, size: content.size };
  };
  return useRequest<ReadmeFound | undefined>('Reading the README', ask ? read : undefined, [tree, rev, ask]);
}
