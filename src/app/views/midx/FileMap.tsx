import type { MidxLayerAnatomy } from '../../../protocol/anatomy.ts';
import { ChunkFileMap, chunkFileRegions } from '../../components/ChunkFileMap.tsx';
import { CHUNK_DETAILS, CHUNK_NAMES, regionClass } from './names.ts';

/** A multi-pack-index (or chain layer) to scale: the shared chunk-file map with the midx's chunk names. */
export function FileMap({ layer }: { layer: MidxLayerAnatomy }) {
  const headerEnd = layer.header.reduce((end, f) => Math.max(end, f.offset + f.length), 0);
  const bodyEnd = Math.max(headerEnd, layer.chunkTable.offset + layer.chunkTable.length, ...layer.chunks.map((c) => c.offset + c.length));
  const regions = chunkFileRegions({
    headerLength: headerEnd,
    headerDetail: 'signature, version, hash version, chunk count, base count, pack count',
    chunkTable: layer.chunkTable,
    chunks: layer.chunks,
    trailer: { offset: bodyEnd, length: Math.max(0, layer.fileSize - bodyEnd) },
    describeChunk: (id) => `${CHUNK_NAMES[id] ?? 'a chunk git does not describe'}: ${CHUNK_DETAILS[id] ?? 'kept as is'}`,
  });
  return <ChunkFileMap file={layer.file} fileSize={layer.fileSize} regions={regions} regionClass={regionClass} testId="midx-file-map" />;
}
