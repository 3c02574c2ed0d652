import { useEffect, useState } from 'react';
import type { DiffFileInfo } from '../../../protocol/diff.ts';
import { engine } from '../../client.ts';
import { ImagePreview, imageLabel } from '../../components/blob/ImagePreview.tsx';
import { formatBytes } from '../../lib/format.ts';
import { isCancelled } from '../../stores/tasks.ts';

/**
 * A changed image, old and new side by side. Whether a blob is an image is the worker's word
 * (the `object` request sniffs the bytes), never the file name's. Only raster formats are drawn:
 * an SVG is text (its diff shows as lines) and is never put behind a same-origin URL.
 */

/** Raster types the preview draws (ImagePreview gives these a blob: URL on an <img> only). */
const RASTER = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/bmp', 'image/x-icon']);
/** Larger images wait for a click. */
const AUTO_BYTES = 8 << 20;

type SideImage = { type: string; size: number } | null;

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

function present(oid: string): boolean {
  return oid !== '' && !/^0+$/.test(oid);
}

/** Old and new image of a binary file, when either side is a raster image; nothing otherwise. */
export function ImageDiff({ file }: { file: DiffFileInfo }) {
  const [sides, setSides] = useState<{ old: SideImage; new: SideImage } | undefined>();
  useEffect(() => {
    let live = true;
    void Promise.all([present(file.old.oid) ? sniff(file.old.oid) : null, present(file.new.oid) ? sniff(file.new.oid) : null]).then(([o, n]) => {
      if (live) setSides({ old: o, new: n });
    });
    return () => {
      live = false;
    };
  }, [file.old.oid, file.new.oid]);
  if (!sides || (!sides.old && !sides.new)) return null;
  return (
    <div className="df-images" data-testid="diff-images">
      <ImageSide label="Before" oid={file.old.oid} image={sides.old} alt={file.old.path} />
      <ImageSide label="After" oid={file.new.oid} image={sides.new} alt={file.new.path} />
    </div>
  );
}

function ImageSide({ label, oid, image, alt }: { label: string; oid: string; image: SideImage; alt: string }) {
  const [bytes, setBytes] = useState<Uint8Array | undefined>();
  const [asked, setAsked] = useState(false);
  const [failed, setFailed] = useState(false);
  const wanted = image !== null && (asked || image.size <= AUTO_BYTES);
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
  return (
    <div className={`df-image-side df-image-${label === 'Before' ? 'old' : 'new'}`}>
      <div className="df-image-label">
        {label}
        {image && <span className="muted"> · {imageLabel(image.type)}, {formatBytes(image.size)}</span>}
      </div>
      {!present(oid) ? (
        <p className="muted df-image-none">{label === 'Before' ? 'No image: the file was added.' : 'No image: the file was deleted.'}</p>
      ) : image === null ? (
        <p className="muted df-image-none">Not an image the browser can draw.</p>
      ) : failed ? (
        <p className="warn df-image-none">The image could not be read.</p>
      ) : bytes ? (
        <ImagePreview bytes={bytes} type={image.type} alt={alt} />
      ) : !wanted ? (
        <p className="df-image-none">
          {formatBytes(image.size)}.{' '}
          <button type="button" className="small" onClick={() => setAsked(true)}>
            Show it
          </button>
        </p>
      ) : (
        <p className="muted df-image-none">Reading…</p>
      )}
    </div>
  );
}
