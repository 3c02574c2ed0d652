import { compareBytes } from '../bytes/be.ts';
import { memorySource } from '../bytes/source.ts';
import { WindowCache, type WindowCacheOptions } from '../bytes/window-cache.ts';
import { PackscopeError, fail } from '../errors.ts';
import { SHA1, SHA256, algoFromFormatId, type HashAlgo } from '../hash/algo.ts';
import { comparePrefix, fromHex, parsePrefix, toHex, type HexPrefix } from '../hash/hex.ts';
import { PackIndex, guessIdxAlgo } from '../format/idx.ts';
import { looseObjectInfo, readLooseObject } from '../format/loose.ts';
import { fflateInflater, type Inflater } from '../inflate/inflater.ts';
import type { GitObject, ObjectType } from '../objects/types.ts';
import type { FileEntry, RepositoryFiles } from '../repo/discover.ts';
import { DeltaBaseCache } from './delta-base-cache.ts';
import { openMidx, type MidxLayer, type OpenedMidx } from './midx-layers.ts';
import { PackFile, type PackContext } from './pack-file.ts';
import { PackScan } from '../scan/pack-scan.ts';

/**
 * The object database over a set of files, searched the way git searches:
 * 1. the multi-pack-index (flat or chain), when it loads — a midx that fails to load is
 *    reported and ignored, so the packs are read through their own idx files (as libgit2 does);
 * 2. the packs the midx does not cover, newest first, starting with the pack where the last
 *    object was found;
 * 3. loose objects.
 */

/**
 * Where an object lives. A packed location whose offset is NaN is an entry whose index cannot
 * say where it is (an idx offset past the 64-bit table, a midx pack id out of range): reading it
 * fails with `error` (or the idx's own reason), and it fails alone.
 */
export type ObjectLocation = { kind: 'packed'; pack: PackFile; offset: number; position: number; error?: PackscopeError } | { kind: 'loose'; file: FileEntry };

/** A copy that could not be read while another copy of the same object could (git marks it bad and retries the other packs). */
export interface BadCopy {
  oid: string;
  /** Why the first copy failed (file and offset of the bad copy). */
  error: PackscopeError;
  /** The pack (or loose file) the object was read from instead. */
  readFrom: string;
}

/** Options for opening a database. */
export interface DatabaseOptions {
  inflater?: Inflater;
  windowCache?: WindowCacheOptions;
  /** Byte budget of the delta base cache. */
  deltaBaseCacheBytes?: number;
  maxDeltaDepth?: number;
  maxObjectBytes?: number;
  /** Each pack's delta expansion budget: floor plus bytes per pack byte (see PackContext). */
  expansionFloorBytes?: number;
  expansionPerPackByte?: number;
  /** Force a hash algorithm instead of detecting it. */
  algo?: HashAlgo;
}

/** A pack folder entry: the files sharing one `pack-<hash>` name. */
export interface PackFiles {
  name: string;
  pack?: FileEntry;
  idx?: FileEntry;
  rev?: FileEntry;
  bitmap?: FileEntry;
  mtimes?: FileEntry;
  keep?: FileEntry;
  promisor?: FileEntry;
}

/** The result of a prefix lookup. */
export type PrefixResult = { kind: 'found'; oid: Uint8Array } | { kind: 'ambiguous'; candidates: string[] } | { kind: 'none' };

/** The object database. */
export class ObjectDatabase {
  readonly algo: HashAlgo;
  readonly windows: WindowCache;
  readonly baseCache: DeltaBaseCache;
  readonly ctx: PackContext;
  /** Every pack that opened, newest first. */
  readonly packs: PackFile[] = [];
  /** Packs the midx does not cover, newest first. */
  readonly uncoveredPacks: PackFile[] = [];
  readonly packFiles: PackFiles[];
  readonly midx: OpenedMidx | undefined;
  /** Midx pack id -> opened pack (undefined when that pack could not be opened). */
  private readonly midxPacks: (PackFile | undefined)[] = [];
  readonly loose = new Map<string, FileEntry>();
  private readonly looseSorted: Uint8Array[];
  /** Everything that failed to open; the rest of the database works without it. */
  readonly problems: PackscopeError[];
  /** Copies that failed while another copy served, in the order met; a caller may drain it. */
  readonly badCopies: BadCopy[] = [];
  private lastFound: PackFile | undefined;
  /** One pack-order scan per pack, shared by every user (listing, type filter, statistics, byte map). */
  private readonly scans = new Map<PackFile, PackScan>();

