import { databaseBlobs } from '../diff/changes.ts';
import type { BlobReader } from '../diff/renames.ts';
import { MODE_TREE } from '../diff/tree-diff.ts';
import { fail, PackscopeError } from '../errors.ts';
import { fromHex, toHex } from '../hash/hex.ts';
import { generationGraph } from '../history/generation-numbers.ts';
import { allRefStarts } from '../history/log-starts.ts';
import { LogWalk } from '../history/log-walk.ts';
import type { ObjectDatabase } from '../odb/database.ts';
import type { RefMap } from '../repo/refs.ts';
import { type ChangeNotes, type CommitChange, commitChanges, type TreeSource } from './commit-changes.ts';
import { type CommitFacts, commitFacts, readCommitFacts, shortDate } from './commit-facts.ts';
import { OBJ_BLOB, type ObjectSizes, ObjectSizesBuilder } from './object-sizes.ts';
import { binaryKey, PathIds, PathRules } from './path-rules.ts';
import { type HistoryFacts, summarize } from './summary.ts';
import type { AnalysisProgress, AnalysisSoFar, CommitIndex, SizeAnalysis, SizeAnalysisJob } from './types.ts';

/**
 * The size analysis as one job over a repository (see types.ts for what it yields):
 * 1. **sizes**: each pack's pack-order scan, then every object's type, size and stored bytes
 *    in id order (object-sizes.ts);
 * 2. **order**: every commit reachable from the refs (`--all`: refs/ and HEAD) in the order of
 *    `git rev-list --topo-order --reverse --all`, which filter-repo reads;
 * 3. **history**: each commit's changes as `diff-tree -M -t -c --combined-all-paths` gives them
 *    (commit-changes.ts), fed to filter-repo's rules (path-rules.ts), recording every (blob,
 *    path) version with the first commit that made it;
 * 4. **summary**: sums per path, directory, extension and pack, growth, renames (summary.ts).
 *
 * Driven by `step(budgetMs)`: the worker yields between slices and cancels by not calling it
 * again. Memory stays near 45 bytes an object plus the versions (a few per blob) and the paths;
 * trees are read through a small cache of recently used ones.
 */

/** Unreadable commits whose errors are kept (the count is exact). */
const MAX_UNREADABLE = 20;
/** Bytes of trees kept between commits (a parent's root tree is read again as its child's old side). */
const TREE_CACHE_BYTES = 8 << 20;
/** Bytes of blobs kept for rename detection (a merge compares the same files against each parent). */
const BLOB_CACHE_BYTES = 8 << 20;
/** Blobs larger than this are read again when needed rather than kept. */
const BLOB_CACHE_MAX_ONE = 4 << 20;

/** Options of a run. */
export interface SizeAnalysisOptions {
  /** Start ids (hex) instead of `--all`'s; commits they lead to are walked. */
  starts?: string[];
}

type Phase = AnalysisProgress['phase'];

/** Versions: (blob slot, path) pairs in linked lists per slot, in growable columns. */
class Versions {
  path: Int32Array = new Int32Array(1024);
  commit: Int32Array = new Int32Array(1024);
  next: Int32Array = new Int32Array(1024);
  count = 0;
  head: Int32Array;
  first: Int32Array;

  constructor(slots: number) {
    this.head = new Int32Array(slots).fill(-1);
    this.first = new Int32Array(slots).fill(-1);
  }

  ensureSlot(slot: number): void {
    if (slot < this.head.length) return;
    const cap = Math.max(slot + 1, this.head.length * 2);
    const head = new Int32Array(cap).fill(-1);
    head.set(this.head);
    const first = new Int32Array(cap).fill(-1);
    first.set(this.first);
    this.head = head;
    this.first = first;
  }

