import { zlibSync } from 'fflate';
import { putU32 } from '../../src/core/bytes/be.ts';
import { memorySource } from '../../src/core/bytes/source.ts';
import { SHA1, type HashAlgo } from '../../src/core/hash/algo.ts';
import { crc32 } from '../../src/core/hash/crc32.ts';
import { hashObject, portableHasher } from '../../src/core/hash/hasher.ts';
import { fromHex } from '../../src/core/hash/hex.ts';
import { typeNumber, type ObjectType } from '../../src/core/objects/types.ts';
import type { FileEntry, RepositoryFiles } from '../../src/core/repo/discover.ts';

/**
 * Builds small packs and idx files in memory for hostile-input tests: whole objects, ofs and
 * ref deltas, and raw entries with any bytes at all. Ids are real hashes unless overridden.
 */

export type EntrySpec =
  | { kind: 'object'; type: ObjectType; data: Uint8Array; oid?: Uint8Array }
  | { kind: 'ofs'; base: number; delta: Uint8Array; oid: Uint8Array; declaredSize?: number; zlib?: Uint8Array }
  | { kind: 'ref'; baseOid: Uint8Array; delta: Uint8Array; oid: Uint8Array }
  | { kind: 'raw'; bytes: Uint8Array; oid: Uint8Array };

/** Entry header bytes: type and size varint. */
export function entryHeader(type: number, size: number): number[] {
  const out: number[] = [];
  let c = (type << 4) | (size % 16);
  let rest = Math.floor(size / 16);
  while (rest > 0) {
    out.push(c | 0x80);
    c = rest % 128;
    rest = Math.floor(rest / 128);
  }
  out.push(c);
  return out;
}

/** OFS_DELTA distance encoding. */
export function ofsBytes(distance: number): number[] {
  const bytes = [distance & 0x7f];
  let d = distance >>> 7;
  while (d > 0) {
    d -= 1;
    bytes.unshift(0x80 | (d & 0x7f));
    d >>>= 7;
  }
  return bytes;
}

function varint(n: number): number[] {
  const out: number[] = [];
  do {
    let c = n & 0x7f;
    n = Math.floor(n / 128);
    if (n > 0) c |= 0x80;
    out.push(c);
  } while (n > 0);
  return out;
}

/** A delta that inserts `target` whole (valid against a base of `baseSize` bytes). */
export function insertDelta(baseSize: number, target: Uint8Array): Uint8Array {
  const out = [...varint(baseSize), ...varint(target.length)];
  for (let i = 0; i < target.length; i += 127) {
    const piece = target.subarray(i, i + 127);
    out.push(piece.length, ...piece);
  }
  return Uint8Array.from(out);
}

/** A delta made of raw instruction bytes after the two sizes. */
export function rawDelta(baseSize: number, targetSize: number, instructions: number[]): Uint8Array {
  return Uint8Array.from([...varint(baseSize), ...varint(targetSize), ...instructions]);
}

export const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

export function oidOf(type: ObjectType, data: Uint8Array, algo: HashAlgo = SHA1): Uint8Array {
  return hashObject(portableHasher, algo, type, data);
}

/** A built pack: bytes of the pack and idx, each entry's offset and id. */
export interface BuiltPack {
  pack: Uint8Array;
  idx: Uint8Array;
  offsets: number[];
  oids: Uint8Array[];
}

