import type { ByteSource } from '../../bytes/source.ts';
import { PackscopeError, fail } from '../../errors.ts';
import { PackBitmap } from '../../format/bitmap.ts';
import { PackIndex } from '../../format/idx.ts';
import { MultiPackIndexChain } from '../../format/midx-chain.ts';
import { MultiPackIndex } from '../../format/midx.ts';
import { PackMtimes } from '../../format/mtimes.ts';
import { ReverseIndex } from '../../format/rev.ts';
import { toHex } from '../../hash/hex.ts';
import type { ObjectDatabase } from '../../odb/database.ts';
import type { PackFile } from '../../odb/pack-file.ts';
import type { FileEntry } from '../../repo/discover.ts';

/**
 * The parsed structure behind each file the hex view annotates, opened the way the object
 * database opened it: the database's own PackFile, PackIndex and midx layers when it has them
 * (so reads share its window cache), else opened here through the same window cache, once per
 * file. A file that fails to open keeps its error, which the hex view shows beside the bytes.
 */

/** A midx layer (or the flat file) with the counts of the layers below it. */
export interface MidxLayerRef {
  midx: MultiPackIndex;
  /** 0 for a flat file; in a chain, the layer's place (0 = base). */
  layer: number;
  objectBase: number;
  packBase: number;
}

/** A structure, or why it did not open. */
export interface Opened<T> {
  value?: T;
  error?: PackscopeError;
}

const opened = new WeakMap<ObjectDatabase, Map<string, Opened<unknown>>>();

/** Opens (once per database and file) a structure; a failure is remembered as the error. */
function memo<T>(db: ObjectDatabase, key: string, open: () => T): Opened<T> {
  let m = opened.get(db);
  if (!m) opened.set(db, (m = new Map()));
  const hit = m.get(key) as Opened<T> | undefined;
  if (hit) return hit;
  let result: Opened<T>;
  try {
    result = { value: open() };
  } catch (err) {
    result = { error: asError(err, key) };
  }
  m.set(key, result);
  return result;
}

function asError(err: unknown, file: string): PackscopeError {
  if (err instanceof PackscopeError) return err;
  return new PackscopeError('Io', err instanceof Error ? err.message : String(err), { file });
}

/** The source reads go through: the database's window cache, one wrapper per file. */
export function cachedSource(db: ObjectDatabase, entry: FileEntry): ByteSource {
  return memo(db, `source:${entry.path}`, () => db.windows.open(entry.source)).value as ByteSource;
}