  /** Records the pair once; true when it is new. */
  add(slot: number, path: number, commit: number): boolean {
    this.ensureSlot(slot);
    for (let e = this.head[slot]; e >= 0; e = this.next[e]) if (this.path[e] === path) return false;
    if (this.count === this.path.length) {
      const grow = (a: Int32Array): Int32Array => {
        const b = new Int32Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.path = grow(this.path);
      this.commit = grow(this.commit);
      this.next = grow(this.next);
    }
    const e = this.count++;
    this.path[e] = path;
    this.commit[e] = commit;
    this.next[e] = this.head[slot];
    this.head[slot] = e;
    if (this.first[slot] < 0) this.first[slot] = commit;
    return true;
  }
}

/** Trees and committer dates of the commits the log walk read, by walk number, in typed arrays. */
class WalkFacts {
  private trees: Uint8Array;
  private times: Float64Array;
  private zones: Int32Array;
  private known: Uint8Array;

  constructor(
    private readonly hashSize: number,
    capacity: number,
  ) {
    this.trees = new Uint8Array(capacity * hashSize);
    this.times = new Float64Array(capacity);
    this.zones = new Int32Array(capacity);
    this.known = new Uint8Array(capacity);
  }

  keep(n: number, data: Uint8Array): void {
    let facts: CommitFacts;
    try {
      facts = commitFacts(data, this.hashSize, '');
    } catch {
      return; // read again (and reported) when its turn comes
    }
    if (n >= this.known.length) this.grow(Math.max(n + 1, this.known.length * 2));
    this.trees.set(facts.tree, n * this.hashSize);
    this.times[n] = facts.time;
    this.zones[n] = facts.zoneMinutes;
    this.known[n] = 1;
  }

  take(n: number): CommitFacts | undefined {
    if (n >= this.known.length || !this.known[n]) return undefined;
    const H = this.hashSize;
    return { tree: this.trees.slice(n * H, (n + 1) * H), time: this.times[n], zoneMinutes: this.zones[n] };
  }

  private grow(capacity: number): void {
    const trees = new Uint8Array(capacity * this.hashSize);
    trees.set(this.trees);
    this.trees = trees;
    const times = new Float64Array(capacity);
    times.set(this.times);
    this.times = times;
    const zones = new Int32Array(capacity);
    zones.set(this.zones);
    this.zones = zones;
    const known = new Uint8Array(capacity);
    known.set(this.known);
    this.known = known;
  }
}

/** The job. */
export class SizeAnalysisRun implements SizeAnalysisJob {
  private phase: Phase = 'sizes';
  private readonly sizesBuilder: ObjectSizesBuilder;
  private sizes: ObjectSizes | undefined;
  private walk: LogWalk | undefined;
  private order: Int32Array | undefined;
  private cursor = 0;
  private readonly hashSize: number;
  // Commits in walk order.
  private commitIds = new Uint8Array(0);
  private commitTrees = new Uint8Array(0);
  /** 1 when the commit and its tree were read (a damaged one is skipped). */
  private treeKnown = new Uint8Array(0);
  private readonly unreadable: { commit: CommitIndex; error: PackscopeError }[] = [];
  private unreadableCount = 0;
  private commitTimes = new Float64Array(0);
  private commitZones = new Int32Array(0);
  /** Parents of each commit by walk index (CSR: `parentList[parentStart[k] .. parentStart[k + 1])`); the walk is dropped once ordered. */
  private parentStart = new Uint32Array(1);
  private parentList = new Int32Array(0);
  private readonly paths = new PathIds();
  private rules: PathRules | undefined;
  private versions: Versions | undefined;
  private readonly missing = new Map<string, number>();
  private readonly missingIds: Uint8Array[] = [];
  /** Objects (rows) already counted in growth: trees and commits first named. */
  private counted: Uint8Array | undefined;
  private commitOwnStored = new Float64Array(0);
  private readonly notes: ChangeNotes = { renameLimitHit: 0, missingBlobs: new Set() };
  private readonly treeCache = new Map<string, Uint8Array>();
  private treeCacheBytes = 0;
  private storedSoFar = 0;
  private blobsSoFar = 0;
  private analysis: SizeAnalysis | undefined;
  private readonly refNames: string[];
  private walkFacts: WalkFacts;
  private readonly blobReader: BlobReader;

