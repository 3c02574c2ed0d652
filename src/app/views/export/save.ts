import { downloadName } from '../../components/blob/download.ts';

/**
 * Offers bytes as a download through a blob: URL (no network, nothing written into the opened
 * folder). The parts are handed to the Blob as they came from the worker, so a large archive
 * is never joined into one more array first.
 */
export function saveParts(parts: Uint8Array[], name: string, type: string): void {
  const blob = new Blob(
    parts.map((p) => p as Uint8Array<ArrayBuffer>),
    { type },
  );
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = downloadName(name);
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  // The browser holds the URL once the click is handled; keep it a while for slow starts.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