/** Builds a pack (v2) and its idx (v2) from entry specs, in order. */
export function buildPack(specs: EntrySpec[], algo: HashAlgo = SHA1): BuiltPack {
  const chunks: number[][] = [];
  const offsets: number[] = [];
  const oids: Uint8Array[] = [];
  const head = Uint8Array.of(0x50, 0x41, 0x43, 0x4b, 0, 0, 0, 2, 0, 0, 0, 0);
  putU32(head, 8, specs.length);
  let pos = 12;
  for (const spec of specs) {
    offsets.push(pos);
    let bytes: number[];
    if (spec.kind === 'object') {
      bytes = [...entryHeader(typeNumber(spec.type), spec.data.length), ...zlibSync(spec.data)];
      oids.push(spec.oid ?? oidOf(spec.type, spec.data, algo));
    } else if (spec.kind === 'ofs') {
      const distance = pos - offsets[spec.base];
      bytes = [...entryHeader(6, spec.declaredSize ?? spec.delta.length), ...ofsBytes(distance), ...(spec.zlib ?? zlibSync(spec.delta))];
      oids.push(spec.oid);
    } else if (spec.kind === 'ref') {
      bytes = [...entryHeader(7, spec.delta.length), ...spec.baseOid, ...zlibSync(spec.delta)];
      oids.push(spec.oid);
    } else {
      bytes = [...spec.bytes];
      oids.push(spec.oid);
    }
    chunks.push(bytes);
    pos += bytes.length;
  }
  const body = new Uint8Array(pos);
  body.set(head, 0);
  let at = 12;
  for (const c of chunks) {
    body.set(c, at);
    at += c.length;
  }
  const h = portableHasher(algo);
  h.update(body);
  const trailer = h.digest();
  const pack = new Uint8Array(pos + algo.size);
  pack.set(body);
  pack.set(trailer, pos);
  const crcs = chunks.map((c) => crc32(Uint8Array.from(c)));
  return { pack, idx: buildIdx(oids, offsets, crcs, trailer, algo), offsets, oids };
}

/** Builds an idx v2 for the given entries (sorted here). */
export function buildIdx(oids: Uint8Array[], offsets: number[], crcs: number[], packChecksum: Uint8Array, algo: HashAlgo = SHA1): Uint8Array {
  const H = algo.size;
  const order = oids
    .map((_, i) => i)
    .sort((a, b) => {
      for (let k = 0; k < H; k++) if (oids[a][k] !== oids[b][k]) return oids[a][k] - oids[b][k];
      return 0;
    });
  const n = oids.length;
  const large = order.filter((i) => offsets[i] >= 0x80000000);
  const size = 8 + 1024 + n * (H + 8) + large.length * 8 + 2 * H;
  const out = new Uint8Array(size);
  out.set([0xff, 0x74, 0x4f, 0x63, 0, 0, 0, 2]);
  const fanout = new Array(256).fill(0);
  for (const o of oids) fanout[o[0]]++;
  let sum = 0;
  for (let b = 0; b < 256; b++) {
    sum += fanout[b];
    putU32(out, 8 + b * 4, sum);
  }
  let p = 1032;
  for (const i of order) {
    out.set(oids[i], p);
    p += H;
  }
  for (const i of order) {
    putU32(out, p, crcs[i]);
    p += 4;
  }
  let li = 0;
  for (const i of order) {
    putU32(out, p, offsets[i] >= 0x80000000 ? 0x80000000 + li++ : offsets[i]);
    p += 4;
  }
  for (const i of large) {
    putU32(out, p, Math.floor(offsets[i] / 2 ** 32));
    putU32(out, p + 4, offsets[i] % 2 ** 32);
    p += 8;
  }
  out.set(packChecksum, p);
  p += H;
  const h = portableHasher(algo);
  h.update(out.subarray(0, p));
  out.set(h.digest(), p);
  return out;
}

/** RepositoryFiles for a pack folder held in memory. */
export function memoryRepository(files: Record<string, Uint8Array>): RepositoryFiles {
  const entries: FileEntry[] = Object.entries(files).map(([path, bytes], i) => ({ path, source: memorySource(path, bytes), mtimeMs: 1000 + i }));
  return {
    rootKind: 'pack',
    gitDir: undefined,
    objectsDir: undefined,
    packDir: '',
    packDirFiles: entries.filter((e) => !e.path.includes('/')),
    midxChainFiles: entries.filter((e) => e.path.startsWith('multi-pack-index.d/')),
    looseObjects: [],
    refFiles: [],
    config: undefined,
    problems: [],
  };
}

export const hex = (s: string): Uint8Array => fromHex(s);