  constructor(
    private readonly db: ObjectDatabase,
    private readonly refs: RefMap,
    private readonly options: SizeAnalysisOptions = {},
  ) {
    this.hashSize = db.algo.size;
    this.sizesBuilder = new ObjectSizesBuilder(db);
    this.walkFacts = new WalkFacts(db.algo.size, 1024);
    this.blobReader = this.cachedBlobs(databaseBlobs(db));
    this.paths.id(new Uint8Array(0)); // the top level is path 0
    this.refNames = options.starts
      ? []
      : [...refs.keys()]
          .filter((n) => n.startsWith('refs/'))
          .sort()
          .concat(refs.has('HEAD') ? ['HEAD'] : []);
  }

  step(budgetMs: number): boolean {
    const deadline = performance.now() + budgetMs;
    if (this.phase === 'sizes') {
      if (!this.sizesBuilder.step(budgetMs)) return false;
      this.sizes = this.sizesBuilder.finish();
      this.counted = new Uint8Array(this.sizes.count);
      this.versions = new Versions(this.sizes.count);
      this.phase = 'order';
      // The walk reads every commit: its tree and date are kept then, not read again later.
      const onCommitBytes = (n: number, data: Uint8Array): void => this.walkFacts.keep(n, data);
      this.walk = new LogWalk(this.db, this.options.starts ?? allRefStarts(this.refs), { graph: generationGraph(this.db, this.refs), onCommitBytes });
    }
    if (this.phase === 'order') {
      const walk = this.walk as LogWalk;
      if (!walk.step(Math.max(1, deadline - performance.now()))) return false;
      this.startHistory(walk);
    }
    if (this.phase === 'history') {
      const order = this.order as Int32Array;
      while (this.cursor < order.length) {
        this.analyzeCommit(this.cursor);
        this.cursor++;
        if (performance.now() >= deadline) return false;
      }
      this.phase = 'summary';
      this.walkFacts = new WalkFacts(this.hashSize, 0);
    }
    if (this.phase === 'summary') {
      this.analysis = summarize(this.collectFacts());
      this.phase = 'done';
      this.walk = undefined;
      this.treeCache.clear();
    }
    return true;
  }

  progress(): AnalysisProgress {
    switch (this.phase) {
      case 'sizes':
        return { phase: 'sizes', done: this.sizesBuilder.done, total: this.sizesBuilder.expected * 2, label: 'Reading object sizes from the packs' };
      case 'order':
        return { phase: 'order', done: this.walk?.stats.read ?? 0, total: 0, label: 'Ordering commits as rev-list --topo-order does' };
      case 'history': {
        const total = this.order?.length ?? 0;
        return { phase: 'history', done: this.cursor, total, label: 'Comparing each commit with its parents' };
      }
      case 'summary':
        return { phase: 'summary', done: 0, total: 1, label: 'Summing sizes' };
      default:
        return { phase: 'done', done: 1, total: 1, label: 'Done' };
    }
  }

  soFar(): AnalysisSoFar {
    return { commits: this.cursor, files: this.paths.count, blobs: this.blobsSoFar, stored: this.storedSoFar };
  }

  result(): SizeAnalysis {
    return this.analysis ?? fail('NotFound', 'the size analysis has not finished');
  }

  /**
   * What the walk met that git would stop on or warn about: changes of a kind filter-repo stops
   * on, rename-limit hits, blobs rename detection could not read, and commits whose commit or
   * trees could not be read (left without changes; the first few errors kept).
   */
  get changeNotes(): { unhandled: number; renameLimitHit: number; missingBlobs: number; unreadableCommits: number; firstErrors: { commit: CommitIndex; error: PackscopeError }[] } {
    return {
      unhandled: this.rules?.unhandled ?? 0,
      renameLimitHit: this.notes.renameLimitHit,
      missingBlobs: this.notes.missingBlobs.size,
      unreadableCommits: this.unreadableCount,
      firstErrors: this.unreadable,
    };
  }

