import { u32 } from '../bytes/be.ts';
import type { ByteSource } from '../bytes/source.ts';
import { PackscopeError, toWire, type WireError } from '../errors.ts';
import { toHex } from '../hash/hex.ts';
import { CHUNK_BTMP, CHUNK_OOFF, CHUNK_RIDX, MultiPackIndex, type MidxLike } from '../format/midx.ts';
import { MultiPackIndexChain } from '../format/midx-chain.ts';
import type { FileEntry } from '../repo/discover.ts';
import type { FieldInfo, MidxAnatomy, MidxLayerAnatomy } from './types.ts';
import type { Pacing } from '../pacing.ts';
import type { OpenRepository } from '../repo/open-repository.ts';
import { pacer, type Pacer } from '../pacing.ts';

/**
 * The multi-pack-index as laid out on disk, for the anatomy view: each file (a flat midx, or each
 * layer of an incremental chain, base first) with its header fields, chunk table, the packs PNAM
 * names and how many OOFF entries point into each, the fanout, RIDX and BTMP, and the checksum.
 * The files are the ones the object database opened; a midx that did not open is reopened only
 * to say why.
 *
 * Header of each file (as format/midx.ts reads it)
 * | offset | bytes | field                         |
 * |--------|-------|-------------------------------|
 * | 0      | 4     | signature "MIDX"              |
 * | 4      | 1     | version                       |
 * | 5      | 1     | hash version (1 SHA-1, 2 SHA-256) |
 * | 6      | 1     | number of chunks              |
 * | 7      | 1     | number of base midx files     |
 * | 8      | 4     | number of packs               |
 */

/** RIDX entries sent to the view (the first of the pseudo-pack order). */
const RIDX_SHOWN = 32;
/** OOFF entries read per block when counting objects per pack. */
const OOFF_BLOCK = 8192;
const OOFF_WIDTH = 8;

const cache = new WeakMap<OpenRepository, MidxAnatomy>();

