import type { HashAlgo } from './algo.ts';
import { Sha1 } from './sha1.ts';
import { Sha256 } from './sha256.ts';

/** An incremental hash: feed bytes in any pieces, then take the digest once. */
export interface Hasher {
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
  h.update(new TextEncoder().encode(`${type} ${content.length}\0`));
  h.update(content);
  return h.digest();
}
