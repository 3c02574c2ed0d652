import { fail } from '../errors.ts';
import { fromHex, toHex } from '../hash/hex.ts';
import { parseCommit } from '../objects/commit.ts';
import { indexTree, type TreeIndex } from '../objects/tree-index.ts';
import type { ObjectDatabase } from '../odb/database.ts';
import { CommitQueue } from './commit-queue.ts';
import { changedEntries, entryMode, entryNameRange, findName, lookupEntry, sameIdAndMode, type NameRange } from './tree-compare.ts';

/**
 * The last commit that changed each entry of a folder, as `git log -1 -- <folder>/<entry>` finds
 * it for every entry at once (a code host's folder listing).
 *
 * git's walk for one path (revision.c, without --full-history): commits come off a queue newest
 * committer date first (ties in the order they were queued); a commit whose path differs from its
 * parent's is shown; a merge whose path equals one parent's follows that parent only (the first
 * such), and one that equals none is shown; a root commit is shown when it has the path. `-1`
 * stops at the first commit shown.
 *
 * Here one queue carries every entry: each queued commit holds the set of entries still looking
 * for their commit along the lines that reached it. A commit is read once for all of them; a
 * merge hands each entry to the parent git would follow for that entry alone, so the sets split
 * and join as the lines do. Folder trees are compared entry by entry only when their ids differ,
 * so commits that leave the folder alone cost one commit read and one tree lookup.
 */

/** Limits of one walk. */
export interface LastChangeOptions {
  /** Commits read at most; past it, unresolved entries stay unresolved (`bounded`). */
  maxCommits: number;
  /** Folder trees kept parsed (a parent's tree is usually the next commit's). */
  treeCache: number;
}

export const DEFAULT_LAST_CHANGE_OPTIONS: LastChangeOptions = { maxCommits: 200_000, treeCache: 256 };

/** An entry and the commit that last changed it (hex). */
export interface ResolvedEntry {
  /** The entry's position in the folder's tree, in git's order. */
  entry: number;
  commit: string;
}

/** Progress and outcome. */
export interface LastChangeStats {
  commitsWalked: number;
  treesRead: number;
  resolved: number;
  total: number;
  /** True when the walk stopped at `maxCommits` with entries unresolved. */
  bounded: boolean;
  /** Parents not in the repository (a shallow or partial history): the walk treats their children as roots. */
  missingParents: number;
  /** Commits or folder trees that could not be read: the entries looking there stay unresolved. */
  unreadable: number;
  /** The first such failure, for the person. */
  firstError?: unknown;
}

/** Parents of one commit followed at most. */
const MAX_PARENTS = 128;

/** Commits kept read (tree, parents, date): a queue of a few thousand commits is typical. */
const COMMIT_CACHE = 8_192;

interface CommitLinks {
  tree: string;
  parents: string[];
  time: number;
}

/** A set of entries as bits. */
type EntrySet = Uint32Array;

interface Pending {
  /** Entries queued with this commit and not yet processed. */
  entries: EntrySet;
  time: number;
}

/** See the file comment. */
export class LastChangeWalk {
  /** The folder at the start commit, indexed. */
  readonly folder: TreeIndex;
  readonly stats: LastChangeStats;
  private readonly words: number;
  private readonly unresolved: EntrySet;
  private readonly queue = new CommitQueue<string>();
  /** Commits queued and not yet read, with their entries. */
  private readonly pending = new Map<string, Pending>();
  /** Entries each commit was ever queued with (git marks a commit SEEN once per walk; here once per entry). */
  private readonly seen = new Map<string, EntrySet>();
  private readonly trees = new Map<string, TreeIndex>();
  private readonly commits = new Map<string, CommitLinks>();
  /** Root tree id -> folder tree id (or '' when the folder is absent), for the last commits read. */
  private readonly folderOfRoot = new Map<string, string>();
  private readonly nameToEntry = new Map<string, number>();
  private outbox: ResolvedEntry[] = [];
  private readonly path: Uint8Array[];

  /**
   * `start` is the commit to walk from; `path` the folder's components as bytes (empty for the
   * root). Fails when the folder does not exist there.
   */
  constructor(
    private readonly db: ObjectDatabase,
    start: Uint8Array,
    path: Uint8Array[],
    private readonly options: LastChangeOptions = DEFAULT_LAST_CHANGE_OPTIONS,
  ) {
    this.path = path;
    this.stats = { commitsWalked: 0, treesRead: 0, resolved: 0, total: 0, bounded: false, missingParents: 0, unreadable: 0 };
    const head = this.readCommit(toHex(start));
    const folderOid = this.folderOf(head.tree);
    if (!folderOid) fail('NotFound', `${decodePath(path)} is not a folder at ${toHex(start)}`);
    this.folder = this.tree(folderOid);
    const n = this.folder.count;
    this.words = Math.ceil(n / 32);
    this.unresolved = new Uint32Array(this.words);
    for (let i = 0; i < n; i++) this.unresolved[i >>> 5] |= 1 << (i & 31);
    for (let i = 0; i < n; i++) this.nameToEntry.set(nameKey(this.folder, entryNameRange(this.folder, i)), i);
    this.stats.total = n;
    if (n > 0) this.enqueue(toHex(start), head.time, this.unresolved.slice());
  }