const baseName = (path: string): string => path.replace(/^.*\//, '');

/** The anatomy of the repo's multi-pack-index (computed once per repo). */
export async function midxAnatomy(repo: OpenRepository, pacing: Pacing): Promise<MidxAnatomy> {
  const known = cache.get(repo);
  if (known) return known;
  const result = await build(repo, pacer(pacing));
  cache.set(repo, result);
  return result;
}

async function build(repo: OpenRepository, pace: Pacer): Promise<MidxAnatomy> {
  const { db, files } = repo;
  const flat = files.packDirFiles.find((f) => baseName(f.path) === 'multi-pack-index');
  const chainFile = files.midxChainFiles.find((f) => baseName(f.path) === 'multi-pack-index-chain');

  let kind: MidxAnatomy['kind'] = 'none';
  let midx: MidxLike | undefined;
  let chainPath: string | undefined;
  let error: WireError | undefined;
  if (db.midx) {
    midx = db.midx.midx;
    kind = midx instanceof MultiPackIndexChain ? 'chain' : 'flat';
    if (midx instanceof MultiPackIndexChain) {
      chainPath = db.midx.file;
      if (midx.error) error = toWire(midx.error);
    }
  } else if (flat) {
    // The database reported and dropped it (git reads the flat file first, and only it when present).
    kind = 'flat';
    try {
      midx = MultiPackIndex.open(db.windows.open(flat.source), { expectedAlgo: db.algo });
    } catch (err) {
      error = toWire(err);
    }
  } else if (chainFile) {
    kind = 'chain';
    chainPath = chainFile.path;
    const chain = openChain(repo, chainFile);
    if (chain.error) error = toWire(chain.error);
    if (chain.layers.length > 0) midx = chain;
  }

  const layers: MidxLayerAnatomy[] = [];
  const problems: WireError[] = [];
  if (midx) {
    const chain = midx instanceof MultiPackIndexChain ? midx : undefined;
    for (let k = 0; k < midx.layers.length; k++) {
      const base = chain ? chain.layerBase(k) : { objects: 0, packs: 0 };
      layers.push(await layerAnatomy(midx.layers[k], base.objects, base.packs, pace, problems));
    }
  }
  // A damaged optional chunk (RIDX, BTMP) or a bad pack-int-id does not stop the rest of the view.
  error ??= problems[0];

  const uncoveredPacks = db.packFiles.map((g) => g.name).filter((name) => !midx?.containsPack(`${name}.idx`));
  const result: MidxAnatomy = { kind, layers, uncoveredPacks };
  if (chainPath !== undefined) result.chainFile = chainPath;
  if (error) result.error = error;
  return result;
}

/** Opens the chain the way the database does (the database keeps no chain that failed entirely). */
function openChain(repo: OpenRepository, chainFile: FileEntry): MultiPackIndexChain {
  const { db, files } = repo;
  const layerFiles = new Map<string, ByteSource>();
  for (const f of files.midxChainFiles) {
    const m = /multi-pack-index-([0-9a-f]+)\.midx$/.exec(f.path);
    if (m) layerFiles.set(m[1], f.source);
  }
  return MultiPackIndexChain.open(
    db.windows.open(chainFile.source),
    (hex) => {
      const s = layerFiles.get(hex);
      return s ? db.windows.open(s) : undefined;
    },
    { expectedAlgo: db.algo },
  );
}

async function layerAnatomy(m: MultiPackIndex, objectBase: number, packBase: number, pace: Pacer, problems: WireError[]): Promise<MidxLayerAnatomy> {
  const layout = m.layout();
  const file = m.name;
  const head = m.source.read(0, 12).slice();
  const field = (name: string, range: { offset: number; length: number }, value: string): FieldInfo => ({ name, offset: range.offset, length: range.length, value });
  const header: FieldInfo[] = [
    field('signature', layout.signature, String.fromCharCode(head[0], head[1], head[2], head[3])),
    field('version', layout.version, String(m.version)),
    field('hash version', layout.hashVersion, `${head[5]} (${m.algo.name === 'sha256' ? 'SHA-256' : 'SHA-1'})`),
    field('number of chunks', layout.chunkCount, String(head[6])),
    field('number of base multi-pack-index files', layout.baseCount, String(m.baseCount)),
    field('number of packs', layout.packCount, String(m.packCount)),
  ];

  const counts = await objectsPerPack(m, pace, problems);
  const btmp = m.chunk(CHUNK_BTMP) !== undefined;
  const packs: MidxLayerAnatomy['packs'] = [];
  let bitmapFailed = false;
  for (let i = 0; i < m.packCount; i++) {
    const row: MidxLayerAnatomy['packs'][number] = { packId: packBase + i, name: m.packNames[i], objectsInMidx: counts[i], namedAt: layout.packNames[i].offset };
    if (btmp && !bitmapFailed) {
      try {
        const b = m.bitmappedPack(i);
        row.bitmap = { position: b.bitmapPosition, count: b.bitmapCount };
      } catch (err) {
        bitmapFailed = true;
        problems.push(toWire(err));
      }
    }
    packs.push(row);
  }

  const fanout: number[] = [];
  for (let b = 0; b < 256; b++) fanout.push(m.fanout(b));

  const result: MidxLayerAnatomy = {
    file,
    fileSize: m.source.size,
    version: m.version,
    hashVersion: head[5],
    objects: m.count,
    objectBase,
    packBase,
    header,
    chunkTable: { name: 'chunk table', offset: layout.chunkTable.offset, length: layout.chunkTable.length },
    chunks: layout.chunks.map((c) => ({ id: c.id, offset: c.offset, length: c.length, tableOffset: c.tableOffset })),
    packs,
    fanout,
    checksum: toHex(m.checksum()),
  };
  if (m.chunk(CHUNK_RIDX) !== undefined) {
    try {
      const first: number[] = [];
      for (let i = 0; i < Math.min(RIDX_SHOWN, m.count); i++) first.push(m.ridxAt(i));
      result.ridx = { entries: m.count, first };
    } catch (err) {
      problems.push(toWire(err));
    }
  }
  return result;
}

/**
 * OOFF entries per pack-int-id, read in blocks. An id past the pack count is git's
 * "bad pack-int-id"; it is reported once (the first one, with its offset) and not counted.
 */
async function objectsPerPack(m: MultiPackIndex, pace: Pacer, problems: WireError[]): Promise<number[]> {
  const counts = new Array<number>(m.packCount).fill(0);
  const ooff = m.chunk(CHUNK_OOFF);
  if (ooff === undefined) return counts; // the file would not have opened
  let reported = false;
  for (let start = 0; start < m.count; start += OOFF_BLOCK) {
    const n = Math.min(OOFF_BLOCK, m.count - start);
    const words = m.source.read(ooff.offset + start * OOFF_WIDTH, n * OOFF_WIDTH);
    for (let k = 0; k < n; k++) {
      const id = u32(words, k * OOFF_WIDTH);
      if (id < m.packCount) counts[id]++;
      else if (!reported) {
        reported = true;
        const at = ooff.offset + (start + k) * OOFF_WIDTH;
        problems.push(toWire(new PackscopeError('OutOfRange', `bad pack-int-id: ${id} (${m.packCount} total packs) for object ${start + k}`, { file: m.name, offset: at })));
      }
    }
    await pace.tick(start + n, m.count, 'Counting objects per pack');
  }
  return counts;
}
