import { bytesEqual } from '../bytes/be.ts';
import { PackscopeError } from '../errors.ts';
import type { HashAlgo } from '../hash/algo.ts';
import type { HasherFactory } from '../hash/hasher.ts';
import { fromHex, toHex } from '../hash/hex.ts';
import { type CommitGraph, loadCommitGraph, type CommitGraphFiles, type CommitGraphLoad } from '../format/commit-graph-chain.ts';
import type { ObjectDatabase } from '../odb/database.ts';
import { EXTRA_EDGES_NEEDED, GENERATION_OVERFLOW, LAST_EDGE, PARENT_NONE } from '../format/commit-graph.ts';

/**
 * `git commit-graph verify` (git 2.39's verify_commit_graph and graph_verify): the same checks,
 * in the same order, with the same lines on stderr and the same exit code. git keeps a parsed
 * commit per id across the whole run (positions learnt from parent lists, commits parsed once);
 * the state below does the same, because which commits fail to parse after a damaged fanout
 * depends on it.
 */

/** A commit as the object database has it (git's parse_commit_buffer: tree, parents, date). */
export interface OdbCommit {
  tree: string;
  parents: string[];
  /** Committer date as git's parse_commit_date reads it (strtoumax: 0 when absent). */
  date: bigint;
}

/** The object database's answer: the commit, or the `error:` line git prints (`Could not read …`). */
export type OdbCommitResult = { commit: OdbCommit } | { error: string };

export interface CommitGraphVerifyOptions {
  algo: HashAlgo;
  hasher: HasherFactory;
  /** The commit `oidHex`, at global position `position` of the graph (a reader may key on either). */
  readCommit: (oidHex: string, position: number) => OdbCommitResult;
  /** `--shallow`: only the top layer of a chain. */
  shallow?: boolean;
}

/** One line of output: what git prints, and where it comes from (for the app). */
export interface VerifyLine {
  /** The exact stderr line (`error: …`, `warning: …`, `fatal: …`, or a bare report). */
  text: string;
  /** The layer file concerned, when known. */
  file?: string;
  offset?: number;
}

export interface CommitGraphVerifyResult {
  lines: VerifyLine[];
  exitCode: number;
  /** Set when packscope stopped where git would crash or read outside the file (a documented difference). */
  beyondGit?: boolean;
}

const VERIFY_ERROR_HASH = 2;
const GENERATION_INFINITY = (1n << 63n) - 1n;
const GENERATION_V1_MAX = 0x3fffffffn;
const NOT_FROM_GRAPH = -1;

/** A die(): git prints `fatal: …` and exits 128. */
class Die extends Error {
  constructor(
    readonly text: string,
    readonly beyondGit = false,
  ) {
    super(text);
  }
}

/** Loads the folder's commit-graph as git does, then verifies it. */
export function verifyCommitGraphFiles(
  files: CommitGraphFiles,
  options: Omit<CommitGraphVerifyOptions, 'readCommit'> & { readerFor: (graph: CommitGraph) => CommitGraphVerifyOptions['readCommit'] },
): CommitGraphVerifyResult & { load: CommitGraphLoad } {
  const load = loadCommitGraph(files, { expectedAlgo: options.algo });
  const lines: VerifyLine[] = load.messages.map((m) => {
    const line: VerifyLine = { text: `${m.level}: ${m.text}` };
    if (m.file !== undefined) line.file = m.file;
    if (m.offset !== undefined) line.offset = m.offset;
    return line;
  });
  // graph_verify: no graph is a failure only when the flat file exists ("open_ok predicted success").
  if (load.graph === undefined) return { lines, exitCode: load.flatExists ? 1 : 0, load };
  const result = verifyCommitGraph(load.graph, { ...options, readCommit: options.readerFor(load.graph) });
  return { lines: [...lines, ...result.lines], exitCode: result.exitCode, ...(result.beyondGit ? { beyondGit: true } : {}), load };
}

