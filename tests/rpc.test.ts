import { describe, expect, it } from 'vitest';
import { MessageChannel } from 'node:worker_threads';
import { PackscopeError } from '../src/core/errors.ts';
import { Cancelled, RpcClient, serve, type Handlers, type Port } from '../src/protocol/rpc.ts';

/** The RPC over a loopback MessageChannel: results, progress, errors as data, cancellation. */

function loopback(handlers: Partial<Handlers>): RpcClient {
  const channel = new MessageChannel();
  const wrap = (p: typeof channel.port1): Port => ({
    postMessage: (m, t) => p.postMessage(m, t as never),
    addEventListener: (_type, listener) => p.on('message', (data) => listener({ data } as MessageEvent)),
  });
  serve(wrap(channel.port2), handlers as Handlers);
  const client = new RpcClient(wrap(channel.port1));
  return client;
}

describe('rpc', () => {
  it('returns results and streams progress', async () => {
    const client = loopback({
      objectIndex: async (_a, ctx) => {
        for (let i = 1; i <= 3; i++) {
          ctx.progress(i, 3, 'step');
          await ctx.pause();
        }
        return { count: 42 };
      },
    });
    const seen: number[] = [];
    const result = await client.call('objectIndex', {}, { onProgress: (p) => seen.push(p.done) });
    expect(result).toEqual({ count: 42 });
    expect(seen.at(-1)).toBe(3);
  });

  it('rebuilds typed errors with kind, file and offset', async () => {
    const client = loopback({
      object: () => {
        throw new PackscopeError('CorruptObject', 'zlib stream ends early', { file: 'pack-x.pack', offset: 0x1f3a });
      },
    });
    const err = await client.call('object', { oid: 'ab' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PackscopeError);
    expect((err as PackscopeError).kind).toBe('CorruptObject');
    expect((err as PackscopeError).file).toBe('pack-x.pack');
    expect((err as PackscopeError).offset).toBe(0x1f3a);
    expect((err as PackscopeError).message).toBe('CorruptObject at pack-x.pack:0x1f3a: zlib stream ends early');
  });

  it('cancels long work, and other requests keep being answered meanwhile', async () => {
    let iterations = 0;
    const client = loopback({
      objectIndex: async (_a, ctx) => {
        for (;;) {
          iterations++;
          await ctx.pause();
        }
      },
      cacheStats: () => ({ bytesRead: 1, fileBytes: 2, sourceReads: 0, windowsOpen: 0, bytesHeld: 0, peakBytesHeld: 0, hits: 0, misses: 0, deltaHits: 0, deltaMisses: 0, deltaBytesHeld: 0 }),
    });
    const controller = new AbortController();
    const long = client.call('objectIndex', {}, { signal: controller.signal });
    // A lookup issued while the scan runs is answered.
    expect((await client.call('cacheStats', {})).fileBytes).toBe(2);
    controller.abort();
    await expect(long).rejects.toBeInstanceOf(Cancelled);
    const at = iterations;
    await new Promise((r) => setTimeout(r, 50));
    expect(iterations - at).toBeLessThanOrEqual(1);
  });

  it('streams chunks to onPartial in order, before the result', async () => {
    const client = loopback({
      search: async (_a, ctx) => {
        for (let i = 1; i <= 3; i++) {
          ctx.emit({ matches: [{ kind: 'object', oid: `0${i}` }], notes: [], scanned: i, total: 3 });
          await ctx.pause();
        }
        return { matched: 3, shown: 3, scanned: 3, total: 3, truncated: false, countStopped: false, maxMatches: 10, binarySkipped: 0, notes: 0, notesDropped: 0, ms: 0 };
      },
    });
    const events: string[] = [];
    const result = await client.call('search', { query: { kind: 'oid', prefix: '0' } }, { onPartial: (chunk) => events.push(chunk.matches[0].oid) }).then((r) => {
      events.push('result');
      return r;
    });
    expect(events).toEqual(['01', '02', '03', 'result']);
    expect(result.matched).toBe(3);
  });

  it('stops delivering chunks once cancelled, and the handler stops at its next pause', async () => {
    let emitted = 0;
    const client = loopback({
      search: async (_a, ctx) => {
        for (;;) {
          ctx.emit({ matches: [], notes: [], scanned: ++emitted, total: 0 });
          await ctx.pause();
        }
      },
    });
    const controller = new AbortController();
    const received: number[] = [];
    const onPartial = (c: { scanned: number }) => {
      received.push(c.scanned);
      if (received.length === 2) controller.abort();
    };
    const call = client.call('search', { query: { kind: 'oid', prefix: '0' } }, { signal: controller.signal, onPartial });
    await expect(call).rejects.toBeInstanceOf(Cancelled);
    const at = emitted;
    await new Promise((r) => setTimeout(r, 50));
    expect(emitted - at).toBeLessThanOrEqual(1);
    expect(received).toEqual([1, 2]);
  });
});
