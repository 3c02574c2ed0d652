/**
 * The seeded mutator: (run seed, format, input number) -> one damaged copy of a real file.
 * Small and deterministic, so an input is named by three numbers and can be made again.
 *
 * Damage kinds, stacked one to four at a time:
 * | kind      | what it does                                                              |
 * |-----------|---------------------------------------------------------------------------|
 * | flip      | flips 1-8 bits                                                            |
 * | byte      | sets bytes to 0x00, 0xff, 0x7f, 0x80 or a random value                    |
 * | truncate  | cuts the file (anywhere, or just before/after a field the format names)  |
 * | extend    | appends zeros, 0xff or random bytes                                       |
 * | delete    | removes a range                                                           |
 * | insert    | inserts a range copied from the file (or another seed) or random bytes   |
 * | overwrite | copies a range over another (a splice)                                    |
 * | repeat    | repeats a range many times (quadratic loops, long chains, huge counts)    |
 * | extreme   | writes 0, 1, 2^31-1, 2^31, 2^32-1, size±1 as a 16/32/64-bit field         |
 * | varint    | writes a run of continuation bytes (0x80/0xff) where a varint starts      |
 * | text      | inserts a character text formats care about (LF, SP, NUL, '<', '^', ...)  |
 *
 * Half the offsets come from the seed's hints: where the format's fields are (header, fanout,
 * chunk table, entry headers, line starts), found by reading the intact file.
 */

/** A seed file and the offsets worth aiming at. */
export interface MutationSeed {
  bytes: Uint8Array;
  /** Offsets of fields (header words, table starts, entry headers, line starts). */
  hints: readonly number[];
  /** True for text formats (refs, reflogs, commits, tags): adds text damage. */
  text?: boolean;
}

/** splitmix32: a tiny, well-mixed 32-bit generator. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x9e3779b9) >>> 0;
    let z = this.state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  }
  /** An integer in [0, n). */
  below(n: number): number {
    return n <= 1 ? 0 : Math.floor((this.next() / 0x100000000) * n);
  }
  chance(p: number): boolean {
    return this.next() / 0x100000000 < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.below(items.length)];
  }
}

/** FNV-1a over a string and numbers: the per-input seed. */
export function inputSeed(runSeed: number, format: string, index: number): number {
  let h = 0x811c9dc5 ^ runSeed;
  const mix = (c: number): void => {
    h = Math.imul(h ^ c, 0x01000193) >>> 0;
  };
  for (let i = 0; i < format.length; i++) mix(format.charCodeAt(i));
  mix(index & 0xffff);
  mix(Math.floor(index / 0x10000) & 0xffff);
  return h >>> 0;
}

/** Largest input the mutator makes (repeat and insert stop here). */
export const MAX_INPUT_BYTES = 4 << 20;

const TEXT_BYTES = [0x0a, 0x20, 0x00, 0x09, 0x0d, 0x3c, 0x3e, 0x5e, 0x23, 0x2d, 0x2b, 0x30, 0x39, 0x66, 0x2f, 0xff, 0xef];
const TEXT_WORDS = [
  'ref: ',
  'ref: refs/heads/main\n',
  'parent ',
  'tree ',
  '\n\n',
  ' <a@b> 0 +0000\n',
  '^',
  '# pack-refs with: peeled fully-peeled sorted \n',
  '-99999999999999999999',
  '99999999999999999999',
  'encoding x-unknown\n',
  ' \n',
  '../',
  '.lock',
  '@{',
];

/** Extreme values for a numeric field of `width` bytes. */
function extremes(width: number, size: number): number[] {
  if (width === 2) return [0, 1, 0x7fff, 0x8000, 0xffff];
  return [0, 1, 2, 0x7fffffff, 0x80000000, 0xffffffff, size - 1, size, size + 1, 0x7ffffffe, 0x100];
}

function writeBE(out: Uint8Array, at: number, width: number, value: number): void {
  for (let i = width - 1; i >= 0; i--) {
    if (at + i < out.length) out[at + i] = value % 256;
    value = Math.floor(value / 256);
  }
}

/** Names one applied mutation, for the regression record. */
export type MutationStep = string;

