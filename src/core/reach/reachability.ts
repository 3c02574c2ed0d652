import { PackscopeError } from '../errors.ts';
import { fromHex, toHex } from '../hash/hex.ts';
import type { ObjectTable } from '../odb/object-table.ts';
import { forEachCommitLink } from '../objects/commit.ts';
import { parseTag } from '../objects/tag.ts';
import { forEachTreeEntry } from '../objects/tree.ts';
import { typeName, typeNumber, type ObjectType } from '../objects/types.ts';
import { resolveRef, type RefMap } from '../repo/refs.ts';
import type { Reflog } from '../repo/reflog.ts';
import type { CommitGraph } from '../format/commit-graph-chain.ts';
import type { DirCache } from './dircache.ts';

/**
 * Reachability as `git fsck` judges it.
 *
 * Roots, as git's `get_default_heads` plus `--cache` (on by default when no heads are named):
 * every ref (loose and packed), HEAD, every index entry but gitlinks, and every valid node of
 * the index's cache-tree; and, unless the caller leaves them out (`--no-reflogs`), every id the
 * reflogs name. With no refs and no index at all (a bare pack
 * folder) the roots are the tips instead: commits no other commit names as a parent, and
 * annotated tags no other tag points to.
 *
 * From the roots: a commit reaches its tree and parents, a tree its entries (gitlinks are not
 * followed: the commit lives in another repository), a tag its target. The walk is a loop over
 * an explicit stack (hostile depth cannot overflow anything) and reads each object once.
 *
 * Everything else is unreachable. As in git, an unreachable object is `dangling` when no other
 * object names it ("USED" in builtin/fsck.c): the tips of what was lost. Whether an object is
 * named is learned by reading every unreachable commit, tree and tag (reachable objects cannot
 * name unreachable ones).
 *
 * State per object-table row, in one byte:
 *
 * | bit | meaning                                                  |
 * |-----|----------------------------------------------------------|
 * | 0   | REACHED: found from a root (set when first queued)       |
 * | 1   | USED: some object (reachable or not) names it            |
 * | 2   | PARENT: a commit names it as parent (tips mode)          |
 * | 3   | TAGGED: a tag names it (tips mode)                       |
 * | 4   | UNREADABLE: reading or parsing it failed                 |
 */

// ignoreBOM: a value is a slice of the header, whose decoder strips only a mark at its very start.
const UTF8 = new TextDecoder('utf-8', { ignoreBOM: true });

/** The value of a lowercase hex digit, or -1 (upper case takes the string path, as git's ids are lower case). */
function lowerHexNibble(c: number): number {
  return c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : -1;
}

const REACHED = 1;
const USED = 2;
const PARENT = 4;
const TAGGED = 8;
const UNREADABLE = 16;

/** Where a root came from. */
export type RootKind = 'ref' | 'head' | 'index' | 'cache-tree' | 'reflog' | 'tip';

/** A root the walk starts from (index entries are counted, not listed). */
export interface ReachRoot {
  kind: RootKind;
  /** Ref name, `HEAD`, an index path, `<ref>@{reflog}` (oid = its newest entry), or the commit's id for a tip. */
  name: string;
  oid: string;
}

/**
 * An object something reachable names that is in no pack and not loose. Like git, each missing
 * object is reported once, with the first reachable object found naming it.
 */
export interface MissingObject {
  oid: string;
  /** The type the link implies (a tree entry's mode, a commit's tree or parent line, a tag's type line). */
  type: ObjectType;
  /** The object id that names it, or `:<path>` for an index entry. */
  from: string;
  /** The naming object's type (absent for an index entry). */
  fromType?: ObjectType;
  /**
   * The naming object lies in a promisor pack (a `.promisor` file beside it): a partial clone
   * left the object out on purpose and its promisor remote provides it on demand. git fsck
   * does not report such objects when the repository's config names a promisor remote.
   */
  promised?: boolean;
}

/** A ref (or HEAD) whose object is not in the repository: git's "invalid sha1 pointer". */
export interface BrokenRoot {
  name: string;
  oid: string;
}

/** A reflog line naming an object the repository lacks: git's "invalid reflog entry". */
export interface InvalidReflogEntry {
  ref: string;
  oid: string;
}

/** An object that could not be read or parsed: its links are unknown. */
export interface UnreadableObject {
  oid: string;
  error: PackscopeError;
}