  /** True once every entry has its commit, the history ended, or the bound was reached. */
  get done(): boolean {
    return this.stats.resolved === this.stats.total || this.queue.size === 0 || this.stats.bounded;
  }

  /** Walks for about `budgetMs`; returns true when done. */
  step(budgetMs: number): boolean {
    const deadline = performance.now() + budgetMs;
    for (let k = 1; !this.done; k++) {
      if (this.stats.commitsWalked >= this.options.maxCommits) {
        this.stats.bounded = true;
        break;
      }
      const oid = this.queue.pop() as string;
      try {
        this.visit(oid);
      } catch (err) {
        // A damaged commit or tree ends the lines through it; the other entries go on.
        this.pending.delete(oid);
        this.stats.unreadable++;
        this.stats.firstError ??= err;
      }
      if ((k & 7) === 0 && performance.now() > deadline) break;
    }
    return this.done;
  }

  /** Entries resolved since the last call. */
  take(): ResolvedEntry[] {
    const out = this.outbox;
    this.outbox = [];
    return out;
  }

  /** True when entry `i` has not been resolved. */
  isUnresolved(i: number): boolean {
    return (this.unresolved[i >>> 5] & (1 << (i & 31))) !== 0;
  }

  private visit(oid: string): void {
    const p = this.pending.get(oid) as Pending;
    this.pending.delete(oid);
    // Entries resolved meanwhile along another line need nothing more.
    const live = p.entries;
    let any = false;
    for (let w = 0; w < this.words; w++) {
      live[w] &= this.unresolved[w];
      if (live[w] !== 0) any = true;
    }
    if (!any) return;
    this.stats.commitsWalked++;
    const commit = this.readCommit(oid);
    const mine = this.folderOf(commit.tree);
    const parents: { oid: string; time: number; folder: string }[] = [];
    // A hostile commit may name a million parents: past MAX_PARENTS they are not followed (the
    // largest real octopus merges have a few dozen).
    for (const parent of commit.parents.slice(0, MAX_PARENTS)) {
      if (!this.db.has(fromHex(parent))) {
        this.stats.missingParents++;
        continue;
      }
      const pc = this.readCommit(parent);
      parents.push({ oid: parent, time: pc.time, folder: this.folderOf(pc.tree) });
    }
    if (parents.length === 0) {
      // A root (or the end of a shallow history): every entry still looking was added here.
      this.resolveAll(live, oid);
      return;
    }
    // For each parent, the live entries that differ from it; an entry goes to the first parent it equals.
    const toParent: EntrySet[] = parents.map(() => new Uint32Array(this.words));
    const left = live.slice();
    for (let i = 0; i < parents.length; i++) {
      const differs = this.differing(mine, parents[i].folder, left);
      for (let w = 0; w < this.words; w++) {
        const same = left[w] & ~differs[w];
        toParent[i][w] = same;
        left[w] &= ~same;
      }
      if (parents.length === 1) break;
    }
    // What equals no parent was changed here (for a merge: git shows it).
    this.resolveAll(left, oid);
    for (let i = 0; i < parents.length; i++) this.enqueue(parents[i].oid, parents[i].time, toParent[i]);
  }

  /** The entries of `among` whose (mode, id) in the folder `mine` differs from the folder `theirs` (tree ids; '' when absent). */
  private differing(mine: string, theirs: string, among: EntrySet): EntrySet {
    const out = new Uint32Array(this.words);
    if (mine === theirs) return out;
    if (theirs === '' || mine === '') {
      out.set(among);
      return out;
    }
    const b = this.tree(theirs);
    const count = popcount(among);
    if (count * 16 < this.folder.count) {
      // Few entries still look: an entry looking at this commit is here as in the start folder,
      // so each is looked up in the parent's folder and compared with the start's entry.
      forEachBit(among, (e) => {
        const j = lookupEntry(b, this.folder, e);
        if (j < 0 || !sameIdAndMode(this.folder, e, b, j)) out[e >>> 5] |= 1 << (e & 31);
      });
      return out;
    }
    const a = this.tree(mine);
    changedEntries(a, b, (i) => {
      const entry = this.nameToEntry.get(nameKey(a, entryNameRange(a, i)));
      if (entry !== undefined) out[entry >>> 5] |= 1 << (entry & 31);
    });
    for (let w = 0; w < this.words; w++) out[w] &= among[w];
    return out;
  }

