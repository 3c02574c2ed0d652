import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { WindowCache } from '../../core/bytes/window-cache.ts';
import { PackIndex } from '../../core/format/idx.ts';
import { MultiPackIndexChain } from '../../core/format/midx-chain.ts';
import { ObjectDatabase } from '../../core/odb/database.ts';
import { loadFailure, verifyMidx, verifyMidxSource, type MidxFinding } from '../../core/verify/midx-verify.ts';
import { UsageError } from '../errors.ts';
import { discover, nodeHasher } from '../node-host.ts';

/** `multi-pack-index verify <path>`: git's checks, git's messages on stderr, nothing on stdout. */
export async function multiPackIndex(args: string[]): Promise<number> {
  const [sub, path, ...extra] = args;
  if (sub !== 'verify' || path === undefined || extra.length > 0) throw new UsageError('multi-pack-index: only `multi-pack-index verify <path>` is supported');
  const files = await discover(path);
  const db = new ObjectDatabase(files);
  const windows = new WindowCache();
  const packDir = join(path, files.packDir);
  const options = {
    hasher: nodeHasher,
    openIdx: (name: string) => {
      const entry = files.packDirFiles.find((f) => f.path.replace(/^.*\//, '') === name);
      if (!entry) throw new Error(`${name} is missing`);
      return PackIndex.open(windows.open(entry.source), db.algo);
    },
    packExists: (name: string) => existsSync(join(packDir, name.replace(/\.idx$/, '.pack'))),
  };
  let findings: MidxFinding[] = [];
  const flat = files.packDirFiles.find((f) => f.path.replace(/^.*\//, '') === 'multi-pack-index');
  const chainFile = files.midxChainFiles.find((f) => f.path.endsWith('/multi-pack-index-chain'));
  if (flat) {
    findings = verifyMidxSource(windows.open(flat.source), { ...options, expectedAlgo: db.algo });
  } else if (chainFile) {
    const layerFiles = new Map(files.midxChainFiles.map((f) => [f.path.replace(/^.*multi-pack-index-([0-9a-f]+)\.midx$/, '$1'), f.source]));
    const chain = MultiPackIndexChain.open(windows.open(chainFile.source), (hex) => {
      const s = layerFiles.get(hex);
      return s ? windows.open(s) : undefined;
    }, { expectedAlgo: db.algo });
    if (chain.error) findings.push(loadFailure(chain.error, chainFile.path));
    if (chain.layers.length > 0) findings.push(...verifyMidx(chain, options));
  }
  for (const f of findings) {
    const where = f.offset === undefined ? f.file : `${f.file}:0x${f.offset.toString(16)}`;
    process.stderr.write(`${f.severity === 'fatal' ? 'fatal: ' : ''}${f.message} (${where}${f.cause ? `; ${f.cause}` : ''})\n`);
  }
  return findings.length > 0 ? 1 : 0;
}
