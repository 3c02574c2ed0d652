import { fail } from '../errors.ts';
import { fromHex } from '../hash/hex.ts';
import { forEachCommitLink } from '../objects/commit.ts';
import { parseTag } from '../objects/tag.ts';
import type { CommitGraph } from '../format/commit-graph-chain.ts';
import type { ObjectDatabase } from '../odb/database.ts';
import { readCommitHeadBytes } from './commit-head-read.ts';
import { CommitQueue } from './commit-queue.ts';

/**
 * The commits `git log --graph` lists, in its order (git 2.39, revision.c and commit.c, no
 * commit-graph file): `--graph` implies `--topo-order`, and without generation numbers git
 * first walks the whole history (limit_list), then sorts it (sort_in_topological_order).
 *
 * The walk: the start commits, each once, sorted newest committer date first (a stable sort, so
 * equal dates keep the order they were named in); then a commit comes off the date queue
 * (newest first, equal dates in the order queued) and its parents not seen before are read and
 * queued. The order commits come off is the walk order.
 *
 * The sort ("graph order"): every commit counts its children within the walk. The commits no
 * child names are the tips, pushed on a stack so the first in walk order comes off first. A
 * commit comes off the stack and is shown; each parent that has then shown all its children is
 * pushed, in parent order, so the last parent pushed is shown next: after a merge, git shows
 * the merged side before the first parent's line.
 *
 * Commits are small integers (in the order they were first read); the walk keeps per commit
 * only what ordering, drawing and filtering need: id, parents, committer date, author.
 */

/** Limits that keep a hostile history from costing memory without bound. */
export const LOG_LIMITS = {
  /** Parents of one commit followed (git follows all; a crafted commit can name a million). */
  maxParents: 1024,
};

/** Tags followed at most from a start (a tag of a tag of …). */
const MAX_TAG_HOPS = 100;

/** Flags per commit. */
export const COMMIT_UNREADABLE = 1;

/** Options of a walk. */
export interface LogWalkOptions {
  /** `--first-parent`: only the first parent of each commit is walked. */
  firstParent?: boolean;
  /**
   * The repository's commit-graph when git would use its generation numbers
   * (generation-numbers.ts). Then, as in git: parents and dates come from the graph (no commit is
   * inflated), the walk goes by generation (so a parent's children are all counted exactly when
   * the walk passes its generation, whatever the clocks say), and with `firstParent` the order
   * counts first-parent edges only. Without it a merge's other parents that the walk reached
   * another way still wait for it, as in git's whole-walk sort.
   */
  graph?: CommitGraph;
  /**
   * Decode each commit's author as it is read (for a filter by author); otherwise `authorIndex`
   * reads it when asked. Decoding 37,000 authors nobody looks at was a tenth of a walk.
   */
  authors?: boolean;
  /** Called with a commit's bytes when the walk has read them (not when the commit-graph answered). */
  onCommitBytes?: (n: number, data: Uint8Array) => void;
}

/** Progress of a walk. */
export interface LogWalkStats {
  /** Commits read so far. */
  read: number;
  /** Parents named that the repository does not have (a shallow or partial history): left out. */
  missingParents: number;
  /** Commits that could not be read or parsed: listed without parents. */
  unreadable: number;
}

/** The date queue of the walk plus everything learned about each commit. */
export class LogWalk {
  /** Commit ids (hex), by commit number. */
  readonly oids: string[] = [];
  /** Committer dates (seconds), by commit number. */
  readonly dates: number[] = [];
  /** Author (`Name <email>`, an index into `authors`; -1 until read), by commit number: see `authorIndex`. */
  private readonly authorOf: number[] = [];
  /** What the walk orders by, by commit number: the committer date, or the generation (Infinity outside the graph). */
  readonly keys: number[] = [];
  /** Distinct authors. */
  readonly authors: string[] = [];
  /** Parents within the walk (commit numbers, in order), by commit number; empty until walked. */
  readonly parents: number[][] = [];
  /** Parents named by the commit (may exceed those kept), by commit number. */
  readonly parentCount: number[] = [];
  /** COMMIT_* flags, by commit number. */
  readonly flags: number[] = [];
  /** The start commits, newest first: the order the walk takes them in among themselves. */
  readonly starts: number[];
  /** Commit numbers in walk order (git's limit_list output). */
  readonly walked: number[] = [];
  readonly stats: LogWalkStats = { read: 0, missingParents: 0, unreadable: 0 };
  private readonly numberOf = new Map<string, number>();
  private readonly authorNumber = new Map<string, number>();
  /** Parent ids read but not yet turned into commit numbers (until the commit is walked). */
  private readonly parentIds: (string[] | undefined)[] = [];
  // Highest key (committer date, or generation) first, equal keys in the order queued.
  private readonly queue = new CommitQueue<number>();
  /** With --first-parent: the parents not walked, by commit number. */
  private readonly otherParents: (string[] | undefined)[] = [];
  private readonly firstParent: boolean;
  private readonly otherEdges: boolean;
  private readonly graph: CommitGraph | undefined;
  private readonly readAuthors: boolean;

