import { PackscopeError, fail, toWire } from '../errors.ts';
import { toHex } from '../hash/hex.ts';
import { BITMAP_OPT_FULL_DAG, BITMAP_OPT_HASH_CACHE, BITMAP_OPT_LOOKUP_TABLE, BITMAP_OPT_PSEUDO_MERGES, PackBitmap } from '../format/bitmap.ts';
import { PackIndex } from '../format/idx.ts';
import { PackMtimes } from '../format/mtimes.ts';
import { ReverseIndex } from '../format/rev.ts';
import type { PackFiles } from '../odb/database.ts';
import type { FileEntry } from '../repo/discover.ts';
import type { Companions } from './types.ts';
import type { Pacing } from '../pacing.ts';
import type { OpenRepository } from '../repo/open-repository.ts';

/**
 * The files that travel with a pack, read for the pack page:
 * - `.rev`: the pack order (by offset) as idx positions; compared with the order the idx's
 *   offsets give, and its copy of the pack checksum with the idx's;
 * - `.bitmap`: header (version, flags, entry count) and the four type bitmaps' sizes and
 *   population counts (objects of each type in the pack);
 * - `.mtimes` (cruft packs): every object's mtime in idx order, with the range;
 * - `.keep` and `.promisor`: small text files (a reason, or the promisor remote's refs).
 * The formats are parsed by core/format/{rev,bitmap,mtimes}.ts; this module picks the files,
 * catches each file's failure as a value (so one bad file leaves the others readable), and
 * keeps the answer in the repo.
 */

/** Text files larger than this are shown cut (they are a line or two in practice). */
const TEXT_LIMIT = 64 * 1024;

const FLAG_NAMES: [number, string][] = [
  [BITMAP_OPT_FULL_DAG, 'BITMAP_OPT_FULL_DAG'],
  [BITMAP_OPT_HASH_CACHE, 'BITMAP_OPT_HASH_CACHE'],
  [BITMAP_OPT_LOOKUP_TABLE, 'BITMAP_OPT_LOOKUP_TABLE'],
  [BITMAP_OPT_PSEUDO_MERGES, 'BITMAP_OPT_PSEUDO_MERGES'],
];

const cache = new WeakMap<OpenRepository, Map<string, Companions>>();

/**
 * The companion files of `pack` (`pack-<hash>`, with or without `.pack`/`.idx`), read once per
 * repository; the answer is the kept one (a caller that transfers `mtimes.times` copies it first).
 */
