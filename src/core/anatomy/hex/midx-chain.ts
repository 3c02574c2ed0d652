import type { ByteSource } from '../../bytes/source.ts';
import type { HashAlgo } from '../../hash/algo.ts';
import { isHex } from '../../hash/hex.ts';
import type { RepositoryFiles } from '../../repo/discover.ts';
import type { AnnotationSink } from './sink.ts';

/**
 * Annotates `multi-pack-index.d/multi-pack-index-chain`: one layer hash a line, base first.
 * git reads size / (hexsz + 1) lines, so a last line without its newline is not read.
 *
 * | bytes      | field                                                    |
 * |------------|----------------------------------------------------------|
 * | hexsz      | the layer's checksum: multi-pack-index-<hash>.midx       |
 * | 1          | "\n"                                                     |
 */
export function annotateMidxChain(sink: AnnotationSink, source: ByteSource, algo: HashAlgo, files: RepositoryFiles): void {
  // The chain file is small (the format module refuses more than 4 MiB), so it is read whole.
  const text = new TextDecoder('latin1').decode(source.read(0, Math.min(source.size, 4 << 20)));
  const readable = Math.floor(source.size / (algo.hexSize + 1));
  let lineAt = 0;
  for (let line = 0; lineAt < text.length; line++) {
    let end = text.indexOf('\n', lineAt);
    if (end < 0) end = text.length;
    const hash = text.slice(lineAt, lineAt + algo.hexSize);
    if (sink.overlaps(lineAt, end + 1)) {
      const layerPath = files.midxChainFiles.find((f) => f.path.endsWith(`/multi-pack-index-${hash.toLowerCase()}.midx`))?.path;
      const role = line === 0 ? 'the base layer' : `layer ${line}`;
      const isHash = hash.length === algo.hexSize && isHex(hash);
      const detail = !isHash
        ? 'not a hash: git stops reading the chain here'
        : line >= readable
          ? `${hash}: git does not read this line (the file's size holds only ${readable} lines of ${algo.hexSize + 1} bytes; is the last newline missing?)`
          : `${role}: multi-pack-index-${hash}.midx${layerPath ? '' : ', which is not in the folder'}`;
      sink.add(lineAt, Math.min(end, lineAt + algo.hexSize), 'pack-name', `layer ${line}`, { detail, ...(layerPath ? { target: { file: layerPath, offset: 0 } } : {}) });
      if (end > lineAt + algo.hexSize) sink.add(lineAt + algo.hexSize, end, 'other', 'after the hash', { detail: 'ignored by git' });
      if (end < text.length) sink.add(end, end + 1, 'other', 'newline', { detail: 'ends the line' });
    }
    lineAt = end + 1;
  }
}