/** Verifies a loaded graph (its top layer, then the ones below unless `shallow`). */
export function verifyCommitGraph(graph: CommitGraph, options: CommitGraphVerifyOptions): CommitGraphVerifyResult {
  const run = new VerifyRun(graph, options);
  try {
    const code = run.verifyLayer(graph.layers.length - 1);
    return { lines: run.lines, exitCode: code };
  } catch (err) {
    if (err instanceof Die) return { lines: [...run.lines, { text: `fatal: ${err.text}` }], exitCode: 128, ...(err.beyondGit ? { beyondGit: true } : {}) };
    if (err instanceof PackscopeError) {
      // git 2.39 reads on past a chunk here (or crashes); we stop and say where.
      const line: VerifyLine = { text: `fatal: ${err.message}` };
      if (err.file !== undefined) line.file = err.file;
      if (err.offset !== undefined) line.offset = err.offset;
      return { lines: [...run.lines, line], exitCode: 128, beyondGit: true };
    }
    throw err;
  }
}

/** Compares two ids as git's oidcmp (memcmp). */
function compareIds(a: Uint8Array, b: Uint8Array): number {
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return a[k] - b[k];
  return 0;
}

/**
 * git's per-commit state (struct commit + the commit_graph_data slab), one slot per distinct id
 * of the graph (a damaged file may hold an id twice: git then has one struct for both), kept in
 * typed arrays: git.git's graph has 200k commits.
 */
class CommitStates {
  /** The slot of the commit at each global position. */
  readonly slotOf: Int32Array;
  readonly graphPos: Int32Array;
  readonly parsed: Uint8Array;
  readonly generation: BigUint64Array;
  readonly date: Float64Array;
  /** Parents (global positions) of filled commits: [parentStart[s], parentStart[s] + parentCount[s]) of `parentList`. */
  readonly parentStart: Int32Array;
  readonly parentCount: Int32Array;
  parentList: number[] = [];
  private readonly slotByHex: Map<string, number>;

  constructor(graph: CommitGraph) {
    const n = graph.count;
    this.slotOf = new Int32Array(n);
    this.slotByHex = new Map();
    let slots = 0;
    for (let k = 0; k < graph.layers.length; k++) {
      const layer = graph.layers[k];
      for (let i = 0; i < layer.count; i++) {
        const hex = layer.oidHexAt(i);
        let slot = this.slotByHex.get(hex);
        if (slot === undefined) {
          slot = slots++;
          this.slotByHex.set(hex, slot);
        }
        this.slotOf[graph.bases[k] + i] = slot;
      }
    }
    this.graphPos = new Int32Array(slots).fill(NOT_FROM_GRAPH);
    this.parsed = new Uint8Array(slots);
    this.generation = new BigUint64Array(slots);
    this.date = new Float64Array(slots);
    this.parentStart = new Int32Array(slots);
    this.parentCount = new Int32Array(slots);
  }
}

class VerifyRun {
  readonly lines: VerifyLine[] = [];
  private readonly s: CommitStates;
  private error = 0;
  private currentFile = '';

  constructor(
    private readonly graph: CommitGraph,
    private readonly options: CommitGraphVerifyOptions,
  ) {
    this.s = new CommitStates(graph);
  }

  private report(text: string, offset?: number): void {
    this.error = 1;
    const line: VerifyLine = { text, file: this.currentFile };
    if (offset !== undefined) line.offset = offset;
    this.lines.push(line);
  }

  /** git's search_commit_pos_in_graph from layer `top` down. */
  private search(oid: Uint8Array, top: number): number {
    for (let k = top; k >= 0; k--) {
      const i = this.graph.layers[k].find(oid);
      if (i >= 0) return this.graph.bases[k] + i;
    }
    return NOT_FROM_GRAPH;
  }

  /** git's parse_commit_in_graph_one with `g` = layer `top`, for the commit in `slot` (id `oid`). */
  private parseInGraph(slot: number, oid: Uint8Array, top: number): boolean {
    const s = this.s;
    if (s.parsed[slot]) return true;
    const pos = s.graphPos[slot] !== NOT_FROM_GRAPH ? s.graphPos[slot] : this.search(oid, top);
    if (pos === NOT_FROM_GRAPH) return false;
    this.fill(slot, pos, top);
    return true;
  }

