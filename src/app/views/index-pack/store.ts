import { create } from 'zustand';
import type { WireError } from '../../../core/errors.ts';
import type { IndexPackOutcome } from '../../../protocol/index-pack.ts';
import type { Progress } from '../../../protocol/rpc.ts';
import { engine } from '../../client.ts';
import { asWire, useRepo } from '../../stores/repo.ts';
import { isCancelled, runTask } from '../../stores/tasks.ts';

/**
 * index-pack runs per pack: its state, progress and outcome. The worker keeps the job, so a
 * cancelled run continues where it stopped and a finished one is fetched again, not redone.
 */

export type IndexPackEntry =
  | { status: 'running'; progress: Progress | undefined }
  | { status: 'cancelled'; progress: Progress | undefined }
  | { status: 'done'; outcome: IndexPackOutcome }
  | { status: 'error'; error: WireError };

interface IndexPackState {
  /** By pack name, for the folder in `title`. */
  entries: Record<string, IndexPackEntry>;
  /** The folder the entries belong to (its summary title and open time). */
  folder: string | undefined;
  run: (name: string) => Promise<void>;
  /** Shows a run the worker already finished (after leaving the page and coming back). */
  restore: (name: string) => Promise<void>;
}

function folderKey(): string | undefined {
  const s = useRepo.getState().summary;
  return s ? `${useRepo.getState().key} ${s.title} ${s.openMs}` : undefined;
}

export const useIndexPack = create<IndexPackState>((set, get) => {
  const put = (name: string, entry: IndexPackEntry) => set((s) => ({ entries: { ...s.entries, [name]: entry } }));
  /** Entries of another folder are dropped before use. */
  const sameFolder = () => {
    const key = folderKey();
    if (get().folder !== key) set({ entries: {}, folder: key });
  };
  const finish = (name: string, outcome: IndexPackOutcome) => {
    put(name, { status: 'done', outcome });
    if (outcome.summary) {
      // The folder now reads the pack through the new idx: the summary lists it with its objects.
      useRepo.setState({ summary: outcome.summary });
      set({ folder: folderKey() });
    }
  };
  return {
    entries: {},
    folder: undefined,
    run: async (name) => {
      sameFolder();
      if (get().entries[name]?.status === 'running') return;
      put(name, { status: 'running', progress: undefined });
      try {
        const outcome = await runTask(`Indexing ${name}.pack`, (signal, onProgress) =>
          engine.call(
            'indexPack',
            { name },
            {
              signal,
              onProgress: (p) => {
                onProgress(p);
                put(name, { status: 'running', progress: p });
              },
            },
          ),
        );
        finish(name, outcome);
      } catch (err) {
        const last = get().entries[name];
        const progress = last?.status === 'running' ? last.progress : undefined;
        if (isCancelled(err)) put(name, { status: 'cancelled', progress });
        else put(name, { status: 'error', error: asWire(err) });
      }
    },
    restore: async (name) => {
      sameFolder();
      if (get().entries[name]) return;
      try {
        const outcome = await engine.call('indexPackResult', { name });
        if (outcome && !get().entries[name]) put(name, { status: 'done', outcome });
      } catch {
        // Nothing to restore: the page offers to index the pack.
      }
    },
  };
});
