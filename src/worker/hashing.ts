import { createSHA1, createSHA256, type IHasher } from 'hash-wasm';
import { SHA1, SHA256, type HashAlgo } from '../core/hash/algo.ts';
import { portableHasher, type Hasher, type HasherFactory } from '../core/hash/hasher.ts';

/**
 * The worker's hashers: hash-wasm's SHA-1 and SHA-256, instantiated once and reused, because
 * creating a WASM hasher is asynchronous and costs far more than hashing a small object
 * (a reused instance: ~1.7 µs an object; crypto.subtle: ~37 µs a call).
 *
 * A hash-wasm hasher is one stateful instance, but the engine keeps several hashes open at once
 * (index-pack's pack checksum while it names each object; verify's trailer hash while the
 * evidence hashing runs between its slices). So each algorithm has a small pool of instances;
 * a hash holds one from creation to digest. When every instance is held, the least recently
 * used hash is parked: its state is saved (`save()`, ~100 bytes) and reloaded into whichever
 * instance is free when it next needs one. A hash that is dropped without a digest costs nothing
 * but being parked once. No await is ever needed after `hashersReady()`.
 *
 * Until the pool is ready, or when WebAssembly cannot be instantiated (a policy without
 * 'wasm-unsafe-eval'), `wasmHasher` hands out the portable TypeScript hashers.
 */

/** Instances per algorithm: the long hashes that run side by side, plus the object being named. */
const POOL_SIZE = 4;

interface Slot {
  readonly wasm: IHasher;
  owner: PooledHasher | undefined;
  lastUse: number;
}

/** The instances of one algorithm and who holds each. */
class Pool {
  private clock = 0;
  constructor(private readonly slots: readonly Slot[]) {}

  /** A free instance for `owner`, parking the least recently used holder if none is free. */
  take(owner: PooledHasher): Slot {
    let oldest = this.slots[0];
    let slot: Slot | undefined;
    for (const s of this.slots) {
      if (!s.owner) {
        slot = s;
        break;
      }
      if (s.lastUse < oldest.lastUse) oldest = s;
    }
    if (!slot) {
      slot = oldest;
      slot.owner?.park();
    }
    slot.owner = owner;
    this.touch(slot);
    return slot;
  }

  touch(slot: Slot): void {
    slot.lastUse = ++this.clock;
  }
}

/** One hash over a pooled instance; see the file comment. */
class PooledHasher implements Hasher {
  private slot: Slot | undefined;
  private parked: Uint8Array | undefined;
  private finished = false;

  constructor(private readonly pool: Pool) {
    this.slot = pool.take(this);
    this.slot.wasm.init();
  }

  update(bytes: Uint8Array): void {
    if (this.finished) throw new Error('hasher already finished');
    this.instance().update(bytes);
  }

  digest(): Uint8Array {
    if (this.finished) throw new Error('hasher already finished');
    const out = this.instance().digest('binary');
    this.finished = true;
    if (this.slot) this.slot.owner = undefined;
    this.slot = undefined;
    return out;
  }

  /** Called by the pool when another hash takes this one's instance: keep the state aside. */
  park(): void {
    if (!this.slot) return;
    this.parked = this.slot.wasm.save();
    this.slot = undefined;
  }

  /** The instance holding this hash's state, taking one back (and reloading the state) if it was parked. */
  private instance(): IHasher {
    if (this.slot) {
      this.pool.touch(this.slot);
      return this.slot.wasm;
    }
    const slot = this.pool.take(this);
    this.slot = slot;
    if (this.parked) slot.wasm.load(this.parked);
    else slot.wasm.init();
    this.parked = undefined;
    return slot.wasm;
  }
}

let pools: { sha1: Pool; sha256: Pool } | undefined;
let loading: Promise<void> | undefined;

async function makePool(create: () => Promise<IHasher>): Promise<Pool> {
  const slots: Slot[] = [];
  for (let i = 0; i < POOL_SIZE; i++) slots.push({ wasm: await create(), owner: undefined, lastUse: 0 });
  return new Pool(slots);
}

/** True when the pool's digest of a short input equals the portable one (a broken build hashes nothing). */
function agrees(pool: Pool, algo: HashAlgo): boolean {
  const probe = new TextEncoder().encode('blob 3\0abc');
  const a = new PooledHasher(pool);
  a.update(probe);
  const b = portableHasher(algo);
  b.update(probe);
  const x = a.digest();
  const y = b.digest();
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

/**
 * Instantiates the WASM hashers (once; later calls share the first). Never rejects: on failure
 * it says why once on the console and `wasmHasher` stays on the portable hashers.
 */
export function hashersReady(): Promise<void> {
  loading ??= (async () => {
    try {
      const ready = { sha1: await makePool(createSHA1), sha256: await makePool(createSHA256) };
      if (!agrees(ready.sha1, SHA1) || !agrees(ready.sha256, SHA256)) throw new Error('its digests differ from the portable hashers');
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
