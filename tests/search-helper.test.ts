import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { fsDirectoryReader } from '../src/cli/node-host.ts';
import { BlobBatcher, blobBytesAt } from '../src/core/search/blob-batches.ts';
import { BlobTextSearch, DEFAULT_BLOB_OPTIONS } from '../src/core/search/blob-search.ts';
import type { BlobMatch, SearchMatch } from '../src/core/search/types.ts';
import type { FromWorker, ToWorker } from '../src/protocol/messages.ts';
import { Cancelled, RpcClient, serve, type Handlers, type Port, type StreamContext, type UnansweredCancel } from '../src/protocol/rpc.ts';
import type { SearchChunk, SearchQuery } from '../src/protocol/search.ts';
import { runTextSearch } from '../src/worker/forensics/search/text-search.ts';
import { HelperDeadline } from '../src/worker/search-helper/deadline.ts';
import type { StartSearchHelper } from '../src/worker/search-helper/host.ts';
import type { SearchHelperMessage } from '../src/worker/search-helper/protocol.ts';
import { Session } from '../src/worker/session.ts';
import { builtFixtures, type Fixture } from './support/cli.ts';

/**
 * The pieces that keep a regular expression from freezing the engine (issue 10, defect 2):
 * blob batches for the disposable search helper, the deadline that names the blob a helper is
 * stuck on, the engine side of a text search (same answers as the in-process search; stopped
 * and the helper terminated when a blob overruns or the search is cancelled), and the cancel
 * confirmation the page uses to restart a stuck worker.
 */

const fixtures = builtFixtures();
const byName = (name: string) => fixtures.find((f) => f.name === name) as Fixture;
const bytes = (s: string) => new TextEncoder().encode(s);

describe('blob batches', () => {
  it('hold blobs back to back, full at the byte or blob limit; a large blob makes a batch of its own', () => {
    const batcher = new BlobBatcher({ bytes: 10, blobs: 3 });
    expect(batcher.take()).toBeUndefined();
    batcher.add('a', 4, false, bytes('abcd'));
    batcher.add('b', 0, false, bytes(''));
    expect(batcher.full).toBe(false);
    batcher.add('c', 3, true, bytes('xyz'));
    expect(batcher.full).toBe(true); // three blobs
    const first = batcher.take();
    expect(first?.seq).toBe(1);
    expect(first?.oids).toEqual(['a', 'b', 'c']);
    expect(first?.binary).toEqual([false, false, true]);
    expect(first && [0, 1, 2].map((i) => new TextDecoder().decode(blobBytesAt(first, i)))).toEqual(['abcd', '', 'xyz']);
    expect(batcher.count).toBe(0);

    batcher.add('big', 25, false, bytes('0123456789012345678901234'));
    expect(batcher.full).toBe(true); // over the byte budget with one blob
    const second = batcher.take();
    expect(second?.seq).toBe(2);
    expect(second && new TextDecoder().decode(blobBytesAt(second, 0))).toBe('0123456789012345678901234');
  });

  it('own their bytes: a blob changed after it was added does not change the batch', () => {
    const batcher = new BlobBatcher({ bytes: 1 << 20, blobs: 10 });
    const data = bytes('hello');
    batcher.add('h', 5, false, data);
    data[0] = 0x4a;
    const batch = batcher.take();
    expect(batch && new TextDecoder().decode(blobBytesAt(batch, 0))).toBe('hello');
  });

  it('grow past their first buffer without losing what is in it', () => {
    const batcher = new BlobBatcher({ bytes: 4 << 20, blobs: 1000 });
    const chunk = new Uint8Array(100_000).fill(0x61);
    for (let i = 0; i < 5; i++)
      batcher.add(
        String(i),
        chunk.length,
        false,
        chunk.map((b) => b + i),
      );
    const batch = batcher.take();
    expect(batch?.ends).toEqual([100_000, 200_000, 300_000, 400_000, 500_000]);
    for (let i = 0; i < 5; i++) expect(batch && blobBytesAt(batch, i).every((b) => b === 0x61 + i)).toBe(true);
  });
});