  constructor(
    readonly files: RepositoryFiles,
    options: DatabaseOptions = {},
  ) {
    this.problems = [...files.problems];
    this.windows = new WindowCache(options.windowCache);
    this.baseCache = new DeltaBaseCache(options.deltaBaseCacheBytes);
    this.packFiles = groupPackFiles(files.packDirFiles);
    this.algo = options.algo ?? detectAlgo(files, this.packFiles);
    this.ctx = {
      algo: this.algo,
      inflater: options.inflater ?? fflateInflater,
      baseCache: this.baseCache,
      maxDeltaDepth: options.maxDeltaDepth ?? 100_000,
      maxObjectBytes: options.maxObjectBytes ?? 2 ** 31 - 1,
    };
    if (options.expansionFloorBytes !== undefined) this.ctx.expansionFloorBytes = options.expansionFloorBytes;
    if (options.expansionPerPackByte !== undefined) this.ctx.expansionPerPackByte = options.expansionPerPackByte;

    const byIdxName = new Map<string, PackFile>();
    const opened: { pack: PackFile; mtime: number }[] = [];
    for (const group of this.packFiles) {
      if (!group.pack || !group.idx) {
        const missing = group.pack ? 'idx' : 'pack';
        const present = (group.pack ?? group.idx) as FileEntry;
        this.problems.push(new PackscopeError('NotFound', `${group.name}.${missing} is missing, so the objects of ${present.path} cannot be read through it`, { file: present.path }));
        continue;
      }
      try {
        const idx = PackIndex.open(this.windows.open(group.idx.source), this.algo);
        const pack = new PackFile(idx, this.windows.open(group.pack.source), this.ctx, group.rev && this.windows.open(group.rev.source));
        this.problems.push(...pack.problems);
        opened.push({ pack, mtime: group.pack.mtimeMs });
        byIdxName.set(`${group.name}.idx`, pack);
      } catch (err) {
        this.problems.push(asError(err, group.idx.path));
      }
    }
    // Newest first; equal times by name so the order is stable.
    opened.sort((a, b) => b.mtime - a.mtime || (a.pack.name < b.pack.name ? -1 : 1));
    for (const o of opened) this.packs.push(o.pack);

    this.midx = openMidx(files, this.algo, (source) => this.windows.open(source), this.problems);
    const covered = new Set<PackFile>();
    if (this.midx) {
      this.midx.packNames.forEach((name, id) => {
        const pack = byIdxName.get(name.endsWith('.pack') ? name.replace(/\.pack$/, '.idx') : name);
        this.midxPacks[id] = pack;
        if (pack) covered.add(pack);
        else
          this.problems.push(
            new PackscopeError('NotFound', `the multi-pack-index names ${name}, which is not in the folder or did not open; its objects are searched in the other packs`, { file: this.midx?.file }),
          );
      });
    }
    for (const p of this.packs) if (!covered.has(p)) this.uncoveredPacks.push(p);

    for (const f of files.looseObjects) {
      const parts = f.path.split('/');
      const hex = parts[parts.length - 2] + parts[parts.length - 1];
      if (hex.length === this.algo.hexSize) this.loose.set(hex, f);
    }
    this.looseSorted = [...this.loose.keys()].sort().map(fromHex);
  }

  /** The pack's scan (created on first use and kept; drive it with `step`). */
  packScan(pack: PackFile): PackScan {
    let scan = this.scans.get(pack);
    if (!scan) this.scans.set(pack, (scan = new PackScan(pack)));
    return scan;
  }

  /**
   * Scans every pack to the end, so that `info` answers from the scans' types and sizes instead
   * of walking delta chains object by object: what a listing of every object does first.
   */
  scanAllPacks(): void {
    for (const pack of this.packs) this.packScan(pack).step(Infinity);
  }

