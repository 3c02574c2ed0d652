import { useEffect, useMemo } from 'react';
import type { HexWindow } from '../../../protocol/anatomy.ts';
import { engine } from '../../client.ts';
import { useRequest } from '../../lib/request.ts';
import { asWire } from '../../stores/repo.ts';
import { CHUNK_BYTES, HexChunks } from './chunks.ts';

/** The hex view's worker requests: a file's first window, and the chunk cache that reads the rest. */

/**
 * The window of `file` at `start` (a chunk boundary), which tells the file's size and kind. An
 * offset past the end (an old link, a shorter file after a reload) starts at the top instead;
 * the grid says why.
 */
export function useFirstHexWindow(file: string, start: number) {
  return useRequest(
    'Reading the file',
    async (signal) => {
      try {
        return await engine.call('hexWindow', { file, offset: start, length: CHUNK_BYTES }, { signal });
      } catch (err) {
        if (start > 0 && asWire(err).kind === 'OutOfRange') return engine.call('hexWindow', { file, offset: 0, length: CHUNK_BYTES }, { signal });
        throw err;
      }
    },
    [file],
  );
}

/** One chunk cache per file (`first` seeds it), reading windows from the worker; disposed with the view. */
export function useHexChunks(first: HexWindow): HexChunks {
  const { file, fileSize: size } = first;
  // biome-ignore lint/correctness/useExhaustiveDependencies: one cache per file; `first` is only its seed.
  const chunks = useMemo(() => {
    const c = new HexChunks(file, size, (offset, length, signal) => engine.call('hexWindow', { file, offset, length }, { signal }));
    c.seed(first);
    return c;
  }, [file, size]);
  useEffect(() => () => chunks.dispose(), [chunks]);
  return chunks;
}
