import { saveBlob } from '../../components/blob/download.ts';

/**
 * Offers bytes as a download through a blob: URL (no network, nothing written into the opened
 * folder). The parts are handed to the Blob as they came from the worker, so a large archive
 * is never joined into one more array first.
 */
export function saveParts(parts: Uint8Array[], name: string, type: string): void {
  saveBlob(
    new Blob(
      parts.map((p) => p as Uint8Array<ArrayBuffer>),
      { type },
    ),
    name,
  );
}