  /**
   * Finds an object by raw id. An index entry that cannot give its offset does not stop the
   * search: the other packs (and loose objects) are asked, and only when none holds the object is
   * the unreadable entry returned (reading it reports why). Last comes git's built-in empty tree.
   */
  locate(oid: Uint8Array): ObjectLocation | undefined {
    let broken: ObjectLocation | undefined;
    if (this.midx) {
      for (const layer of this.midx.layers) {
        const i = layer.find(oid);
        if (i < 0) continue;
        let pack: PackFile | undefined;
        let offset: number;
        try {
          pack = this.midxPacks[layer.packIdAt(i)];
          if (!pack) continue;
          offset = layer.offsetAt(i);
        } catch (err) {
          broken ??= this.brokenLocation(pack, -1, err);
          continue;
        }
        return { kind: 'packed', pack, offset, position: -1 };
      }
    }
    const last = this.lastFound;
    if (last) {
      const pos = last.idx.find(oid);
      if (pos >= 0) {
        const found = idxLocation(last, pos);
        if (!Number.isNaN(found.offset)) return found;
        broken ??= found;
      }
    }
    for (const pack of this.uncoveredPacks) {
      if (pack === last) continue;
      const pos = pack.idx.find(oid);
      if (pos >= 0) {
        const found = idxLocation(pack, pos);
        if (Number.isNaN(found.offset)) {
          broken ??= found;
          continue;
        }
        this.lastFound = pack;
        return found;
      }
    }
    // Objects of midx packs that failed to open may still sit in a pack the midx does not name.
    const file = this.loose.get(toHex(oid));
    if (file) return { kind: 'loose', file };
    // Last, the packs the midx covers, through their own idx: a damaged midx (ids out of order,
    // an entry dropped, a pack id out of range) must not hide an object its pack still holds.
    // Only misses get here.
    const covered = this.inCoveredPacks(oid);
    if (covered && !Number.isNaN(covered.offset)) return covered;
    broken ??= covered;
    if (broken) return broken;
    if (isEmptyTree(oid, this.algo)) return { kind: 'loose', file: emptyTreeEntry(this.algo) };
    return undefined;
  }

  /** The object through the own idx of the packs the midx covers (a midx entry that failed). */
  private inCoveredPacks(oid: Uint8Array): (ObjectLocation & { kind: 'packed' }) | undefined {
    if (!this.midx) return undefined;
    let broken: (ObjectLocation & { kind: 'packed' }) | undefined;
    for (const pack of this.midxPacks) {
      if (!pack) continue;
      const pos = pack.idx.find(oid);
      if (pos < 0) continue;
      const found = idxLocation(pack, pos);
      if (!Number.isNaN(found.offset)) return found;
      broken ??= found;
    }
    return broken;
  }

  /** A location that only reports `err` when read (see ObjectLocation). */
  private brokenLocation(pack: PackFile | undefined, position: number, err: unknown): (ObjectLocation & { kind: 'packed' }) | undefined {
    if (!(err instanceof PackscopeError)) throw err;
    const holder = pack ?? this.midxPacks.find((p) => p !== undefined) ?? this.packs[0];
    return holder ? { kind: 'packed', pack: holder, offset: NaN, position, error: err } : undefined;
  }

  /** True when the object exists. */
  has(oid: Uint8Array): boolean {
    return this.locate(oid) !== undefined;
  }

  /** Type and size without decoding the content (headers only where possible). */
  info(oid: Uint8Array): { type: ObjectType; size: number } {
    const loc = this.locate(oid) ?? fail('NotFound', `object ${toHex(oid)} is not in this repository`);
    return this.infoAt(loc);
  }

  /** Type and size of an object at a known location (another pack's copy when this one fails). */
  infoAt(loc: ObjectLocation): { type: ObjectType; size: number } {
    if (loc.kind === 'loose') return looseObjectInfo(loc.file.source, this.ctx.inflater);
    if (loc.position >= 0) {
      const scanned = loc.pack.scannedInfoAt(loc.position);
      if (scanned) return scanned;
    }
    try {
      if (Number.isNaN(loc.offset)) throw unreadableEntry(loc);
      return loc.pack.objectInfo(loc.offset);
    } catch (err) {
      return this.fromOtherCopy(loc, err, (other) => (other.kind === 'loose' ? looseObjectInfo(other.file.source, this.ctx.inflater) : other.pack.objectInfo(other.offset)));
    }
  }

  /** Reads and decodes an object. */
  read(oid: Uint8Array): GitObject {
    const loc = this.locate(oid) ?? fail('NotFound', `object ${toHex(oid)} is not in this repository`);
    return this.readAt(loc);
  }

