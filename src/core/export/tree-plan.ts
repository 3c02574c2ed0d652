import { PackscopeError } from '../errors.ts';
import { toHex } from '../hash/hex.ts';
import { parseTree, type TreeEntry } from '../objects/tree.ts';
import type { ObjectDatabase } from '../odb/database.ts';

/**
 * Before a tree is written out, it is measured: a tree object names its subtrees by id, so
 * a few kilobytes of hostile trees can name the same subtree 16 times per level, 12 levels
 * deep — 2.8·10^14 files from 13 objects. The plan reads every *distinct* tree once and
 * sums sizes bottom-up over the graph (memoised per id), so measuring costs the distinct
 * objects, never the expanded ones. Iterative (an explicit stack), so depth cannot overflow
 * the call stack.
 */

/** How much a tree may expand to before the export is refused. */
export interface ExportLimits {
  /** Files, folders, links and submodules, counted as the archive would list them. */
  maxEntries: number;
  /** Sum of the file contents, uncompressed. */
  maxBytes: number;
  /** Folders nested inside each other. */
  maxDepth: number;
  /** Expanded entries per distinct object (judged once a tree has more than 10,000 entries). */
  maxAmplification: number;
}

/** The limits used unless the caller raises them. */
export const DEFAULT_EXPORT_LIMITS: ExportLimits = { maxEntries: 200_000, maxBytes: 2 * 1024 ** 3, maxDepth: 4096, maxAmplification: 100 };

/** Below this many entries a tree is never refused for repeating itself. */
const AMPLIFICATION_FLOOR = 10_000;

/** What one tree expands to. */
export interface TreeTotals {
  /** Entries below the tree (each sub-folder counts itself and everything in it). */
  entries: number;
  /** Bytes of every file below the tree, counted once per place it appears. */
  bytes: number;
  /** Levels of folders below the tree (0: no sub-folders). */
  depth: number;
}

/** Why an export was refused. */
export type RefusalReason = 'entries' | 'bytes' | 'depth' | 'amplification' | 'cycle';

/** A refused export: what was found, in numbers and in a sentence. */
export interface ExportRefusal {
  reason: RefusalReason;
  message: string;
  tree: string;
  /** Expanded entries (a lower bound when `partial`). */
  entries: number;
  bytes: number;
  depth: number;
  distinctObjects: number;
  /** True when measuring stopped early, so the numbers are lower bounds. */
  partial: boolean;
  limits: ExportLimits;
}

/** An object left out of the export, and why. */
export interface ExportProblem {
  /** The path in the exported tree, `/`-separated (names decoded for display). */
  path: string;
  oid: string;
  message: string;
}

/** The measured tree, ready to write. */
export interface TreeExportPlan {
  root: Uint8Array;
  totals: TreeTotals;
  /** Every distinct readable tree's entries, by hex id. */
  trees: Map<string, TreeEntry[]>;
  /** Every distinct file's size, by hex id. */
  blobSizes: Map<string, number>;
  /** Objects that will be left out (unreadable, wrong type, unsafe names). */
  problems: ExportProblem[];
}

/** The answer of the planner. */
export type PlanResult = { kind: 'plan'; plan: TreeExportPlan } | { kind: 'refused'; refusal: ExportRefusal };

/** What kind of archive entry a tree entry's mode makes, with git's `canon_mode` rules. */
export type EntryKind = 'dir' | 'file' | 'exec' | 'symlink' | 'gitlink';

/**
 * git's `canon_mode`: regular files become 100644 or 100755 (any owner-execute bit), 120000
 * links, 040000 folders, and every other mode a gitlink (160000).
 */
export function entryKind(mode: string): EntryKind {
  const m = parseInt(mode, 8);
  const format = m - (m % 0o10000);
  if (format === 0o100000) return Math.floor(m / 0o100) % 2 === 1 ? 'exec' : 'file';
  if (format === 0o120000) return 'symlink';
  if (format === 0o040000) return 'dir';
  return 'gitlink';
}