  /** git's fill_commit_in_graph: date and generation, then the parents (dying on a bad position). */
  private fill(slot: number, pos: number, top: number): void {
    const g = this.graph;
    const s = this.s;
    let k = top;
    while (k > 0 && pos < g.bases[k]) k--;
    const layer = g.layers[k];
    const limit = g.bases[k] + layer.count;
    if (pos >= limit) throw new Die('invalid commit position. commit-graph is likely corrupt');
    const i = pos - g.bases[k];
    const data = layer.commitData(i);
    s.graphPos[slot] = pos;
    s.date[slot] = data.time;
    if (g.readGenerationData[k]) {
      const word = layer.generationWord(i) as number;
      if ((word & GENERATION_OVERFLOW) !== 0) {
        const extra = layer.generationOverflow(word & 0x7fffffff);
        if (extra === undefined) throw new Die('commit-graph requires overflow generation data but has none');
        s.generation[slot] = BigInt.asUintN(64, BigInt(data.time) + extra);
      } else {
        s.generation[slot] = BigInt(data.time + word);
      }
    } else {
      s.generation[slot] = BigInt(data.topoLevel);
    }
    s.parsed[slot] = 1;
    s.parentStart[slot] = s.parentList.length;
    s.parentCount[slot] = 0;
    const insert = (p: number) => {
      if (p >= limit) throw new Die(`invalid parent position ${p}`);
      s.graphPos[s.slotOf[p]] = p;
      s.parentList.push(p);
      s.parentCount[slot]++;
    };
    if (data.parent1 === PARENT_NONE) return;
    insert(data.parent1);
    if (data.parent2 === PARENT_NONE) return;
    if ((data.parent2 & EXTRA_EDGES_NEEDED) === 0) {
      insert(data.parent2);
      return;
    }
    // git 2.39 follows a NULL EDGE pointer here and crashes.
    if (layer.edge === undefined) throw new Die(`commit ${layer.oidHexAt(i)} needs the EDGE chunk, which is missing (git 2.39 crashes here)`, true);
    let e = data.parent2 & 0x7fffffff;
    for (;;) {
      const word = layer.edgeWord(e) as number;
      insert(word & 0x7fffffff);
      if ((word & LAST_EDGE) !== 0) break;
      e++;
    }
  }

  /** The generation git reads for a commit (INFINITY when not from the graph). */
  private generationOf(slot: number): bigint {
    return this.s.graphPos[slot] === NOT_FROM_GRAPH ? GENERATION_INFINITY : this.s.generation[slot];
  }

  private checksumValid(k: number): boolean {
    const layer = this.graph.layers[k];
    const H = layer.algo.size;
    const h = this.options.hasher(layer.algo);
    const end = layer.size - H;
    const step = 1 << 20;
    for (let at = 0; at < end; at += step) h.update(layer.bytes.subarray(at, Math.min(end, at + step)));
    return bytesEqual(h.digest(), layer.bytes.subarray(end));
  }