  /**
   * Reads an object at a known location. When that copy cannot be read and another pack (or a
   * loose file) holds the object, that copy is read instead and the bad one goes to `badCopies`.
   */
  readAt(loc: ObjectLocation): GitObject {
    if (loc.kind === 'loose') return readLooseObject(loc.file.source, this.ctx.inflater, this.ctx.maxObjectBytes);
    try {
      if (Number.isNaN(loc.offset)) throw unreadableEntry(loc);
      return loc.pack.readObject(loc.offset);
    } catch (err) {
      return this.fromOtherCopy(loc, err, (other) => this.readCopy(other));
    }
  }

  /** One copy, no retry. */
  private readCopy(loc: ObjectLocation): GitObject {
    if (loc.kind === 'loose') return readLooseObject(loc.file.source, this.ctx.inflater, this.ctx.maxObjectBytes);
    return loc.pack.readObject(loc.offset);
  }

  /**
   * `readAt` for a caller that parses the object and keeps none of its bytes: the data is valid
   * only until the next transient read (a delta's result may be written into a reused buffer).
   */
  readTransientAt(loc: ObjectLocation): GitObject {
    if (loc.kind === 'loose') return this.readAt(loc);
    try {
      if (Number.isNaN(loc.offset)) throw unreadableEntry(loc);
      return loc.pack.readObject(loc.offset, true);
    } catch (err) {
      return this.fromOtherCopy(loc, err, (other) => this.readCopy(other));
    }
  }

  /**
   * After the copy at `loc` failed with `err`: the same object from another pack (any pack but
   * this one, whether the midx covers it or not) or a loose file, as git retries after marking a
   * packed copy bad. `read` reads one copy without retrying. Throws `err` when there is no other
   * copy, or no other copy reads.
   */
  private fromOtherCopy<T>(loc: ObjectLocation & { kind: 'packed' }, err: unknown, read: (other: ObjectLocation) => T): T {
    if (!(err instanceof PackscopeError)) throw err;
    const oid = this.oidOfLocation(loc);
    if (!oid) throw err;
    for (const pack of this.packs) {
      if (pack === loc.pack) continue;
      const pos = pack.idx.find(oid);
      if (pos < 0) continue;
      const other = idxLocation(pack, pos);
      if (Number.isNaN(other.offset)) continue;
      try {
        const result = read(other);
        this.badCopies.push({ oid: toHex(oid), error: err, readFrom: pack.data.name });
        return result;
      } catch {
        // this copy is bad too; the first failure is the one reported
      }
    }
    const file = this.loose.get(toHex(oid));
    if (file) {
      try {
        const result = read({ kind: 'loose', file });
        this.badCopies.push({ oid: toHex(oid), error: err, readFrom: file.path });
        return result;
      } catch {
        // as above
      }
    }
    throw err;
  }

