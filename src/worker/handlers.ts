import { fail } from '../core/errors.ts';
import { toHex } from '../core/hash/hex.ts';
import { resolveName } from '../core/odb/names.ts';
import type { RepositoryFiles } from '../core/repo/discover.ts';
import type { CacheStats, OpenSource } from '../protocol/messages.ts';
import type { Handlers } from '../protocol/rpc.ts';
import { browse } from '../core/browse/browse.ts';
import { demoReader } from './demo.ts';
import { historyGraphPage } from './history-graph.ts';
import { commonRoot, fileListReader, handleReader } from './directory-readers.ts';
import { parseOid } from '../core/hash/hex.ts';
import { objectDetail } from '../core/odb/object-detail.ts';
import { locateInObjectList, objectListPage } from '../core/odb/object-list.ts';
import { Session } from './session.ts';
import { jobs } from './jobs.ts';
import { current, setSession } from './state.ts';
import { treeEntries } from '../core/odb/tree-listing.ts';
import { midxHandlers } from './anatomy/midx-handlers.ts';
import { packHandlers } from './anatomy/pack-handlers.ts';
import { hexHandlers } from './anatomy/hex-handlers.ts';
import { commitGraphHandlers } from './anatomy/commit-graph-handlers.ts';
import { verifyHandlers } from './forensics/verify-handlers.ts';
import { findHandlers } from './forensics/find-handlers.ts';
import { searchHandlers } from './forensics/search-handlers.ts';
import { evidenceHandlers } from './forensics/evidence-handlers.ts';
import { indexPackHandlers } from './forensics/index-pack-handlers.ts';
import { diffHandlers } from './diff.ts';
import { browseExtrasHandlers } from './browse-extras-handlers.ts';
import { blameHandlers } from './blame-handlers.ts';
import { analysisHandlers } from './analysis-handlers.ts';

/**
 * The whole worker API, one handler per request. The worker owns the one open repository;
 * every handler answers from it.
 */

let lastSource: OpenSource | undefined;

async function openSource(source: OpenSource): Promise<Session> {
  if (source.kind === 'directory') return Session.open(source.handle.name, handleReader(source.handle));
  if (source.kind === 'demo') return Session.open('demo repository', await demoReader());
  // A folder holding a single file (a lone .pack) is still a folder: its name is the root.
  const root = commonRoot(source.files.map((f) => f.path));
  const files = source.files.map((f) => ({ path: root ? f.path.slice(root.length + 1) : f.path, file: f.file }));
  return Session.open(source.label || root.split('/').pop() || 'files', fileListReader(files));
}

function fileBytes(files: RepositoryFiles): number {
  return files.packDirFiles.reduce((s, f) => s + f.source.size, 0) + files.midxChainFiles.reduce((s, f) => s + f.source.size, 0);
}

export const handlers: Handlers = {
  ...midxHandlers,
  ...packHandlers,
  ...hexHandlers,
  ...commitGraphHandlers,
  ...verifyHandlers,
  ...findHandlers,
  ...searchHandlers,
  ...evidenceHandlers,
  ...indexPackHandlers,
  ...diffHandlers,
  ...browseExtrasHandlers,
  ...blameHandlers,
  ...analysisHandlers,

  async open({ source }) {
    const session = setSession(await openSource(source));
    lastSource = source;
    return session.summary();
  },

  async reload() {
    if (!lastSource) fail('NotFound', 'no repository is open');
    const previous = current();
    let next = await openSource(lastSource);
    // Packs indexed in memory stay indexed, unless an .idx for them has appeared in the folder.
    for (const [name, idx] of previous.memoryIndexes) {
      const names = new Set(next.files.packDirFiles.map((f) => f.path.replace(/^.*\//, '')));
      if (names.has(`${name}.pack`) && !names.has(`${name}.idx`)) next = next.withMemoryIndex(name, idx);
    }
    const session = setSession(next);
    return session.summary();
  },

  async objectIndex(_args, ctx) {
    const table = await current().objectTable(ctx);
    return { count: table.count };
  },

  async objectPage({ start, count, filter }, ctx) {
    const s = current();
    const table = filter === 'all' ? await s.objectTable(ctx) : await s.scanTypes(ctx);
    return objectListPage(s.db, table, filter, start, count);
  },

  async locateInList({ prefix, filter }, ctx) {
    const s = current();
    // A prefix that is not hex fails before the (possibly long) type scan.
    if (!/^[0-9a-f]{1,64}$/.test(prefix.trim().toLowerCase())) fail('BadName', `"${prefix}" is not a hex object id or prefix`);
    const table = filter === 'all' ? await s.objectTable(ctx) : await s.scanTypes(ctx);
    return locateInObjectList(table, prefix, filter);
  },

  async resolve({ name }) {
    const s = current();
    const r = resolveName(s.db, s.refs, name.trim());
    if (r.kind !== 'found') return r;
    if (!s.db.has(r.oid)) return { kind: 'missing', reason: `object ${toHex(r.oid)} is not in this repository` };
    return { kind: 'found', oid: toHex(r.oid), type: s.db.info(r.oid).type };
  },

  async object({ oid }) {
    return objectDetail(current().db, oid);
  },

  async blobBytes({ oid }, ctx) {
    const s = current();
    const obj = s.db.read(parseOid(oid, s.db.algo));
    const bytes = obj.data.slice();
    ctx.transfer(bytes.buffer);
    return { bytes };
  },

  async blobText({ oid }) {
    const s = current();
    const obj = s.db.read(parseOid(oid, s.db.algo));
    return { text: new TextDecoder('utf-8').decode(obj.data) };
  },

  async browse({ rev, path }) {
    const s = current();
    return browse(s.db, s.refs, rev, path);
  },

  async treeEntries({ oid, order, start, count }) {
    return treeEntries(current().db, oid.toLowerCase(), order, start, count);
  },

  historyGraph: ({ query, start, count }, ctx) => historyGraphPage(current(), query, start, count, ctx),

  focus({ view }) {
    jobs.focus(view);
    return {};
  },

  async cacheStats(): Promise<CacheStats> {
    const s = current();
    const w = s.db.windows.stats;
    const d = s.db.baseCache.stats;
    return {
      bytesRead: w.bytesRead,
      fileBytes: fileBytes(s.files),
      sourceReads: w.sourceReads,
      windowsOpen: w.windowsOpen,
      bytesHeld: w.bytesHeld,
      peakBytesHeld: w.peakBytesHeld,
      hits: w.hits,
      misses: w.misses,
      deltaHits: d.hits,
      deltaMisses: d.misses,
      deltaBytesHeld: d.bytesHeld,
    };
  },
};