  private resolveAll(set: EntrySet, commit: string): void {
    for (let w = 0; w < this.words; w++) {
      let bits = set[w] & this.unresolved[w];
      while (bits !== 0) {
        const low = bits & -bits;
        const i = w * 32 + (31 - Math.clz32(low));
        bits &= ~low;
        this.unresolved[w] &= ~low;
        this.stats.resolved++;
        this.outbox.push({ entry: i, commit });
      }
    }
  }

  private enqueue(oid: string, time: number, entries: EntrySet): void {
    let seen = this.seen.get(oid);
    if (!seen) this.seen.set(oid, (seen = new Uint32Array(this.words)));
    let fresh = false;
    for (let w = 0; w < this.words; w++) {
      const add = entries[w] & ~seen[w];
      if (add !== 0) fresh = true;
      entries[w] = add;
      seen[w] |= add;
    }
    if (!fresh) return;
    const waiting = this.pending.get(oid);
    if (waiting) {
      for (let w = 0; w < this.words; w++) waiting.entries[w] |= entries[w];
      return;
    }
    this.pending.set(oid, { entries, time });
    this.queue.push(oid, time);
  }

  /** A commit's tree, parents and date; kept a while, since a commit is read as a parent first and visited later. */
  private readCommit(oid: string): CommitLinks {
    const hit = this.commits.get(oid);
    if (hit) return hit;
    const obj = this.db.read(fromHex(oid));
    if (obj.type !== 'commit') fail('BadName', `${oid} is a ${obj.type}, not a commit`);
    const c = parseCommit(obj.data);
    const links = { tree: c.tree, parents: c.parents.length > MAX_PARENTS ? c.parents.slice(0, MAX_PARENTS) : c.parents, time: c.committer.time };
    if (this.commits.size >= COMMIT_CACHE) this.commits.delete(this.commits.keys().next().value as string);
    this.commits.set(oid, links);
    return links;
  }

  /** The folder's tree id below a root tree, or '' when there is no such folder. */
  private folderOf(root: string): string {
    if (this.path.length === 0) return root;
    const known = this.folderOfRoot.get(root);
    if (known !== undefined) return known;
    let oid = root;
    for (const part of this.path) {
      const t = this.tree(oid);
      const i = findName(t, part);
      if (i < 0 || entryMode(t, i) !== 0o40000) {
        oid = '';
        break;
      }
      oid = toHex(t.data, t.oidAt[i], t.algo.size);
    }
    if (this.folderOfRoot.size >= 4096) this.folderOfRoot.clear();
    this.folderOfRoot.set(root, oid);
    return oid;
  }

  private tree(oid: string): TreeIndex {
    const hit = this.trees.get(oid);
    if (hit) {
      this.trees.delete(oid);
      this.trees.set(oid, hit);
      return hit;
    }
    const obj = this.db.read(fromHex(oid));
    if (obj.type !== 'tree') fail('CorruptObject', `${oid} should be a tree but is a ${obj.type}`);
    const index = indexTree(obj.data, this.db.algo);
    this.stats.treesRead++;
    this.trees.set(oid, index);
    if (this.trees.size > this.options.treeCache) this.trees.delete(this.trees.keys().next().value as string);
    return index;
  }
}

function popcount(set: EntrySet): number {
  let n = 0;
  for (let w = 0; w < set.length; w++) {
    let v = set[w] - ((set[w] >>> 1) & 0x55555555);
    v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
    n += (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
  }
  return n;
}

function forEachBit(set: EntrySet, visit: (i: number) => void): void {
  for (let w = 0; w < set.length; w++) {
    let bits = set[w];
    while (bits !== 0) {
      const low = bits & -bits;
      bits &= ~low;
      visit(w * 32 + (31 - Math.clz32(low)));
    }
  }
}

/** A name's bytes as a string key (one char per byte: exact for any bytes). */
function nameKey(t: TreeIndex, r: NameRange): string {
  let s = '';
  for (let p = r.start; p < r.end; p++) s += String.fromCharCode(t.data[p]);
  return s;
}

function decodePath(path: Uint8Array[]): string {
  const utf8 = new TextDecoder('utf-8');
  return path.length === 0 ? 'the root' : path.map((p) => utf8.decode(p)).join('/');
}
