import { fail } from '../errors.ts';
import { fromHex } from '../hash/hex.ts';
import { parseSignature } from '../objects/commit.ts';
import type { CommitGraph } from '../format/commit-graph-chain.ts';
import type { ObjectDatabase } from '../odb/database.ts';
import { GraphLayout } from './commit-graph-layout.ts';
import { onelineSubject } from './commit-subject.ts';
import { authorMatcher, type AuthorMatcher } from './author-match.ts';
import { GraphOrder } from './graph-order.ts';
import { peelToCommit } from './log-starts.ts';
import { PathGraph } from './path-graph.ts';
import { limitedGraphOrder } from './limited-order.ts';
import { LogWalk, COMMIT_UNREADABLE } from './log-walk.ts';

/**
 * The history graph a viewer scrolls through: the walk, its graph order a page at a time, the
 * filter, and git's lanes for each commit shown, kept compactly so any row can be drawn again.
 *
 * Filters hide commits as `git log --graph --author=…` does: a hidden commit takes no row and no
 * lane, and an edge to it is not drawn (git's graph only joins commits that are both shown).
 *
 * When the streamed order turns out wrong (a clock skewed past the slop; see graph-order.ts), the
 * graph finishes the walk, starts again from the exact order and bumps `generation`: rows of an
 * older generation must be dropped by whoever holds them.
 */

/** What a graph shows. */
export interface HistoryGraphOptions {
  firstParent?: boolean;
  /** See LogWalkOptions.graph: the commit-graph when git would use its generation numbers (generation-numbers.ts). */
  graph?: CommitGraph;
  /** git's `--author`: a basic regular expression found in the author's `Name <email>` (author-match.ts); of several, any. */
  author?: string | readonly string[];
  /** git's `-i` (`--regexp-ignore-case`) for `author`. */
  authorIgnoreCase?: boolean;
  /**
   * git's `--since` and `--until` (committer dates, seconds, ends included), with git's walk
   * semantics: the graph is then sorted over the limited list as `git log --graph` does without
   * generation numbers (limit_list): `since` stops the walk (older commits and what lies beyond
   * them are never listed), `until` leaves newer commits out of the list, so neither they nor their
   * edges take part in the order. With generation numbers (a commit-graph) git streams instead and
   * commits newer than `until` keep their place in the order, hidden.
   */
  since?: number;
  until?: number;
  /**
   * git's `-- <path>…`: the graph of the simplified history (path-graph.ts), walked to its end
   * first as git does. Not combined with the other limits. `pathGraph` is the commit-graph to
   * read commits and Bloom filters from (generation-numbers.ts repositoryCommitGraph).
   */
  paths?: Uint8Array[];
  pathGraph?: CommitGraph;
  /** Lanes drawn at most; lanes further right are cut (counted in `cut`). */
  maxLanes?: number;
}

/** A graph cell: glyph in the high nibble, lane colour (0..11; 15 none) in the low one. */
export const GLYPHS = ' *|/\\_-.';
export const NO_COLOUR = 15;

/** One commit's row: its graph lines as cells. */
export interface GraphRowCells {
  commit: number;
  lines: Uint8Array[];
  commitLine: number;
  /** Characters cut from the widest line (lanes past `maxLanes`). */
  cut: number;
  /** Parents drawn (shown by the filter): 0 means no edge leaves the commit downward. */
  shownParents: number;
}

const DEFAULT_MAX_LANES = 64;
/** Subject characters a row shows at most. */
const DETAIL_SUBJECT_CHARS = 500;
/** Bytes of the walk's last commits kept for rows (git.git's commits average 850 bytes: about 10,000 commits). */
const RECENT_BYTES = 8 * 1024 * 1024;
/** Parents of one commit drawn at most (Linux has a 66-parent octopus; the walk keeps 1,024). */
export const MAX_DRAWN_PARENTS = 128;