/** The outcome of a walk. */
export interface Reachability {
  /** 'refs': refs, HEAD and the index were the roots; 'tips': there were none, tips were used. */
  mode: 'refs' | 'tips';
  /** Refs, HEAD, cache-tree nodes and tips (index entries are counted in `indexEntries`). */
  roots: ReachRoot[];
  indexEntries: number;
  objectCount: number;
  reachableCount: number;
  /** Unreachable object-table rows, in id order. */
  unreachableRows: Uint32Array;
  /** What reachable objects name but the repository lacks, in the order the walk met them (git's). */
  missing: MissingObject[];
  brokenRoots: BrokenRoot[];
  /** Reflog entries naming missing objects (only when reflogs are roots). */
  invalidReflogEntries: InvalidReflogEntry[];
  /** Ids the reflogs name (0 when reflogs are not roots: git fsck --no-reflogs). */
  reflogEntries: number;
  unreadable: UnreadableObject[];
  /** The type of a row (undefined when unknown: never read, or unreadable). */
  typeOf(row: number): ObjectType | undefined;
  /** True for an unreachable row nothing names. */
  isDangling(row: number): boolean;
  isReachable(row: number): boolean;
}

/** What the walk starts from. */
export interface ReachInput {
  refs: RefMap;
  /** The parsed staging index, when there is one. */
  index?: DirCache;
  /** Reflogs whose ids count as roots (git fsck without --no-reflogs); leave out for --no-reflogs. */
  reflogs?: Reflog[];
  /**
   * The repository's commit-graph (history/generation-numbers.ts repositoryCommitGraph): a commit
   * it holds gives its tree and parents from the graph instead of being read and inflated (git
   * reads parents from the graph the same way). The links are the same as the commit's own; what
   * the graph cannot tell is a commit object damaged while its graph entry is intact (`commit-graph
   * verify` and reading the commit report that).
   */
  graph?: CommitGraph;
}

type Phase = 'tips' | 'walk' | 'unreachable' | 'done';

/**
 * The walk, a slice at a time: `step(n)` handles up to n objects and returns true when done, so
 * a worker can report progress, yield and be cancelled between slices.
 */
export class ReachabilityWalk {
  readonly mode: 'refs' | 'tips';
  private phase: Phase;
  private readonly flags: Uint8Array;
  private readonly types: Uint8Array;
  private readonly stack: number[] = [];
  private cursor = 0;
  private readonly roots: ReachRoot[] = [];
  private readonly missing: MissingObject[] = [];
  private readonly missingSeen = new Set<string>();
  private readonly brokenRoots: BrokenRoot[] = [];
  private readonly invalidReflogEntries: InvalidReflogEntry[] = [];
  private reflogEntries = 0;
  private readonly unreadable: UnreadableObject[] = [];
  private reachableCount = 0;
  /** A commit line's id, decoded (one buffer for the walk). */
  private readonly scratchId = new Uint8Array(64);
  private walked = 0;
  private readonly indexEntries: number;

  constructor(
    private readonly table: ObjectTable,
    private readonly input: ReachInput,
  ) {
    this.flags = new Uint8Array(table.count);
    this.types = new Uint8Array(table.count);
    const hasRefs = [...input.refs.keys()].some((name) => resolveRef(input.refs, name) !== undefined);
    this.mode = hasRefs || input.index || (input.reflogs?.length ?? 0) > 0 ? 'refs' : 'tips';
    this.indexEntries = 0;
    if (this.mode === 'refs') {
      this.indexEntries = this.seedFromRefsAndIndex();
      this.phase = 'walk';
    } else {
      this.phase = 'tips';
    }
  }

  /** Progress for a bar: objects handled of about twice the table (walk, then the rest). */
  get progress(): { done: number; total: number; label: string } {
    const n = this.table.count;
    const label = this.phase === 'tips' ? 'Finding the tips' : this.phase === 'walk' ? 'Walking from the roots' : 'Reading unreachable objects';
    const base = this.phase === 'tips' ? 0 : this.mode === 'tips' ? n : 0;
    const total = this.mode === 'tips' ? 3 * n : 2 * n;
    const done = this.phase === 'tips' ? this.cursor : this.phase === 'walk' ? base + this.walked : this.phase === 'unreachable' ? base + n + this.cursor : total;
    return { done: Math.min(done, total), total, label };
  }

  get done(): boolean {
    return this.phase === 'done';
  }

