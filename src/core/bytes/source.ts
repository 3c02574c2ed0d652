/**
 * A ByteSource is the only way the core reads a file: a size and a synchronous ranged read.
 * It is built over a Blob in the worker (FileReaderSync over blob.slice) and over a file
 * descriptor in Node; tests build it over a Uint8Array. Parsers never see a File.
 */
export interface ByteSource {
  /** Path relative to the opened folder; used in every error message. */
  readonly name: string;
  /** Total length in bytes. */
  readonly size: number;
  /**
   * Returns the bytes [offset, offset + length). The caller guarantees the range lies inside
   * [0, size). The result may be a view into a shared buffer: read it, do not keep or mutate it.
   */
  read(offset: number, length: number): Uint8Array;
}

/** A ByteSource over bytes already in memory (tests, small files, generated files). */
export function memorySource(name: string, bytes: Uint8Array): ByteSource {
  return {
    name,
    size: bytes.length,
    read: (offset, length) => bytes.subarray(offset, offset + length),
  };
}

/** Reads a whole (small) source: chain files, refs, loose objects. Never used on packs. */
export function readAll(source: ByteSource): Uint8Array {
  return source.read(0, source.size);
}