/**
 * Code points HFS+ ignores when it compares names (git's is_hfs_dotgit): `.g\u200cit` opens
 * `.git` on macOS.
 */
const HFS_IGNORABLE = new Set([0x200c, 0x200d, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x206a, 0x206b, 0x206c, 0x206d, 0x206e, 0x206f, 0xfeff]);

/**
 * True for a name some file system would read as `.git`, the folder git runs hooks and
 * `core.fsmonitor` from (git's verify_path refuses them all): `.git` in any case; with the
 * code points HFS+ ignores; with trailing dots or spaces (NTFS drops them); the NTFS short name
 * `git~1`.
 */
export function namesDotGit(name: string): boolean {
  let folded = '';
  for (const c of name) if (!HFS_IGNORABLE.has(c.codePointAt(0) as number)) folded += c;
  folded = folded.toLowerCase();
  if (folded === '.git') return true;
  const ntfs = name.replace(/[. ]+$/, '').toLowerCase();
  return ntfs === '.git' || ntfs === 'git~1';
}

const nameText = new TextDecoder('utf-8');

/**
 * Why a tree entry's name cannot become an archive path, or undefined. Refused as git's
 * verify_path refuses them, so an unpacked archive cannot plant a `.git` folder (a
 * `.git/config` with `core.fsmonitor` runs a command at the next `git status`) or leave its
 * folder: empty, `.`, `..`, `/`; `.git` and every alias of it; and what Windows would change or
 * refuse: `\`, `:`, a trailing dot or space.
 */
export function unsafeName(name: Uint8Array): string | undefined {
  if (name.length === 0) return 'an empty name';
  if (name.includes(0x2f)) return 'a name containing "/"';
  if (name.length === 1 && name[0] === 0x2e) return 'the name "."';
  if (name.length === 2 && name[0] === 0x2e && name[1] === 0x2e) return 'the name ".."';
  const text = nameText.decode(name);
  if (namesDotGit(text)) return `the name ${JSON.stringify(text)} (git's own folder, as ${text.toLowerCase() === '.git' ? 'it is' : 'Windows or macOS would read it'})`;
  if (name.includes(0x5c)) return 'a name containing "\\" (a folder separator on Windows)';
  if (name.includes(0x3a)) return 'a name containing ":" (a drive or stream separator on Windows)';
  const last = name[name.length - 1];
  if (last === 0x2e || last === 0x20) return 'a name ending in a dot or a space (Windows drops it, so it can stand for another name)';
  return undefined;
}

/** Why the entry at `index` of a tree is left out for its name, counting repeats: a second entry of the same name would overwrite the first. */
export function leftOutName(entries: readonly { name: Uint8Array }[], index: number, seen: Set<string>): string | undefined {
  const name = entries[index].name;
  const unsafe = unsafeName(name);
  if (unsafe) return unsafe;
  const key = toHex(name);
  if (seen.has(key)) return 'a second entry of the same name in this folder (it would overwrite the first)';
  seen.add(key);
  return undefined;
}

/** Options of a plan. */
export interface PlanOptions {
  limits?: ExportLimits;
  /** Called between slices of work (the worker yields and checks cancellation there). */
  pause?: () => Promise<void>;
  /** Trees read so far. */
  onProgress?: (treesRead: number) => void;
}

interface Frame {
  hex: string;
  path: string;
  entries: TreeEntry[];
  next: number;
  totals: TreeTotals;
  /** Names met so far in this tree (hex), for repeats. */
  seen: Set<string>;
}

const utf8 = new TextDecoder('utf-8');
const SLICE_MS = 12;

