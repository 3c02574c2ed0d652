/**
 * Big-endian integer reads from byte arrays. Values are built with multiplication and addition,
 * never `<<` on the top byte, so a u32 stays positive and 64-bit values stay exact up to 2^53.
 */

/** Unsigned 32-bit big-endian at `pos`. */
export function u32(bytes: Uint8Array, pos: number): number {
  return bytes[pos] * 0x1000000 + ((bytes[pos + 1] << 16) | (bytes[pos + 2] << 8) | bytes[pos + 3]);
}

/** Unsigned 16-bit big-endian at `pos`. */
export function u16(bytes: Uint8Array, pos: number): number {
  return (bytes[pos] << 8) | bytes[pos + 1];
}

/** Unsigned 64-bit big-endian at `pos` as a number; exact below 2^53 (returns Infinity above, which every range check rejects). */
export function u64(bytes: Uint8Array, pos: number): number {
  const high = u32(bytes, pos);
  const low = u32(bytes, pos + 4);
  if (high >= 0x200000) return Infinity;
  return high * 0x100000000 + low;
}

/** Writes an unsigned 32-bit big-endian value. */
export function putU32(bytes: Uint8Array, pos: number, value: number): void {
  bytes[pos] = Math.floor(value / 0x1000000) & 0xff;
  bytes[pos + 1] = (value >>> 16) & 0xff;
  bytes[pos + 2] = (value >>> 8) & 0xff;
  bytes[pos + 3] = value & 0xff;
}

/** Writes an unsigned 64-bit big-endian value (exact below 2^53). */
export function putU64(bytes: Uint8Array, pos: number, value: number): void {
  putU32(bytes, pos, Math.floor(value / 0x100000000));
  putU32(bytes, pos + 4, value % 0x100000000);
}

/** True when two byte ranges hold the same bytes. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Lexicographic comparison of equal-length byte strings: negative, zero or positive. */
export function compareBytes(a: Uint8Array, aPos: number, b: Uint8Array, bPos: number, length: number): number {
  for (let i = 0; i < length; i++) {
    const d = a[aPos + i] - b[bPos + i];
    if (d !== 0) return d;
  }
  return 0;
}