/** See the file comment. */
export class HistoryGraph {
  readonly walk: LogWalk;
  /** Rows produced so far (commits shown, in graph order). */
  rows: GraphRowCells[] = [];
  /** Bumped when the rows were started over (see the file comment). */
  generation = 0;
  private order: GraphOrder | undefined;
  private exact: Int32Array | undefined;
  private exactAt = 0;
  private layout = new GraphLayout();
  private readonly authorMatches: AuthorMatcher | undefined;
  /** Date limits make the walk limited: the whole (cut) walk first, then the exact order of the list. */
  private readonly limited: boolean;
  private readonly maxCells: number;
  private authorVerdicts: Int8Array = new Int8Array(0);
  /**
   * The bytes of the commits the walk read last, by commit number (insertion order = age): the
   * walk reads every commit anyway, and a row's text is parsed from them only when the row is
   * asked for (parsing every commit read cost a tenth of the walk).
   */
  private readonly recent = new Map<number, Uint8Array>();
  private recentBytes = 0;
  /** With paths: the simplified history's walk, then its commits (numbered in graph order) and rewritten parents. */
  private readonly pathWalk: PathGraph | undefined;
  private pathOids: string[] = [];
  private pathParents: number[][] = [];

  constructor(
    private readonly db: ObjectDatabase,
    starts: string[],
    private readonly options: HistoryGraphOptions = {},
  ) {
    // The walk reads every commit anyway: keep what rows show of the last ones read, so a page of
    // rows just produced seldom reads its commits a second time.
    this.walk = new LogWalk(db, starts, {
      firstParent: options.firstParent,
      graph: options.graph,
      authors: options.author !== undefined && options.author.length > 0,
      onCommitBytes: (n, data) => this.remember(n, data),
    });
    this.order = new GraphOrder(this.walk);
    const authors = (typeof options.author === 'string' ? [options.author] : (options.author ?? [])).filter((p) => p !== '');
    this.authorMatches = authors.length === 0 ? undefined : authorMatcher(authors, options.authorIgnoreCase);
    this.limited = options.since !== undefined || options.until !== undefined;
    if (options.paths && options.paths.length > 0) {
      if (this.limited || this.authorMatches || options.firstParent) fail('BadName', 'a path is not combined with dates, authors or first-parent here (git log --graph -- <path> alone)');
      const commits = starts.map((s) => peelToCommit(db, s)).filter((c): c is string => c !== undefined);
      this.pathWalk = new PathGraph(db, commits.map(fromHex), options.paths, { graph: options.pathGraph });
    }
    this.maxCells = 2 * (options.maxLanes ?? DEFAULT_MAX_LANES);
  }

  /** True when every row is produced and the order is final (the walk has ended). */
  get done(): boolean {
    if (this.exact) return this.exactAt >= this.exact.length;
    const o = this.order as GraphOrder;
    return o.finished && o.confirmed;
  }

  /** Commits read so far (the walk's progress). */
  get commitsRead(): number {
    return this.pathWalk ? this.pathWalk.log.commitsRead : this.walk.stats.read;
  }

  /** True when the order has given every commit (the walk may still be confirming it). */
  get allOut(): boolean {
    return this.exact ? this.exactAt >= this.exact.length : (this.order as GraphOrder).finished;
  }

  /**
   * Produces rows until `wanted` exist, the history ends, or `deadline` (performance.now) passes.
   * Once every commit is out, walks on within the deadline to confirm the order.
   */
  produce(wanted: number, deadline = Infinity): void {
    if (this.pathWalk && !this.exact && !this.limitToPaths(deadline)) return;
    if (this.limited && !this.exact && !this.limit(deadline)) return;
    while (this.rows.length < wanted && !this.allOut) {
      const batch = this.nextCommits(Math.min(256, Math.max(16, wanted - this.rows.length)), deadline);
      if (this.restartIfBroken()) continue;
      for (const n of batch) this.addRow(n);
      if (performance.now() > deadline) break;
    }
    if (this.allOut) this.confirm(Math.max(0, deadline - performance.now()));
  }

  /**
   * The date-limited walk (see HistoryGraphOptions.since), a slice at a time: true once the list
   * is sorted. By date, the walk stops where `since` starts (every commit left in the queue is
   * older, so git would mark it and all it reaches uninteresting); by corrected commit dates
   * likewise (each is at least its commit's date); by topological levels it walks on. The list is the walked commits within the dates
   * (by generation: within `since` only), in walk order.
   */
  private limit(deadline: number): boolean {
    const o = this.options;
    const walk = this.walk;
    // By generation the walk may stop at `since` too when the generations are corrected commit
    // dates (GDA2: never below the commit's own date); topological levels say nothing of dates.
    const datesBound = !walk.byGeneration || (o.graph?.readGenerationData.every((r) => r) ?? false);
    const walked = o.since === undefined || !datesBound ? walk.step(Math.max(0, deadline - performance.now())) : walk.walkDownTo(o.since, deadline);
    if (!walked) return false;
    const list: number[] = [];
    for (const n of walk.walked) {
      const d = walk.dates[n];
      if (o.since !== undefined && d < o.since) continue;
      if (!walk.byGeneration && o.until !== undefined && d > o.until) continue;
      list.push(n);
    }
    const position = new Map<number, number>();
    list.forEach((n, i) => position.set(n, i));
    const order = limitedGraphOrder(list.length, (i) => walk.parents[list[i]].map((p) => position.get(p) ?? -1));
    this.exact = Int32Array.from(order, (i) => list[i]);
    this.exactAt = 0;
    this.order = undefined;
    return true;
  }

