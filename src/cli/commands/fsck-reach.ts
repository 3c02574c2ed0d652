import { dirname, join } from 'node:path';
import { PackscopeError } from '../../core/errors.ts';
import { repositoryCommitGraph } from '../../core/history/generation-numbers.ts';
import { ObjectTableBuilder, type ObjectTable } from '../../core/odb/object-table.ts';
import { parseDirCache, type DirCache } from '../../core/reach/dircache.ts';
import { lostFoundFiles } from '../../core/reach/lost-found.ts';
import { ReachabilityWalk, type Reachability } from '../../core/reach/reachability.ts';
import type { FileEntry } from '../../core/repo/discover.ts';
import { RefStore } from '../../core/repo/ref-store.ts';
import type { RefMap } from '../../core/repo/refs.ts';
import type { Reflog } from '../../core/repo/reflog.ts';
import { ERROR_REACHABLE, ERROR_REFS, NO_DEFAULT_REFERENCES, databaseRefObjects, gitFsckRefs } from '../../core/verify/refs-check.ts';
import { RefusedWrite } from '../errors.ts';
import type { CliRepository } from '../repository.ts';
import { makeDirectory, writeRegularFile } from '../safe-write.ts';

/** What `git fsck` prints about objects nothing reaches. */
export interface ReachabilityOptions {
  /** `--unreachable`: every unreachable object, not only the dangling ones. */
  unreachable: boolean;
  /** `--dangling` (git's default) vs `--no-dangling`. */
  dangling: boolean;
  /**
   * `--lost-found=<dir>`: write git's lost-found files (commit/<oid>, other/<oid>) for every
   * dangling object into this folder (created if needed), never into the repository. As in git,
   * nothing is written together with `--unreachable`.
   */
  lostFound?: string;
  /** Reflogs are roots, as in git fsck without `--no-reflogs` (default: not roots). */
  reflogs?: boolean;
}

/** Everything fsck's reachability part has to say. */
export interface ReachabilityReport {
  /**
   * git's stdout lines, made one at a time as they are written: `broken link from …`, then
   * `missing`/`unreachable`/`dangling` in git's order (a repository where most objects are
   * unreachable lists millions: held as strings they took 1.8 GB where git needs 193 MB).
   */
  stdout: () => Generator<string>;
  /** Notices and errors for stderr (roots that point nowhere, unreadable objects, no refs). */
  stderr: string[];
  /** True when something reachable is missing or a root is broken (git exits non-zero). */
  errors: boolean;
  /** Lost-found files written (0 without `lostFound`). */
  lostFoundWritten: number;
  /** git fsck's exit bits for what this part found (ERROR_REACHABLE, ERROR_REFS). */
  exitBits: number;
  /** git died reading the refs (an unreadable packed-refs line): exit 128, nothing else is printed. */
  died: boolean;
}

/** The refs as git reads them, and the reflog files in the order git reads them (its directory order). */
export interface GitRefsSource {
  store: RefStore;
  reflogFiles: FileEntry[];
}

/** The exit bit for a refused lost-found write (git's ERROR_OBJECT bit; git has no such case). */
const EXIT_LOST_FOUND_REFUSED = 1;

/** Builds the object table in one go (the CLI has nothing else to do meanwhile). */
function buildTable(repo: CliRepository): ObjectTable {
  // Types from one pack-order scan per pack, not a header read per object in id order.
  repo.db.scanAllPacks();
  const builder = new ObjectTableBuilder(repo.db);
  while (!builder.step(100_000));
  return builder.finish();
}

/** The staging index, parsed; an index that does not parse is reported and left out. */
function readIndex(repo: CliRepository, stderr: string[]): DirCache | undefined {
  const file = repo.db.files.index;
  if (!file) return undefined;
  try {
    return parseDirCache(file.source.read(0, file.source.size), repo.db.algo, file.path);
  } catch (err) {
    const message = err instanceof PackscopeError ? err.message : String(err);
    stderr.push(`error: ${message}; its entries are not counted as reachable`);
    return undefined;
  }
}

/**
 * Walks the repository and formats the outcome as git fsck does, in git's order: what
 * get_default_heads says about refs, HEAD and reflogs (refs-check.ts), then the index and its
 * cache-tree, then the walk. Without `source` the refs are read from the repository's files.
 */
