/**
 * The failures of inflating a zlib stream, shared by the decoders (inflater.ts, measured.ts) in a
 * module of their own so neither decoder imports the other at load time.
 */

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