/** Measures the tree `root` and decides whether it may be exported within the limits. */
export async function planTreeExport(db: ObjectDatabase, root: Uint8Array, options: PlanOptions = {}): Promise<PlanResult> {
  const limits = options.limits ?? DEFAULT_EXPORT_LIMITS;
  const rootHex = toHex(root);
  const totalsOf = new Map<string, TreeTotals>();
  const trees = new Map<string, TreeEntry[]>();
  const blobSizes = new Map<string, number>();
  const problems: ExportProblem[] = [];
  const onStack = new Set<string>();
  const distinct = () => totalsOf.size + onStack.size + blobSizes.size;

  const refuse = (reason: RefusalReason, found: TreeTotals, partial: boolean, cyclePath?: string): PlanResult => ({
    kind: 'refused',
    refusal: {
      reason,
      message: refusalMessage(reason, rootHex, found, distinct(), partial, limits, cyclePath),
      tree: rootHex,
      entries: found.entries,
      bytes: found.bytes,
      depth: found.depth,
      distinctObjects: distinct(),
      partial,
      limits,
    },
  });

  const readTree = (hex: string, oid: Uint8Array, path: string): TreeEntry[] | undefined => {
    try {
      const obj = db.read(oid);
      if (obj.type !== 'tree') {
        problems.push({ path, oid: hex, message: `the tree names it as a folder, but it is a ${obj.type}` });
        return undefined;
      }
      return parseTree(obj.data, db.algo);
    } catch (err) {
      problems.push({ path, oid: hex, message: describe(err) });
      return undefined;
    }
  };

  const rootEntries = readTree(rootHex, root, '');
  if (!rootEntries) {
    const first = problems[0];
    throw new PackscopeError('CorruptObject', `tree ${rootHex} cannot be exported: ${first.message}`);
  }
  trees.set(rootHex, rootEntries);
  onStack.add(rootHex);
  const stack: Frame[] = [{ hex: rootHex, path: '', entries: rootEntries, next: 0, totals: { entries: 0, bytes: 0, depth: 0 }, seen: new Set() }];
  let sliceStart = Date.now();

  while (stack.length > 0) {
    if (Date.now() - sliceStart > SLICE_MS) {
      options.onProgress?.(trees.size);
      if (options.pause) await options.pause();
      sliceStart = Date.now();
    }
    const frame = stack[stack.length - 1];
    if (frame.next === frame.entries.length) {
      stack.pop();
      onStack.delete(frame.hex);
      totalsOf.set(frame.hex, frame.totals);
      const parent = stack[stack.length - 1];
      if (parent) addChild(parent.totals, frame.totals);
      continue;
    }
    const index = frame.next++;
    const entry = frame.entries[index];
    const name = utf8.decode(entry.name);
    const path = frame.path === '' ? name : `${frame.path}/${name}`;
    const unsafe = leftOutName(frame.entries, index, frame.seen);
    const hex = toHex(entry.oid);
    if (unsafe) {
      problems.push({ path, oid: hex, message: `${unsafe} cannot be a path in an archive; the entry is left out` });
      continue;
    }
    const kind = entryKind(entry.mode);
    if (kind === 'gitlink') {
      frame.totals.entries += 1;
      continue;
    }
    if (kind !== 'dir') {
      let size = blobSizes.get(hex);
      if (size === undefined) {
        size = blobSize(db, entry.oid, hex, path, problems);
        if (size === undefined) continue;
        blobSizes.set(hex, size);
      }
      frame.totals.entries += 1;
      frame.totals.bytes += size;
      continue;
    }
    const known = totalsOf.get(hex);
    if (known) {
      addChild(frame.totals, known);
      continue;
    }
    if (onStack.has(hex)) return refuse('cycle', frame.totals, true, path);
    if (stack.length >= limits.maxDepth) return refuse('depth', { ...frame.totals, depth: stack.length }, true);
    const entries = trees.get(hex) ?? readTree(hex, entry.oid, path);
    if (!entries) continue;
    trees.set(hex, entries);
    onStack.add(hex);
    stack.push({ hex, path, entries, next: 0, totals: { entries: 0, bytes: 0, depth: 0 }, seen: new Set() });
    // Every distinct object appears at least once, so this many distinct objects already
    // means too many entries: stop reading.
    if (distinct() > limits.maxEntries) return refuse('entries', { entries: distinct(), bytes: 0, depth: stack.length }, true);
  }

  const totals = totalsOf.get(rootHex) as TreeTotals;
  if (totals.entries > limits.maxEntries) return refuse('entries', totals, false);
  if (totals.bytes > limits.maxBytes) return refuse('bytes', totals, false);
  if (totals.depth > limits.maxDepth) return refuse('depth', totals, false);
  if (totals.entries > AMPLIFICATION_FLOOR && totals.entries > limits.maxAmplification * Math.max(1, distinct())) return refuse('amplification', totals, false);
  return { kind: 'plan', plan: { root, totals, trees, blobSizes, problems } };
}

