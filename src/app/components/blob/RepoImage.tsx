import { useEffect, useState } from 'react';
import { engine } from '../../client.ts';
import { formatBytes } from '../../lib/format.ts';
import { useRequest } from '../../lib/request.ts';
import { imageUrl } from './ImagePreview.tsx';

/** Images larger than this are not read for a README (a link to the file is shown instead). */
const MAX_IMAGE_BYTES = 8 << 20;

/** What a README image came to: the bytes and type of an image blob, or why there is none. */
type ImageAnswer = { kind: 'image'; bytes: Uint8Array; type: string } | { kind: 'none'; reason: string };

/**
 * The image blob at `path` of the commit `rev` names: walked by path in the worker, typed by
 * its bytes (never by its name), read whole only when it is an image under the size limit.
 */
function useRepoImage(rev: string, path: string[]) {
  const key = path.join('\u0000');
  return useRequest<ImageAnswer>(
    `Reading the image ${path.join('/')}`,
    async (signal, onProgress) => {
      const found = await engine.call('browse', { rev, path }, { signal });
      if (found.target.kind !== 'blob') return { kind: 'none', reason: 'it is a folder' };
      const detail = await engine.call('object', { oid: found.target.oid }, { signal });
      const content = detail.content;
      if (content?.kind !== 'blob') return { kind: 'none', reason: 'it could not be read' };
      if (!content.image) return { kind: 'none', reason: 'it is not an image' };
      if (content.size > MAX_IMAGE_BYTES) return { kind: 'none', reason: `it is ${formatBytes(content.size)}` };
      const { bytes } = await engine.call('blobBytes', { oid: found.target.oid }, { signal, onProgress });
      return { kind: 'image', bytes, type: content.image };
    },
    [rev, key],
  );
}

/**
 * An image a Markdown file names by a path inside the repository, shown through the same safe
 * URL as the blob preview (a blob: URL only for raster formats; an SVG as a data: URL with no
 * origin, drawn as an image, where its scripts never run). Anything else is a labelled box.
 */
export function RepoImage({ rev, path, alt, title }: { rev: string; path: string[]; alt: string; title?: string | undefined }) {
  const req = useRepoImage(rev, path);
  const [url, setUrl] = useState<string | undefined>();
  const answer = req.status === 'done' ? req.data : undefined;
  useEffect(() => {
    if (answer?.kind !== 'image') return;
    const { url: u, revoke } = imageUrl(answer.bytes, answer.type);
    setUrl(u);
    return () => {
      if (revoke) URL.revokeObjectURL(u);
      setUrl(undefined);
    };
  }, [answer]);
  if (answer?.kind === 'image' && url) return <img className="md-image" src={url} alt={alt} title={title} data-testid="md-image" data-path={path.join('/')} />;
  const why =
    req.status === 'loading' ? 'reading…' : req.status === 'error' ? req.error.message : req.status === 'cancelled' ? 'not read (cancelled)' : answer?.kind === 'none' ? `not shown: ${answer.reason}` : '';
  return (
    <span className="md-image-box" data-testid="md-image-missing" title={path.join('/')}>
      <span className="md-image-alt">{alt || 'image'}</span> <span className="muted">({path.join('/')}: {why})</span>
    </span>
  );
}
