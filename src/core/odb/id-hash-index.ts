/**
 * An exact-id lookup for a sorted id table: open addressing with the whole id inside each slot,
 * so a lookup touches one cache line instead of two (a slot, then the id table to compare).
 * Reachability looks up every tree entry it walks (git.git: ~150 million lookups); measured in
 * Node on git.git's ids with tree-walk locality, 92 ns a lookup with row-only slots, ~33 ns with
 * this (24 bytes a slot, 1.25 to 2.5 slots an id: 50 MB for git.git's 849k ids).
 *
 * Slot layout, in 32-bit words (W = id bytes / 4: 5 for SHA-1, 8 for SHA-256):
 *
 * | word   | meaning                                    |
 * |--------|--------------------------------------------|
 * | 0..W-1 | the id, big-endian words                   |
 * | W      | row + 1 (0: the slot is empty)             |
 *
 * Ids come from files the attacker wrote (an `.idx` may claim any ids, sorted), so the slot is
 * a seeded mix of the first two words, not the id's first bytes: ids crafted to share a prefix
 * do not pile into one run. Ids sharing all of their first 8 bytes still do, so the build has a
 * probe budget (past it the index is dropped and every lookup binary-searches) and a lookup a
 * probe limit: slower, never wrong, never quadratic.
 */

/** Slots: the power of two at or above 1.25 per id (load 0.4 to 0.8: ~1.3 to 3 probes a hit). */
const SLOTS_PER_ID = 1.25;
/**
 * Probes a build may take in all, per id. Natural linear probing at load 0.8 averages 13 probes
 * an insert; crafted ids that share their first 8 bytes collide whatever the seed, and with this
 * budget the build gives up after O(16 n) probes (lookups then binary-search) instead of
 * spending O(n^2) on one long run.
 */
const BUILD_PROBES_PER_ID = 16;
/** The longest run a lookup follows before it binary-searches instead. */
const MAX_PROBES = 1024;
/**
 * Slots of the front cache: the ids found lately, direct-mapped, small enough to stay in the
 * CPU's cache (64k slots, 1.5 MB). A tree walk looks up the same ids again and again (each
 * version of a directory names mostly the entries of the last one): measured on git.git's ids
 * with that locality, 50 ns a lookup through the 50 MB table, 20 ns through the front cache.
 */
const FRONT_SLOTS = 1 << 16;

function wordAt(bytes: Uint8Array, at: number): number {
  return (bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3];
}

export class IdHashIndex {
  private readonly words: number;
  private readonly stride: number;
  private readonly mask: number;
  private readonly slots: Int32Array | undefined;
  /** Front cache: slots of the same layout as `slots` (row + 1 = 0: empty). */
  private readonly front: Int32Array;
  private readonly frontMask: number;
  private readonly seed0 = (Math.random() * 0x1_0000_0000) | 0;
  private readonly seed1 = (Math.random() * 0x1_0000_0000) | 0;

  /** `ids`: `count` sorted ids of `idSize` bytes each (the binary search's table). */
  constructor(
    private readonly ids: Uint8Array,
    private readonly count: number,
    private readonly idSize: number,
  ) {
    this.words = idSize >> 2;
    this.stride = this.words + 1;
    let size = 64;
    while (size < count * SLOTS_PER_ID) size *= 2;
    this.mask = size - 1;
    this.slots = this.build(size);
    let frontSize = 64;
    while (frontSize < Math.min(count, FRONT_SLOTS)) frontSize *= 2;
    this.front = new Int32Array(frontSize * this.stride);
    this.frontMask = frontSize - 1;
  }

  /** Bytes the hash table holds (for memory accounting); 0 when the build gave up. */
  get byteLength(): number {
    return this.slots?.byteLength ?? 0;
  }

  /** murmur3's finaliser over the first two words, seeded: every bit of both reaches the low bits. */
  private slotOf(w0: number, w1: number): number {
    let h = w0 ^ this.seed0 ^ Math.imul(w1 ^ this.seed1, 0x9e3779b1);
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    return h & this.mask;
  }

  private build(size: number): Int32Array | undefined {
    const { words, stride, mask, ids, idSize } = this;
    const slots = new Int32Array(size * stride);
    let budget = BUILD_PROBES_PER_ID * this.count + 64;
    for (let row = 0; row < this.count; row++) {
      const at = row * idSize;
      let slot = this.slotOf(wordAt(ids, at), wordAt(ids, at + 4));
      while (slots[slot * stride + words] !== 0) {
        if (--budget < 0) return undefined;
        slot = (slot + 1) & mask;
      }
      const o = slot * stride;
      for (let k = 0; k < words; k++) slots[o + k] = wordAt(ids, at + 4 * k);
      slots[o + words] = row + 1;
    }
    return slots;
  }

  /** Row of the id starting at `bytes[at]` (`idSize` bytes must be there), or -1. */
  findAt(bytes: Uint8Array, at: number): number {
    // Every id has at least five words; they are compared unrolled (a loop cost 20 ns of 55).
    const w0 = wordAt(bytes, at);
    const w1 = wordAt(bytes, at + 4);
    const w2 = wordAt(bytes, at + 8);
    const w3 = wordAt(bytes, at + 12);
    const w4 = wordAt(bytes, at + 16);
    const { words, stride, front } = this;
    const f = ((w0 ^ w1) & this.frontMask) * stride;
    const cached = front[f + words];
    if (cached !== 0 && front[f] === w0 && front[f + 1] === w1 && front[f + 2] === w2 && front[f + 3] === w3 && front[f + 4] === w4 && (words === 5 || this.restEquals(front, f, bytes, at)))
      return cached - 1;
    const row = this.lookup(bytes, at, w0, w1, w2, w3, w4);
    if (row >= 0) {
      for (let k = 0; k < words; k++) front[f + k] = wordAt(bytes, at + 4 * k);
      front[f + words] = row + 1;
    }
    return row;
  }

  private lookup(bytes: Uint8Array, at: number, w0: number, w1: number, w2: number, w3: number, w4: number): number {
    const slots = this.slots;
    if (!slots) return this.findBySearch(bytes, at);
    const { words, stride, mask } = this;
    let slot = this.slotOf(w0, w1);
    for (let probes = 0; probes < MAX_PROBES; probes++) {
      const o = slot * stride;
      const entry = slots[o + words];
      if (entry === 0) return -1;
      if (slots[o] === w0 && slots[o + 1] === w1 && slots[o + 2] === w2 && slots[o + 3] === w3 && slots[o + 4] === w4 && (words === 5 || this.restEquals(slots, o, bytes, at))) return entry - 1;
      slot = (slot + 1) & mask;
    }
    return this.findBySearch(bytes, at);
  }

  /** Words 5 and up (SHA-256). */
  private restEquals(slots: Int32Array, o: number, bytes: Uint8Array, at: number): boolean {
    for (let k = 5; k < this.words; k++) if (slots[o + k] !== wordAt(bytes, at + 4 * k)) return false;
    return true;
  }
  /** Row by binary search over the sorted ids, or -1. */
  findBySearch(bytes: Uint8Array, at: number): number {
    const { ids, idSize } = this;
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const base = mid * idSize;
      let d = 0;
      for (let i = 0; i < idSize && d === 0; i++) d = ids[base + i] - bytes[at + i];
      if (d === 0) return mid;
      if (d < 0) lo = mid + 1;
      else hi = mid;
    }
    return -1;
  }
}