  /** Handles up to `limit` objects; true when the walk is complete. */
  step(limit: number): boolean {
    let budget = limit;
    while (budget > 0 && this.phase !== 'done') {
      if (this.phase === 'tips') {
        const end = Math.min(this.table.count, this.cursor + budget);
        budget -= end - this.cursor;
        for (; this.cursor < end; this.cursor++) this.scanForTips(this.cursor);
        if (this.cursor >= this.table.count) {
          this.seedTips();
          this.cursor = 0;
          this.phase = 'walk';
        }
        continue;
      }
      if (this.phase === 'walk') {
        while (budget > 0 && this.stack.length > 0) {
          this.visit(this.stack.pop() as number);
          this.walked++;
          budget--;
        }
        if (this.stack.length === 0) {
          this.cursor = 0;
          this.phase = 'unreachable';
        }
        continue;
      }
      const end = Math.min(this.table.count, this.cursor + budget);
      for (; this.cursor < end; this.cursor++) {
        if (!(this.flags[this.cursor] & REACHED)) this.readUnreachable(this.cursor);
      }
      budget = 0;
      if (this.cursor >= this.table.count) this.phase = 'done';
    }
    return this.phase === 'done';
  }

  /** Runs to the end (the CLI). */
  run(): Reachability {
    while (!this.step(100_000));
    return this.result();
  }

  /** The result; only after the walk is done. */
  result(): Reachability {
    if (this.phase !== 'done') throw new Error('the reachability walk is not finished');
    const flags = this.flags;
    const types = this.types;
    let unreachable = 0;
    for (let r = 0; r < flags.length; r++) if (!(flags[r] & REACHED)) unreachable++;
    const unreachableRows = new Uint32Array(unreachable);
    let k = 0;
    for (let r = 0; r < flags.length; r++) if (!(flags[r] & REACHED)) unreachableRows[k++] = r;
    return {
      mode: this.mode,
      roots: this.roots,
      indexEntries: this.indexEntries,
      objectCount: this.table.count,
      reachableCount: this.reachableCount,
      unreachableRows,
      missing: this.missing,
      brokenRoots: this.brokenRoots,
      invalidReflogEntries: this.invalidReflogEntries,
      reflogEntries: this.reflogEntries,
      unreadable: this.unreadable,
      typeOf: (row) => (types[row] ? typeName(types[row]) : undefined),
      isDangling: (row) => !(flags[row] & (REACHED | USED)),
      isReachable: (row) => (flags[row] & REACHED) !== 0,
    };
  }

  // --- roots ---------------------------------------------------------------------------------

  private seedFromRefsAndIndex(): number {
    const refs = this.input.refs;
    // git fsck's order (get_default_heads): every ref by name, then HEAD, then the reflogs, then
    // the index. The walk is a stack, so this order decides the order of the broken links.
    const names = [...refs.keys()].filter((name) => name !== 'HEAD').sort();
    if (refs.has('HEAD')) names.push('HEAD');
    for (const name of names) {
      const oid = resolveRef(refs, name);
      if (oid === undefined) continue; // a symbolic ref to an unborn branch: git only notes it
      const kind: RootKind = name === 'HEAD' ? 'head' : 'ref';
      this.roots.push({ kind, name, oid });
      if (!this.queueRoot(oid)) this.brokenRoots.push({ name, oid });
    }
    // git's fsck_handle_reflog_oid: every id a reflog names is reachable; a missing one is an error.
    for (const log of this.input.reflogs ?? []) {
      if (log.oids.length === 0) continue;
      this.roots.push({ kind: 'reflog', name: `${log.ref}@{reflog}`, oid: log.oids[log.oids.length - 1] });
      for (const oid of log.oids) {
        this.reflogEntries++;
        if (!this.queueRoot(oid)) this.invalidReflogEntries.push({ ref: log.ref, oid });
      }
    }
    let entries = 0;
    const index = this.input.index;
    if (index) {
      for (const e of index.entries) {
        if ((e.mode & 0o170000) === 0o160000) continue; // gitlink: another repository's commit
        entries++;
        // git looks a missing index entry up like any reachable object: `missing blob <oid>`.
        const type: ObjectType = (e.mode & 0o170000) === 0o040000 ? 'tree' : 'blob';
        if (!this.queueRoot(e.oid, type)) this.noteMissing(e.oid, type, `:${e.path}`, undefined);
      }
      for (const node of index.cacheTree) {
        this.roots.push({ kind: 'cache-tree', name: node.path === '' ? ':' : `:${node.path}/`, oid: node.oid });
        if (!this.queueRoot(node.oid)) this.brokenRoots.push({ name: `cache-tree ${node.path === '' ? '(root)' : node.path}`, oid: node.oid });
      }
    }
    return entries;
  }

  /** Queues a root's row; false when the object is not in the repository. */
  private queueRoot(hex: string, type?: ObjectType): boolean {
    let row: number;
    try {
      row = this.table.find(fromHex(hex));
    } catch {
      return false;
    }
    if (row < 0) return false;
    this.flags[row] |= USED;
    this.queue(row, type);
    return true;
  }