  private startHistory(walk: LogWalk): void {
    // rev-list --topo-order --reverse: the graph order, oldest first.
    const topo = walk.topoOrder();
    const order = new Int32Array(topo.length);
    for (let i = 0; i < topo.length; i++) order[i] = topo[topo.length - 1 - i];
    this.order = order;
    const n = order.length;
    const H = this.hashSize;
    this.commitIds = new Uint8Array(n * H);
    this.commitTrees = new Uint8Array(n * H);
    this.treeKnown = new Uint8Array(n);
    this.commitTimes = new Float64Array(n);
    this.commitZones = new Int32Array(n);
    this.commitOwnStored = new Float64Array(n);
    const indexOfNumber = new Int32Array(walk.oids.length).fill(-1);
    let edges = 0;
    for (let i = 0; i < n; i++) {
      indexOfNumber[order[i]] = i;
      this.commitIds.set(fromHex(walk.oids[order[i]]), i * H);
      edges += walk.parents[order[i]].length;
    }
    this.parentStart = new Uint32Array(n + 1);
    this.parentList = new Int32Array(edges);
    let at = 0;
    for (let i = 0; i < n; i++) {
      this.parentStart[i] = at;
      // Parents within the walk, by walk index; a parent always comes first in this order.
      for (const p of walk.parents[order[i]]) {
        const k = indexOfNumber[p];
        if (k >= 0 && k < i) this.parentList[at++] = k;
      }
    }
    this.parentStart[n] = at;
    // The walk's ids, maps and per-commit arrays are no longer needed (git.git: tens of MB).
    this.walk = undefined;
    const versions = this.versions as Versions;
    const sizes = this.sizes as ObjectSizes;
    this.rules = new PathRules(this.paths, {
      version: (path, oid, commit) => {
        let slot = sizes.find(oid);
        if (slot < 0) {
          const key = binaryKey(oid);
          let m = this.missing.get(key);
          if (m === undefined) {
            m = this.missingIds.length;
            this.missingIds.push(oid.slice());
            this.missing.set(key, m);
          }
          slot = sizes.count + m;
        }
        versions.ensureSlot(slot);
        const firstTime = versions.first[slot] < 0;
        if (versions.add(slot, path, commit) && firstTime && slot < sizes.count) {
          this.blobsSoFar++;
          this.storedSoFar += Math.max(0, sizes.stored[slot]);
        }
      },
    });
    this.phase = 'history';
  }

  private readTree: TreeSource = (oid) => {
    const key = binaryKey(oid);
    const cached = this.treeCache.get(key);
    if (cached) return cached;
    const obj = this.db.read(oid);
    if (obj.type !== 'tree') fail('CorruptObject', `${toHex(oid)} should be a tree but is a ${obj.type}`);
    if (this.treeCacheBytes + obj.data.length > TREE_CACHE_BYTES) {
      this.treeCache.clear();
      this.treeCacheBytes = 0;
    }
    // A view into a larger buffer (a window, an inflate buffer) would keep all of it alive.
    const data = obj.data.byteLength === obj.data.buffer.byteLength ? obj.data : obj.data.slice();
    this.treeCache.set(key, data);
    this.treeCacheBytes += data.length;
    return data;
  };

  /** Sizes from the size table (no lookup in the packs), contents through a small cache. */
  private cachedBlobs(db: BlobReader): BlobReader {
    const cache = new Map<string, Uint8Array>();
    let bytes = 0;
    return {
      size: (oid) => {
        const sizes = this.sizes;
        const row = sizes ? sizes.find(oid) : -1;
        if (sizes && row >= 0 && sizes.sizes[row] >= 0) return sizes.sizes[row];
        return db.size(oid);
      },
      data: (oid) => {
        const key = binaryKey(oid);
        const hit = cache.get(key);
        if (hit) return hit;
        const data = db.data(oid);
        if (data && data.length <= BLOB_CACHE_MAX_ONE) {
          if (bytes + data.length > BLOB_CACHE_BYTES) {
            cache.clear();
            bytes = 0;
          }
          cache.set(key, data.byteLength === data.buffer.byteLength ? data : data.slice());
          bytes += data.length;
        }
        return data;
      },
    };
  }

