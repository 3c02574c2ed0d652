import { create } from 'zustand';
import type { WireError } from '../../../core/errors.ts';
import type { PackStats } from '../../../protocol/anatomy.ts';
import type { RepoSummary } from '../../../protocol/messages.ts';
import type { Progress } from '../../../protocol/rpc.ts';
import { engine } from '../../client.ts';
import { asWire, useRepo } from '../../stores/repo.ts';
import { isCancelled, runTask } from '../../stores/tasks.ts';
import { shortPackName } from './format.ts';

/**
 * Pack statistics the page has asked for, per pack of the open repository. Each is a scan in
 * the worker (kept there too); here they run as background tasks that outlive the view that
 * started them, so leaving a pack page does not lose a scan half done.
 */

/** Where one pack's statistics stand. */
export type PackStatsEntry =
  | { status: 'queued' }
  | { status: 'running'; progress: Progress | undefined }
  | { status: 'done'; stats: PackStats; ms: number }
  | { status: 'error'; error: WireError }
  | { status: 'cancelled' };

interface PackStatsState {
  /** The summary these belong to; a reload or another folder starts afresh. */
  summary: RepoSummary | undefined;
  entries: Record<string, PackStatsEntry>;
  /** True while "all packs" runs. */
  allRunning: boolean;
  /** Scans one pack (no-op if it is done or running). */
  compute: (pack: string) => Promise<void>;
  /** Scans every pack not yet done, one after another, as one task. */
  computeAll: (packs: string[]) => Promise<void>;
}

const inflight = new Map<string, Promise<void>>();
/** Every running compute, so a new summary can stop them all. */
const controllers = new Set<AbortController>();

function set(pack: string, entry: PackStatsEntry): void {
  usePackStats.setState((s) => ({ entries: { ...s.entries, [pack]: entry } }));
}

/** Runs one pack's scan under `signal`, recording progress and the outcome. */
function scanOne(pack: string, signal: AbortSignal, onProgress?: (p: Progress) => void): Promise<void> {
  const summary = usePackStats.getState().summary;
  const started = performance.now();
  set(pack, { status: 'running', progress: undefined });
  let last = 0;
  const promise = engine
    .call(
      'packStats',
      { pack },
      {
        signal,
        onProgress: (p) => {
          onProgress?.(p);
          const now = performance.now();
          if (now - last < 100) return;
          last = now;
          if (usePackStats.getState().summary === summary) set(pack, { status: 'running', progress: p });
        },
      },
    )
    .then(
      (stats) => {
        if (usePackStats.getState().summary === summary) set(pack, { status: 'done', stats, ms: Math.round(performance.now() - started) });
      },
      (err: unknown) => {
        if (usePackStats.getState().summary !== summary) return;
        set(pack, isCancelled(err) ? { status: 'cancelled' } : { status: 'error', error: asWire(err) });
      },
    )
    .finally(() => inflight.delete(pack));
  inflight.set(pack, promise);
  return promise;
}

/** Pack statistics; see the file comment. */
export const usePackStats = create<PackStatsState>((_set, get) => ({
  summary: useRepo.getState().summary,
  entries: {},
  allRunning: false,
  compute: async (pack) => {
    const known = inflight.get(pack);
    if (known) return known;
    const e = get().entries[pack];
    if (e?.status === 'done') return;
    const controller = new AbortController();
    controllers.add(controller);
    try {
      await runTask(`Statistics of ${shortPackName(pack)}`, (signal, onProgress) => scanOne(pack, signal, onProgress), controller.signal);
    } finally {
      controllers.delete(controller);
    }
  },
  computeAll: async (packs) => {
    if (get().allRunning) return;
    const controller = new AbortController();
    controllers.add(controller);
    const todo = packs.filter((p) => get().entries[p]?.status !== 'done');
    usePackStats.setState((s) => ({
      allRunning: true,
      entries: { ...s.entries, ...Object.fromEntries(todo.filter((p) => !inflight.has(p)).map((p) => [p, { status: 'queued' } as PackStatsEntry])) },
    }));
    try {
      await runTask(
        `Statistics of ${todo.length} packs`,
        async (signal, onProgress) => {
          for (let i = 0; i < todo.length; i++) {
            const pack = todo[i];
            if (signal.aborted) break;
            const label = `Statistics: pack ${i + 1} of ${todo.length}, ${shortPackName(pack)}`;
            onProgress({ done: 0, total: 0, label });
            const running = inflight.get(pack);
            if (running) await running;
            else if (get().entries[pack]?.status !== 'done') await scanOne(pack, signal, (p) => onProgress({ ...p, label }));
          }
        },
        controller.signal,
      );
    } finally {
      controllers.delete(controller);
      // Packs left in the queue by a cancel go back to "not computed".
      usePackStats.setState((s) => ({
        allRunning: false,
        entries: Object.fromEntries(Object.entries(s.entries).map(([k, v]) => [k, v.status === 'queued' ? ({ status: 'cancelled' } as PackStatsEntry) : v])),
      }));
    }
  },
}));

// A new summary (another folder, a reload) makes every result stale: drop them, stop the scans.
useRepo.subscribe((s) => {
  if (s.summary === usePackStats.getState().summary) return;
  for (const c of controllers) c.abort();
  controllers.clear();
  inflight.clear();
  usePackStats.setState({ summary: s.summary, entries: {}, allRunning: false });
});
