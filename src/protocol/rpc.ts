import { fromWire, toWire, type WireError } from '../core/errors.ts';
import type { ArgsOf, FromWorker, RequestName, Requests, ResultOf, ToWorker } from './messages.ts';

/**
 * Promise-based RPC over anything with postMessage (a Worker, a MessagePort). The page side
 * is `RpcClient`; the worker side is `serve`. Both are testable over a MessageChannel.
 */

/** The postMessage surface both ends need. */
export interface Port {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
}

/** Progress of one request. */
export interface Progress {
  done: number;
  total: number;
  label: string;
  /** What `done` and `total` count: objects, entries, bytes (absent from older workers). */
  unit?: string;
  /** Milliseconds left at the rate so far, when there is a rate. */
  etaMs?: number;
}

/** The optional parts of a progress report. */
export type ProgressExtra = Pick<Progress, 'unit' | 'etaMs'>;

/**
 * What a streaming request sends before its result: the third element of its entry in
 * `Requests` (`name: [args, result, chunk]`); `never` for requests that do not stream.
 */
export type PartialOf<K extends RequestName> = Requests[K] extends readonly [unknown, unknown, infer P] ? P : never;

/** Options of one call. */
export interface CallOptions<P = unknown> {
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
  /** Receives each chunk a streaming handler emits, in order, before the result arrives. */
  onPartial?: (chunk: P) => void;
  transfer?: Transferable[];
}

/** Thrown by a call that was cancelled. */
export class Cancelled extends Error {
  constructor() {
    super('cancelled');
    this.name = 'Cancelled';
  }
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
  onProgress: ((p: Progress) => void) | undefined;
  onPartial: ((chunk: unknown) => void) | undefined;
}

/** A cancel the worker did not confirm in time: which request, and how long the client waited. */
export interface UnansweredCancel {
  id: number;
  name: RequestName;
  ms: number;
}

/** Options of the page side. */
export interface RpcClientOptions {
  /**
   * Called when the worker has not confirmed a cancel within `cancelAckMs` (default 4 s): its
   * event loop is held (a handler that never yields), so it will not answer anything else.
   */
  onCancelUnanswered?: (cancel: UnansweredCancel) => void;
  cancelAckMs?: number;
}

/** How long a cancel may go unconfirmed before the worker is taken for stuck. */
export const CANCEL_ACK_MS = 4_000;

/** The page side. */
export class RpcClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  /** Cancels sent and not yet confirmed: the timer that gives up on each. */
  private readonly unconfirmed = new Map<number, ReturnType<typeof setTimeout>>();

  constructor(
    private readonly port: Port,
    private readonly options: RpcClientOptions = {},
  ) {
    port.addEventListener('message', (event) => this.receive(event.data as FromWorker));
  }

  call<K extends RequestName>(name: K, args: ArgsOf<K>, options: CallOptions<PartialOf<K>> = {}): Promise<ResultOf<K>> {
    const id = this.nextId++;
    return new Promise<ResultOf<K>>((resolve, reject) => {
      if (options.signal?.aborted) {
        reject(new Cancelled());
        return;
      }
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, onProgress: options.onProgress, onPartial: options.onPartial as ((chunk: unknown) => void) | undefined });
      options.signal?.addEventListener('abort', () => {
        if (!this.pending.has(id)) return;
        this.pending.delete(id);
        this.port.postMessage({ type: 'cancel', id } satisfies ToWorker);
        this.awaitConfirmation(id, name);
        reject(new Cancelled());
      });
      this.port.postMessage({ type: 'request', id, name, args } satisfies ToWorker, options.transfer ?? []);
    });
  }

  /** Rejects every pending call (the worker died); cancels waiting for confirmation are forgotten. */
  failAll(error: Error): void {
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
    for (const timer of this.unconfirmed.values()) clearTimeout(timer);
    this.unconfirmed.clear();
  }

  private awaitConfirmation(id: number, name: RequestName): void {
    const onUnanswered = this.options.onCancelUnanswered;
    if (!onUnanswered) return;
    const ms = this.options.cancelAckMs ?? CANCEL_ACK_MS;
    this.unconfirmed.set(
      id,
      setTimeout(() => {
        if (this.unconfirmed.delete(id)) onUnanswered({ id, name, ms });
      }, ms),
    );
  }

  private receive(msg: FromWorker): void {
    if (msg.type === 'ready') return;
    if (msg.type === 'cancelled') {
      clearTimeout(this.unconfirmed.get(msg.id));
      this.unconfirmed.delete(msg.id);
      return;
    }
    const p = this.pending.get(msg.id);
    if (!p) return;
    if (msg.type === 'progress') {
      const progress: Progress = { done: msg.done, total: msg.total, label: msg.label };
      if (msg.unit !== undefined) progress.unit = msg.unit;
      if (msg.etaMs !== undefined) progress.etaMs = msg.etaMs;
      p.onProgress?.(progress);
      return;
    }
    if (msg.type === 'partial') {
      p.onPartial?.(msg.chunk);
      return;
    }
    this.pending.delete(msg.id);
    if (msg.type === 'result') p.resolve(msg.result);
    else p.reject(fromWire(msg.error));
  }
}

