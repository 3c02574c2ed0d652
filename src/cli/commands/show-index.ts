import { PackscopeError } from '../../core/errors.ts';
import { PackIndex, guessIdxAlgo } from '../../core/format/idx.ts';
import { SHA1, SHA256 } from '../../core/hash/algo.ts';
import { WindowCache } from '../../core/bytes/window-cache.ts';
import { UsageError } from '../errors.ts';
import { fileSource } from '../node-host.ts';
import { Output } from '../output.ts';

/** `show-index [--object-format=<hash>] <path-to-.idx>`: offset, id and (v2) CRC per object, in idx order. */
export async function showIndex(args: string[]): Promise<number> {
  const format = args.find((a) => a.startsWith('--object-format='))?.split('=')[1];
  const paths = args.filter((a) => !a.startsWith('-'));
  if (paths.length !== 1) throw new UsageError('show-index: give the path of one .idx file');
  const source = new WindowCache().open(fileSource(paths[0], paths[0]));
  const algo = format === 'sha256' ? SHA256 : format === 'sha1' ? SHA1 : guessIdxAlgo(source);
  if (!algo) throw new PackscopeError('BadSize', `index file size ${source.size} fits neither a SHA-1 nor a SHA-256 index`, { file: paths[0], offset: 0 });
  const idx = PackIndex.open(source, algo);
  const out = new Output();
  for (let i = 0; i < idx.count; i++) {
    const crc = idx.crcAt(i);
    out.text(`${idx.offsetAt(i)} ${idx.oidHexAt(i)}${crc === undefined ? '' : ` (${crc.toString(16).padStart(8, '0')})`}\n`);
  }
  out.flush();
  return 0;
}
