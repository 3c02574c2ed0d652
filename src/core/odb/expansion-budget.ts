import { PackscopeError, type ErrorPlace } from '../errors.ts';
import { readDeltaHeader } from '../format/delta.ts';

/**
 * Delta expansion budget. A copy instruction is one byte for 64 KiB and zlib squeezes a run of
 * them 1000:1, so a 700-byte pack can declare deltas that rebuild 2 GiB each. Real packs rebuild
 * far less than the budget: git.git's 496 MB pack holds 14.1 GB of objects (28x), so even dozens
 * of full passes (verify, reachability, search) stay under 4096x; the floor leaves room for a
 * small pack with one large object rebuilt from a delta.
 */
export const EXPANSION_FLOOR = 256 << 20;
export const EXPANSION_PER_PACK_BYTE = 4096;
/** One copy instruction byte can produce 64 KiB of target. */
export const MAX_DELTA_RATIO = 0x10000;

/** What a pack's deltas may still rebuild; every reader of a pack's deltas charges it. */
export class ExpansionBudget {
  readonly total: number;
  private left: number;

  constructor(
    /** The pack's size in bytes: the budget grows with it. */
    readonly packBytes: number,
    floorBytes = EXPANSION_FLOOR,
    perPackByte = EXPANSION_PER_PACK_BYTE,
  ) {
    this.total = floorBytes + perPackByte * packBytes;
    this.left = this.total;
  }

  get used(): number {
    return this.total - this.left;
  }

  /** Fails (TooLarge) unless `targetSize` more bytes fit; does not charge them. */
  check(targetSize: number, place: ErrorPlace): void {
    if (targetSize <= this.left) return;
    throw new PackscopeError(
      'TooLarge',
      `delta declares a ${targetSize}-byte result, beyond the expansion budget of this ${this.packBytes}-byte pack (${this.total} bytes of distinct objects rebuilt from deltas in all, ${this.used} used): a delta bomb, or a pack far more repetitive than real ones`,
      place,
    );
  }

  charge(targetSize: number): void {
    this.left -= targetSize;
  }
}

/**
 * The result size an inflated delta declares, checked before anything is allocated: not beyond
 * `maxObjectBytes`, and not beyond what its instructions could produce.
 */
export function checkedDeltaTarget(delta: Uint8Array, maxObjectBytes: number, place: ErrorPlace): number {
  const { targetSize } = readDeltaHeader(delta, place);
  if (targetSize > maxObjectBytes || targetSize > delta.length * MAX_DELTA_RATIO) {
    throw new PackscopeError('TooLarge', `delta declares a ${targetSize}-byte result, more than its ${delta.length} bytes or the limit (${maxObjectBytes}) allow`, place);
  }
  return targetSize;
}
