import { writeSync } from 'node:fs';

/**
 * Buffered standard output: small pieces are gathered into 1 MiB and written with one
 * writeSync; large pieces go straight out. Synchronous so ordering with stderr is exact.
 */
export class Output {
  private readonly buffer = new Uint8Array(1 << 20);
  private used = 0;
  private readonly encoder = new TextEncoder();

  constructor(private readonly fd = 1) {}

  text(s: string): void {
    if (s.length * 3 > this.buffer.length - this.used) {
      this.bytes(this.encoder.encode(s));
      return;
    }
    // Latin-1 fast path: most output is ids and numbers.
    let ascii = true;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c > 0x7f) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      for (let i = 0; i < s.length; i++) this.buffer[this.used + i] = s.charCodeAt(i);
      this.used += s.length;
    } else {
      const { written } = this.encoder.encodeInto(s, this.buffer.subarray(this.used));
      this.used += written;
    }
  }

  /**
   * `<hex id> <type> <size>\n`, written straight into the buffer: the listing prints one per
   * object, and building a string first costs more than the rest of the line's work.
   */
  objectLine(oid: Uint8Array, type: string, size: number | undefined): void {
    if (this.used + oid.length * 2 + 40 > this.buffer.length) this.flush();
    const buf = this.buffer;
    let p = this.used;
    for (let i = 0; i < oid.length; i++) {
      const b = oid[i];
      buf[p++] = HEX_CODES[b >> 4];
      buf[p++] = HEX_CODES[b & 15];
    }
    buf[p++] = 0x20;
    for (let i = 0; i < type.length; i++) buf[p++] = type.charCodeAt(i);
    if (size !== undefined) {
      buf[p++] = 0x20;
      const digits = String(size);
      for (let i = 0; i < digits.length; i++) buf[p++] = digits.charCodeAt(i);
    }
    buf[p++] = 0x0a;
    this.used = p;
  }

  bytes(b: Uint8Array): void {
    if (b.length > this.buffer.length - this.used) {
      this.flush();
      if (b.length > this.buffer.length / 2) {
        writeAll(this.fd, b);
        return;
      }
    }
    this.buffer.set(b, this.used);
    this.used += b.length;
  }

  flush(): void {
    if (this.used > 0) writeAll(this.fd, this.buffer.subarray(0, this.used));
    this.used = 0;
  }
}

const HEX_CODES = Uint8Array.from('0123456789abcdef', (c) => c.charCodeAt(0));

function writeAll(fd: number, b: Uint8Array): void {
  let done = 0;
  while (done < b.length) {
    try {
      done += writeSync(fd, b, done, b.length - done);
    } catch (err) {
      if ((err as { code?: string }).code === 'EAGAIN') continue;
      if ((err as { code?: string }).code === 'EPIPE') process.exit(0);
      throw err;
    }
  }
}