/** What a handler gets besides its arguments. */
export interface HandlerContext {
  /** Reports progress (rate-limited by the caller's needs; cheap to call), with its unit and time estimate when known. */
  progress(done: number, total: number, label: string, extra?: ProgressExtra): void;
  /** The name of the request being answered (the job queue learns its view from it). */
  readonly request?: string;
  /** Throws Cancelled when the page cancelled this request; call it in long loops. */
  checkCancelled(): void;
  /** Yields to the event loop so other requests (lookups) run; then checks cancellation. */
  pause(): Promise<void>;
  /** Byte arrays to move instead of copy. */
  transfer(...buffers: ArrayBuffer[]): void;
}

/** The context of a streaming request: it can send chunks of its answer as it finds them. */
export interface StreamContext<P> extends HandlerContext {
  /** Sends a chunk to the caller's `onPartial` now (dropped once the call was cancelled). */
  emit(chunk: P, transfer?: ArrayBuffer[]): void;
}

/** The context a request's handler gets: streaming requests' can `emit` chunks. */
export type ContextOf<K extends RequestName> = [PartialOf<K>] extends [never] ? HandlerContext : StreamContext<PartialOf<K>>;

/** One handler per request name. */
export type Handlers = { [K in RequestName]: (args: ArgsOf<K>, ctx: ContextOf<K>) => Promise<ResultOf<K>> | ResultOf<K> };

/** Yields to the event loop through a MessageChannel (setTimeout is clamped to 4 ms when nested). */
export function yieldNow(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

/** The worker side: runs handlers, reports progress, honours cancellation. */
export function serve(port: Port, handlers: Handlers): void {
  const cancelled = new Set<number>();
  port.addEventListener('message', (event) => {
    const msg = event.data as ToWorker;
    if (msg.type === 'cancel') {
      cancelled.add(msg.id);
      // Said at once, whatever the handler is doing: the page restarts a worker that cannot say it.
      port.postMessage({ type: 'cancelled', id: msg.id } satisfies FromWorker);
      return;
    }
    void run(msg.id, msg.name, msg.args);
  });
  port.postMessage({ type: 'ready' } satisfies FromWorker);

  async function run(id: number, name: RequestName, args: unknown): Promise<void> {
    const transfers: ArrayBuffer[] = [];
    let lastProgress = 0;
    const ctx: StreamContext<unknown> = {
      request: name,
      emit(chunk, transfer = []) {
        if (!cancelled.has(id)) port.postMessage({ type: 'partial', id, chunk } satisfies FromWorker, transfer);
      },
      progress(done, total, label, extra) {
        const now = Date.now();
        if (now - lastProgress < 50 && done < total) return;
        lastProgress = now;
        port.postMessage({ type: 'progress', id, done, total, label, ...extra } satisfies FromWorker);
      },
      checkCancelled() {
        if (cancelled.has(id)) throw new Cancelled();
      },
      async pause() {
        await yieldNow();
        if (cancelled.has(id)) throw new Cancelled();
      },
      transfer(...buffers) {
        transfers.push(...buffers);
      },
    };
    try {
      const handler = handlers[name] as (a: unknown, c: HandlerContext) => unknown;
      const result = await handler(args, ctx);
      if (!cancelled.has(id)) port.postMessage({ type: 'result', id, result } satisfies FromWorker, transfers);
    } catch (err) {
      if (!cancelled.has(id)) {
        const error: WireError = err instanceof Cancelled ? { kind: 'Internal', message: 'cancelled', detail: 'cancelled' } : toWire(err);
        port.postMessage({ type: 'error', id, error } satisfies FromWorker);
      }
    } finally {
      cancelled.delete(id);
    }
  }
}
