import { Cancelled, RpcClient, type CallOptions, type PartialOf } from '../protocol/rpc.ts';
import type { ArgsOf, OpenSource, RequestName, ResultOf } from '../protocol/messages.ts';

/**
 * The page's handle on the worker. If the worker dies (out of memory on a hostile file, a
 * crash) or does not confirm a cancel within a few seconds (stuck in a handler that never
 * yields), a new one is started, the last repository is reopened, and listeners are told.
 */

type Listener = (message: string) => void;

/** Requests named as a person knows them, for the restart notice. */
const REQUEST_WORDS: Partial<Record<RequestName, string>> = {
  search: 'a search',
  blobPlaces: 'finding where blobs appear',
  open: 'opening the folder',
  objectIndex: 'listing the objects',
  objectPage: 'listing the objects',
  verify: 'a verify run',
  reachability: 'the unreachable-objects scan',
};

class WorkerClient {
  private worker: Worker | undefined;
  private rpc: RpcClient | undefined;
  private lastOpen: OpenSource | undefined;
  private readonly listeners = new Set<Listener>();
  private restarting: Promise<void> | undefined;

  private start(): RpcClient {
    const worker = new Worker(new URL('../worker/worker.ts', import.meta.url), { type: 'module', name: 'packscope-engine' });
    const rpc: RpcClient = new RpcClient(worker, {
      // A worker that cannot even confirm a cancel is stuck in a handler that never yields: it
      // would answer nothing again. Replace it (the restart reopens the repository).
      onCancelUnanswered: ({ name, ms }) => {
        if (this.rpc !== rpc) return;
        const reopen = this.lastOpen ? ' and the repository reopened' : '';
        void this.restart(
          `The engine did not answer the cancel of ${REQUEST_WORDS[name] ?? `"${name}"`} within ${Math.round(ms / 1000)} s, so it was restarted${reopen}. Work in progress elsewhere was stopped; start it again if you need it.`,
        );
      },
    });
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      void this.restart(`The engine stopped (${event.message || 'worker error'}) and was restarted.`);
    });
    this.worker = worker;
    this.rpc = rpc;
    return rpc;
  }

  private async restart(reason: string): Promise<void> {
    if (this.restarting) return this.restarting;
    this.restarting = (async () => {
      this.rpc?.failAll(new Error(reason));
      this.worker?.terminate();
      this.worker = undefined;
      const rpc = this.start();
      if (this.lastOpen) {
        try {
          await rpc.call('open', { source: this.lastOpen });
        } catch {
          // The reopen failure shows on the next call.
        }
      }
      for (const l of this.listeners) l(reason);
    })();
    try {
      await this.restarting;
    } finally {
      this.restarting = undefined;
    }
  }

  /** Calls the worker (streaming requests deliver chunks to `onPartial`). `open` calls are remembered for restarts. */
  call<K extends RequestName>(name: K, args: ArgsOf<K>, options?: CallOptions<PartialOf<K>>): Promise<ResultOf<K>> {
    const rpc = this.rpc ?? this.start();
    if (name === 'open') this.lastOpen = (args as ArgsOf<'open'>).source;
    return rpc.call(name, args, options);
  }

  /** Called with a message whenever the worker had to be restarted. */
  onRestart(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

export const engine = new WorkerClient();
export { Cancelled };
