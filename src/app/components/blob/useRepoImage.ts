import { engine } from '../../client.ts';
import { formatBytes } from '../../lib/format.ts';
import { useRequest } from '../../lib/request.ts';

/** Images larger than this are not read for a README (a link to the file is shown instead). */
const MAX_IMAGE_BYTES = 8 << 20;

/** What a README image came to: the bytes and type of an image blob, or why there is none. */
export type ImageAnswer = { kind: 'image'; bytes: Uint8Array; type: string } | { kind: 'none'; reason: string };

/**
 * The image blob at `path` of the commit `rev` names: walked by path in the worker, typed by
 * its bytes (never by its name), read whole only when it is an image under the size limit.
 */
export function useRepoImage(rev: string, path: string[]) {
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
