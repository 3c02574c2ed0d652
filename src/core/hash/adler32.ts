/**
 * Adler-32 (RFC 1950), the checksum a zlib stream ends with: four bytes, big-endian, of the
 * inflated data. A pack entry's stream ends with it, so the four bytes just before the next
 * entry must equal the Adler-32 of what the entry inflates to — which tells, without another
 * inflater, that the stream really ends where the idx says the next entry begins.
 */

const MOD = 65521;
/** Largest run of bytes whose sums stay below 2^53 before reducing (zlib uses 5552 for 32 bits). */
const RUN = 1 << 20;

/** Adler-32 of `bytes`, as an unsigned 32-bit number. */
export function adler32(bytes: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (let start = 0; start < bytes.length; start += RUN) {
    const end = Math.min(bytes.length, start + RUN);
    for (let i = start; i < end; i++) {
      a += bytes[i];
      b += a;
    }
    a %= MOD;
    b %= MOD;
  }
  return b * 65536 + a;
}