/**
 * Damages a copy of `seed.bytes`. `donors` are other seeds of the same format (splices take
 * ranges from them). Returns the bytes and what was done.
 */
export function mutate(rng: Rng, seed: MutationSeed, donors: readonly Uint8Array[]): { bytes: Uint8Array; steps: MutationStep[] } {
  let bytes: Uint8Array = seed.bytes.slice();
  const steps: MutationStep[] = [];
  const count = 1 + (rng.chance(0.5) ? 0 : rng.chance(0.5) ? 1 : rng.below(3) + 1);
  for (let s = 0; s < count; s++) {
    const r = mutateOnce(rng, bytes, seed, donors);
    bytes = r.bytes;
    steps.push(r.step);
  }
  return { bytes, steps };
}

function offsetIn(rng: Rng, bytes: Uint8Array, seed: MutationSeed): number {
  if (bytes.length === 0) return 0;
  if (seed.hints.length > 0 && rng.chance(0.5)) {
    const h = rng.pick(seed.hints) + (rng.chance(0.7) ? 0 : rng.below(9) - 4);
    return Math.max(0, Math.min(bytes.length - 1, h));
  }
  return rng.below(bytes.length);
}

function randomBytes(rng: Rng, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.next() & 0xff;
  return out;
}

function splice(bytes: Uint8Array, at: number, remove: number, insert: Uint8Array): Uint8Array {
  const total = Math.min(MAX_INPUT_BYTES, bytes.length - remove + insert.length);
  const out = new Uint8Array(total);
  out.set(bytes.subarray(0, at));
  const ins = insert.subarray(0, Math.max(0, total - at));
  out.set(ins, at);
  const tail = bytes.subarray(at + remove, at + remove + Math.max(0, total - at - ins.length));
  out.set(tail, at + ins.length);
  return out;
}

function rangeLength(rng: Rng, max: number): number {
  if (max <= 0) return 0;
  const small = rng.chance(0.7);
  return 1 + rng.below(Math.min(max, small ? 16 : 4096));
}