/** `pack-<hash>` of a pack folder file. */
export function packStem(path: string): string {
  return path.replace(/^.*\//, '').replace(/\.[a-z]+$/, '');
}

/** The database's pack of this name (`pack-<hash>`), if it opened. */
export function packNamed(db: ObjectDatabase, stem: string): PackFile | undefined {
  return db.packs.find((p) => p.name === stem);
}

/** The pack whose `.pack` is `entry`. */
export function openPack(db: ObjectDatabase, entry: FileEntry): Opened<PackFile> {
  return memo(db, `pack:${entry.path}`, () => {
    const pack = db.packs.find((p) => p.data.name === entry.path);
    if (pack) return pack;
    const problem = db.problems.find((e) => e.file === entry.path || (e.file !== undefined && packStem(e.file) === packStem(entry.path)));
    if (problem) throw problem;
    return fail('NotFound', `${packStem(entry.path)}.idx is missing, so the entries of this pack cannot be located`, { file: entry.path });
  });
}

/** The idx in `entry`: the database's, or opened alone when its pack is missing. */
export function openIdx(db: ObjectDatabase, entry: FileEntry): Opened<PackIndex> {
  return memo(db, `idx:${entry.path}`, () => {
    const pack = db.packs.find((p) => p.idx.source.name === entry.path);
    if (pack) return pack.idx;
    return PackIndex.open(cachedSource(db, entry), db.algo);
  });
}

/** The pack an idx belongs to, when it opened. */
export function packOfIdx(db: ObjectDatabase, idx: PackIndex): PackFile | undefined {
  return db.packs.find((p) => p.idx === idx);
}

/** A flat midx or a chain layer, as the database loaded it, else opened here. */
export function openMidxFile(db: ObjectDatabase, entry: FileEntry): Opened<MidxLayerRef> {
  return memo(db, `midx:${entry.path}`, () => {
    const loaded = db.midx?.midx;
    if (loaded instanceof MultiPackIndex && loaded.source.name === entry.path) return { midx: loaded, layer: 0, objectBase: 0, packBase: 0 };
    if (loaded instanceof MultiPackIndexChain) {
      const k = loaded.layers.findIndex((l) => l.source.name === entry.path);
      if (k >= 0) {
        const base = loaded.layerBase(k);
        return { midx: loaded.layers[k], layer: k, objectBase: base.objects, packBase: base.packs };
      }
    }
    // Not in use (damaged, or a layer after a broken one): open it alone to show what it holds.
    return { midx: MultiPackIndex.open(cachedSource(db, entry), { expectedAlgo: db.algo }), layer: 0, objectBase: 0, packBase: 0 };
  });
}

/** The midx (flat file or chain layer) whose checksum is `hex`: a `multi-pack-index-<hex>.{rev,bitmap}` belongs to it. */
export function midxWithChecksum(db: ObjectDatabase, hex: string): MidxLayerRef | undefined {
  const loaded = db.midx?.midx;
  if (!loaded) return undefined;
  const layers = loaded.layers;
  for (let k = 0; k < layers.length; k++) {
    if (toHex(layers[k].checksum()) !== hex) continue;
    const base = loaded instanceof MultiPackIndexChain ? loaded.layerBase(k) : { objects: 0, packs: 0 };
    return { midx: layers[k], layer: k, objectBase: base.objects, packBase: base.packs };
  }
  return undefined;
}

/** What a `.rev`, `.bitmap` or `.mtimes` describes: a pack, or (for `multi-pack-index-<hex>.*`) a midx. */
export type Described = { kind: 'pack'; pack: PackFile } | { kind: 'midx'; ref: MidxLayerRef };

/** The pack or midx a companion file belongs to, by its name. */
export function describedBy(db: ObjectDatabase, entry: FileEntry): Described {
  const stem = packStem(entry.path);
  const m = /^multi-pack-index-([0-9a-f]+)$/.exec(stem);
  if (m) {
    const ref = midxWithChecksum(db, m[1]);
    if (!ref) fail('NotFound', `no loaded multi-pack-index has the checksum ${m[1]} this file is named for`, { file: entry.path });
    return { kind: 'midx', ref };
  }
  const pack = packNamed(db, stem);
  if (!pack) fail('NotFound', `${stem}.pack and its .idx did not open, so the number of objects this file describes is unknown`, { file: entry.path });
  return { kind: 'pack', pack };
}

function objectCount(d: Described): number {
  return d.kind === 'pack' ? d.pack.count : d.ref.objectBase + d.ref.midx.count;
}

/** A `.rev` with what it describes. */
export function openRev(db: ObjectDatabase, entry: FileEntry): Opened<{ rev: ReverseIndex; of: Described }> {
  return memo(db, `rev:${entry.path}`, () => {
    const of = describedBy(db, entry);
    return { rev: ReverseIndex.open(cachedSource(db, entry), of.kind === 'pack' ? of.pack.count : of.ref.midx.count, db.algo), of };
  });
}

/** A `.bitmap` with what it describes. */
export function openBitmap(db: ObjectDatabase, entry: FileEntry): Opened<{ bitmap: PackBitmap; of: Described }> {
  return memo(db, `bitmap:${entry.path}`, () => {
    const of = describedBy(db, entry);
    const checksum = of.kind === 'pack' ? of.pack.idx.packChecksum() : of.ref.midx.checksum();
    return { bitmap: PackBitmap.open(cachedSource(db, entry), objectCount(of), db.algo, { packChecksum: checksum }), of };
  });
}

/** A `.mtimes` with its pack. */
export function openMtimes(db: ObjectDatabase, entry: FileEntry): Opened<{ mtimes: PackMtimes; pack: PackFile }> {
  return memo(db, `mtimes:${entry.path}`, () => {
    const of = describedBy(db, entry);
    if (of.kind !== 'pack') fail('NotFound', 'an .mtimes file belongs to a cruft pack, not to a multi-pack-index', { file: entry.path });
    return { mtimes: PackMtimes.open(cachedSource(db, entry), of.pack.count, db.algo), pack: of.pack };
  });
}