  /** Tips mode, first pass: the type of every object; commits and tags are read for their links. */
  private scanForTips(row: number): void {
    const type = this.readType(row);
    if (type === 'commit' || type === 'tag') this.readLinks(row, type, false);
  }

  private seedTips(): void {
    const commit = typeNumber('commit');
    const tag = typeNumber('tag');
    for (let r = 0; r < this.table.count; r++) {
      const t = this.types[r];
      if ((t === commit && !(this.flags[r] & PARENT)) || (t === tag && !(this.flags[r] & TAGGED))) {
        const oid = this.table.oidHexAt(r);
        this.roots.push({ kind: 'tip', name: oid, oid });
        this.queue(r);
      }
    }
  }

  // --- the walk ------------------------------------------------------------------------------

  /** Marks a row reached; objects that may have links go on the stack (blobs named as blobs need no read). */
  private queue(row: number, linkType?: ObjectType): void {
    if (this.flags[row] & REACHED) return;
    this.flags[row] |= REACHED;
    this.reachableCount++;
    if (linkType !== 'blob') this.stack.push(row);
  }

  private visit(row: number): void {
    const known = this.types[row];
    const type = known ? typeName(known) : this.readType(row);
    if (type === 'commit' || type === 'tree' || type === 'tag') this.readLinks(row, type, true);
  }

  /** Unreachable objects: read for their type, and commits, trees and tags for what they name. */
  private readUnreachable(row: number): void {
    const type = this.types[row] ? typeName(this.types[row]) : this.readType(row);
    if ((type === 'commit' || type === 'tag') && this.mode === 'tips') return; // read in the tips pass
    if (type === 'commit' || type === 'tree' || type === 'tag') this.readLinks(row, type, false);
  }

  private readType(row: number): ObjectType | undefined {
    if (this.flags[row] & UNREADABLE) return undefined;
    const known = this.table.knownType(row); // from the table's type scan, when it ran
    if (known !== undefined) {
      this.types[row] = typeNumber(known);
      return known;
    }
    try {
      const type = this.table.db.infoAt(this.table.locationAt(row)).type;
      this.types[row] = typeNumber(type);
      return type;
    } catch (err) {
      this.markUnreadable(row, err);
      return undefined;
    }
  }

  /**
   * Reads a commit, tree or tag and handles what it names: marks them USED (and PARENT /
   * TAGGED), and when `follow`, queues them (missing ones are recorded).
   */
  private readLinks(row: number, type: ObjectType, follow: boolean): void {
    if (this.flags[row] & UNREADABLE) return;
    if (type === 'commit' && this.input.graph !== undefined && this.linksFromGraph(row, this.input.graph, follow)) return;
    const db = this.table.db;
    try {
      // Transient: the links are taken and the bytes dropped before the next read.
      const object = db.readTransientAt(this.table.locationAt(row));
      this.types[row] = typeNumber(object.type);
      if (object.type === 'commit') {
        const data = object.data;
        forEachCommitLink(data, (isParent, start, end) => this.linkHexAt(row, data, start, end, isParent ? 'commit' : 'tree', follow, isParent ? PARENT : 0));
      } else if (object.type === 'tag') {
        const tag = parseTag(object.data);
        this.link(row, tag.object, tag.type, follow, TAGGED);
      } else if (object.type === 'tree') {
        const data = object.data;
        forEachTreeEntry(
          data,
          db.algo,
          () => this.table.oidHexAt(row),
          (mode, oidAt) => {
            // (mode & 0o170000, without 32-bit operators on a value parsed from the repository)
            const kind = Math.floor(mode / 0o10000) % 0o20;
            if (kind === 0o16) return; // gitlink
            // git: directories are trees, regular files and symlinks blobs; other modes are skipped.
            const linkType: ObjectType | undefined = kind === 0o04 ? 'tree' : kind === 0o10 || kind === 0o12 ? 'blob' : undefined;
            if (linkType) this.linkAt(row, data, oidAt, linkType, follow);
          },
        );
      }
    } catch (err) {
      this.markUnreadable(row, err);
    }
  }

