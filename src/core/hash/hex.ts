import { fail } from '../errors.ts';
import type { HashAlgo } from './algo.ts';

/** Hex encoding of object ids. Lower-case, as git prints them. */

const HEX = '0123456789abcdef';
const BYTE_HEX: string[] = [];
for (let i = 0; i < 256; i++) BYTE_HEX.push(HEX[i >> 4] + HEX[i & 15]);

/** Hex of bytes [pos, pos + length). */
export function toHex(bytes: Uint8Array, pos = 0, length = bytes.length - pos): string {
  let s = '';
  for (let i = pos; i < pos + length; i++) s += BYTE_HEX[bytes[i]];
  return s;
}

function nibble(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 97 && code <= 102) return code - 87;
  if (code >= 65 && code <= 70) return code - 55;
  return -1;
}

/** True for a string of hex digits only (either case). */
export function isHex(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (nibble(s.charCodeAt(i)) < 0) return false;
  return s.length > 0;
}

/** Bytes of an even-length hex string; throws on anything else. */
export function fromHex(s: string): Uint8Array {
  if (s.length % 2 !== 0) throw new RangeError(`odd-length hex: ${s}`);
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) {
    const hi = nibble(s.charCodeAt(2 * i));
    const lo = nibble(s.charCodeAt(2 * i + 1));
    if (hi < 0 || lo < 0) throw new RangeError(`not hex: ${s}`);
    out[i] = (hi << 4) | lo;
  }
  return out;
}

/**
 * A hex prefix as bytes plus its nibble count, for prefix search: `abc` becomes [0xab, 0xc0]
 * with 3 nibbles. Lower and upper bounds for binary search follow from it.
 */
export interface HexPrefix {
  bytes: Uint8Array;
  nibbles: number;
}

/** Parses a hex prefix of any length (odd lengths allowed). */
export function parsePrefix(s: string): HexPrefix {
  const bytes = new Uint8Array(Math.ceil(s.length / 2));
  for (let i = 0; i < s.length; i++) {
    const v = nibble(s.charCodeAt(i));
    if (v < 0) throw new RangeError(`not hex: ${s}`);
    bytes[i >> 1] |= i % 2 === 0 ? v << 4 : v;
  }
  return { bytes, nibbles: s.length };
}

/** Compares an id at `pos` with a prefix: negative if the id sorts before it, 0 if it starts with it. */
export function comparePrefix(ids: Uint8Array, pos: number, prefix: HexPrefix): number {
  const full = prefix.nibbles >> 1;
  for (let i = 0; i < full; i++) {
    const d = ids[pos + i] - prefix.bytes[i];
    if (d !== 0) return d;
  }
  if (prefix.nibbles % 2 === 1) return (ids[pos + full] >> 4) - (prefix.bytes[full] >> 4);
  return 0;
}

/** Parses a full hex id for this repository, or fails with BadName. */
export function parseOid(hex: string, algo: HashAlgo): Uint8Array {
  if (hex.length !== algo.hexSize || !isHex(hex)) fail('BadName', `"${hex}" is not a full ${algo.name} object id`);
  return fromHex(hex.toLowerCase());
}
