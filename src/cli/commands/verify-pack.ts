import { existsSync } from 'node:fs';
import { WindowCache } from '../../core/bytes/window-cache.ts';
import { PackscopeError } from '../../core/errors.ts';
import { PackIndex, guessIdxAlgo } from '../../core/format/idx.ts';
import { toHex } from '../../core/hash/hex.ts';
import { DeltaBaseCache } from '../../core/odb/delta-base-cache.ts';
import { PackFile } from '../../core/odb/pack-file.ts';
import { checkPackChecksum, walkPack } from '../../core/verify/pack-walk.ts';
import { UsageError, reportError } from '../errors.ts';
import { fileSource, nodeHasher, nodeInflater } from '../node-host.ts';
import { Output } from '../output.ts';

/** Opens `<base>.idx` and `<base>.pack` as one PackFile (for commands given a single pack). */
export function openPackPair(idxPath: string): PackFile {
  if (!existsSync(idxPath)) throw new PackscopeError('NotFound', 'no such index file', { file: idxPath });
  const packPath = idxPath.replace(/\.idx$/, '') + '.pack';
  if (!existsSync(packPath)) throw new PackscopeError('NotFound', `the pack for this index is missing (${packPath})`, { file: idxPath });
  const windows = new WindowCache();
  const idxSource = windows.open(fileSource(idxPath, idxPath));
  const algo = guessIdxAlgo(idxSource);
  if (!algo) throw new PackscopeError('BadSize', `index file size ${idxSource.size} fits neither a SHA-1 nor a SHA-256 index`, { file: idxPath, offset: 0 });
  const idx = PackIndex.open(idxSource, algo);
  return new PackFile(idx, windows.open(fileSource(packPath, packPath)), {
    algo,
    inflater: nodeInflater,
    baseCache: new DeltaBaseCache(),
    maxDeltaDepth: 100_000,
    maxObjectBytes: 2 ** 31 - 1,
  });
}

/** The idx's own trailing checksum, hashed in 1 MiB reads; a sentence when it is wrong. */
function checkIdxChecksum(pack: PackFile, hasher: typeof nodeHasher): string | undefined {
  const source = pack.idx.source;
  const H = pack.ctx.algo.size;
  const end = source.size - H;
  const h = hasher(pack.ctx.algo);
  for (let at = 0; at < end; at += 1 << 20) h.update(source.read(at, Math.min(1 << 20, end - at)));
  const actual = h.digest();
  const stored = source.read(end, H);
  if (actual.every((b, i) => b === stored[i])) return undefined;
  return `index checksum mismatch: the content hashes to ${toHex(actual)}, the trailer says ${toHex(stored)}`;
}

/** `verify-pack [-v] <path-to-.idx>`: git's output, from our own walk of the pack. */
export async function verifyPack(args: string[]): Promise<number> {
  const verbose = args.includes('-v') || args.includes('--verbose');
  const statOnly = args.includes('-s') || args.includes('--stat-only');
  const paths = args.filter((a) => !a.startsWith('-'));
  if (paths.length === 0) throw new UsageError('verify-pack: give the path of an .idx file');
  const out = new Output();
  let status = 0;
  for (const path of paths) {
    // git accepts foo.idx, foo.pack and foo, and names the pack foo.pack.
    const base = path.replace(/\.(idx|pack)$/, '');
    const packName = `${base}.pack`;
    let bad = false;
    try {
      const pack = openPackPair(`${base}.idx`);
      const walk = walkPack(pack, { verifyObjects: !statOnly, hasher: nodeHasher });
      const checksum = statOnly ? undefined : checkPackChecksum(pack, nodeHasher);
      const findings = checksum ? [checksum, ...walk.findings] : walk.findings;
      for (const f of findings) reportError(new PackscopeError(f.kind ?? 'CorruptObject', f.message, { file: f.file, offset: f.offset }));
      bad = findings.length > 0;
      // git re-indexes the pack from its own bytes, prints the rows, and only then compares
      // the result with the .idx: when nothing but the idx disagrees (CRCs, its copy of the
      // pack checksum, its own trailer) the rows still come out, followed by `bad`.
      const idxOnly = findings.every((f) => f.file === pack.idx.name || f.check === 'crc' || f.check === 'idx-pack-checksum');
      if (!statOnly && findings.length === 0) {
        const idxTrailer = checkIdxChecksum(pack, nodeHasher);
        if (idxTrailer) {
          reportError(new PackscopeError('BadChecksum', idxTrailer, { file: pack.idx.name, offset: pack.idx.source.size - pack.ctx.algo.size }));
          bad = true;
        }
      }
      if ((verbose || statOnly) && (!bad || idxOnly)) {
        if (!statOnly) {
          for (const r of walk.rows) {
            out.text(`${r.oid} ${r.type.padEnd(6)} ${r.size} ${r.storedSize} ${r.offset}`);
            if (r.baseOid !== undefined) out.text(` ${r.depth} ${r.baseOid}`);
            out.text('\n');
          }
        }
        if (walk.nonDelta > 0) out.text(`non delta: ${walk.nonDelta} ${walk.nonDelta === 1 ? 'object' : 'objects'}\n`);
        walk.chainHistogram.forEach((count, i) => {
          if (count > 0) out.text(`chain length = ${i + 1}: ${count} ${count === 1 ? 'object' : 'objects'}\n`);
        });
      }
    } catch (err) {
      reportError(err);
      bad = true;
    }
    if (bad) status = 1;
    if (verbose || statOnly) {
      if (bad) out.text(`${packName}: bad\n`);
      else if (!statOnly) out.text(`${packName}: ok\n`);
    }
    out.flush();
  }
  return status;
}
