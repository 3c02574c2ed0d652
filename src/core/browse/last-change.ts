import { fail, toWire } from '../errors.ts';
import { fromHex, parseOid, toHex } from '../hash/hex.ts';
import { LastChangeWalk } from '../history/last-change.ts';
import { parseCommit } from '../objects/commit.ts';
import { treeEntryAt, type TreeIndex } from '../objects/tree-index.ts';
import { modeType } from '../objects/tree.ts';
import type { ObjectDatabase } from '../odb/database.ts';
import { browseOrderOf, findEntry, treeIndexOf } from '../odb/tree-listing.ts';
import type { CommitBrief, LastChangeChunk, LastChangeSummary } from './types.ts';

/**
 * A folder's last commit per entry, for Browse: file sizes first (header reads), then the core
 * walker (core/history/last-change.ts); after each slice the entries it resolved are handed out
 * as a chunk, by their browse position, with the commits not handed out before. The caller runs
 * `step` in slices (the worker's job queue) and forwards the chunks.
 */

/** Folders with more entries than this are not walked (each entry is a bit carried through history). */
const MAX_ENTRIES = 5_000;
/** Characters of a summary sent. */
const SUMMARY_CHARS = 300;

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

/** One folder's sizes and last commits, computed a slice at a time. */
export class FolderLastChanges {
  private readonly started = performance.now();
  private readonly index: TreeIndex;
  private readonly order: Uint32Array;
  private readonly positionOf: Uint32Array;
  private readonly walk: LastChangeWalk | undefined;
  private readonly sent = new Map<string, number>();
  private commitsSent = 0;
  private sizeCursor = 0;
  private lastSent = performance.now();

  constructor(
    private readonly db: ObjectDatabase,
    commitHex: string,
    path: string[],
  ) {
    const commit = parseOid(commitHex, db.algo);
    const obj = db.read(commit);
    if (obj.type !== 'commit') fail('BadName', `${commitHex} is a ${obj.type}, not a commit`);
    const { parts, tree } = folderBytes(db, parseCommit(obj.data).tree, path);
    this.index = treeIndexOf(db, tree);
    this.order = browseOrderOf(db, tree);
    this.positionOf = new Uint32Array(this.order.length);
    for (let p = 0; p < this.order.length; p++) this.positionOf[this.order[p]] = p;
    if (this.index.count <= MAX_ENTRIES) this.walk = new LastChangeWalk(db, commit, parts);
  }

  /** False when the folder has too many entries to walk: `summary()` says so, and there is nothing to step. */
  get walkable(): boolean {
    return this.walk !== undefined;
  }

  /** Entries resolved so far, and in all. */
  progress(): { done: number; total: number } {
    return this.walk ? { done: this.walk.stats.resolved, total: this.walk.stats.total } : { done: 0, total: this.index.count };
  }

  /** Works for about `ms` milliseconds, handing what it found to `emit`; true when done. */
  step(ms: number, emit: (chunk: LastChangeChunk) => void): boolean {
    const walk = this.walk;
    if (!walk) return true;
    if (this.sizeCursor < this.order.length && !this.sizeStep(ms, emit)) return false;
    const done = walk.step(ms);
    this.send(walk, emit);
    return done;
  }

  /** The walk's outcome (or why the folder was not walked). */
  summary(): LastChangeSummary {
    const ms = Math.round(performance.now() - this.started);
    if (!this.walk) {
      const total = this.index.count;
      return {
        resolved: 0,
        total,
        walked: 0,
        bounded: false,
        ms,
        skipped: `this folder has ${total} entries; sizes and last commits are shown for folders of up to ${MAX_ENTRIES}`,
        missingParents: 0,
        unreadable: 0,
      };
    }
    const s = this.walk.stats;
    const summary: LastChangeSummary = { resolved: s.resolved, total: s.total, walked: s.commitsWalked, bounded: s.bounded, ms, missingParents: s.missingParents, unreadable: s.unreadable };
    if (s.firstError !== undefined) summary.problem = toWire(s.firstError).message;
    return summary;
  }

  /** Sizes, a slice at a time (a header read per file; a blob a partial clone left out has none). */
  private sizeStep(ms: number, emit: (chunk: LastChangeChunk) => void): boolean {
    const { db, index, order } = this;
    const end = performance.now() + ms;
    const sizes: [number, number][] = [];
    while (this.sizeCursor < order.length) {
      const p = this.sizeCursor++;
      const e = treeEntryAt(index, order[p]);
      if (modeType(e.mode) === 'blob' && db.has(e.oid)) {
        try {
          sizes.push([p, db.info(e.oid).size]);
        } catch {
          // An unreadable blob shows no size; opening it says why.
        }
      }
      if ((this.sizeCursor & 31) === 0 && performance.now() > end) break;
    }
    emit({ sizes, entries: [], commits: [], walked: 0 });
    return this.sizeCursor >= order.length;
  }

  private send(walk: LastChangeWalk, emit: (chunk: LastChangeChunk) => void): void {
    const resolved = walk.take();
    // With nothing resolved, the count of commits read still goes out now and then: the page shows the walk is alive.
    if (resolved.length === 0 && performance.now() - this.lastSent < 250) return;
    this.lastSent = performance.now();
    const chunk: LastChangeChunk = { entries: [], commits: [], walked: walk.stats.commitsWalked };
    for (const r of resolved) {
      let at = this.sent.get(r.commit);
      if (at === undefined) {
        at = this.commitsSent++;
        this.sent.set(r.commit, at);
        chunk.commits.push(briefOf(this.db, r.commit));
      }
      chunk.entries.push([this.positionOf[r.entry], at]);
    }
    emit(chunk);
  }
}