  /** The id of the object a packed location names, from its pack's idx; undefined when unknown. */
  private oidOfLocation(loc: ObjectLocation & { kind: 'packed' }): Uint8Array | undefined {
    try {
      const pos = loc.position >= 0 ? loc.position : !Number.isNaN(loc.offset) ? loc.pack.positionAtOffset(loc.offset) : -1;
      return pos >= 0 ? loc.pack.idx.oidAt(pos).slice() : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * Resolves a hex prefix across the midx, every pack and the loose objects. Ambiguity is
   * judged on distinct ids: the same object in two packs is one candidate.
   */
  findPrefix(hex: string, maxCandidates = 20): PrefixResult {
    const prefix = parsePrefix(hex.toLowerCase());
    const found = new Map<string, Uint8Array>();
    const add = (oid: Uint8Array): void => {
      const h = toHex(oid);
      if (!found.has(h)) found.set(h, oid.slice());
    };
    if (this.midx) {
      for (const layer of this.midx.layers) {
        for (const i of layer.positionsWithPrefix(prefix, maxCandidates + 1)) add(layer.oidAt(i));
      }
    }
    for (const pack of this.midx ? this.uncoveredPacks : this.packs) {
      for (const i of pack.idx.positionsWithPrefix(prefix, maxCandidates + 1)) add(pack.idx.oidAt(i));
    }
    for (const oid of looseWithPrefix(this.looseSorted, prefix)) add(oid);
    if (found.size === 0) return { kind: 'none' };
    if (found.size === 1) return { kind: 'found', oid: [...found.values()][0] };
    return { kind: 'ambiguous', candidates: [...found.keys()].sort().slice(0, maxCandidates) };
  }

  /** Number of distinct objects is only known after iteration; this is the sum of sources. */
  sourceObjectCount(): number {
    let n = this.loose.size;
    if (this.midx) n += this.midx.layers.reduce((s, l) => s + l.count, 0);
    for (const p of this.midx ? this.uncoveredPacks : this.packs) n += p.count;
    return n;
  }

  /**
   * Every object once, in id order, with the location git would read it from: a k-way merge
   * of the midx layers, the uncovered packs' idx files and the loose objects, all sorted.
   */
  *allObjects(): Generator<{ oid: Uint8Array; location: ObjectLocation }> {
    const cursors: Cursor[] = [];
    if (this.midx) {
      for (const layer of this.midx.layers) {
        if (layer.count > 0) cursors.push(new MidxCursor(layer, this.midxPacks, (oid, err) => this.inCoveredPacks(oid) ?? this.brokenLocation(undefined, -1, err)));
      }
    }
    for (const pack of this.midx ? this.uncoveredPacks : this.packs) if (pack.count > 0) cursors.push(new IdxCursor(pack));
    if (this.looseSorted.length > 0) cursors.push(new LooseCursor(this.looseSorted, this.loose));
    const H = this.algo.size;
    // Cursors are few (one per layer or pack): a linear scan of the heads beats a heap here.
    let last: Uint8Array | undefined;
    for (;;) {
      let best: Cursor | undefined;
      for (const c of cursors) {
        if (c.done) continue;
        if (!best || compareBytes(c.oid, 0, best.oid, 0, H) < 0) best = c;
      }
      if (!best) return;
      const oid = best.oid;
      if (!last || compareBytes(oid, 0, last, 0, H) !== 0) {
        const location = best.location();
        if (location) {
          last = oid;
          yield { oid, location };
        }
      }
      best.advance();
    }
  }
}

/**
 * A sorted source of ids for the merge. `oid` may be a view into a window-cache buffer: windows
 * are dropped, never overwritten, so the view stays valid.
 */
interface Cursor {
  done: boolean;
  oid: Uint8Array;
  location(): ObjectLocation | undefined;
  advance(): void;
}

class IdxCursor implements Cursor {
  done = false;
  oid: Uint8Array;
  private i = 0;
  constructor(private readonly pack: PackFile) {
    this.oid = pack.idx.oidAt(0);
  }
  location(): ObjectLocation {
    return idxLocation(this.pack, this.i);
  }
  advance(): void {
    if (++this.i >= this.pack.count) this.done = true;
    else this.oid = this.pack.idx.oidAt(this.i);
  }
}

class MidxCursor implements Cursor {
  done = false;
  oid: Uint8Array;
  private i = 0;
  constructor(
    private readonly layer: MidxLayer,
    private readonly packs: (PackFile | undefined)[],
    /** Where an entry whose pack id or offset cannot be read is looked up instead. */
    private readonly fallback: (oid: Uint8Array, err: unknown) => ObjectLocation | undefined,
  ) {
    this.oid = layer.oidAt(0);
  }
  location(): ObjectLocation | undefined {
    let pack: PackFile | undefined;
    try {
      pack = this.packs[this.layer.packIdAt(this.i)];
      return pack ? { kind: 'packed', pack, offset: this.layer.offsetAt(this.i), position: -1 } : undefined;
    } catch (err) {
      return this.fallback(this.oid, err);
    }
  }
  advance(): void {
    if (++this.i >= this.layer.count) this.done = true;
    else this.oid = this.layer.oidAt(this.i);
  }
}

class LooseCursor implements Cursor {
  done = false;
  oid: Uint8Array;
  private i = 0;
  constructor(
    private readonly sorted: Uint8Array[],
    private readonly files: Map<string, FileEntry>,
  ) {
    this.oid = sorted[0];
  }
  location(): ObjectLocation {
    return { kind: 'loose', file: this.files.get(toHex(this.oid)) as FileEntry };
  }
  advance(): void {
    if (++this.i >= this.sorted.length) this.done = true;
    else this.oid = this.sorted[this.i];
  }
}

/**
 * The location of idx entry `position` of `pack`. An entry whose offset the idx cannot give (a
 * 64-bit offset index past the table) gets offset NaN: reading it reports the idx's reason.
 */
function idxLocation(pack: PackFile, position: number): ObjectLocation & { kind: 'packed' } {
  let offset: number;
  try {
    offset = pack.idx.offsetAt(position);
  } catch (err) {
    if (!(err instanceof PackscopeError)) throw err;
    return { kind: 'packed', pack, offset: NaN, position, error: err };
  }
  return { kind: 'packed', pack, offset, position };
}

/** Why an entry without an offset cannot be read. */
function unreadableEntry(loc: ObjectLocation & { kind: 'packed' }): PackscopeError {
  if (loc.error) return loc.error;
  try {
    if (loc.position >= 0) loc.pack.idx.offsetAt(loc.position);
  } catch (err) {
    if (err instanceof PackscopeError) return err;
  }
  return new PackscopeError('OutOfRange', 'the index gives no offset for this object', { file: loc.pack.idx.name });
}

/** True for the hash's empty tree, which git answers even when no file holds it. */
function isEmptyTree(oid: Uint8Array, algo: HashAlgo): boolean {
  return toHex(oid) === (algo.size === 32 ? EMPTY_TREE_SHA256 : EMPTY_TREE_SHA1);
}

const EMPTY_TREE_SHA1 = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';
const EMPTY_TREE_SHA256 = '6ef19b41225c5369f1c104d45d8d85efa9b057b53b14b4b9b939dd74decc5321';

/**
 * git's built-in empty tree as a loose object held in memory (`tree 0\0` in one stored zlib
 * block), so every reader handles it as any other object. Its path says no file holds it.
 */
function emptyTreeEntry(algo: HashAlgo): FileEntry {
  const body = new TextEncoder().encode('tree 0\0');
  const bytes = new Uint8Array(2 + 5 + body.length + 4);
  bytes.set([0x78, 0x01, 0x01, body.length, 0, 0xff - body.length, 0xff], 0);
  bytes.set(body, 7);
  let a = 1;
  let b = 0;
  for (const c of body) {
    a = (a + c) % 65521;
    b = (b + a) % 65521;
  }
  new DataView(bytes.buffer).setUint32(7 + body.length, b * 65536 + a);
  const hex = algo.size === 32 ? EMPTY_TREE_SHA256 : EMPTY_TREE_SHA1;
  const path = `(git's built-in empty tree ${hex}: no file holds it)`;
  return { path, source: memorySource(path, bytes), mtimeMs: 0 };
}

function looseWithPrefix(sorted: Uint8Array[], prefix: HexPrefix): Uint8Array[] {
  return sorted.filter((oid) => comparePrefix(oid, 0, prefix) === 0);
}

function asError(err: unknown, file: string): PackscopeError {
  if (err instanceof PackscopeError) return err;
  return new PackscopeError('Io', err instanceof Error ? err.message : String(err), { file });
}

/** Groups the pack folder's files by their `pack-<hash>` name. */
export function groupPackFiles(files: FileEntry[]): PackFiles[] {
  const groups = new Map<string, PackFiles>();
  for (const f of files) {
    const base = f.path.replace(/^.*\//, '');
    const m = /^(.*)\.(pack|idx|rev|bitmap|mtimes|keep|promisor)$/.exec(base);
    if (!m) continue;
    const g = groups.get(m[1]) ?? { name: m[1] };
    g[m[2] as 'pack'] = f;
    groups.set(m[1], g);
  }
  return [...groups.values()].filter((g) => g.pack || g.idx).sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** The hash: the config's objectformat, else a midx header, else an idx's size, else loose names. */
function detectAlgo(files: RepositoryFiles, packs: PackFiles[]): HashAlgo {
  if (files.config) {
    const text = new TextDecoder().decode(files.config.source.read(0, Math.min(files.config.source.size, 1 << 20)));
    const m = /^\s*objectformat\s*=\s*(\w+)/im.exec(text);
    if (m) return m[1].toLowerCase() === 'sha256' ? SHA256 : SHA1;
  }
  const midx = files.packDirFiles.find((f) => f.path.endsWith('multi-pack-index')) ?? files.midxChainFiles.find((f) => f.path.endsWith('.midx'));
  if (midx && midx.source.size > 6) {
    const algo = algoFromFormatId(midx.source.read(5, 1)[0]);
    if (algo) return algo;
  }
  for (const g of packs) {
    if (!g.idx) continue;
    const algo = guessIdxAlgo(g.idx.source);
    if (algo) return algo;
  }
  const loose = files.looseObjects[0];
  if (loose && loose.path.replace(/^.*\//, '').length === 62) return SHA256;
  return SHA1;
}
