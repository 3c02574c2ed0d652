import { useEffect, useState } from 'react';
import { engine } from '../../client.ts';
import { isCancelled } from '../../stores/tasks.ts';

/** The image diff's worker requests: what each side's blob is (sniffed by the worker), and its bytes. */

/** Raster types the preview draws (ImagePreview gives these a blob: URL on an <img> only). */
const RASTER = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/bmp', 'image/x-icon']);
/** Larger images wait for a click. */
export const AUTO_BYTES = 8 << 20;

/** A side's image type and size, or null when it is not a raster image the page draws. */
export type SideImage = { type: string; size: number } | null;

/** What the worker said about a blob (image type and size), remembered while the page lives. */
const sniffed = new Map<string, Promise<SideImage>>();

function sniff(oid: string): Promise<SideImage> {
  let p = sniffed.get(oid);
  if (!p) {
    p = engine.call('object', { oid }).then(
      (d) => (d.content?.kind === 'blob' && d.content.image && RASTER.has(d.content.image) ? { type: d.content.image, size: d.content.size } : null),
      () => null,
    );
    if (sniffed.size > 256) sniffed.delete(sniffed.keys().next().value as string);
    sniffed.set(oid, p);
  }
  return p;
}

/** Both sides' images (undefined oid: the side is absent); undefined until both are known. */
export function useImageSides(oldOid: string | undefined, newOid: string | undefined): { old: SideImage; new: SideImage } | undefined {
  const [sides, setSides] = useState<{ old: SideImage; new: SideImage } | undefined>();
  useEffect(() => {
    let live = true;
    void Promise.all([oldOid ? sniff(oldOid) : null, newOid ? sniff(newOid) : null]).then(([o, n]) => {
      if (live) setSides({ old: o, new: n });
    });
    return () => {
      live = false;
    };
  }, [oldOid, newOid]);
  return sides;
}

/** A blob's bytes, read while `wanted`; `failed` when the read failed (not when cancelled). */
export function useImageBytes(oid: string, wanted: boolean): { bytes: Uint8Array | undefined; failed: boolean } {
  const [bytes, setBytes] = useState<Uint8Array | undefined>();
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (!wanted) return;
    const c = new AbortController();
    engine.call('blobBytes', { oid }, { signal: c.signal }).then(
      (r) => setBytes(r.bytes),
      (err: unknown) => {
        if (!isCancelled(err)) setFailed(true);
      },
    );
    return () => c.abort();
  }, [oid, wanted]);
  return { bytes, failed };
}
