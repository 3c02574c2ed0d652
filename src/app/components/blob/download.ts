/** Saving bytes as a file, without a server: a blob: URL on a temporary <a download>. */

/** The bytes as a Blob (copied when they sit in a shared or offset buffer). */
export function bytesToBlob(bytes: Uint8Array, type: string): Blob {
  const own = bytes.buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? new Uint8Array(bytes.buffer) : new Uint8Array(bytes);
  return new Blob([own], { type });
}

/** Makes a file name safe to offer in a download (no folders, no control characters). */
export function downloadName(name: string): string {
  const cleaned = Array.from(name, (c) => (c.charCodeAt(0) < 0x20 || c === '/' || c === '\\' ? '_' : c))
    .join('')
    .trim();
  return cleaned === '' || cleaned === '.' || cleaned === '..' ? 'blob' : cleaned;
}

/** Starts a download of `bytes` named `name`. */
export function saveBytes(bytes: Uint8Array, name: string): void {
  saveBlob(bytesToBlob(bytes, 'application/octet-stream'), name);
}

/** Starts a download of a Blob named `name` (no network, nothing written into the opened folder). */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = downloadName(name);
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  // The browser has the URL once the click is handled; keep it a moment for slow starts.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
