import type { HashAlgo } from './algo.ts';
import { Sha1 } from './sha1.ts';
import { Sha256 } from './sha256.ts';

/** An incremental hash: feed bytes in any pieces, then take the digest once. */
export interface Hasher {
  /** Takes the bytes in; keeps no reference to them after it returns (callers reuse their arrays). */
  update(bytes: Uint8Array): void;
  digest(): Uint8Array;
}

/**
 * Makes hashers. The core ships a portable one; the CLI passes node:crypto, the worker may pass
 * a WASM one. Kept as a parameter so the choice lives in one place per host.
 */
export type HasherFactory = (algo: HashAlgo) => Hasher;

/** The portable, pure TypeScript hashers. */
export const portableHasher: HasherFactory = (algo) => (algo.name === 'sha1' ? new Sha1() : new Sha256());

/** Hashes a git object the way git names it: `<type> <size>\0<content>`. */
export function hashObject(factory: HasherFactory, algo: HashAlgo, type: string, content: Uint8Array): Uint8Array {
  const h = factory(algo);
  h.update(objectHeader(type, content.length));
  h.update(content);
  return h.digest();
}

/** The header's bytes, reused: hashers copy what `update` gets (see `Hasher`), and this runs once an object. */
const header = new Uint8Array(32);

/**
 * `<type> <size>\0` as bytes. Written by hand into one reused array because, in a browser worker,
 * a TextEncoder call (~6 µs) or a fresh small array (whose buffer WASM hashers must materialise)
 * costs more than the WASM hash of a small object; a type outside ASCII takes the encoder.
 */
function objectHeader(type: string, size: number): Uint8Array {
  const text = `${type} ${size}\0`;
  if (text.length > header.length) return new TextEncoder().encode(text);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x7f) return new TextEncoder().encode(text);
    header[i] = c;
  }
  return header.subarray(0, text.length);
}