  /** verify_commit_graph for layer `k` (and the layers below unless shallow). */
  verifyLayer(k: number): number {
    const g = this.graph;
    const s = this.s;
    const layer = g.layers[k];
    const base = g.bases[k];
    this.currentFile = layer.name;
    this.error = 0;
    if (!this.checksumValid(k)) {
      this.report('the commit-graph file has incorrect checksum and is likely corrupt', layer.size - layer.algo.size);
      this.error = VERIFY_ERROR_HASH;
    }
    const N = layer.count;
    let fanoutPos = 0;
    let prev: Uint8Array | undefined;
    for (let i = 0; i < N; i++) {
      const cur = layer.oidAt(i);
      if (prev !== undefined && compareIds(prev, cur) >= 0) {
        this.report(`commit-graph has incorrect OID order: ${toHex(prev)} then ${toHex(cur)}`, layer.oidOffset(i));
      }
      prev = cur;
      while (cur[0] > fanoutPos) {
        const value = layer.fanout(fanoutPos);
        if (value !== i) this.report(`commit-graph has incorrect fanout value: fanout[${fanoutPos}] = ${value} != ${i}`, layer.oidf.offset + 4 * fanoutPos);
        fanoutPos++;
      }
      if (!this.parseInGraph(s.slotOf[base + i], cur, k)) this.report(`failed to parse commit ${toHex(cur)} from commit-graph`, layer.oidOffset(i));
    }
    while (fanoutPos < 256) {
      const value = layer.fanout(fanoutPos);
      if (value !== N) this.report(`commit-graph has incorrect fanout value: fanout[${fanoutPos}] = ${value} != ${N}`, layer.oidf.offset + 4 * fanoutPos);
      fanoutPos++;
    }
    if ((this.error & ~VERIFY_ERROR_HASH) !== 0) return this.error;

    const GENERATION_ZERO_EXISTS = 1;
    const GENERATION_NUMBER_EXISTS = 2;
    let generationZero = 0;
    for (let i = 0; i < N; i++) {
      const hex = layer.oidHexAt(i);
      const slot = s.slotOf[base + i];
      const odb = this.options.readCommit(hex, base + i);
      if ('error' in odb) {
        this.lines.push({ text: `error: ${odb.error}`, file: layer.name, offset: layer.oidOffset(i) });
        this.report(`failed to parse commit ${hex} from object database for commit-graph`, layer.oidOffset(i));
        continue;
      }
      const dataAt = layer.dataOffset(i);
      const pos = s.graphPos[slot];
      const treeLayer = g.layerOf(pos);
      const treeHex = toHex(g.layers[treeLayer].commitData(pos - g.bases[treeLayer]).tree);
      if (treeHex !== odb.commit.tree) this.report(`root tree OID for commit ${hex} in commit-graph is ${treeHex} != ${odb.commit.tree}`, dataAt);

      let maxGeneration = 0n;
      const odbParents = odb.commit.parents;
      const first = s.parentStart[slot];
      const count = s.parentCount[slot];
      let j = 0;
      for (; j < count; j++) {
        if (j >= odbParents.length) {
          this.report(`commit-graph parent list for commit ${hex} is too long`, dataAt);
          break;
        }
        const parentPos = s.parentList[first + j];
        const parentSlot = s.slotOf[parentPos];
        const parentHex = g.oidHexAt(parentPos);
        this.parseInGraph(parentSlot, fromHex(parentHex), k);
        if (parentHex !== odbParents[j]) this.report(`commit-graph parent for ${hex} is ${parentHex} != ${odbParents[j]}`, dataAt + layer.algo.size);
        const generation = this.generationOf(parentSlot);
        if (generation > maxGeneration) maxGeneration = generation;
      }
      // After "too long" git's odb list is used up (j >= its length), so this cannot follow it.
      if (j < odbParents.length) {
        this.report(`commit-graph parent list for commit ${hex} terminates early`, dataAt);
      }

      const own = this.generationOf(slot);
      if (own === 0n) {
        if (generationZero === GENERATION_NUMBER_EXISTS) this.report(`commit-graph has generation number zero for commit ${hex}, but non-zero elsewhere`, dataAt);
        generationZero = GENERATION_ZERO_EXISTS;
      } else if (generationZero === GENERATION_ZERO_EXISTS) {
        this.report(`commit-graph has non-zero generation number for commit ${hex}, but zero elsewhere`, dataAt);
      }
      if (generationZero === GENERATION_ZERO_EXISTS) continue;
      if (!g.readGenerationData[k] && maxGeneration === GENERATION_V1_MAX) maxGeneration--;
      const needed = BigInt.asUintN(64, maxGeneration + 1n);
      if (own < needed) {
        this.report(`commit-graph generation for commit ${hex} is ${own} < ${needed}`, g.readGenerationData[k] && layer.gda2 ? layer.gda2.offset + 4 * i : dataAt + layer.algo.size + 8);
      }
      if (BigInt(s.date[slot]) !== odb.commit.date) {
        this.report(`commit date for commit ${hex} in commit-graph is ${s.date[slot]} != ${odb.commit.date}`, dataAt + layer.algo.size + 8);
      }
    }
    let localError = this.error;
    if (!this.options.shallow && k > 0) localError |= this.verifyLayer(k - 1);
    return localError;
  }
}

