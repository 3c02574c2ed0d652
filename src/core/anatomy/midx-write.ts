import { bytesEqual } from '../bytes/be.ts';
import { memorySource } from '../bytes/source.ts';
import { PackscopeError } from '../errors.ts';
import { PackIndex } from '../format/idx.ts';
import { MultiPackIndex } from '../format/midx.ts';
import { gitPackMtime, writeMultiPackIndex, type MidxWritePack } from '../format/midx-write.ts';
import type { FileEntry } from '../repo/discover.ts';
import { checksumMatches } from '../verify/midx-verify.ts';
import type { Pacing } from '../pacing.ts';
import type { OpenRepository } from '../repo/open-repository.ts';
import type { HasherFactory } from '../hash/hasher.ts';

/**
 * The `multi-pack-index` git 2.39's `git multi-pack-index write` would leave in the repo's
 * pack folder, byte for byte: the same choices as the CLI's `multi-pack-index write`
 * (src/cli/commands/multi-pack-index.ts), over the files the repo opened instead of the disk.
 * - The existing `multi-pack-index` is built upon when git would reuse it: it loads, is version 1
 *   (2.39 knows no other) and its checksum is right. When it already covers every pack, git keeps
 *   it as it is. A chain in `multi-pack-index.d/` is not read by 2.39: it writes a flat file.
 * - Every `*.idx` whose `.pack` is in the folder is indexed (`.keep` and `.promisor` packs too),
 *   in the folder's listing order (git's readdir order, which breaks mtime ties), with the `.pack`'s
 *   modification time in whole seconds.
 * Nothing is written here: the bytes go to the page, which saves them only on the person's click.
 */

/** What git would write, and whether it equals the file in the folder. */
export interface MidxWriteResult {
  bytes: Uint8Array;
  packs: number;
  objects: number;
  sameAsExisting: boolean;
}

const baseName = (path: string): string => path.replace(/^.*\//, '');

/** Builds the bytes of the multi-pack-index git would write for the repo's folder. */
export async function writeMidx(repo: OpenRepository, hasher: HasherFactory, pacing: Pacing): Promise<MidxWriteResult> {
  const { db, files } = repo;
  const algo = db.algo;
  const byName = new Map<string, FileEntry>(files.packDirFiles.map((f) => [baseName(f.path), f]));
  const flat = byName.get('multi-pack-index');
  const existing = flat ? reusable(repo, flat, hasher) : undefined;

  pacing.progress(0, 1, 'Reading the pack indexes');
  const opened = new Map(db.packs.map((p) => [p.idx.name, p.idx]));
  const packs: MidxWritePack[] = [];
  for (const f of files.packDirFiles) {
    const name = baseName(f.path);
    if (!name.endsWith('.idx')) continue;
    if (existing?.containsPack(name)) continue;
    const pack = byName.get(`${name.slice(0, -4)}.pack`);
    if (!pack) continue; // git: "failed to add packfile"
    try {
      const idx = opened.get(f.path) ?? PackIndex.open(db.windows.open(f.source), algo);
      packs.push({ name, idx, mtime: gitPackMtime(pack.mtimeMs) });
    } catch (err) {
      if (!(err instanceof PackscopeError)) throw err;
      // git: "failed to open pack-index"; the pack is left out, as git leaves it out.
    }
  }
  await pacing.pause();

  let bytes: Uint8Array;
  if (existing && packs.length === 0) {
    bytes = existing.source.read(0, existing.source.size).slice();
  } else {
    pacing.progress(0, 1, 'Writing the multi-pack-index');
    bytes = writeMultiPackIndex(packs, algo, hasher, { existing });
  }
  const written = MultiPackIndex.open(memorySource('multi-pack-index', bytes), { expectedAlgo: algo });
  const sameAsExisting = flat !== undefined && flat.source.size === bytes.length && bytesEqual(db.windows.open(flat.source).read(0, bytes.length), bytes);
  pacing.progress(1, 1, 'Writing the multi-pack-index');
  return { bytes, packs: written.packCount, objects: written.count, sameAsExisting };
}

/** The existing file when git 2.39 would reuse it; undefined when git would ignore it. */
function reusable(repo: OpenRepository, flat: FileEntry, hasher: HasherFactory): MultiPackIndex | undefined {
  const { db } = repo;
  let midx: MultiPackIndex;
  try {
    midx = MultiPackIndex.open(db.windows.open(flat.source), { expectedAlgo: db.algo });
  } catch (err) {
    if (err instanceof PackscopeError) return undefined; // "ignoring existing multi-pack-index"
    throw err;
  }
  if (midx.version !== 1) return undefined; // "version 2 not recognized" by git 2.39
  if (!checksumMatches(midx.source, db.algo, hasher)) return undefined; // "checksum mismatch"
  return midx;
}