describe('the helper deadline', () => {
  it('is never overdue while idle, names the blob the helper is on once the limit passes, and restarts with each sign', () => {
    let now = 1000;
    const d = new HelperDeadline(500, () => now);
    now += 10_000;
    expect(d.overdue()).toBeUndefined(); // nothing sent
    d.sent(1, ['x1', 'x2']);
    now += 400;
    expect(d.overdue()).toBeUndefined();
    now += 200;
    expect(d.overdue()).toEqual({ ms: 600 }); // sent, never started: no blob to name
    d.started(1, 0);
    now += 300;
    d.started(1, 1);
    now += 499;
    expect(d.overdue()).toBeUndefined();
    now += 2;
    expect(d.overdue()).toEqual({ oid: 'x2', ms: 501 });
    d.answered(1);
    expect(d.busy).toBe(false);
    now += 5_000;
    expect(d.overdue()).toBeUndefined();
    d.sent(2, ['y1']);
    d.sent(3, ['z1']);
    d.started(2, 0);
    d.answered(2);
    d.started(3, 0);
    now += 700;
    expect(d.overdue()).toEqual({ oid: 'z1', ms: 700 });
  });
});

function streamCtx(chunks: SearchChunk[], checkCancelled: () => void = () => {}): StreamContext<SearchChunk> {
  return { emit: (c) => void chunks.push(c), progress: () => {}, checkCancelled, pause: async () => checkCancelled(), transfer: () => {} };
}

const textQuery = (pattern: string, regex: boolean): Extract<SearchQuery, { kind: 'text' }> => ({ kind: 'text', pattern, regex, caseSensitive: true, includeBinary: false });

/** A helper that says it started the first blob of each batch and then never answers. */
function stuckHelper(log: { terminated: number; started: string[] }): StartSearchHelper {
  return (_pattern, _options, listen) => ({
    send(batch) {
      log.started.push(batch.oids[0]);
      setTimeout(() => listen({ t: 'at', seq: batch.seq, index: 0 } satisfies SearchHelperMessage), 0);
    },
    terminate() {
      log.terminated++;
    },
  });
}

describe('the engine side of a text search', () => {
  const lines = (ms: SearchMatch[]) =>
    (ms as BlobMatch[])
      .map((m) => `${m.oid} ${m.hits.map((h) => `${h.line}:${h.column}`).join(',')} ${m.moreLines}`)
      .sort()
      .join('\n');

  it('finds what the in-process search finds, plain and regular expression', async () => {
    for (const [pattern, regex] of [
      ['slug', false],
      ['^\\s*(export|import) ', true],
    ] as const) {
      const session = await Session.open('demo', fsDirectoryReader(byName('demo').path));
      const chunks: SearchChunk[] = [];
      const summary = await runTextSearch(session, textQuery(pattern, regex), streamCtx(chunks));
      const streamed = chunks.flatMap((c) => c.matches);
      expect(summary.timedOut).toBeUndefined();
      expect(summary.matched).toBe(streamed.length);
      expect(summary.scanned).toBe(summary.total);

      const db = session.db;
      const reference = new BlobTextSearch(db, db.allObjects(), db.sourceObjectCount(), pattern, { ...DEFAULT_BLOB_OPTIONS, ...textQuery(pattern, regex) });
      const expected: SearchMatch[] = [];
      while (!reference.step(50)) expected.push(...reference.take().matches);
      expected.push(...reference.take().matches);
      expect(expected.length).toBeGreaterThan(0);
      expect(lines(streamed)).toBe(lines(expected));
      expect(summary.binarySkipped).toBe(reference.stats.binarySkipped);
    }
  });

  it('stops when a blob runs past the limit, names it, and terminates the helper', async () => {
    const session = await Session.open('demo', fsDirectoryReader(byName('demo').path));
    const log = { terminated: 0, started: [] as string[] };
    const started = performance.now();
    const summary = await runTextSearch(session, textQuery('(a|a)*b', true), streamCtx([]), { timeLimitMs: 150, startHelper: stuckHelper(log) });
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(summary.timedOut?.oid).toBe(log.started[0]);
    expect(summary.timedOut?.limitMs).toBe(150);
    expect(summary.timedOut?.ms).toBeGreaterThan(150);
    // Nothing was answered: only blobs skipped before matching (binary ones) count as searched.
    expect(summary.matched).toBe(0);
    expect(summary.scanned).toBe(summary.binarySkipped);
    expect(log.terminated).toBeGreaterThanOrEqual(1);
  });

  it('terminates the helper when the search is cancelled', async () => {
    const session = await Session.open('demo', fsDirectoryReader(byName('demo').path));
    await session.scanTypes(streamCtx([]));
    const log = { terminated: 0, started: [] as string[] };
    let checks = 0;
    const cancelling = streamCtx([], () => {
      if (++checks >= 3) throw new Cancelled();
    });
    await expect(runTextSearch(session, textQuery('(a|a)*b', true), cancelling, { timeLimitMs: 60_000, startHelper: stuckHelper(log) })).rejects.toBeInstanceOf(Cancelled);
    expect(log.started.length).toBeGreaterThan(0);
    expect(log.terminated).toBe(1);
  });

  it('refuses a bad pattern before anything is read', async () => {
    const session = await Session.open('demo', fsDirectoryReader(byName('demo').path));
    await expect(runTextSearch(session, textQuery('fo(o', true), streamCtx([]))).rejects.toThrow(/not a valid regular expression/);
  });
});