  /**
   * `starts` are object ids (hex) in the order git would be given them (refs in name order,
   * then HEAD, for `--all`); tags are followed to their commits, and ids that lead to no commit
   * in this repository are skipped.
   */
  constructor(
    private readonly db: ObjectDatabase,
    starts: string[],
    options: LogWalkOptions = {},
  ) {
    this.firstParent = options.firstParent ?? false;
    this.graph = options.graph;
    this.onCommitBytes = options.onCommitBytes;
    this.otherEdges = options.graph === undefined;
    this.readAuthors = options.authors ?? false;
    const initial: number[] = [];
    const named = new Set<number>();
    for (const oid of starts) {
      const n = this.numberOf.get(oid) ?? this.discover(oid, true);
      if (n >= 0 && !named.has(n)) {
        named.add(n);
        initial.push(n);
      }
    }
    // A stable sort by date, newest first (commit_list_sort_by_date).
    const sorted = initial.map((n, i) => ({ n, i })).sort((a, b) => this.dates[b.n] - this.dates[a.n] || a.i - b.i);
    this.starts = sorted.map(({ n }) => n);
    for (const n of this.starts) this.queue.push(n, this.keys[n]);
  }

  /** The commit number of an id, or -1 when the walk has not met it. */
  numberOfId(oid: string): number {
    return this.numberOf.get(oid) ?? -1;
  }

  /** True when every reachable commit has been walked. */
  get done(): boolean {
    return this.queue.size === 0;
  }

  /** Walks until done or about `budgetMs` have passed; returns `done`. */
  step(budgetMs = Infinity): boolean {
    const deadline = performance.now() + budgetMs;
    for (let k = 1; this.queue.size > 0; k++) {
      this.visit(this.queue.pop() as number);
      if ((k & 63) === 0 && performance.now() > deadline) break;
    }
    return this.done;
  }

  /** True when the walk goes by generation numbers (see LogWalkOptions.graph). */
  get byGeneration(): boolean {
    return this.graph !== undefined;
  }

  /** Walks while the next commit's key is at least `key`; false when `deadline` (performance.now) passed first. */
  walkDownTo(key: number, deadline = Infinity): boolean {
    for (let k = 1; this.queue.size > 0 && (this.queue.topKey() as number) >= key; k++) {
      this.visit(this.queue.pop() as number);
      if ((k & 63) === 0 && performance.now() > deadline) return this.queue.size === 0 || (this.queue.topKey() as number) < key;
    }
    return true;
  }

  /** The author of a commit (an index into `authors`), read now when the graph gave the rest. */
  authorIndex(n: number): number {
    if (this.authorOf[n] < 0) {
      let author = '';
      try {
        const obj = this.db.read(fromHex(this.oids[n]));
        if (obj.type === 'commit') author = readCommitHead(obj.data).author;
      } catch {
        // Unreadable: no author to match.
      }
      this.authorOf[n] = this.internAuthor(author);
    }
    return this.authorOf[n];
  }

  /** Called with each commit as the walk takes it (after its parents are numbered). */
  onVisit: ((n: number) => void) | undefined;
  /** Called with each commit when it is first numbered. */
  onDiscover: ((n: number) => void) | undefined;
  private readonly onCommitBytes: ((n: number, data: Uint8Array) => void) | undefined;

  /** Parents a commit names but the walk did not follow (--first-parent), as ids. */
  unwalkedParents(n: number): readonly string[] {
    return this.otherParents[n] ?? [];
  }

  private visit(n: number): void {
    this.walked.push(n);
    const ids = this.parentIds[n] ?? [];
    this.parentIds[n] = undefined;
    const kept: number[] = [];
    for (let i = 0; i < ids.length; i++) {
      if (this.firstParent && i > 0) {
        // Not walked, yet the topological sort still counts the edge when another line walks it.
        if (this.otherEdges) (this.otherParents[n] ??= []).push(ids[i]);
        continue;
      }
      let p = this.numberOf.get(ids[i]);
      if (p === undefined) {
        p = this.discover(ids[i]);
        if (p < 0) continue;
        this.queue.push(p, this.keys[p]);
      }
      kept.push(p);
    }
    this.parents[n] = kept;
    this.onVisit?.(n);
  }