  /** The simplified history's walk in slices; true once its commits are numbered in graph order. */
  private limitToPaths(deadline: number): boolean {
    const pw = this.pathWalk as PathGraph;
    while (!pw.step(512)) if (performance.now() > deadline) return false;
    const commits = pw.commits();
    const numberOf = new Map<string, number>();
    commits.forEach((c, i) => numberOf.set(c.oid, i));
    this.pathOids = commits.map((c) => c.oid);
    this.pathParents = commits.map((c) => c.parents.map((p) => numberOf.get(p) ?? -1).filter((p) => p >= 0));
    this.exact = Int32Array.from(commits.keys());
    this.exactAt = 0;
    this.order = undefined;
    return true;
  }

  /** A shown commit's id. */
  oidOf(n: number): string {
    return this.pathWalk ? this.pathOids[n] : this.walk.oids[n];
  }

  /** How many parents the commit names (with paths: its rewritten parents). */
  parentCountOf(n: number): number {
    return this.pathWalk ? this.pathParents[n].length : this.walk.parentCount[n];
  }

  /** Walks on for up to `budgetMs` without producing rows (confirming what was produced). */
  confirm(budgetMs: number): void {
    if (this.exact || this.walk.done) return;
    this.walk.step(budgetMs);
    this.restartIfBroken();
  }

  private nextCommits(max: number, deadline: number): number[] {
    if (this.exact) {
      const end = Math.min(this.exact.length, this.exactAt + max);
      const out = Array.from(this.exact.subarray(this.exactAt, end));
      this.exactAt = end;
      return out;
    }
    return (this.order as GraphOrder).next(max, deadline);
  }

  /** After a break: the exact order from the finished walk, and the rows started over. */
  private restartIfBroken(): boolean {
    if (this.exact || !this.order?.broken) return false;
    this.walk.step();
    this.exact = this.walk.topoOrder();
    this.exactAt = 0;
    this.order = undefined;
    this.rows = [];
    this.layout = new GraphLayout();
    this.generation++;
    return true;
  }

  private addRow(n: number): void {
    if (!this.shown(n)) return;
    const parents = this.pathWalk ? this.pathParents[n] : this.walk.parents[n];
    let shownParents = parents.every((p) => this.shown(p)) ? parents : parents.filter((p) => this.shown(p));
    // git draws two expansion lines per parent of an octopus: a crafted one would make a row
    // thousands of lines tall. Parents past the cap get no edge (their own rows still come).
    if (shownParents.length > MAX_DRAWN_PARENTS) shownParents = shownParents.slice(0, MAX_DRAWN_PARENTS);
    let cut = 0;
    let commitLine = 0;
    const lines: Uint8Array[] = [];
    this.layout.draw(n, shownParents, (codes, colours, isCommit) => {
      if (isCommit) commitLine = lines.length;
      cut = Math.max(cut, codes.length - this.maxCells);
      lines.push(encodeLine(codes, colours, this.maxCells));
    });
    this.rows.push({ commit: n, lines, commitLine, cut: Math.max(0, cut), shownParents: shownParents.length });
  }

  /** Whether the filter lets a commit through. */
  shown(n: number): boolean {
    if (this.pathWalk) return true; // every commit of the path graph's order is shown
    const o = this.options;
    if (o.since !== undefined && this.walk.dates[n] < o.since) return false;
    if (o.until !== undefined && this.walk.dates[n] > o.until) return false;
    if (this.authorMatches === undefined) return true;
    const a = this.walk.authorIndex(n);
    if (a >= this.authorVerdicts.length) {
      const grown = new Int8Array(Math.max(this.walk.authors.length, 2 * this.authorVerdicts.length));
      grown.set(this.authorVerdicts);
      this.authorVerdicts = grown;
    }
    if (this.authorVerdicts[a] === 0) this.authorVerdicts[a] = this.authorMatches(this.walk.authors[a]) ? 1 : -1;
    return this.authorVerdicts[a] === 1;
  }