function mutateOnce(rng: Rng, bytes: Uint8Array, seed: MutationSeed, donors: readonly Uint8Array[]): { bytes: Uint8Array; step: MutationStep } {
  const kinds = seed.text
    ? ['flip', 'byte', 'truncate', 'extend', 'delete', 'insert', 'overwrite', 'repeat', 'extreme', 'text', 'text', 'text']
    : ['flip', 'flip', 'byte', 'truncate', 'extend', 'delete', 'insert', 'overwrite', 'repeat', 'extreme', 'extreme', 'extreme', 'varint'];
  const kind = rng.pick(kinds);
  const size = bytes.length;
  switch (kind) {
    case 'flip': {
      const out = bytes.slice();
      const n = 1 + rng.below(8);
      const at = offsetIn(rng, out, seed);
      for (let i = 0; i < n && out.length > 0; i++) {
        const p = rng.chance(0.5) ? at : rng.below(out.length);
        out[p] ^= 1 << rng.below(8);
      }
      return { bytes: out, step: `flip ${n} bits near ${at}` };
    }
    case 'byte': {
      const out = bytes.slice();
      const at = offsetIn(rng, out, seed);
      const n = 1 + rng.below(4);
      const v = rng.pick([0x00, 0xff, 0x7f, 0x80, rng.next() & 0xff]);
      for (let i = 0; i < n && at + i < out.length; i++) out[at + i] = v;
      return { bytes: out, step: `set ${n} bytes at ${at} to 0x${v.toString(16)}` };
    }
    case 'truncate': {
      const at = rng.chance(0.5) ? offsetIn(rng, bytes, seed) : rng.below(size + 1);
      const cut = rng.chance(0.2) ? Math.max(0, size - 1 - rng.below(64)) : at;
      return { bytes: bytes.slice(0, cut), step: `truncate to ${cut}` };
    }
    case 'extend': {
      const n = rangeLength(rng, 65536);
      const fill = rng.below(3);
      const extra = fill === 2 ? randomBytes(rng, n) : new Uint8Array(n).fill(fill === 0 ? 0 : 0xff);
      return { bytes: splice(bytes, size, 0, extra), step: `append ${n} bytes (${['zeros', '0xff', 'random'][fill]})` };
    }
    case 'delete': {
      const at = offsetIn(rng, bytes, seed);
      const n = Math.min(size - at, rangeLength(rng, size - at));
      return { bytes: splice(bytes, at, n, new Uint8Array(0)), step: `delete ${n} bytes at ${at}` };
    }
    case 'insert': {
      const at = offsetIn(rng, bytes, seed);
      const from = donors.length > 0 && rng.chance(0.3) ? rng.pick(donors) : bytes;
      let insert: Uint8Array;
      if (rng.chance(0.3) || from.length === 0) insert = randomBytes(rng, rangeLength(rng, 256));
      else {
        const src = rng.below(from.length);
        insert = from.slice(src, src + rangeLength(rng, from.length - src));
      }
      return { bytes: splice(bytes, at, 0, insert), step: `insert ${insert.length} bytes at ${at}` };
    }
    case 'overwrite': {
      const out = bytes.slice();
      const from = donors.length > 0 && rng.chance(0.3) ? rng.pick(donors) : bytes;
      if (from.length === 0 || out.length === 0) return { bytes: out, step: 'overwrite nothing' };
      const src = rng.below(from.length);
      const at = offsetIn(rng, out, seed);
      const n = Math.min(rangeLength(rng, from.length - src), out.length - at);
      out.set(from.subarray(src, src + n), at);
      return { bytes: out, step: `overwrite ${n} bytes at ${at} from ${from === bytes ? 'self' : 'donor'}@${src}` };
    }
    case 'repeat': {
      if (size === 0) return { bytes, step: 'repeat nothing' };
      const at = offsetIn(rng, bytes, seed);
      const n = Math.min(size - at, rangeLength(rng, 64));
      const times = rng.pick([2, 3, 10, 100, 1000, 10000, 100000]);
      const unit = bytes.subarray(at, at + n);
      const total = Math.min(MAX_INPUT_BYTES - size, unit.length * times);
      const rep = new Uint8Array(Math.max(0, total));
      for (let i = 0; i + unit.length <= rep.length; i += unit.length) rep.set(unit, i);
      return { bytes: splice(bytes, at, 0, rep), step: `repeat ${n} bytes at ${at} x${times}` };
    }
    case 'extreme': {
      const out = bytes.slice();
      const width = rng.pick([4, 4, 4, 8, 2]);
      let at = offsetIn(rng, out, seed);
      if (rng.chance(0.5)) at -= at % Math.min(width, 4);
      let value: number;
      if (width === 8) {
        const [hi, lo] = rng.pick([
          [0, 0],
          [0x200000, 0],
          [1, 0],
          [0, size],
          [0x80000000, 0],
          [0xffffffff, 0xffffffff],
          [0x7fffffff, 0xffffffff],
        ]);
        writeBE(out, at, 4, hi);
        writeBE(out, at + 4, 4, lo);
        value = hi * 2 ** 32 + lo;
      } else {
        value = rng.pick(extremes(width, size));
        writeBE(out, at, width, value);
      }
      return { bytes: out, step: `set ${width * 8}-bit field at ${at} to ${value}` };
    }
    case 'varint': {
      const out = bytes.slice();
      const at = offsetIn(rng, out, seed);
      const n = 1 + rng.below(12);
      const v = rng.pick([0x80, 0xff, 0x8f, 0xf0]);
      for (let i = 0; i < n && at + i < out.length; i++) out[at + i] = v;
      return { bytes: out, step: `write ${n} varint continuation bytes 0x${v.toString(16)} at ${at}` };
    }
    default: {
      // text
      const at = offsetIn(rng, bytes, seed);
      const word = rng.chance(0.5) ? new TextEncoder().encode(rng.pick(TEXT_WORDS)) : Uint8Array.of(rng.pick(TEXT_BYTES));
      const replace = rng.chance(0.5) ? Math.min(word.length, size - at) : 0;
      return { bytes: splice(bytes, at, replace, word), step: `text ${JSON.stringify(new TextDecoder('latin1').decode(word))} at ${at}${replace ? ' (over)' : ''}` };
    }
  }
}
