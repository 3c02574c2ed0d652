/**
 * Errors are values: a stable kind, the file and byte offset they concern, and a sentence a
 * person can act on. They cross the worker boundary as plain data (see `toWire`).
 */

/** Every kind of failure the engine reports. */
export type ErrorKind =
  | 'Truncated' // the file ends before a structure it declares
  | 'BadSignature' // magic bytes are not what the format requires
  | 'UnsupportedVersion' // a version this reader does not know
  | 'BadFanout' // idx/midx fanout not monotonic, or its total disagrees with the count
  | 'BadSize' // file size impossible for the count it declares
  | 'Mismatch' // two files disagree (idx vs pack count, trailer copies, midx vs idx)
  | 'OutOfRange' // an offset or index points outside the file or table
  | 'CorruptObject' // an object's bytes cannot be decoded (zlib, header, delta)
  | 'DeltaCycle' // a delta chain returns to an entry it already visited
  | 'DeltaTooDeep' // a delta chain longer than the configured limit
  | 'MissingBase' // a REF_DELTA names a base no pack holds
  | 'TooLarge' // a declared size larger than the file or the allocation limit allows
  | 'BadChunk' // midx chunk table malformed, or a required chunk missing
  | 'BadChecksum' // a trailing checksum does not match the content
  | 'NotFound' // no such object
  | 'Ambiguous' // a prefix matches more than one object
  | 'BadName' // a name that is not an object id, prefix or ref
  | 'BadRef' // a ref file, packed-refs line or reflog line that does not parse, or a ref that does not resolve
  | 'Io'; // the file could not be read

/** Where an error happened: the file (path relative to the opened folder) and the byte offset. */
export interface ErrorPlace {
  file?: string;
  offset?: number;
}

/** The single error type of the core. */
export class PackscopeError extends Error {
  readonly kind: ErrorKind;
  readonly file: string | undefined;
  readonly offset: number | undefined;
  /** The bare sentence, without the `kind at file:offset` prefix. */
  readonly detail: string;

  constructor(kind: ErrorKind, detail: string, place: ErrorPlace = {}) {
    super(formatMessage(kind, detail, place));
    this.name = 'PackscopeError';
    this.kind = kind;
    this.file = place.file;
    this.offset = place.offset;
    this.detail = detail;
  }
}

/** `CorruptObject at pack-1234.pack:0x1f3a: zlib stream ends early`. */
export function formatMessage(kind: ErrorKind, detail: string, place: ErrorPlace): string {
  let where = '';
  if (place.file !== undefined) {
    where = ` at ${place.file}`;
    if (place.offset !== undefined) where += `:0x${place.offset.toString(16)}`;
  } else if (place.offset !== undefined) {
    where = ` at offset 0x${place.offset.toString(16)}`;
  }
  return `${kind}${where}: ${detail}`;
}

/** Shorthand for throwing. */
export function fail(kind: ErrorKind, detail: string, place: ErrorPlace = {}): never {
  throw new PackscopeError(kind, detail, place);
}

/** The plain-data shape an error takes on the wire. */
export interface WireError {
  kind: ErrorKind | 'Internal';
  message: string;
  detail: string;
  file?: string;
  offset?: number;
}

/** Serialises any thrown value; unknown errors become `Internal`. */
export function toWire(err: unknown): WireError {
  if (err instanceof PackscopeError) {
    const wire: WireError = { kind: err.kind, message: err.message, detail: err.detail };
    if (err.file !== undefined) wire.file = err.file;
    if (err.offset !== undefined) wire.offset = err.offset;
    return wire;
  }
  const message = err instanceof Error ? err.message : String(err);
  return { kind: 'Internal', message: `Internal: ${message}`, detail: message };
}

/** Rebuilds an error from its wire shape (the one place that does so). */
export function fromWire(wire: WireError): Error {
  if (wire.kind === 'Internal') return new Error(wire.message);
  const place: ErrorPlace = {};
  if (wire.file !== undefined) place.file = wire.file;
  if (wire.offset !== undefined) place.offset = wire.offset;
  return new PackscopeError(wire.kind, wire.detail, place);
}
