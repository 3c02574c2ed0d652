import { isBinaryBlob } from './binary.ts';

/**
 * git's estimate of how much of one blob was copied into another (diffcore-delta.c), the
 * measure behind rename and copy similarity. A blob is cut into spans that end at a newline or
 * after 64 bytes, whichever comes first; each span is hashed into one of 107,927 values and
 * counted by its length. Comparing the two sorted tables says how many bytes of the source
 * reappear in the destination (`copied`) and how many are new (`added`). In text (no NUL in
 * the first 8,000 bytes) the CR of a CRLF is skipped, so line-ending changes keep the score.
 *
 * git keeps the table in an open-addressing hash that it sorts at the end; the sorted
 * (value, count) pairs are the same whatever the table's growth, so a counting array indexed
 * by value does the same job here.
 */

/** The number of hash values (a prime between 2^16 and 2^17, as git chose). */
const HASHBASE = 107927;

/** A blob's spans: hash values ascending, with the bytes counted under each. */
export interface SpanTable {
  hashes: Uint32Array;
  counts: Uint32Array;
}

// One scratch array for every table built (the worker and the CLI are single-threaded).
const scratch = new Uint32Array(HASHBASE);

/** Hashes a blob into its span table (git's hash_chars). */
export function spanTable(data: Uint8Array): SpanTable {
  const isText = !isBinaryBlob(data);
  const touched: number[] = [];
  let n = 0;
  let accum1 = 0;
  let accum2 = 0;
  const size = data.length;
  for (let i = 0; i < size; i++) {
    const c = data[i];
    if (isText && c === 0x0d && i + 1 < size && data[i + 1] === 0x0a) continue;
    const old1 = accum1;
    accum1 = ((accum1 << 7) ^ (accum2 >>> 25)) >>> 0;
    accum2 = ((accum2 << 7) ^ (old1 >>> 25)) >>> 0;
    accum1 = (accum1 + c) >>> 0;
    if (++n < 64 && c !== 0x0a) continue;
    const hash = ((accum1 + Math.imul(accum2, 0x61)) >>> 0) % HASHBASE;
    if (scratch[hash] === 0) touched.push(hash);
    scratch[hash] += n;
    n = 0;
    accum1 = 0;
    accum2 = 0;
  }
  const hashes = Uint32Array.from(touched).sort();
  const counts = new Uint32Array(hashes.length);
  for (let k = 0; k < hashes.length; k++) {
    counts[k] = scratch[hashes[k]];
    scratch[hashes[k]] = 0;
  }
  return { hashes, counts };
}

/**
 * git's diffcore_count_changes: bytes of `src` found again in `dst` (each span value counts at
 * most as often as it is in both) and bytes of `dst` that are new.
 */
export function countChanges(src: SpanTable, dst: SpanTable): { copied: number; added: number } {
  let copied = 0;
  let added = 0;
  let d = 0;
  const dn = dst.hashes.length;
  for (let s = 0; s < src.hashes.length; s++) {
    const hash = src.hashes[s];
    while (d < dn && dst.hashes[d] < hash) added += dst.counts[d++];
    const srcCount = src.counts[s];
    let dstCount = 0;
    if (d < dn && dst.hashes[d] === hash) dstCount = dst.counts[d++];
    if (srcCount < dstCount) {
      added += dstCount - srcCount;
      copied += srcCount;
    } else copied += dstCount;
  }
  while (d < dn) added += dst.counts[d++];
  return { copied, added };
}