export async function companions(repo: OpenRepository, pack: string, pacing: Pacing): Promise<Companions> {
  const name = pack.replace(/^.*\//, '').replace(/\.(pack|idx)$/, '');
  let perRepo = cache.get(repo);
  if (!perRepo) cache.set(repo, (perRepo = new Map()));
  let result = perRepo.get(name);
  if (!result) {
    await pacing.pause();
    result = read(repo, name);
    perRepo.set(name, result);
  }
  return result;
}

function read(repo: OpenRepository, name: string): Companions {
  const { db } = repo;
  const group = db.packFiles.find((g) => g.name === name) ?? fail('NotFound', `no pack named ${name} in the folder`, { file: repo.files.packDir || '.' });
  const idx = openIdx(repo, group);
  const out: Companions = { pack: name };
  if (group.rev) out.rev = readRev(repo, group.rev, idx);
  if (group.bitmap) out.bitmap = readBitmap(repo, group.bitmap, idx);
  if (group.mtimes) out.mtimes = readMtimes(repo, group.mtimes, idx);
  if (group.keep) out.keep = { file: group.keep.path, text: text(group.keep) };
  if (group.promisor) out.promisor = { file: group.promisor.path, text: text(group.promisor) };
  return out;
}

/** The pack's idx (the database's, else opened here), or the reason there is none. */
function openIdx(repo: OpenRepository, group: PackFiles): PackIndex | PackscopeError {
  const { db } = repo;
  const opened = db.packs.find((p) => p.name === group.name);
  if (opened) return opened.idx;
  if (!group.idx) return new PackscopeError('NotFound', `${group.name}.idx is missing: the number of objects, which the companion files need, is unknown`, { file: group.pack?.path });
  try {
    return PackIndex.open(db.windows.open(group.idx.source), db.algo);
  } catch (err) {
    return err instanceof PackscopeError ? err : new PackscopeError('Io', String(err), { file: group.idx.path });
  }
}

/** Pack order computed from the idx: positions sorted by offset. */
function orderFromIdx(repo: OpenRepository, idx: PackIndex): Uint32Array {
  const opened = repo.db.packs.find((p) => p.idx === idx);
  if (opened) return opened.packOrder().positions;
  const offsets = new Float64Array(idx.count);
  for (let i = 0; i < idx.count; i++) offsets[i] = idx.offsetAt(i);
  return Uint32Array.from({ length: idx.count }, (_, i) => i).sort((a, b) => offsets[a] - offsets[b]);
}

function readRev(repo: OpenRepository, file: FileEntry, idx: PackIndex | PackscopeError): NonNullable<Companions['rev']> {
  const base = { file: file.path, size: file.source.size };
  try {
    if (idx instanceof PackscopeError) throw idx;
    const rev = ReverseIndex.open(repo.db.windows.open(file.source), idx.count, repo.db.algo);
    const finding = rev.checkAgainst(orderFromIdx(repo, idx));
    const out: NonNullable<Companions['rev']> = { ...base, matchesIdx: finding === undefined };
    if (finding) {
      out.mismatch = finding;
    } else if (!rev.matchesPack(idx.packChecksum())) {
      out.error = toWire(
        new PackscopeError('Mismatch', `the .rev was written for pack ${rev.packChecksumHex()}, but the .idx belongs to pack ${toHex(idx.packChecksum())}`, {
          file: file.path,
          offset: rev.layout().packChecksum.offset,
        }),
      );
    }
    return out;
  } catch (err) {
    return { ...base, matchesIdx: false, error: toWire(err) };
  }
}

function readBitmap(repo: OpenRepository, file: FileEntry, idx: PackIndex | PackscopeError): NonNullable<Companions['bitmap']> {
  const base = { file: file.path, size: file.source.size };
  try {
    if (idx instanceof PackscopeError) throw idx;
    const bitmap = PackBitmap.open(repo.db.windows.open(file.source), idx.count, repo.db.algo, { packChecksum: idx.packChecksum() });
    const { version, flags, unknownFlags, entryCount } = bitmap.header;
    const names = FLAG_NAMES.filter(([bit]) => (flags & bit) !== 0).map(([, n]) => n);
    if (unknownFlags !== 0) names.push(`unknown 0x${unknownFlags.toString(16)}`);
    return {
      ...base,
      version,
      flags: names,
      entryCount,
      typeBitmaps: bitmap.typeBitmaps.map((t) => ({ type: t.type, offset: t.offset, byteSize: t.byteSize, setBits: t.setBits })),
    };
  } catch (err) {
    return { ...base, version: 0, flags: [], entryCount: 0, typeBitmaps: [], error: toWire(err) };
  }
}

function readMtimes(repo: OpenRepository, file: FileEntry, idx: PackIndex | PackscopeError): NonNullable<Companions['mtimes']> {
  const base = { file: file.path, size: file.source.size };
  try {
    if (idx instanceof PackscopeError) throw idx;
    const mtimes = PackMtimes.open(repo.db.windows.open(file.source), idx.count, repo.db.algo);
    const times = Float64Array.from(mtimes.mtimes());
    const { min, max } = mtimes.summary();
    const out: NonNullable<Companions['mtimes']> = { ...base, min: min ?? 0, max: max ?? 0, times };
    if (!mtimes.matchesPack(idx.packChecksum())) {
      out.error = toWire(
        new PackscopeError('Mismatch', `the .mtimes was written for another pack: its pack checksum is not the .idx's ${toHex(idx.packChecksum())}`, {
          file: file.path,
          offset: mtimes.layout().packChecksum.offset,
        }),
      );
    }
    return out;
  } catch (err) {
    return { ...base, min: 0, max: 0, times: new Float64Array(0), error: toWire(err) };
  }
}

function text(file: FileEntry): string {
  const n = Math.min(file.source.size, TEXT_LIMIT);
  const s = new TextDecoder('utf-8').decode(file.source.read(0, n));
  return file.source.size > TEXT_LIMIT ? `${s}\n… (${file.source.size - TEXT_LIMIT} more bytes)` : s;
}