function addChild(parent: TreeTotals, child: TreeTotals): void {
  parent.entries += 1 + child.entries;
  parent.bytes += child.bytes;
  parent.depth = Math.max(parent.depth, child.depth + 1);
}

function blobSize(db: ObjectDatabase, oid: Uint8Array, hex: string, path: string, problems: ExportProblem[]): number | undefined {
  try {
    const info = db.info(oid);
    if (info.type !== 'blob') {
      problems.push({ path, oid: hex, message: `the tree names it as a file, but it is a ${info.type}` });
      return undefined;
    }
    return info.size;
  } catch (err) {
    problems.push({ path, oid: hex, message: describe(err) });
    return undefined;
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** A count as a person reads it: grouped digits, or a power of ten when astronomically large. */
export function formatLargeCount(n: number): string {
  if (!Number.isFinite(n)) return 'more than 10^308';
  if (n < 1e12) return Math.round(n).toLocaleString('en-US');
  const exp = Math.floor(Math.log10(n));
  return `${(n / 10 ** exp).toFixed(1)}·10^${exp}`;
}

/** Bytes in binary units. */
export function formatByteCount(n: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  if (u === 0) return `${formatLargeCount(n)} bytes`;
  return v >= 1e15 ? `${formatLargeCount(n)} bytes` : `${v.toFixed(1)} ${units[u]}`;
}

function refusalMessage(reason: RefusalReason, tree: string, found: TreeTotals, distinct: number, partial: boolean, limits: ExportLimits, cyclePath?: string): string {
  const short = tree.slice(0, 12);
  const atLeast = partial ? 'at least ' : '';
  const limitsText = `The limits are ${formatLargeCount(limits.maxEntries)} entries, ${formatByteCount(limits.maxBytes)} of file contents, ${formatLargeCount(limits.maxDepth)} nested folders, and ${formatLargeCount(limits.maxAmplification)} entries per distinct object once past ${formatLargeCount(AMPLIFICATION_FLOOR)} entries.`;
  let what: string;
  switch (reason) {
    case 'cycle':
      what = `tree ${short}… contains itself (at ${cyclePath ?? 'a sub-folder'}): no real tree can, so the objects are damaged or forged — refused`;
      break;
    case 'depth':
      what = `tree ${short}… nests folders ${atLeast}${formatLargeCount(found.depth)} deep from ${formatLargeCount(distinct)} distinct objects — refused: deeper than ${formatLargeCount(limits.maxDepth)}`;
      break;
    case 'bytes':
      what = `tree ${short}… expands to ${atLeast}${formatByteCount(found.bytes)} of files in ${formatLargeCount(found.entries)} entries from ${formatLargeCount(distinct)} distinct objects — refused: more than ${formatByteCount(limits.maxBytes)}`;
      break;
    case 'amplification':
      what = `tree ${short}… expands to ${formatLargeCount(found.entries)} entries from only ${formatLargeCount(distinct)} distinct objects (${formatLargeCount(found.entries / Math.max(1, distinct))} entries per object) — refused: the same subtrees are repeated over and over`;
      break;
    case 'entries':
      what = `tree ${short}… expands to ${atLeast}${formatLargeCount(found.entries)} entries (${atLeast}${formatByteCount(found.bytes)}) from ${formatLargeCount(distinct)} distinct objects — refused: more than ${formatLargeCount(limits.maxEntries)} entries`;
      break;
  }
  return `${what}. Export a subtree instead. ${limitsText}`;
}