/**
 * git 2.39's parse_commit_buffer (tree and parent lines) and parse_commit_date over a commit's
 * bytes, with git's error sentences. `oidHex` names the commit in the messages.
 */
export function parseOdbCommit(data: Uint8Array, oidHex: string, hexSize: number): OdbCommitResult {
  const treeEntry = hexSize + 5;
  const parentEntry = hexSize + 7;
  const tail = data.length;
  const startsWith = (p: number, word: string) => {
    if (p + word.length > tail) return false;
    for (let k = 0; k < word.length; k++) if (data[p + k] !== word.charCodeAt(k)) return false;
    return true;
  };
  const hexAt = (p: number): string | undefined => {
    if (p + hexSize > tail) return undefined;
    let s = '';
    for (let k = 0; k < hexSize; k++) {
      const c = data[p + k];
      const isHex = (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
      if (!isHex) return undefined;
      s += String.fromCharCode(c);
    }
    return s.toLowerCase();
  };
  if (tail <= treeEntry + 1 || !startsWith(0, 'tree ') || data[treeEntry] !== 0x0a) return { error: `bogus commit object ${oidHex}` };
  const tree = hexAt(5);
  if (tree === undefined) return { error: `bad tree pointer in commit ${oidHex}` };
  let p = treeEntry + 1;
  const parents: string[] = [];
  while (p + parentEntry < tail && startsWith(p, 'parent ')) {
    const id = hexAt(p + 7);
    if (tail <= p + parentEntry + 1 || id === undefined || data[p + parentEntry] !== 0x0a) return { error: `bad parents in commit ${oidHex}` };
    parents.push(id);
    p += parentEntry + 1;
  }
  return { commit: { tree, parents, date: parseCommitDate(data, p) } };
}

/** git's parse_commit_date from `buf`: the number after the committer line's '>' (strtoumax). */
function parseCommitDate(data: Uint8Array, start: number): bigint {
  const tail = data.length;
  let buf = start;
  const matches = (p: number, word: string) => {
    for (let k = 0; k < word.length; k++) if (data[p + k] !== word.charCodeAt(k)) return false;
    return true;
  };
  if (buf + 6 >= tail || !matches(buf, 'author')) return 0n;
  while (buf < tail && data[buf++] !== 0x0a);
  if (buf + 9 >= tail || !matches(buf, 'committer')) return 0n;
  while (buf < tail && data[buf++] !== 0x3e);
  if (buf >= tail) return 0n;
  const datePtr = buf;
  while (buf < tail && data[buf++] !== 0x0a);
  if (buf >= tail) return 0n;
  return strtoumax(data, datePtr);
}

/** C's strtoumax base 10: blanks, a sign, digits; saturates at 2^64 - 1; a minus wraps. */
function strtoumax(data: Uint8Array, start: number): bigint {
  let p = start;
  const isSpace = (c: number) => c === 0x20 || (c >= 0x09 && c <= 0x0d);
  while (p < data.length && isSpace(data[p])) p++;
  let negative = false;
  if (data[p] === 0x2b || data[p] === 0x2d) {
    negative = data[p] === 0x2d;
    p++;
  }
  const max = (1n << 64n) - 1n;
  let value = 0n;
  let any = false;
  let overflow = false;
  while (p < data.length && data[p] >= 0x30 && data[p] <= 0x39) {
    any = true;
    if (!overflow) {
      value = value * 10n + BigInt(data[p] - 0x30);
      if (value > max) overflow = true;
    }
    p++;
  }
  if (!any) return 0n;
  if (overflow) return max;
  return negative ? BigInt.asUintN(64, -value) : value;
}

/** The object database as git's verify reads it: `Could not read` / `not a commit` / parse_commit_buffer. */
export function odbCommitReader(db: ObjectDatabase): (oidHex: string) => OdbCommitResult {
  return (hex) => {
    let obj: ReturnType<ObjectDatabase['read']>;
    try {
      obj = db.read(fromHex(hex));
    } catch (err) {
      if (err instanceof PackscopeError) return { error: `Could not read ${hex}` };
      throw err;
    }
    if (obj.type !== 'commit') return { error: `Object ${hex} not a commit` };
    return parseOdbCommit(obj.data, hex, db.algo.hexSize);
  };
}

/**
 * The same answers as `odbCommitReader`, read ahead in pack order: verify asks for commits in id
 * order, which jumps across a pack; in the browser every such read is a page read (a millisecond
 * or more), while in pack order git's packs keep commits together, so pages are read once.
 * Parsed commits are kept compactly (tree + parent ids as bytes, the date) until asked for.
 */
export function prefetchedCommitReader(
  db: ObjectDatabase,
  graph: CommitGraph,
  options: { shallow?: boolean; onProgress?: (done: number, total: number) => void } = {},
): (oidHex: string, position: number) => OdbCommitResult {
  const read = odbCommitReader(db);
  const H = db.algo.size;
  const total = graph.count;
  const onProgress = options.onProgress;
  const locations: { position: number; pack: string; offset: number; loc: ReturnType<ObjectDatabase['locate']> }[] = [];
  // --shallow verifies the top layer only: the others are never asked for.
  for (let k = options.shallow ? graph.layers.length - 1 : 0; k < graph.layers.length; k++) {
    const layer = graph.layers[k];
    for (let i = 0; i < layer.count; i++) {
      const loc = db.locate(layer.oidAt(i));
      locations.push({ position: graph.bases[k] + i, pack: loc?.kind === 'packed' ? loc.pack.name : '', offset: loc?.kind === 'packed' ? loc.offset : -1, loc });
    }
  }
  locations.sort((a, b) => (a.pack < b.pack ? -1 : a.pack > b.pack ? 1 : a.offset - b.offset));
  // Per position: tree id, then parent ids, in one byte list; the date; or an error sentence.
  const start = new Int32Array(total + 1).fill(-1);
  const parentCount = new Int32Array(total);
  // Dates as numbers; one that is not exact as a double (hostile) keeps its BigInt aside.
  const dates = new Float64Array(total);
  const oddDates = new Map<number, bigint>();
  const errors = new Map<number, string>();
  let bytes = new Uint8Array(Math.max(1024, total * H * 2));
  let used = 0;
  const put = (hex: string) => {
    if (used + H > bytes.length) {
      const grown = new Uint8Array(bytes.length * 2);
      grown.set(bytes);
      bytes = grown;
    }
    bytes.set(fromHex(hex), used);
    used += H;
  };
  let done = 0;
  for (const { position, loc } of locations) {
    const hex = graph.oidHexAt(position);
    let result: OdbCommitResult;
    if (loc === undefined) result = { error: `Could not read ${hex}` };
    else {
      try {
        const obj = db.readTransientAt(loc);
        result = obj.type !== 'commit' ? { error: `Object ${hex} not a commit` } : parseOdbCommit(obj.data, hex, db.algo.hexSize);
      } catch (err) {
        if (!(err instanceof PackscopeError)) throw err;
        result = { error: `Could not read ${hex}` };
      }
    }
    if ('error' in result) errors.set(position, result.error);
    else {
      start[position] = used;
      put(result.commit.tree);
      for (const p of result.commit.parents) put(p);
      parentCount[position] = result.commit.parents.length;
      const date = result.commit.date;
      dates[position] = Number(date);
      if (BigInt(dates[position]) !== date) oddDates.set(position, date);
    }
    if (++done % 4096 === 0) onProgress?.(done, locations.length);
  }
  const prefetched = new Uint8Array(total);
  for (const { position } of locations) prefetched[position] = 1;
  return (hex, p) => {
    if (!(p >= 0 && p < total && prefetched[p] === 1 && graph.oidHexAt(p) === hex)) return read(hex);
    const error = errors.get(p);
    if (error !== undefined) return { error };
    const at = start[p];
    const parents: string[] = [];
    for (let j = 0; j < parentCount[p]; j++) parents.push(toHex(bytes, at + H * (j + 1), H));
    return { commit: { tree: toHex(bytes, at, H), parents, date: oddDates.get(p) ?? BigInt(dates[p]) } };
  };
}
