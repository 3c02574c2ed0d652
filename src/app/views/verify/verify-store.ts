import { create } from 'zustand';
import type { WireError } from '../../../core/errors.ts';
import type { RepoSummary } from '../../../protocol/messages.ts';
import type { Progress } from '../../../protocol/rpc.ts';
import type { Finding, VerifyRunState } from '../../../protocol/verify.ts';
import { engine } from '../../client.ts';
import { asWire, useRepo } from '../../stores/repo.ts';
import { isCancelled, runTask } from '../../stores/tasks.ts';

/**
 * The verification of the open folder as the page sees it. The run itself lives in the worker
 * (and outlives this page); this store drives it with one long `verify` request and, while
 * that runs, polls `verifyStatus` for the findings found since the last poll, so the table
 * fills as they are found. Reports are built in the worker (evidence hashed first) and offered
 * as downloads; nothing is written into the opened folder.
 */

/** How often the findings are fetched while a run goes on. */
const POLL_MS = 250;

/** A report download in progress or failed. */
export type ReportState = { status: 'idle' } | { status: 'working'; format: 'json' | 'html'; progress: Progress | undefined } | { status: 'error'; error: WireError };

interface VerifyStoreState {
  /** The folder these results belong to; another folder or a reload starts afresh. */
  summary: RepoSummary | undefined;
  /** The worker's run, as last fetched (undefined until the first fetch). */
  run: VerifyRunState | undefined;
  findings: Finding[];
  /** True while this page drives a run. */
  driving: boolean;
  /** The run's progress as the verify request reports it. */
  progress: Progress | undefined;
  /** A failure of the request itself (the engine's own failure is in `run.error`). */
  error: WireError | undefined;
  report: ReportState;
  /** Fetches the last run of this folder (revisiting the tab). */
  load: () => Promise<void>;
  /** Starts a fresh run, or continues a cancelled one. */
  start: (mode: 'fresh' | 'continue') => Promise<void>;
  /** Stops the run where it is. */
  cancel: () => void;
  /** Builds the report in the worker and downloads it. */
  download: (format: 'json' | 'html') => Promise<void>;
}

let controller: AbortController | undefined;
let reportController: AbortController | undefined;

/** Fetches new findings until the page has every finding the worker has. */
async function fetchNew(summary: RepoSummary | undefined): Promise<void> {
  for (;;) {
    const have = useVerify.getState().findings.length;
    const { state, findings } = await engine.call('verifyStatus', { since: have });
    if (useVerify.getState().summary !== summary) return;
    useVerify.setState((s) => ({ run: state, findings: findings.length ? [...s.findings, ...findings] : s.findings }));
    if (findings.length === 0 || have + findings.length >= state.findingCount) return;
  }
}

/** The state shown for a run cancelled before the worker reported anything. */
function stoppedBeforeStart(): VerifyRunState {
  return { status: 'cancelled', startedAtMs: Date.now(), durationMs: 0, progress: { phase: 'starting', done: 0, total: 0, objectsDone: 0, objectsTotal: 0 }, findingCount: 0 };
}

/** After a cancel: fetches the findings and state once the worker has stopped the run (it says `running` until its next pause). */
async function settleAfterCancel(summary: RepoSummary | undefined): Promise<void> {
  for (let attempt = 0; attempt < 240; attempt++) {
    if (useVerify.getState().summary !== summary || useVerify.getState().driving) return;
    try {
      await fetchNew(summary);
    } catch (err) {
      useVerify.setState({ error: asWire(err) });
      return;
    }
    const run = useVerify.getState().run;
    if (run?.status !== 'running') return;
    // Still running in the worker: keep showing it stopped, and look again shortly.
    useVerify.setState({ run: { ...run, status: 'cancelled' } });
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/** Saves bytes as a file through a blob URL (the browser's download, never the opened folder). */
function saveAs(bytes: Uint8Array, fileName: string, mimeType: string): void {
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: mimeType }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The verification store; see the file comment. */
export const useVerify = create<VerifyStoreState>((set, get) => ({
  summary: useRepo.getState().summary,
  run: undefined,
  findings: [],
  driving: false,
  progress: undefined,
  error: undefined,
  report: { status: 'idle' },

  load: async () => {
    const summary = get().summary;
    if (get().driving) return;
    try {
      await fetchNew(summary);
    } catch (err) {
      if (get().summary === summary) set({ error: asWire(err) });
    }
  },

  start: async (mode) => {
    if (get().driving) return;
    const summary = get().summary;
    controller = new AbortController();
    const own = controller;
    set({ driving: true, error: undefined, progress: undefined, ...(mode === 'fresh' ? { findings: [], run: undefined } : {}) });
    let polling = true;
    const poll = (async () => {
      while (polling) {
        await new Promise((r) => setTimeout(r, POLL_MS));
        if (!polling || get().summary !== summary) break;
        try {
          await fetchNew(summary);
        } catch {
          // The verify request reports failures; a missed poll is caught up by the next.
        }
      }
    })();
    try {
      await runTask(
        'Verifying everything',
        (signal, onProgress) =>
          engine.call(
            'verify',
            { mode },
            {
              signal,
              onProgress: (p) => {
                onProgress(p);
                if (get().summary === summary) set({ progress: p });
              },
            },
          ),
        own.signal,
      );
    } catch (err) {
      if (!isCancelled(err) && get().summary === summary) set({ error: asWire(err) });
    } finally {
      polling = false;
      if (get().summary === summary) {
        if (own.signal.aborted) {
          // The worker stops at its next pause, which may be a while on a loaded machine: show
          // the run as stopped now, and take the worker's own account when it has stopped.
          set((s) => ({ driving: false, progress: undefined, run: { ...(s.run ?? stoppedBeforeStart()), status: 'cancelled' } }));
          void poll.then(() => settleAfterCancel(summary));
        } else {
          await poll;
          try {
            await fetchNew(summary);
          } catch (err) {
            set({ error: asWire(err) });
          }
          set({ driving: false, progress: undefined });
        }
      }
      if (controller === own) controller = undefined;
    }
  },

  cancel: () => controller?.abort(),

  download: async (format) => {
    if (get().report.status === 'working') return;
    const summary = get().summary;
    reportController = new AbortController();
    set({ report: { status: 'working', format, progress: undefined } });
    try {
      const result = await runTask(
        `Writing the ${format.toUpperCase()} report`,
        (signal, onProgress) =>
          engine.call(
            'findingsReport',
            { format },
            {
              signal,
              onProgress: (p) => {
                onProgress(p);
                if (get().summary === summary) set({ report: { status: 'working', format, progress: p } });
              },
            },
          ),
        reportController.signal,
      );
      if (get().summary !== summary) return;
      saveAs(result.bytes, result.fileName, result.mimeType);
      set({ report: { status: 'idle' } });
    } catch (err) {
      if (get().summary !== summary) return;
      set({ report: isCancelled(err) ? { status: 'idle' } : { status: 'error', error: asWire(err) } });
    }
  },
}));

/** Stops the report being written. */
export function cancelReport(): void {
  reportController?.abort();
}

// Another folder, or a reload: the results belong to the old one; stop and forget them.
useRepo.subscribe((s) => {
  if (s.summary === useVerify.getState().summary) return;
  controller?.abort();
  reportController?.abort();
  useVerify.setState({ summary: s.summary, run: undefined, findings: [], driving: false, progress: undefined, error: undefined, report: { status: 'idle' } });
});