  /**
   * A commit's links as the commit-graph records them, in the commit's order (tree, then parents);
   * false when the graph does not hold the commit or cannot answer (the commit is read instead).
   */
  private linksFromGraph(row: number, graph: CommitGraph, follow: boolean): boolean {
    let tree: Uint8Array;
    let parents: number[];
    try {
      const pos = graph.find(this.table.oidAt(row));
      if (pos < 0) return false;
      const k = graph.layerOf(pos);
      tree = graph.layers[k].commitData(pos - graph.bases[k]).tree;
      parents = graph.parentPositions(pos);
    } catch {
      return false;
    }
    this.types[row] = typeNumber('commit');
    this.linkRaw(row, tree, 'tree', follow, 0);
    for (const p of parents) {
      const k = graph.layerOf(p);
      this.linkRaw(row, graph.layers[k].oidAt(p - graph.bases[k]), 'commit', follow, PARENT);
    }
    return true;
  }

  private link(from: number, hex: string, type: ObjectType, follow: boolean, extra: number): void {
    let oid: Uint8Array;
    try {
      oid = fromHex(hex);
    } catch {
      this.markUnreadable(from, new PackscopeError('CorruptObject', `names ${JSON.stringify(hex)}, which is not an object id`));
      return;
    }
    if (oid.length !== this.table.db.algo.size) {
      this.markUnreadable(from, new PackscopeError('CorruptObject', `names ${hex}, which is not a ${this.table.db.algo.name} id`));
      return;
    }
    this.linkRaw(from, oid, type, follow, extra);
  }

  /**
   * A commit's tree or parent line: a lowercase hex id of the right length is decoded in place
   * (no strings: 203k commits on git.git); anything else takes `link`'s path and its messages.
   */
  private linkHexAt(from: number, data: Uint8Array, start: number, end: number, type: ObjectType, follow: boolean, extra: number): void {
    const H = this.table.db.algo.size;
    const id = this.scratchId;
    if (end - start === 2 * H) {
      let ok = true;
      for (let i = 0; i < H && ok; i++) {
        const hi = lowerHexNibble(data[start + 2 * i]);
        const lo = lowerHexNibble(data[start + 2 * i + 1]);
        if (hi < 0 || lo < 0) ok = false;
        else id[i] = (hi << 4) | lo;
      }
      if (ok) {
        const row = this.table.findAt(id, 0);
        if (row >= 0) {
          this.flags[row] |= USED | extra;
          if (follow) this.queue(row, type);
        } else this.linkRaw(from, id.slice(0, H), type, follow, extra);
        return;
      }
    }
    this.link(from, UTF8.decode(data.subarray(start, end)), type, follow, extra);
  }

  /** A tree entry's link: its id read in place. */
  private linkAt(from: number, data: Uint8Array, oidAt: number, type: ObjectType, follow: boolean): void {
    const row = this.table.findAt(data, oidAt);
    if (row < 0) {
      this.linkRaw(from, data.slice(oidAt, oidAt + this.table.db.algo.size), type, follow, 0);
      return;
    }
    this.flags[row] |= USED;
    if (follow) this.queue(row, type);
  }

  private linkRaw(from: number, oid: Uint8Array, type: ObjectType, follow: boolean, extra: number): void {
    const row = this.table.find(oid);
    if (row < 0) {
      // Unreachable objects naming missing ones are not reported (git: "not like we miss it").
      if (follow) this.noteMissing(toHex(oid), type, this.table.oidHexAt(from), this.types[from] ? typeName(this.types[from]) : undefined, from);
      return;
    }
    this.flags[row] |= USED | extra;
    if (follow) this.queue(row, type);
  }

  private noteMissing(oid: string, type: ObjectType, from: string, fromType: ObjectType | undefined, fromRow = -1): void {
    if (this.missingSeen.has(oid)) return;
    this.missingSeen.add(oid);
    const missing: MissingObject = fromType ? { oid, type, from, fromType } : { oid, type, from };
    if (fromRow >= 0 && this.inPromisorPack(fromRow)) missing.promised = true;
    this.missing.push(missing);
  }

  /** Packs with a `.promisor` file beside them (a partial clone's), found once. */
  private promisorPacks: Set<object> | undefined;

  private inPromisorPack(row: number): boolean {
    const db = this.table.db;
    if (!this.promisorPacks) {
      const names = new Set(db.packFiles.filter((g) => g.promisor !== undefined).map((g) => g.name));
      this.promisorPacks = new Set(db.packs.filter((p) => names.has(p.name)));
    }
    const loc = this.table.locationAt(row);
    return loc.kind === 'packed' && this.promisorPacks.has(loc.pack);
  }

  private markUnreadable(row: number, err: unknown): void {
    if (this.flags[row] & UNREADABLE) return;
    this.flags[row] |= UNREADABLE;
    const error = err instanceof PackscopeError ? err : new PackscopeError('CorruptObject', err instanceof Error ? err.message : String(err));
    this.unreadable.push({ oid: this.table.oidHexAt(row), error });
  }
}
