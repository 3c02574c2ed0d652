/**
 * The buffering shared by SHA-1 and SHA-256: both eat 64-byte blocks and end with the same
 * padding (0x80, zeros, the bit length as a 64-bit big-endian number).
 */
export abstract class BlockHasher {
  private readonly block = new Uint8Array(64);
  private readonly words = new Int32Array(80);
  private filled = 0;
  private total = 0;
  private done = false;

  protected abstract compress(w: Int32Array): void;
  protected abstract output(): Uint8Array;
  /** Number of words the schedule needs (80 for SHA-1, 64 for SHA-256). */
  protected abstract readonly scheduleLength: number;
  protected abstract expand(w: Int32Array): void;

  update(bytes: Uint8Array): void {
    if (this.done) throw new Error('hasher already finished');
    this.total += bytes.length;
    let pos = 0;
    if (this.filled > 0) {
      const take = Math.min(64 - this.filled, bytes.length);
      this.block.set(bytes.subarray(0, take), this.filled);
      this.filled += take;
      pos = take;
      if (this.filled < 64) return;
      this.run(this.block, 0);
      this.filled = 0;
    }
    for (; pos + 64 <= bytes.length; pos += 64) this.run(bytes, pos);
    if (pos < bytes.length) {
      this.block.set(bytes.subarray(pos), 0);
      this.filled = bytes.length - pos;
    }
  }

  digest(): Uint8Array {
    if (this.done) throw new Error('hasher already finished');
    const bits = this.total * 8;
    const pad = new Uint8Array(((this.filled + 8) >> 6) * 64 + 64 - this.filled);
    pad[0] = 0x80;
    const n = pad.length;
    const high = Math.floor(bits / 0x100000000);
    const low = bits % 0x100000000;
    pad[n - 8] = high >>> 24;
    pad[n - 7] = (high >>> 16) & 0xff;
    pad[n - 6] = (high >>> 8) & 0xff;
    pad[n - 5] = high & 0xff;
    pad[n - 4] = low >>> 24;
    pad[n - 3] = (low >>> 16) & 0xff;
    pad[n - 2] = (low >>> 8) & 0xff;
    pad[n - 1] = low & 0xff;
    this.update(pad);
    this.done = true;
    return this.output();
  }

  private run(bytes: Uint8Array, pos: number): void {
    const w = this.words;
    for (let i = 0; i < 16; i++) {
      const p = pos + 4 * i;
      w[i] = (bytes[p] << 24) | (bytes[p + 1] << 16) | (bytes[p + 2] << 8) | bytes[p + 3];
    }
    this.expand(w);
    this.compress(w);
  }
}

/** Writes 32-bit words big-endian. */
export function wordsToBytes(words: Int32Array): Uint8Array {
  const out = new Uint8Array(words.length * 4);
  for (let i = 0; i < words.length; i++) {
    out[4 * i] = words[i] >>> 24;
    out[4 * i + 1] = (words[i] >>> 16) & 0xff;
    out[4 * i + 2] = (words[i] >>> 8) & 0xff;
    out[4 * i + 3] = words[i] & 0xff;
  }
  return out;
}
