import { Inflate, inflateSync } from 'fflate';
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

/** Deflate's highest ratio: a 258-byte copy from 2 bits, about 1032 output bytes per input byte. */
const MAX_DEFLATE_EXPANSION = 1032;
/** Output a stream may run past its declared size before decoding stops (bounded work). */
const OVERRUN_WORK = 64 << 20;
/** Input fed at a time to the streaming decoder: at most ~64 MiB of output each. */
const STREAM_CHUNK = 64 << 10;

/**
 * Inflates a stream that could expand far beyond `size` (a zlib bomb: 100 bytes declared,
 * gigabytes inside) a chunk of input at a time, stopping as soon as the output passes `size`:
 * the work is the declared size plus one chunk's expansion, not the whole stream.
 */
function inflateBounded(deflated: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(size + 1);
  let written = 0;
  let ended = false;
  const decoder = new Inflate((chunk, final) => {
    const room = out.length - written;
    if (room > 0) out.set(chunk.length <= room ? chunk : chunk.subarray(0, room), written);
    written += chunk.length;
    if (final) ended = true;
  });
  try {
    for (let at = 0; at < deflated.length && written <= size && !ended; at += STREAM_CHUNK) {
      const end = Math.min(deflated.length, at + STREAM_CHUNK);
      decoder.push(deflated.subarray(at, end), end === deflated.length);
    }
  } catch (err) {
    throw explainEngineError(err);
  }
  if (written > size) throw new InflateFailure(`zlib stream runs long: more than the ${size} bytes the header declares`);
  if (written < size || !ended) throw new InflateFailure(`zlib stream ends after ${written} bytes, the header declares ${size}`);
  return out.subarray(0, size);
}

/** The portable inflater (fflate). */
export const fflateInflater: Inflater = {
  inflate(input, size) {
    checkZlibHeader(input);
    const deflated = input.subarray(2);
    // fflate with a caller's buffer never grows it, but it decodes the stream to its end: a
    // stream that could expand well past the declared size goes through the bounded decoder.
    if (deflated.length * MAX_DEFLATE_EXPANSION > size + OVERRUN_WORK) return inflateBounded(deflated, size);
    // One spare byte: if the stream fills it, the stream runs longer than the header said.
    const out = new Uint8Array(size + 1);
    let result: Uint8Array;
    try {
      result = inflateSync(deflated, { out });
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
