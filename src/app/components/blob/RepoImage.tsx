import { useEffect, useState } from 'react';
import { imageUrl } from './ImagePreview.tsx';
import { useRepoImage } from './useRepoImage.ts';

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
    req.status === 'loading'
      ? 'reading…'
      : req.status === 'error'
        ? req.error.message
        : req.status === 'cancelled'
          ? 'not read (cancelled)'
          : answer?.kind === 'none'
            ? `not shown: ${answer.reason}`
            : '';
  return (
    <span className="md-image-box" data-testid="md-image-missing" title={path.join('/')}>
      <span className="md-image-alt">{alt || 'image'}</span>{' '}
      <span className="muted">
        ({path.join('/')}: {why})
      </span>
    </span>
  );
}
