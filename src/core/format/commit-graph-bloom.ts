import type { CommitGraph } from './commit-graph-chain.ts';
import type { BloomSettings } from './commit-graph.ts';

/**
 * Changed-path Bloom filters (the commit-graph's BIDX and BDAT chunks, hash version 1, as git
 * 2.39 reads them; git's Documentation/technical/commit-graph.txt and bloom.c). Each commit's
 * filter holds every path its diff against its first parent touches, with every leading
 * directory (`a`, `a/b`, `a/b/c`); a commit with more than 512 changes has a one-byte filter of
 * all ones. A path is *maybe* changed when all of its key's bits are set, *definitely not*
 * otherwise; a filter of no bytes says nothing.
 *
 * The key of a path: two murmur3 hashes of its bytes (seeds 0x293ae76f and 0x7e646e2c); bit i of
 * the key is `h0 + i * h1` (32-bit) modulo the filter's bits, bit `b` being `1 << (b % 8)` of
 * byte `b / 8`. Version 1 reads the bytes as C's signed `char`: a byte of 0x80 or more is
 * sign-extended before it is shifted into place (git kept that for the files already written;
 * version 2 fixes it and is not read here, as git 2.39 does not).
 */

const SEED0 = 0x293ae76f;
const SEED1 = 0x7e646e2c;

/** A path's key: its bit positions before the modulo (one per hash). */
export type BloomKey = Uint32Array;

/** The keys a pathspec is checked with: the path and each of its leading directories (git's bloom_keyvec). */
export function bloomKeysOfPath(path: Uint8Array, settings: BloomSettings): BloomKey[] {
  const keys: BloomKey[] = [];
  for (let i = 0; i <= path.length; i++) {
    if (i === path.length || path[i] === 0x2f) keys.push(bloomKey(path.subarray(0, i), settings));
  }
  return keys;
}

/** The key of one path's bytes. */
export function bloomKey(data: Uint8Array, settings: BloomSettings): BloomKey {
  const h0 = murmur3SeededV1(SEED0, data);
  const h1 = murmur3SeededV1(SEED1, data);
  // A hostile header can claim any number of hashes: git uses them all; a filter's bits run out long before.
  const count = Math.min(settings.numHashes, 64);
  const key = new Uint32Array(count);
  for (let i = 0; i < count; i++) key[i] = (h0 + Math.imul(i, h1)) >>> 0;
  return key;
}

/** C's `(uint32_t)(char)b` on a signed-char platform. */
function signedByte(b: number): number {
  return b >= 0x80 ? (b | 0xffffff00) >>> 0 : b;
}

/** git's murmur3_seeded_v1 (bloom.c), 32-bit arithmetic throughout. */
export function murmur3SeededV1(seed: number, data: Uint8Array): number {
  const c1 = 0xcc9e2d51;
  const c2 = 0x1b873593;
  const len = data.length;
  const len4 = Math.floor(len / 4);
  let h = seed >>> 0;
  for (let i = 0; i < len4; i++) {
    const p = 4 * i;
    let k = (signedByte(data[p]) | (signedByte(data[p + 1]) << 8) | (signedByte(data[p + 2]) << 16) | (signedByte(data[p + 3]) << 24)) >>> 0;
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, c2);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const tail = len4 * 4;
  const rest = len & 3;
  if (rest > 0) {
    let k1 = 0;
    if (rest === 3) k1 ^= signedByte(data[tail + 2]) << 16;
    if (rest >= 2) k1 ^= signedByte(data[tail + 1]) << 8;
    k1 ^= signedByte(data[tail]);
    k1 = Math.imul(k1, c1);
    k1 = (k1 << 15) | (k1 >>> 17);
    k1 = Math.imul(k1, c2);
    h ^= k1;
  }
  h ^= len;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * What the commit at global position `pos` says about the keys: 1 maybe changed (or no way to
 * tell), 0 definitely not changed against its first parent, -1 no filter (not in a layer with
 * filters, or an empty one). `keys` must be built with the settings of the layer holding `pos`
 * (`settingsAt`); `contains` of several keys is their AND, as git's bloom_filter_contains_vec.
 */
export function bloomFilterContains(graph: CommitGraph, pos: number, keys: readonly BloomKey[]): -1 | 0 | 1 {
  const k = graph.layerOf(pos);
  const layer = graph.layers[k];
  if (layer.bloom === undefined || layer.bdat === undefined) return -1;
  let range: { start: number; end: number } | undefined;
  try {
    range = layer.bloomRange(pos - graph.bases[k]);
  } catch {
    return -1; // a damaged index: git ignores such a filter
  }
  if (range === undefined) return -1;
  const length = range.end - range.start;
  // Empty, or an index pointing backwards or past BDAT (damage): no answer from this filter.
  if (length <= 0 || range.end > layer.bdat.length - 12) return -1;
  const bits = length * 8;
  const bytes = layer.bytes;
  const base = layer.bdat.offset + 12 + range.start;
  for (const key of keys) {
    for (let i = 0; i < key.length; i++) {
      const bit = key[i] % bits;
      if ((bytes[base + Math.floor(bit / 8)] & (1 << (bit % 8))) === 0) return 0;
    }
  }
  return 1;
}

/** The Bloom settings of the layer holding `pos` (undefined: that layer has no filters git reads). */
export function settingsAt(graph: CommitGraph, pos: number): BloomSettings | undefined {
  return graph.layers[graph.layerOf(pos)].bloom;
}
