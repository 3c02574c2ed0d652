import { useEffect, useState } from 'react';
import { bytesToBlob } from './download.ts';

const LABELS: Record<string, string> = {
  'image/png': 'PNG',
  'image/jpeg': 'JPEG',
  'image/gif': 'GIF',
  'image/webp': 'WebP',
  'image/bmp': 'BMP',
  'image/x-icon': 'ICO',
  'image/svg+xml': 'SVG',
};

/** A short name for an image MIME type ("PNG"). */
export function imageLabel(type: string): string {
  return LABELS[type] ?? type.replace(/^image\//, '').toUpperCase();
}

/** How much to enlarge a small image: to about 128 px on its longer side, at most 8×. */
function zoomFor(width: number, height: number): number {
  const longest = Math.max(width, height);
  if (longest === 0 || longest >= 64) return 1;
  return Math.min(8, Math.floor(128 / longest));
}

/** Raster formats: decoded as pixels wherever their URL is opened, so a blob: URL is safe. */
const RASTER = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/bmp', 'image/x-icon']);

/**
 * The URL an image is shown through. A blob: URL carries the app's origin: an SVG (or any
 * active type) behind one, opened on its own ("Open image in new tab"), runs its scripts as the
 * app and can read what the app stores (the recent folders in IndexedDB). So only raster
 * formats get a blob: URL; anything else gets a data: URL, which has no origin (and which
 * Chromium will not open as a top-level page from the app).
 */
export function imageUrl(bytes: Uint8Array, type: string): { url: string; revoke: boolean } {
  if (RASTER.has(type)) return { url: URL.createObjectURL(bytesToBlob(bytes, type)), revoke: true };
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return { url: `data:${type};base64,${btoa(binary)}`, revoke: false };
}

/**
 * An image shown only as <img src>: the browser decodes it in an image context, where an SVG's
 * scripts never run and nothing it references is fetched; its URL never has the app's origin
 * (see imageUrl). A blob: URL is revoked on unmount.
 */
export function ImagePreview({ bytes, type, alt }: { bytes: Uint8Array; type: string; alt: string }) {
  const [url, setUrl] = useState<string | undefined>();
  const [size, setSize] = useState<{ width: number; height: number } | undefined>();
  const [failed, setFailed] = useState(false);
  const [actual, setActual] = useState(false);

  useEffect(() => {
    const { url: u, revoke } = imageUrl(bytes, type);
    setUrl(u);
    setFailed(false);
    setSize(undefined);
    setActual(false);
    return () => {
      if (revoke) URL.revokeObjectURL(u);
    };
  }, [bytes, type]);

  // Icons and other tiny images are shown enlarged (pixel for pixel) unless asked otherwise.
  const zoom = size && !actual ? zoomFor(size.width, size.height) : 1;
  return (
    <figure className="image-preview" data-testid="image-preview">
      <div className="image-stage">
        {url && !failed && (
          <img
            src={url}
            alt={alt}
            className={zoom > 1 ? 'zoomed' : undefined}
            style={zoom > 1 && size ? { width: size.width * zoom, height: size.height * zoom } : undefined}
            onLoad={(e) => setSize({ width: e.currentTarget.naturalWidth, height: e.currentTarget.naturalHeight })}
            onError={() => setFailed(true)}
          />
        )}
        {failed && <p className="muted">The browser could not decode this {imageLabel(type)} image. The hex view shows its bytes.</p>}
      </div>
      <figcaption className="muted">
        {imageLabel(type)} image
        {size && (
          <>
            {' · '}
            {size.width} × {size.height} px
          </>
        )}
        {size && zoomFor(size.width, size.height) > 1 && (
          <>
            {' · '}
            {actual ? 'actual size' : `shown at ${zoom}×`}{' '}
            <button type="button" className="link-button" onClick={() => setActual(!actual)}>
              {actual ? 'Enlarge' : 'Actual size'}
            </button>
          </>
        )}
      </figcaption>
    </figure>
  );
}
