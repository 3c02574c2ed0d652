import type { HashAlgo } from './algo.ts';
import { portableHasher, type Hasher } from './hasher.ts';

/**
 * A pool of stateful incremental hasher instances shared by many hashes at once (hash-wasm's
 * WASM hashers in the worker: creating one is asynchronous and costs far more than hashing a
 * small object, ~1.7 µs an object reused against ~37 µs a call for crypto.subtle).
 *
 * The engine keeps several hashes open at once (index-pack's pack checksum while it names each
 * object; verify's trailer hash while the evidence hashing runs between its slices). A hash holds
 * an instance from creation to digest; when every instance is held, the least recently used hash
 * is parked: its state is saved (`save()`, ~100 bytes) and reloaded into whichever instance is
 * free when it next needs one. A hash dropped without a digest costs nothing but being parked once.
 */

/** What the pool needs of an instance (hash-wasm's IHasher is one). */
export interface HasherInstance {
  init(): unknown;
  update(data: Uint8Array): unknown;
  digest(outputType: 'binary'): Uint8Array;
  save(): Uint8Array;
  load(state: Uint8Array): unknown;
}

/** Instances per algorithm: the long hashes that run side by side, plus the object being named. */
export const POOL_SIZE = 4;

interface Slot {
  readonly wasm: HasherInstance;
  owner: PooledHasher | undefined;
  lastUse: number;
}

/** The instances of one algorithm and who holds each. */
export class HasherPool {
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
export class PooledHasher implements Hasher {
  private slot: Slot | undefined;
  private parked: Uint8Array | undefined;
  private finished = false;

  constructor(private readonly pool: HasherPool) {
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
  private instance(): HasherInstance {
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

/** A pool of POOL_SIZE instances made by `create`. */
export async function makeHasherPool(create: () => Promise<HasherInstance>): Promise<HasherPool> {
  const slots: Slot[] = [];
  for (let i = 0; i < POOL_SIZE; i++) slots.push({ wasm: await create(), owner: undefined, lastUse: 0 });
  return new HasherPool(slots);
}

/** True when the pool's digest of a short input equals the portable one (a broken build hashes nothing). */
export function poolAgrees(pool: HasherPool, algo: HashAlgo): boolean {
  const probe = new TextEncoder().encode('blob 3\0abc');
  const a = new PooledHasher(pool);
  a.update(probe);
  const b = portableHasher(algo);
  b.update(probe);
  const x = a.digest();
  const y = b.digest();
  return x.length === y.length && x.every((v, i) => v === y[i]);
}
