import { useState } from 'react';
import type { DiffFileInfo } from '../../../protocol/diff.ts';
import { ImagePreview, imageLabel } from '../../components/blob/ImagePreview.tsx';
import { formatBytes } from '../../lib/format.ts';
import { AUTO_BYTES, type SideImage, useImageBytes, useImageSides } from './image-requests.ts';

/**
 * A changed image, old and new side by side. Whether a blob is an image is the worker's word
 * (the `object` request sniffs the bytes), never the file name's. Only raster formats are drawn:
 * an SVG is text (its diff shows as lines) and is never put behind a same-origin URL.
 */

function present(oid: string): boolean {
  return oid !== '' && !/^0+$/.test(oid);
}

/** Old and new image of a binary file, when either side is a raster image; nothing otherwise. */
export function ImageDiff({ file }: { file: DiffFileInfo }) {
  const sides = useImageSides(present(file.old.oid) ? file.old.oid : undefined, present(file.new.oid) ? file.new.oid : undefined);
  if (!sides || (!sides.old && !sides.new)) return null;
  return (
    <div className="df-images" data-testid="diff-images">
      <ImageSide label="Before" oid={file.old.oid} image={sides.old} alt={file.old.path} />
      <ImageSide label="After" oid={file.new.oid} image={sides.new} alt={file.new.path} />
    </div>
  );
}

function ImageSide({ label, oid, image, alt }: { label: string; oid: string; image: SideImage; alt: string }) {
  const [asked, setAsked] = useState(false);
  const wanted = image !== null && (asked || image.size <= AUTO_BYTES);
  const { bytes, failed } = useImageBytes(oid, wanted);
  return (
    <div className={`df-image-side df-image-${label === 'Before' ? 'old' : 'new'}`}>
      <div className="df-image-label">
        {label}
        {image && (
          <span className="muted">
            {' '}
            · {imageLabel(image.type)}, {formatBytes(image.size)}
          </span>
        )}
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
