import { existsSync } from 'node:fs';
import { PackscopeError } from '../../core/errors.ts';
import { SHA1, SHA256, type HashAlgo } from '../../core/hash/algo.ts';
import { toHex } from '../../core/hash/hex.ts';
import { PackIndexer, type IndexPackResult } from '../../core/index-pack/indexer.ts';
import type { IdxWriteOptions } from '../../core/format/idx-write.ts';
import { UsageError, reportError } from '../errors.ts';
import { fileSource, nodeHasher, nodeInflater, nodeMeasuringInflater, readRegularFile } from '../node-host.ts';
import { Output } from '../output.ts';
import { existingRegularFile, writeRegularFile } from '../safe-write.ts';

const USAGE = 'index-pack [-o <file>.idx] [--index-version=<v>[,<offset>]] [--object-format=sha1|sha256] [--partial] <file>.pack';

/** The parsed command line. */
interface IndexPackArgs {
  pack: string;
  output: string | undefined;
  algo: HashAlgo;
  idx: IdxWriteOptions;
  partial: boolean;
}

function parseArgs(args: string[]): IndexPackArgs {
  let output: string | undefined;
  let algo = SHA1;
  const idx: IdxWriteOptions = {};
  let partial = false;
  const paths: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '-o') {
      output = args[++i];
      if (output === undefined) throw new UsageError(`-o needs a file name\nusage: ${USAGE}`);
    } else if (a.startsWith('--index-version=')) {
      // git: --index-version=<version>[,<offset>]: offsets above <offset> go to the 64-bit table.
      const m = /^--index-version=([12])(?:,(0x[0-9a-f]+|\d+))?$/i.exec(a);
      if (!m) throw new UsageError(`bad ${a}: the version is 1 or 2, optionally followed by ,<offset>`);
      idx.version = m[1] === '1' ? 1 : 2;
      if (m[2] !== undefined) idx.off32Limit = Number(m[2]);
    } else if (a.startsWith('--object-format=')) {
      const name = a.slice('--object-format='.length);
      if (name !== 'sha1' && name !== 'sha256') throw new UsageError(`unknown object format '${name}' (sha1 or sha256)`);
      algo = name === 'sha1' ? SHA1 : SHA256;
    } else if (a === '--partial') {
      partial = true;
    } else if (a.startsWith('-')) {
      throw new UsageError(`unknown option ${a}\nusage: ${USAGE}`);
    } else {
      paths.push(a);
    }
  }
  if (paths.length !== 1) throw new UsageError(`give exactly one .pack file\nusage: ${USAGE}`);
  const pack = paths[0];
  if (!pack.endsWith('.pack')) throw new UsageError(`packfile name '${pack}' does not end with '.pack'`);
  return { pack, output, algo, idx, partial };
}

/**
 * `index-pack [-o <idx>] <pack>`: builds the .idx git index-pack would write (the same bytes)
 * and prints the pack's checksum, as git does. Unlike git 2.39, which replaces an existing idx,
 * it never overwrites a different file: the folder may be evidence. A damaged pack exits 1 with
 * every problem on stderr; `--partial` still writes the idx of the objects that resolved.
 * The idx is written only as a regular file (src/cli/safe-write.ts): where its name is a link,
 * FIFO or folder, git 2.39 replaces a link or FIFO (unlink, then create) and dies on a folder;
 * packscope refuses all three, before indexing, and leaves the folder as it found it.
 */
export async function indexPack(args: string[]): Promise<number> {
  const opts = parseArgs(args);
  if (!existsSync(opts.pack)) throw new PackscopeError('NotFound', 'no such pack file', { file: opts.pack });
  const idxPath = opts.output ?? opts.pack.replace(/\.pack$/, '.idx');
  const remedy = 'Remove it, or give another name with -o.';
  // Refused now rather than after indexing a pack that may take minutes.
  existingRegularFile(idxPath, remedy);
  const source = fileSource(opts.pack, opts.pack);
  let result: IndexPackResult;
  try {
    const indexer = new PackIndexer(source, {
      algo: opts.algo,
      hasher: nodeHasher,
      inflater: nodeInflater,
      measuring: nodeMeasuringInflater,
      idx: opts.idx,
    });
    result = indexer.run();
  } finally {
    source.close();
  }
  for (const p of result.problems) reportError(p);
  if (!result.complete) {
    const summary = `${opts.pack}: ${result.indexedCount} of ${result.declaredCount} objects could be indexed`;
    if (!opts.partial) {
      process.stderr.write(`fatal: ${summary}; no index written (--partial writes one for the objects that resolved)\n`);
      return 1;
    }
    process.stderr.write(`warning: ${summary}; writing a partial index to ${idxPath}\n`);
  }
  if (existingRegularFile(idxPath, remedy)) {
    const existing = readRegularFile(idxPath);
    if (!Buffer.from(result.idx.buffer, result.idx.byteOffset, result.idx.length).equals(existing)) {
      process.stderr.write(`fatal: ${idxPath} already exists and differs from the index of this pack; packscope does not overwrite it (give another name with -o)\n`);
      return 1;
    }
  } else {
    // Read-only, as git leaves an idx.
    writeRegularFile(idxPath, result.idx, { mode: 0o444, remedy });
  }
  const out = new Output();
  out.text(`${toHex(result.packChecksum)}\n`);
  out.flush();
  return result.complete ? 0 : 1;
}
