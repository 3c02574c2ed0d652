import { fail, toWire } from '../../core/errors.ts';
import { fromHex, toHex } from '../../core/hash/hex.ts';
import { LastChangeWalk } from '../../core/history/last-change.ts';
import { parseCommit } from '../../core/objects/commit.ts';
import { treeEntryAt } from '../../core/objects/tree-index.ts';
import { modeType } from '../../core/objects/tree.ts';
import type { ObjectDatabase } from '../../core/odb/database.ts';
import type { StreamContext } from '../../protocol/rpc.ts';
import type { CommitBrief, LastChangeChunk, LastChangeSummary } from '../../protocol/browse-extras.ts';
import type { Session } from '../session.ts';
import { jobs, ownerKey } from '../jobs.ts';
import { parseOid } from '../../core/hash/hex.ts';
import { browseOrderOf, findEntry, treeIndexOf } from '../../core/odb/tree-listing.ts';

/**
 * A folder's last commit per entry, for Browse: the core walker (core/history/last-change.ts)
 * runs as a job of the worker's queue, and after each slice the entries it resolved go to the
 * page, by their browse position, with the commits not sent before. A cancel (the person went
 * elsewhere) drops the job. File sizes go first: they are header reads.
 */

/** Folders with more entries than this are not walked (each entry is a bit carried through history). */
const MAX_ENTRIES = 5_000;
/** Characters of a summary sent. */
const SUMMARY_CHARS = 300;

let walks = 0;

/** Commit summaries already read, per database (a folder's entries share commits; the next folder often does too). */
const briefCaches = new WeakMap<ObjectDatabase, Map<string, CommitBrief>>();

function briefOf(db: ObjectDatabase, oid: string): CommitBrief {
  let cache = briefCaches.get(db);
  if (!cache) briefCaches.set(db, (cache = new Map()));
  const hit = cache.get(oid);
  if (hit) return hit;
  const c = parseCommit(db.read(fromHex(oid)).data);
  const nl = c.message.indexOf('\n');
  const line = nl < 0 ? c.message : c.message.slice(0, nl);
  const brief: CommitBrief = { oid, summary: line.length > SUMMARY_CHARS ? `${line.slice(0, SUMMARY_CHARS)}…` : line, author: c.author.name.slice(0, 200), time: c.author.time };
  if (cache.size >= 20_000) cache.clear();
  cache.set(oid, brief);
  return brief;
}

/** The folder's name bytes along `path` (names as Browse decodes them), and the folder's tree id. */
function folderBytes(db: ObjectDatabase, rootTree: string, path: string[]): { parts: Uint8Array[]; tree: string } {
  let oid = rootTree;
  const parts: Uint8Array[] = [];
  for (let i = 0; i < path.length; i++) {
    const index = treeIndexOf(db, oid);
    const at = findEntry(index, path[i]);
    if (at < 0) fail('NotFound', `${path.slice(0, i + 1).join('/')} does not exist at this commit`);
    const entry = treeEntryAt(index, at);
    if (modeType(entry.mode) !== 'tree') fail('NotFound', `${path.slice(0, i + 1).join('/')} is not a folder`);
    parts.push(entry.name.slice());
    oid = toHex(entry.oid);
  }
  return { parts, tree: oid };
}

/** Streams sizes, then each entry's last commit as the walk finds it; resolves with the summary. */
export async function runLastChanges(session: Session, commitHex: string, path: string[], ctx: StreamContext<LastChangeChunk>): Promise<LastChangeSummary> {
  const started = performance.now();
  const db = session.db;
  const commit = parseOid(commitHex, db.algo);
  const obj = db.read(commit);
  if (obj.type !== 'commit') fail('BadName', `${commitHex} is a ${obj.type}, not a commit`);
  const { parts, tree } = folderBytes(db, parseCommit(obj.data).tree, path);
  const index = treeIndexOf(db, tree);
  const order = browseOrderOf(db, tree);
  const positionOf = new Uint32Array(order.length);
  for (let p = 0; p < order.length; p++) positionOf[order[p]] = p;

  if (index.count > MAX_ENTRIES) {
    return { resolved: 0, total: index.count, walked: 0, bounded: false, ms: Math.round(performance.now() - started), skipped: `this folder has ${index.count} entries; sizes and last commits are shown for folders of up to ${MAX_ENTRIES}`, missingParents: 0, unreadable: 0 };
  }
  const sent = new Map<string, number>();
  let commitsSent = 0;
  // Sizes first, a slice at a time (a header read per file; a blob a partial clone left out has none).
  let sizeCursor = 0;
  const sizeStep = (ms: number): boolean => {
    const end = performance.now() + ms;
    const sizes: [number, number][] = [];
    while (sizeCursor < order.length) {
      const p = sizeCursor++;
      const e = treeEntryAt(index, order[p]);
      if (modeType(e.mode) === 'blob' && db.has(e.oid)) {
        try {
          sizes.push([p, db.info(e.oid).size]);
        } catch {
          // An unreadable blob shows no size; opening it says why.
        }
      }
      if ((sizeCursor & 31) === 0 && performance.now() > end) break;
    }
    ctx.emit({ sizes, entries: [], commits: [], walked: 0 });
    return sizeCursor >= order.length;
  };
  const walk = new LastChangeWalk(db, commit, parts);
  let lastSent = performance.now();
  const send = (): void => {
    const resolved = walk.take();
    // With nothing resolved, the count of commits read still goes out now and then: the page shows the walk is alive.
    if (resolved.length === 0 && performance.now() - lastSent < 250) return;
    lastSent = performance.now();
    const chunk: LastChangeChunk = { entries: [], commits: [], walked: walk.stats.commitsWalked };
    for (const r of resolved) {
      let at = sent.get(r.commit);
      if (at === undefined) {
        at = commitsSent++;
        sent.set(r.commit, at);
        chunk.commits.push(briefOf(db, r.commit));
      }
      chunk.entries.push([positionOf[r.entry], at]);
    }
    ctx.emit(chunk);
  };
  await jobs.run(
    {
      key: `${ownerKey(session)}:last-change:${++walks}`,
      step: (ms) => {
        if (sizeCursor < order.length && !sizeStep(ms)) return false;
        const done = walk.step(ms);
        send();
        return done;
      },
      progress: () => ({ done: walk.stats.resolved, total: walk.stats.total, label: 'Finding the last commit of each entry', unit: 'entries' }),
      finish: () => undefined,
    },
    ctx,
    'browse',
  );
  const s = walk.stats;
  const summary: LastChangeSummary = { resolved: s.resolved, total: s.total, walked: s.commitsWalked, bounded: s.bounded, ms: Math.round(performance.now() - started), missingParents: s.missingParents, unreadable: s.unreadable };
  if (s.firstError !== undefined) summary.problem = toWire(s.firstError).message;
  return summary;
}
