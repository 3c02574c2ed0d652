import { Inflate, inflateSync } from 'fflate';
import { adler32 } from '../hash/adler32.ts';
import { InflateFailure, checkZlibHeader, explainEngineError } from './inflate-failure.ts';
import { inflateMeasured } from './measured.ts';
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

export { InflateFailure, checkZlibHeader, explainEngineError } from './inflate-failure.ts';

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

/**
 * fflate does not check the Adler-32 a zlib stream ends with (zlib, and so git, do: "incorrect
 * data check"): a bit flipped inside a stream can inflate to the declared size and wrong bytes,
 * which would then be shown and hashed as the object. Where the input ends with the stream (a
 * pack entry read at its extent, a loose file: nearly always) its last four bytes are the
 * checksum; otherwise the measuring decoder finds where the stream ends and checks it there.
 */
function checkAdler(input: Uint8Array, data: Uint8Array, size: number): void {
  const n = input.length;
  if (n >= 6 && ((input[n - 4] << 24) | (input[n - 3] << 16) | (input[n - 2] << 8) | input[n - 1]) >>> 0 === adler32(data)) return;
  inflateMeasured(input, size); // throws InflateFailure when the stored checksum is not the data's
}

/** The portable inflater (fflate). */
export const fflateInflater: Inflater = {
  inflate(input, size) {
    checkZlibHeader(input);
    const deflated = input.subarray(2);
    // fflate with a caller's buffer never grows it, but it decodes the stream to its end: a
    // stream that could expand well past the declared size goes through the bounded decoder.
    if (deflated.length * MAX_DEFLATE_EXPANSION > size + OVERRUN_WORK) {
      const data = inflateBounded(deflated, size);
      checkAdler(input, data, size);
      return data;
    }
    // One spare byte: if the stream fills it, the stream runs longer than the header said.
    const out = new Uint8Array(size + 1);
    let result: Uint8Array;
    try {
      result = inflateSync(deflated, { out });
    } catch (err) {
      // A stored block longer than what is left of the caller's buffer makes fflate's copy throw
      // a RangeError ("offset is out of bounds"): the stream runs past the declared size.
      if (err instanceof RangeError) throw new InflateFailure(`zlib stream runs long: more than the ${size} bytes the header declares`);
      throw explainEngineError(err);
    }
    if (result.length > size) throw new InflateFailure(`zlib stream runs long: more than the ${size} bytes the header declares`);
    if (result.length < size) throw new InflateFailure(`zlib stream ends after ${result.length} bytes, the header declares ${size}`);
    const data = out.subarray(0, size);
    checkAdler(input, data, size);
    return data;
  },
  inflatePrefix(input, want, varints) {
    return inflatePrefix(input, want, varints);
  },
};