describe('cancel confirmation', () => {
  function wrap(p: MessageChannel['port1']): Port {
    return {
      postMessage: (m, t) => p.postMessage(m, t as never),
      addEventListener: (_type, listener) => p.on('message', (data) => listener({ data } as MessageEvent)),
    };
  }

  it('a worker that hears the cancel confirms it; one that is stuck does not, and the client says so', async () => {
    // A live worker: the cancel is confirmed, nothing is reported.
    const live = new MessageChannel();
    serve(wrap(live.port2), {
      objectIndex: async (_a, ctx) => {
        for (;;) await ctx.pause();
      },
    } as Partial<Handlers> as Handlers);
    const liveReports: UnansweredCancel[] = [];
    const liveClient = new RpcClient(wrap(live.port1), { cancelAckMs: 200, onCancelUnanswered: (c) => liveReports.push(c) });
    const a = new AbortController();
    const call = liveClient.call('objectIndex', {}, { signal: a.signal });
    a.abort();
    await expect(call).rejects.toBeInstanceOf(Cancelled);
    await new Promise((r) => setTimeout(r, 400));
    expect(liveReports).toEqual([]);

    // A stuck worker: it takes requests and never says anything again.
    const stuck = new MessageChannel();
    const heard: ToWorker[] = [];
    stuck.port2.on('message', (m: ToWorker) => heard.push(m));
    const reports: UnansweredCancel[] = [];
    const client = new RpcClient(wrap(stuck.port1), { cancelAckMs: 200, onCancelUnanswered: (c) => reports.push(c) });
    const b = new AbortController();
    const stuckCall = client.call('search', { query: { kind: 'oid', prefix: 'ab' } }, { signal: b.signal });
    b.abort();
    await expect(stuckCall).rejects.toBeInstanceOf(Cancelled);
    await new Promise((r) => setTimeout(r, 400));
    expect(heard.map((m) => m.type)).toEqual(['request', 'cancel']);
    expect(reports).toEqual([{ id: 1, name: 'search', ms: 200 }]);

    // A confirmation that comes in time clears the watch.
    const late = new MessageChannel();
    late.port2.on('message', (m: ToWorker) => {
      if (m.type === 'cancel') setTimeout(() => late.port2.postMessage({ type: 'cancelled', id: m.id } satisfies FromWorker), 50);
    });
    const lateReports: UnansweredCancel[] = [];
    const lateClient = new RpcClient(wrap(late.port1), { cancelAckMs: 200, onCancelUnanswered: (c) => lateReports.push(c) });
    const c = new AbortController();
    const lateCall = lateClient.call('objectIndex', {}, { signal: c.signal });
    c.abort();
    await expect(lateCall).rejects.toBeInstanceOf(Cancelled);
    await new Promise((r) => setTimeout(r, 400));
    expect(lateReports).toEqual([]);
    for (const ch of [live, stuck, late]) {
      ch.port1.close();
      ch.port2.close();
    }
  });
});