export function reachabilityReport(repo: CliRepository, options: ReachabilityOptions, source?: GitRefsSource): ReachabilityReport {
  const stderr: string[] = [];
  let exitBits = 0;
  const files = repo.db.files;
  const store = source?.store ?? (files.gitDir !== undefined ? new RefStore(files.refFiles, files.gitDir, repo.db.algo) : undefined);
  let roots: RefMap = repo.refs;
  let reflogs: Reflog[] | undefined;
  if (store) {
    const refs = gitFsckRefs(store, databaseRefObjects(repo.db), { reflogs: options.reflogs === true, reflogFiles: source?.reflogFiles ?? files.reflogFiles ?? [] });
    for (const line of refs.lines) stderr.push(`${line.level}: ${line.text}`);
    if (refs.died) return { stdout: function* () {}, stderr, errors: true, lostFoundWritten: 0, exitBits: refs.errorBits, died: true };
    for (const p of refs.reflogProblems) stderr.push(`error: ${p.message}; its entries are not counted as reachable`);
    exitBits |= refs.errorBits;
    roots = refs.roots;
    if (options.reflogs) reflogs = refs.reflogs;
  }

  const table = buildTable(repo);
  const indexProblems: string[] = [];
  const index = readIndex(repo, indexProblems);
  // Commits the commit-graph holds give their links from it, when git would read it.
  const graph = repositoryCommitGraph(repo.db, repo.refs);
  const reach = new ReachabilityWalk(table, { refs: roots, ...(index ? { index } : {}), ...(reflogs ? { reflogs } : {}), ...(graph ? { graph } : {}) }).run();
  const stdout = () => formatLines(reach, table, options);

  if (reach.mode === 'tips') {
    // Unlike git (which then calls every object dangling), packscope walks from the tips: say so
    // where git says it has no refs.
    const tips = `notice: ${NO_DEFAULT_REFERENCES}; the roots are the tips: commits no other commit names as a parent, and tags nothing points to`;
    const at = stderr.indexOf(`notice: ${NO_DEFAULT_REFERENCES}`);
    if (at >= 0) stderr[at] = tips;
    else stderr.push(tips);
  }
  stderr.push(...indexProblems);
  // Refs, HEAD and reflog entries were reported above; what is left are cache-tree nodes.
  for (const b of reach.brokenRoots) {
    if (roots.has(b.name)) continue;
    stderr.push(`error: ${b.oid}: invalid sha1 pointer in cache-tree`);
    exitBits |= ERROR_REFS;
  }
  for (const u of reach.unreadable) stderr.push(`error: ${u.oid}: ${u.error.message}`);
  if (reach.missing.length > 0) exitBits |= ERROR_REACHABLE;

  let lostFoundWritten = 0;
  let lostFoundRefused = false;
  if (options.lostFound !== undefined && !options.unreachable) {
    const remedy = 'Remove it, or give another --lost-found folder.';
    /** Runs one write; a refusal or I/O failure is reported and the next file is tried. */
    const attempt = (write: () => void): boolean => {
      try {
        write();
        return true;
      } catch (err) {
        if (!(err instanceof RefusedWrite || err instanceof PackscopeError)) throw err;
        stderr.push(`error: ${err.message}`);
        lostFoundRefused = true;
        return false;
      }
    };
    // Each subfolder (commit/, other/) is made and checked once: a refused one is reported once.
    const usableFolders = new Map<string, boolean>();
    for (const f of lostFoundFiles(reach, table, (oid, err) => stderr.push(`error: could not write lost-found/other/${oid}: ${err instanceof Error ? err.message : String(err)}`))) {
      const path = join(options.lostFound, f.path);
      const folder = dirname(path);
      let usable = usableFolders.get(folder);
      if (usable === undefined) {
        usable = attempt(() => makeDirectory(folder, remedy));
        usableFolders.set(folder, usable);
      }
      if (usable && attempt(() => writeRegularFile(path, f.data, { remedy, durable: false }))) lostFoundWritten++;
    }
  }
  // packscope's own bit: a lost-found file refused (git would have written through it).
  if (lostFoundRefused) exitBits |= EXIT_LOST_FOUND_REFUSED;
  return { stdout, stderr, errors: exitBits !== 0, lostFoundWritten, exitBits, died: false };
}