  /**
   * Reads a commit and numbers it; -1 when the repository does not have it. A start may name a
   * tag (followed to its commit, as git peels what it is given) or a tree or blob (left out).
   */
  private discover(oid: string, start = false): number {
    let id = fromHex(oid);
    const fromGraph = this.graph ? this.fromGraph(id) : undefined;
    if (fromGraph) return this.number(oid, fromGraph.head, fromGraph.generation, -1);
    // One lookup: `has` and then `read` searched the index twice for every commit.
    const loc = this.db.locate(id);
    if (loc === undefined) {
      if (!start) this.stats.missingParents++;
      return -1;
    }
    let head: CommitHead | undefined;
    let data: Uint8Array | undefined;
    // Most commits: only the header is inflated (commit-head-read.ts); the row's text is read when shown.
    const headBytes = readCommitHeadBytes(this.db, loc);
    if (headBytes !== undefined) {
      head = readCommitHead(headBytes, this.readAuthors);
      return this.number(oid, head, Infinity, this.readAuthors ? this.internAuthor(head.author) : -1);
    }
    try {
      let obj = this.db.readAt(loc);
      for (let hop = 0; start && obj.type === 'tag' && hop < MAX_TAG_HOPS; hop++) {
        oid = parseTag(obj.data).object;
        const known = this.numberOf.get(oid);
        if (known !== undefined) return known;
        id = fromHex(oid);
        // A tag's commit is in the graph like any other.
        const peeled = this.graph ? this.fromGraph(id) : undefined;
        if (peeled) return this.number(oid, peeled.head, peeled.generation, -1);
        const tagged = this.db.locate(id);
        if (tagged === undefined) return -1;
        obj = this.db.readAt(tagged);
      }
      if (obj.type !== 'commit') {
        if (start) return -1;
        fail('BadName', `${oid} is a ${obj.type}, not a commit`);
      }
      head = readCommitHead(obj.data, this.readAuthors);
      data = obj.data;
    } catch {
      // Listed, marked, without parents: its error shows when it is opened.
      head = undefined;
    }
    const n = this.number(oid, head, Infinity, !head ? this.internAuthor('') : this.readAuthors ? this.internAuthor(head.author) : -1);
    if (data) this.onCommitBytes?.(n, data);
    return n;
  }

  /** The commit as the commit-graph records it; undefined when it is not there (or the graph cannot say). */
  private fromGraph(id: Uint8Array): { head: CommitHead; generation: number } | undefined {
    const graph = this.graph as CommitGraph;
    try {
      const pos = graph.find(id);
      if (pos < 0) return undefined;
      const k = graph.layerOf(pos);
      const data = graph.layers[k].commitData(pos - graph.bases[k]);
      const positions = graph.parentPositions(pos);
      const parents: string[] = [];
      for (let i = 0; i < positions.length && i < LOG_LIMITS.maxParents; i++) parents.push(graph.oidHexAt(positions[i]));
      return { head: { parents, parentCount: positions.length, date: data.time, author: '' }, generation: Number(graph.generation(pos)) };
    } catch {
      // A graph that cannot answer: read the commit itself.
      return undefined;
    }
  }

  /** Numbers a commit; `head` undefined when it could not be read; `author` -1 when not read yet. */
  private number(oid: string, head: CommitHead | undefined, generation: number, author: number): number {
    const n = this.oids.length;
    this.oids.push(oid);
    this.numberOf.set(oid, n);
    this.parents.push([]);
    this.stats.read++;
    if (head) {
      this.dates.push(head.date);
      this.parentCount.push(head.parentCount);
      this.parentIds.push(head.parents);
      this.flags.push(0);
    } else {
      this.stats.unreadable++;
      this.dates.push(0);
      this.parentCount.push(0);
      this.parentIds.push(undefined);
      this.flags.push(COMMIT_UNREADABLE);
    }
    this.authorOf.push(author);
    this.keys.push(this.graph ? generation : (head?.date ?? 0));
    this.onDiscover?.(n);
    return n;
  }

  /** The committer date of a commit the walk may not have met (read, not numbered); 0 when unreadable. */
  dateOfId(oid: string): number {
    const n = this.numberOf.get(oid);
    if (n !== undefined) return this.dates[n];
    try {
      const obj = this.db.read(fromHex(oid));
      return obj.type === 'commit' ? readCommitHead(obj.data).date : 0;
    } catch {
      return 0;
    }
  }

  private internAuthor(author: string): number {
    let a = this.authorNumber.get(author);
    if (a === undefined) {
      a = this.authors.length;
      this.authors.push(author);
      this.authorNumber.set(author, a);
    }
    return a;
  }

