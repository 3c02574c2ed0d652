import { createSHA1, createSHA256 } from 'hash-wasm';
import { SHA1, SHA256 } from '../core/hash/algo.ts';
import { type HasherPool, PooledHasher, makeHasherPool, poolAgrees } from '../core/hash/hasher-pool.ts';
import { portableHasher, type HasherFactory } from '../core/hash/hasher.ts';

/**
 * The worker's hashers: hash-wasm's SHA-1 and SHA-256, instantiated once and reused, because
 * creating a WASM hasher is asynchronous and costs far more than hashing a small object
 * (a reused instance: ~1.7 µs an object; crypto.subtle: ~37 µs a call).
 *
 * A hash-wasm hasher is one stateful instance, but the engine keeps several hashes open at once,
 * so each algorithm has a small pool of instances (core/hash/hasher-pool.ts: who holds which,
 * parking the least recently used). No await is ever needed after `hashersReady()`.
 *
 * Until the pool is ready, or when WebAssembly cannot be instantiated (a policy without
 * 'wasm-unsafe-eval'), `wasmHasher` hands out the portable TypeScript hashers.
 */

let pools: { sha1: HasherPool; sha256: HasherPool } | undefined;
let loading: Promise<void> | undefined;

/**
 * Instantiates the WASM hashers (once; later calls share the first). Never rejects: on failure
 * it says why once on the console and `wasmHasher` stays on the portable hashers.
 */
export function hashersReady(): Promise<void> {
  loading ??= (async () => {
    try {
      const ready = { sha1: await makeHasherPool(createSHA1), sha256: await makeHasherPool(createSHA256) };
      if (!poolAgrees(ready.sha1, SHA1) || !poolAgrees(ready.sha256, SHA256)) throw new Error('its digests differ from the portable hashers');
      pools = ready;
    } catch (err) {
      console.warn(`packscope: WebAssembly hashing is unavailable (${err instanceof Error ? err.message : String(err)}); using the slower portable SHA-1/SHA-256`);
    }
  })();
  return loading;
}

/** Which hashers `wasmHasher` hands out now. */
export function hashingBackend(): 'wasm' | 'portable' {
  return pools ? 'wasm' : 'portable';
}

/** The worker's HasherFactory: pooled hash-wasm instances once `hashersReady()` has resolved, else portable. */
export const wasmHasher: HasherFactory = (algo) => {
  if (!pools) return portableHasher(algo);
  return new PooledHasher(algo.name === 'sha1' ? pools.sha1 : pools.sha256);
};