/**
 * The `unreachable <type> <oid>` / `dangling <type> <oid>` lines git fsck prints (reflogs are
 * roots only with `options.reflogs`), with `missing` and `broken link` lines for what reachable
 * objects name but the repository lacks, in git's order (`gitObjectHashSlot`).
 */
export function reachabilityLines(repo: CliRepository, options: ReachabilityOptions): string[] {
  return [...reachabilityReport(repo, options).stdout()];
}

/**
 * The stdout lines, one at a time. The listed objects are ordered without a string each: every
 * one gets a number in id order (the missing ids, few, merged into the table's rows, which are in
 * id order), and one sort of `slot * 2^bits + number` keys (8 bytes an object) gives git's order:
 * by hash-table slot, then by id.
 */
function* formatLines(reach: Reachability, table: ObjectTable, options: ReachabilityOptions): Generator<string> {
  for (const m of reach.missing) {
    // builtin/fsck.c mark_object, as the walk meets them: "broken link from %7s %s\n              to %7s %s".
    if (m.fromType) {
      yield `broken link from ${m.fromType.padStart(7)} ${m.from}`;
      yield `              to ${m.type.padStart(7)} ${m.oid}`;
    }
  }
  const rows: number[] = [];
  for (const row of reach.unreachableRows) {
    if (!reach.typeOf(row)) continue; // unreadable: reported on stderr
    if (options.unreachable || (options.dangling && reach.isDangling(row))) rows.push(row);
  }
  const missing = [...reach.missing].sort((a, b) => (a.oid < b.oid ? -1 : a.oid > b.oid ? 1 : 0));
  // Entry e < missing.length is missing[e]; else rows[e - missing.length]. `order` numbers them by id.
  const total = missing.length + rows.length;
  const slotOf = gitObjectHashSlot(table.count + reach.missing.length);
  const bits = Math.max(1, Math.ceil(Math.log2(total + 1)));
  const slots = new Float64Array(total);
  const entries = new Uint32Array(total);
  let maxSlot = 0;
  let m = 0;
  let r = 0;
  for (let order = 0; order < total; order++) {
    const takeMissing = m < missing.length && (r >= rows.length || missing[m].oid < table.oidHexAt(rows[r]));
    const entry = takeMissing ? m++ : missing.length + r++;
    const oid = takeMissing ? missing[entry].oid : table.oidHexAt(rows[entry - missing.length]);
    slots[order] = slotOf(oid);
    if (slots[order] > maxSlot) maxSlot = slots[order];
    entries[order] = entry;
  }
  // One native numeric sort while slot and number fit a double exactly (up to some 50 million
  // listed objects); past that a comparator sort of the numbers, slower but exact.
  let orders: ArrayLike<number>;
  if ((maxSlot + 1) * 2 ** bits <= 2 ** 53) {
    const keys = slots.map((slot, order) => slot * 2 ** bits + order).sort();
    orders = keys.map((key) => key % 2 ** bits);
  } else {
    orders = new Uint32Array(total).map((_, order) => order).sort((a, b) => slots[a] - slots[b] || a - b);
  }
  for (let i = 0; i < total; i++) {
    const order = orders[i];
    const entry = entries[order];
    if (entry < missing.length) yield `missing ${missing[entry].type} ${missing[entry].oid}`;
    else {
      const row = rows[entry - missing.length];
      const oid = table.oidHexAt(row);
      yield `${options.unreachable ? 'unreachable' : 'dangling'} ${reach.typeOf(row)} ${oid}`;
    }
  }
}

/**
 * git fsck prints `missing`, `unreachable` and `dangling` lines as it goes through its object
 * hash table (object.c), so their order is the table's: an object's slot is its id's first four
 * bytes read as a little-endian uint32, masked by the table size. The size is a power of two,
 * at least 32, grown so that it stays above twice the objects made: every object read and every
 * id they name (`objects`). On a collision git moves an object to the next free slot, in an
 * insertion order we do not reproduce; among the few objects printed that is rare, and objects
 * sharing a slot are printed in id order.
 */
export function gitObjectHashSlot(objects: number): (oidHex: string) => number {
  let size = 32;
  while (size - 1 <= 2 * (objects - 1)) size *= 2;
  return (oidHex) => parseInt(oidHex.slice(6, 8) + oidHex.slice(4, 6) + oidHex.slice(2, 4) + oidHex.slice(0, 2), 16) % size;
}