  /**
   * The walked commits in git's graph order (sort_in_topological_order, REV_SORT_IN_GRAPH_ORDER).
   * Call when `done`.
   */
  topoOrder(): Int32Array {
    const walked = this.walked;
    const total = this.oids.length;
    // 0: not in the list; otherwise 1 + children in the list not yet shown.
    const indegree = new Int32Array(total);
    for (const n of walked) indegree[n] = 1;
    const edges = (n: number): number[] => {
      const more = this.otherParents[n];
      if (!more) return this.parents[n];
      const all = this.parents[n].slice();
      for (const id of more) {
        const p = this.numberOf.get(id);
        if (p !== undefined) all.push(p);
      }
      return all;
    };
    for (const n of walked) for (const p of edges(n)) if (indegree[p] > 0) indegree[p]++;
    const stack: number[] = [];
    for (let i = walked.length - 1; i >= 0; i--) if (indegree[walked[i]] === 1) stack.push(walked[i]);
    const out = new Int32Array(walked.length);
    let k = 0;
    while (stack.length > 0) {
      const n = stack.pop() as number;
      for (const p of edges(n)) {
        if (indegree[p] === 0) continue;
        if (--indegree[p] === 1) stack.push(p);
      }
      indegree[n] = 0;
      out[k++] = n;
    }
    return k === out.length ? out : out.slice(0, k);
  }
}

/** What the walk needs from a commit's header. */
interface CommitHead {
  /** The first LOG_LIMITS.maxParents parents. */
  parents: string[];
  /** All parents named. */
  parentCount: number;
  date: number;
  author: string;
}

const AUTHOR = [0x61, 0x75, 0x74, 0x68, 0x6f, 0x72, 0x20]; // "author "
const COMMITTER = [0x63, 0x6f, 0x6d, 0x6d, 0x69, 0x74, 0x74, 0x65, 0x72, 0x20]; // "committer "
const utf8 = new TextDecoder('utf-8');

/**
 * Parents (as forEachCommitLink finds them), the committer date as git's parse_commit_date
 * reads it (the digits after the last '>' of the first committer line; 0 when there are none)
 * and the author's `Name <email>`, without decoding the message.
 */
export function readCommitHead(data: Uint8Array, withAuthor = true): CommitHead {
  const parents: string[] = [];
  let parentCount = 0;
  forEachCommitLink(data, (isParent, start, end) => {
    // Every parent counts; only the first LOG_LIMITS.maxParents are kept (a crafted commit names a million).
    if (isParent && parentCount++ < LOG_LIMITS.maxParents) parents.push(latin1(data, start, end));
  });
  let date = 0;
  let author = '';
  let sawAuthor = !withAuthor;
  let sawCommitter = false;
  let pos = 0;
  while (pos < data.length && !(sawAuthor && sawCommitter)) {
    let eol = data.indexOf(0x0a, pos);
    if (eol < 0) eol = data.length;
    if (eol === pos) break; // the blank line ends the header
    if (!sawAuthor && startsWith(data, pos, eol, AUTHOR)) {
      sawAuthor = true;
      const gt = data.lastIndexOf(0x3e, eol - 1);
      author = utf8.decode(data.subarray(pos + AUTHOR.length, gt >= pos + AUTHOR.length ? gt + 1 : eol));
    } else if (!sawCommitter && startsWith(data, pos, eol, COMMITTER)) {
      sawCommitter = true;
      const gt = data.lastIndexOf(0x3e, eol - 1);
      if (gt >= pos) date = parseDate(data, gt + 1, eol);
    }
    pos = eol + 1;
  }
  return { parents, parentCount, date, author };
}

/** strtoul after the '>': spaces, then digits. */
function parseDate(data: Uint8Array, start: number, end: number): number {
  let p = start;
  while (p < end && data[p] === 0x20) p++;
  let v = 0;
  let any = false;
  while (p < end && data[p] >= 0x30 && data[p] <= 0x39) {
    v = v * 10 + (data[p] - 0x30);
    any = true;
    p++;
  }
  return any && Number.isSafeInteger(v) ? v : 0;
}

function startsWith(data: Uint8Array, pos: number, eol: number, key: number[]): boolean {
  if (eol - pos < key.length) return false;
  for (let i = 0; i < key.length; i++) if (data[pos + i] !== key[i]) return false;
  return true;
}

function latin1(data: Uint8Array, start: number, end: number): string {
  // One call instead of a string grown a character at a time (ids are 40 or 64 characters).
  return String.fromCharCode.apply(null, data.subarray(start, end) as unknown as number[]);
}
