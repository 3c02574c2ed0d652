import type { ByteSource } from '../core/bytes/source.ts';
import { CachedFile } from '../core/bytes/window-cache.ts';
import { PackscopeError } from '../core/errors.ts';

/**
 * A ByteSource over a Blob (a File from a directory handle, an input or a drop). In a
 * dedicated worker FileReaderSync reads a `blob.slice` synchronously, which keeps the core's
 * parsers simple; each read costs ~50-100 µs, so the core reads through the window cache.
 */
export function blobSource(name: string, blob: Blob): ByteSource {
  const reader = new FileReaderSync();
  const source: ByteSource = {
    name,
    size: blob.size,
    read(offset, length) {
      try {
        return new Uint8Array(reader.readAsArrayBuffer(blob.slice(offset, offset + length)));
      } catch (err) {
        // A file changed or removed on disk since it was opened: the browser refuses to read it.
        throw new PackscopeError('Io', `cannot read ${length} bytes at ${offset}: ${err instanceof Error ? err.message : String(err)} (was the file changed? reload the folder)`, {
          file: name,
          offset,
        });
      }
    },
  };
  blobs.set(source, blob);
  return source;
}

const blobs = new WeakMap<ByteSource, Blob>();

/**
 * The Blob a source made by `blobSource` reads, also through a window cache's wrapper (to hand
 * the same file to another worker); undefined for sources in memory.
 */
export function blobOf(source: ByteSource): Blob | undefined {
  return blobs.get(source instanceof CachedFile ? source.source : source);
}