  /** Keeps a read commit's bytes, the most recent RECENT_BYTES of them. */
  private remember(n: number, data: Uint8Array): void {
    // A hostile commit can be huge: only the part a row's text comes from is worth keeping.
    const kept = data.length > SUBJECT_BYTES ? data.subarray(0, SUBJECT_BYTES) : data;
    this.recent.set(n, kept);
    this.recentBytes += kept.length;
    while (this.recentBytes > RECENT_BYTES) {
      const [oldest, bytes] = this.recent.entries().next().value as [number, Uint8Array];
      this.recent.delete(oldest);
      this.recentBytes -= bytes.length;
    }
  }

  /** True when the commit could not be read. */
  unreadable(n: number): boolean {
    if (this.pathWalk) return false;
    return (this.walk.flags[n] & COMMIT_UNREADABLE) !== 0;
  }

  /** What a row shows beside the graph, read from the commit now (pages are small). */
  details(n: number, maxSubject = DETAIL_SUBJECT_CHARS): CommitDetails {
    const oid = this.oidOf(n);
    try {
      const data = (this.pathWalk ? undefined : this.recent.get(n)) ?? this.db.read(fromHex(oid)).data;
      return commitDetails(data, maxSubject);
    } catch (err) {
      return { subject: '', authorName: '', authorEmail: '', authorTime: 0, authorZone: '+0000', error: err instanceof Error ? err.message : String(err) };
    }
  }
}

/** Glyph index of each ASCII code (0 for anything else). */
const GLYPH_OF_CODE = new Uint8Array(128);
for (let g = 0; g < GLYPHS.length; g++) GLYPH_OF_CODE[GLYPHS.charCodeAt(g)] = g;

function encodeLine(codes: Uint8Array, colours: Int8Array, maxCells: number): Uint8Array {
  // Trailing spaces carry nothing to draw.
  let end = Math.min(codes.length, maxCells);
  while (end > 0 && codes[end - 1] === 0x20) end--;
  const out = new Uint8Array(end);
  for (let i = 0; i < end; i++) {
    const colour = colours[i];
    out[i] = (GLYPH_OF_CODE[codes[i] & 127] << 4) | (colour < 0 ? NO_COLOUR : colour);
  }
  return out;
}

/** A row's text beside the graph. */
export interface CommitDetails {
  /** git's one-line subject, UTF-8 decoded, cut to `maxSubject` characters (then ending in …). */
  subject: string;
  authorName: string;
  authorEmail: string;
  authorTime: number;
  authorZone: string;
  error?: string;
}

/** Bytes of the message looked at for a subject: a hostile commit's message can be huge. */
const SUBJECT_BYTES = 64 * 1024;
const utf8 = new TextDecoder('utf-8');

/** Subject and author of a commit's bytes. */
export function commitDetails(data: Uint8Array, maxSubject: number): CommitDetails {
  const subjectBytes = onelineSubject(data.length > SUBJECT_BYTES ? data.subarray(0, SUBJECT_BYTES) : data);
  let subject = utf8.decode(subjectBytes.length > maxSubject * 4 ? subjectBytes.subarray(0, maxSubject * 4) : subjectBytes);
  if (subject.length > maxSubject) subject = `${subject.slice(0, maxSubject)}…`;
  const author = headerLine(data, 'author ');
  const sig = parseSignature(author ?? '');
  return { subject, authorName: sig.name, authorEmail: sig.email, authorTime: sig.time, authorZone: sig.zone };
}

/** The value of the first header line starting with `key` (key included, e.g. 'author '), decoded. */
function headerLine(data: Uint8Array, key: string): string | undefined {
  let pos = 0;
  const limit = Math.min(data.length, SUBJECT_BYTES);
  while (pos < limit) {
    let eol = data.indexOf(0x0a, pos);
    if (eol < 0) eol = data.length;
    if (eol === pos) return undefined;
    let match = eol - pos >= key.length;
    for (let i = 0; i < key.length && match; i++) match = data[pos + i] === key.charCodeAt(i);
    if (match) return utf8.decode(data.subarray(pos + key.length, Math.min(eol, pos + 4096)));
    pos = eol + 1;
  }
  return undefined;
}
