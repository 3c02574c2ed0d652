import { inflateSync } from 'fflate';
import { inflatePrefix } from './prefix.ts';

/**
 * zlib inflation behind one small interface, so each host picks its fastest engine: fflate
 * (pure JS, everywhere) by default, Node's native zlib in the CLI. Both are told the size the
 * object header declares, allocate exactly that, and report a stream that is shorter or longer.
 */
export interface Inflater {
  /**
   * Inflates a complete zlib stream (header included) that must produce exactly `size` bytes.
   * `input` may run past the stream's end. Throws InflateFailure.
   */
  inflate(input: Uint8Array, size: number): Uint8Array;
  /**
   * Inflates the first bytes of a zlib stream: at least `want` bytes unless the stream is shorter.
   * `input` may be cut anywhere. Used to read a delta's header without inflating it all.
   * With `varints`, may stop as soon as that many varints have ended.
   */
  inflatePrefix(input: Uint8Array, want: number, varints?: number): Uint8Array;
}

/** Why a zlib stream could not be inflated; the pack reader adds file and offset. */
export class InflateFailure extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'InflateFailure';
  }
}

/** Checks the two-byte zlib header (RFC 1950): deflate, window <= 32K, no dictionary, check bits. */
export function checkZlibHeader(input: Uint8Array): void {
  if (input.length < 2) throw new InflateFailure('zlib stream ends early (no header)');
  const cmf = input[0];
  const flg = input[1];
  if ((cmf & 0x0f) !== 8 || cmf >> 4 > 7) throw new InflateFailure(`not a zlib stream (header bytes ${hex2(cmf)} ${hex2(flg)})`);
  if ((cmf * 256 + flg) % 31 !== 0) throw new InflateFailure(`zlib header check bits are wrong (${hex2(cmf)} ${hex2(flg)})`);
  if (flg & 0x20) throw new InflateFailure('zlib stream asks for a preset dictionary');
}

function hex2(b: number): string {
  return b.toString(16).padStart(2, '0');
}

/** Wraps whatever an engine throws into an InflateFailure with a readable reason. */
export function explainEngineError(err: unknown): InflateFailure {
  if (err instanceof InflateFailure) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (/unexpected EOF|unexpected end/i.test(message)) return new InflateFailure('zlib stream ends early');
  return new InflateFailure(`zlib stream is corrupt (${message})`);
}

/** The portable inflater (fflate). */
export const fflateInflater: Inflater = {
  inflate(input, size) {
    checkZlibHeader(input);
    // One spare byte: if the stream fills it, the stream runs longer than the header said.
    // fflate with a caller's buffer never grows it, so a hostile stream cannot allocate more.
    const out = new Uint8Array(size + 1);
    let result: Uint8Array;
    try {
      result = inflateSync(input.subarray(2), { out });
    } catch (err) {
      throw explainEngineError(err);
    }
    if (result.length > size) throw new InflateFailure(`zlib stream runs long: more than the ${size} bytes the header declares`);
    if (result.length < size) throw new InflateFailure(`zlib stream ends after ${result.length} bytes, the header declares ${size}`);
    return out.subarray(0, size);
  },
  inflatePrefix(input, want, varints) {
    return inflatePrefix(input, want, varints);
  },
};