  private analyzeCommit(k: number): void {
    const sizes = this.sizes as ObjectSizes;
    const rules = this.rules as PathRules;
    const H = this.hashSize;
    const id = this.commitIds.subarray(k * H, (k + 1) * H);
    // diff-tree compares with every parent the commit names (those the repository has).
    const parents = Array.from(this.parentList.subarray(this.parentStart[k], this.parentStart[k + 1]));
    rules.ancestry.add(parents);
    let facts: CommitFacts;
    let changes: CommitChange[];
    try {
      facts = this.walkFacts.take(this.order![k]) ?? readCommitFacts(this.db, id);
      // A parent whose tree could not be read is left out (as if the repository lacked it).
      const parentTrees = parents.filter((p) => this.treeKnown[p]).map((p) => this.commitTrees.subarray(p * H, (p + 1) * H));
      changes = commitChanges(this.readTree, this.blobReader, H, facts.tree, parentTrees, this.notes);
    } catch (err) {
      // git diff-tree (and filter-repo) would stop here; the analysis notes it and goes on, so a
      // damaged object does not hide the rest of history.
      if (!(err instanceof PackscopeError)) throw err;
      if (this.unreadable.length < MAX_UNREADABLE) this.unreadable.push({ commit: k, error: err });
      this.unreadableCount++;
      return;
    }
    this.commitTrees.set(facts.tree, k * H);
    this.treeKnown[k] = 1;
    this.commitTimes[k] = facts.time;
    this.commitZones[k] = facts.zoneMinutes;
    rules.commit(k, changes);
    // Growth: the commit itself and the trees it names first.
    const counted = this.counted as Uint8Array;
    let own = 0;
    const count = (oid: Uint8Array): void => {
      const row = sizes.find(oid);
      if (row < 0 || counted[row]) return;
      counted[row] = 1;
      own += Math.max(0, sizes.stored[row]);
    };
    count(id);
    count(facts.tree);
    for (const c of changes) if (c.mode === MODE_TREE && c.oid) count(c.oid);
    this.commitOwnStored[k] = own;
  }

  private collectFacts(): HistoryFacts {
    const sizes = this.sizes as ObjectSizes;
    const rules = this.rules as PathRules;
    const versions = this.versions as Versions;
    const n = this.order?.length ?? 0;
    const H = this.hashSize;
    const times = this.commitTimes;
    const zones = this.commitZones;
    return {
      refs: this.refNames,
      hashSize: H,
      sizes,
      missingIds: this.missingIds,
      paths: this.paths,
      rules,
      versions,
      commits: {
        count: n,
        hashSize: H,
        ids: this.commitIds,
        times,
        zones,
        shortDate: (c) => shortDate(times[c], zones[c]),
        find: commitFinder(this.commitIds, n, H),
      },
      commitOwnStored: this.commitOwnStored,
      isBlob: (row) => sizes.types[row] === OBJ_BLOB,
    };
  }
}

/** Commit id to walk index, through a map built on first use. */
function commitFinder(ids: Uint8Array, n: number, H: number): (id: Uint8Array) => number {
  let byId: Map<string, number> | undefined;
  return (id) => {
    if (!byId) {
      byId = new Map();
      for (let i = 0; i < n; i++) byId.set(binaryKey(ids.subarray(i * H, (i + 1) * H)), i);
    }
    return byId.get(binaryKey(id.subarray(0, H))) ?? -1;
  };
}

/** Runs the whole analysis (the CLI). */
export function analyzeSizes(db: ObjectDatabase, refs: RefMap, options: SizeAnalysisOptions = {}): { analysis: SizeAnalysis; run: SizeAnalysisRun } {
  const run = new SizeAnalysisRun(db, refs, options);
  while (!run.step(1000));
  return { analysis: run.result(), run };
}
