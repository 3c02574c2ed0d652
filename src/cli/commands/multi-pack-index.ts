import { existsSync, opendirSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { WindowCache } from '../../core/bytes/window-cache.ts';
import { PackscopeError } from '../../core/errors.ts';
import type { HashAlgo } from '../../core/hash/algo.ts';
import { toHex } from '../../core/hash/hex.ts';
import { PackIndex } from '../../core/format/idx.ts';
import { MultiPackIndex } from '../../core/format/midx.ts';
import { MultiPackIndexChain } from '../../core/format/midx-chain.ts';
import { sameIdxOrPackName, writeMultiPackIndex, type MidxWritePack } from '../../core/format/midx-write.ts';
import { ObjectDatabase } from '../../core/odb/database.ts';
import type { Finding } from '../../core/finding.ts';
import { checksumMatches, loadFailure, verifyMidx, verifyMidxSource } from '../../core/verify/midx-verify.ts';
import { UsageError, reportError } from '../errors.ts';
import { discover, fileSource, nodeHasher, readRegularFile } from '../node-host.ts';
import { existingRegularFile, writeRegularFile } from '../safe-write.ts';

const USAGE =
  "multi-pack-index: `multi-pack-index verify <path>` or `multi-pack-index write <path> [--output <file>] [--preferred-pack <pack>]`\n(without --output, write replaces the pack folder's multi-pack-index and deletes its .bitmap and .rev, as git does)";

/** `multi-pack-index verify|write <path>`. */
export async function multiPackIndex(args: string[]): Promise<number> {
  if (args[0] === 'write') return multiPackIndexWrite(args.slice(1));
  return multiPackIndexVerify(args);
}

/** `multi-pack-index verify <path>`: git's checks, git's messages on stderr, nothing on stdout. */
async function multiPackIndexVerify(args: string[]): Promise<number> {
  const [sub, path, ...extra] = args;
  if (sub !== 'verify' || path === undefined || extra.length > 0) throw new UsageError(USAGE);
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
  let findings: Finding[] = [];
  const flat = files.packDirFiles.find((f) => f.path.replace(/^.*\//, '') === 'multi-pack-index');
  const chainFile = files.midxChainFiles.find((f) => f.path.endsWith('/multi-pack-index-chain'));
  if (flat) {
    findings = verifyMidxSource(windows.open(flat.source), { ...options, expectedAlgo: db.algo });
  } else if (chainFile) {
    const layerFiles = new Map(files.midxChainFiles.map((f) => [f.path.replace(/^.*multi-pack-index-([0-9a-f]+)\.midx$/, '$1'), f.source]));
    const chain = MultiPackIndexChain.open(
      windows.open(chainFile.source),
      (hex) => {
        const s = layerFiles.get(hex);
        return s ? windows.open(s) : undefined;
      },
      { expectedAlgo: db.algo },
    );
    if (chain.error) findings.push(loadFailure(chain.error, chainFile.path));
    if (chain.layers.length > 0) findings.push(...verifyMidx(chain, options));
  }
  for (const f of findings) {
    const where = f.offset === undefined ? f.file : `${f.file}:0x${f.offset.toString(16)}`;
    process.stderr.write(`${f.fatal ? 'fatal: ' : ''}${f.message} (${where}${f.reason ? `; ${f.reason}` : ''})\n`);
  }
  return findings.length > 0 ? 1 : 0;
}

interface WriteArgs {
  path: string;
  output: string | undefined;
  preferredPack: string | undefined;
}

function parseWriteArgs(args: string[]): WriteArgs {
  let path: string | undefined;
  let output: string | undefined;
  let preferredPack: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const value = (flag: string): string => {
      if (a.startsWith(`${flag}=`)) return a.slice(flag.length + 1);
      const next = args[++i];
      if (next === undefined) throw new UsageError(`multi-pack-index write: ${flag} needs a value`);
      return next;
    };
    if (a === '--output' || a.startsWith('--output=')) output = value('--output');
    else if (a === '--preferred-pack' || a.startsWith('--preferred-pack=')) preferredPack = value('--preferred-pack');
    else if (a.startsWith('-')) throw new UsageError(`multi-pack-index write: unknown option ${a}\n${USAGE}`);
    else if (path === undefined) path = a;
    else throw new UsageError(USAGE);
  }
  if (path === undefined || output === '') throw new UsageError(USAGE);
  return { path, output, preferredPack };
}

/** git's `st_mtime` of a file: whole seconds, floored (exact, unlike `mtimeMs / 1000`). */
function mtimeSeconds(path: string): number | undefined {
  const st = statSync(path, { bigint: true, throwIfNoEntry: false });
  if (st === undefined || !st.isFile()) return undefined;
  const ns = st.mtimeNs;
  const second = 1_000_000_000n;
  return Number((ns - (((ns % second) + second) % second)) / second);
}

/** The pack folder's names in readdir order, as git's `for_each_file_in_pack_dir` sees them. */
function readdirOrder(dir: string): string[] {
  const names: string[] = [];
  const d = opendirSync(dir);
  try {
    for (let e = d.readSync(); e !== null; e = d.readSync()) names.push(e.name);
  } finally {
    d.closeSync();
  }
  return names;
}

/**
 * The existing multi-pack-index, when git 2.39 would reuse it: it loads, is version 1 (2.39
 * knows no other), has the repository's hash and a valid checksum. Otherwise undefined, with
 * git's warning where git gives one.
 */
function reusableMidx(windows: WindowCache, packDir: string, algo: HashAlgo): MultiPackIndex | undefined {
  const file = join(packDir, 'multi-pack-index');
  if (!existsSync(file)) return undefined;
  let midx: MultiPackIndex;
  try {
    midx = MultiPackIndex.open(windows.open(fileSource(file, file)), { expectedAlgo: algo });
  } catch (err) {
    if (!(err instanceof PackscopeError)) throw err;
    process.stderr.write(`warning: ignoring existing multi-pack-index: ${err.message}\n`);
    return undefined;
  }
  if (midx.version !== 1) {
    process.stderr.write(`warning: ignoring existing multi-pack-index: version ${midx.version} not recognized by git 2.39\n`);
    return undefined;
  }
  if (!checksumMatches(midx.source, algo, nodeHasher)) {
    process.stderr.write('warning: ignoring existing multi-pack-index; checksum mismatch\n');
    return undefined;
  }
  return midx;
}

/** git's `clear_midx_files_ext`: removes `multi-pack-index-*<ext>` except the one to keep. */
function clearMidxFiles(packDir: string, ext: string, keep: string | undefined): void {
  for (const name of readdirOrder(packDir)) {
    if (!name.startsWith('multi-pack-index-') || !name.endsWith(ext) || name === keep) continue;
    unlinkSync(join(packDir, name));
  }
}

/** Where a refused multi-pack-index target leaves the person. */
const MIDX_REMEDY = 'Remove it (git 2.39 would write through a link), or write the file elsewhere with --output.';
const OUTPUT_REMEDY = 'Remove it, or give another --output.';

/**
 * Writes `bytes` as `<packDir>/multi-pack-index` through `multi-pack-index.lock`, as git's
 * lockfile does, but only as a regular file: git resolves a link there and writes where it points.
 */
function commitMidx(packDir: string, bytes: Uint8Array): void {
  const target = join(packDir, 'multi-pack-index');
  writeRegularFile(target, bytes, { lockPath: `${target}.lock`, remedy: MIDX_REMEDY });
}

/**
 * `multi-pack-index write <path> [--output <file>] [--preferred-pack <pack>]`: the file git 2.39's
 * `git multi-pack-index write` leaves in the pack folder, byte for byte. Every `*.idx` whose
 * `.pack` exists is indexed (`.keep` and `.promisor` packs too); an existing valid midx is built
 * upon as git does, and when it already covers every pack nothing is rewritten. Prints nothing.
 * With --output the file goes there and the pack folder is left untouched.
 */
async function multiPackIndexWrite(args: string[]): Promise<number> {
  const { path, output, preferredPack } = parseWriteArgs(args);
  const files = await discover(path);
  // A target that is a link, FIFO or folder is refused before any work (and written only as a
  // regular file at the end); the midx read below is refused alone if it is not a regular file.
  if (output !== undefined) existingRegularFile(output, OUTPUT_REMEDY);
  else existingRegularFile(join(path, files.packDir, 'multi-pack-index'), MIDX_REMEDY);
  const algo = new ObjectDatabase(files).algo;
  const packDir = join(path, files.packDir);
  const windows = new WindowCache();
  const existing = reusableMidx(windows, packDir, algo);

  // git's add_pack_to_midx, in readdir order: every *.idx not in the midx whose .pack is a file.
  const packs: MidxWritePack[] = [];
  for (const name of readdirOrder(packDir)) {
    if (!name.endsWith('.idx')) continue;
    if (existing?.containsPack(name)) continue;
    const full = join(packDir, name);
    const mtime = mtimeSeconds(`${full.slice(0, -4)}.pack`);
    if (mtime === undefined) {
      process.stderr.write(`warning: failed to add packfile '${full}'\n`);
      continue;
    }
    try {
      packs.push({ name, idx: PackIndex.open(windows.open(fileSource(full, full)), algo), mtime });
    } catch (err) {
      if (!(err instanceof PackscopeError)) throw err;
      process.stderr.write(`error: ${err.message}\nwarning: failed to open pack-index '${full}'\n`);
    }
  }

  if (existing && packs.length === 0) {
    // The midx already covers every pack: git keeps it as it is (and drops midx bitmaps, as none was asked for).
    if (output !== undefined) writeRegularFile(output, readRegularFile(join(packDir, 'multi-pack-index')), { remedy: OUTPUT_REMEDY });
    else clearMidxFiles(packDir, '.bitmap', undefined);
    return 0;
  }

  let preferred = preferredPack;
  if (preferred !== undefined) {
    const names = [...(existing?.packNames ?? []), ...packs.map((p) => p.name)];
    if (!names.some((n) => sameIdxOrPackName(preferred as string, n))) {
      process.stderr.write(`warning: unknown preferred pack: '${preferred}'\n`);
      preferred = undefined;
    }
  }

  let bytes: Uint8Array;
  try {
    bytes = writeMultiPackIndex(packs, algo, nodeHasher, { existing, preferredPack: preferred });
  } catch (err) {
    if (!(err instanceof PackscopeError)) throw err;
    reportError(err);
    return 1;
  }
  if (output !== undefined) {
    writeRegularFile(output, bytes, { remedy: OUTPUT_REMEDY });
    return 0;
  }
  commitMidx(packDir, bytes);
  const hex = toHex(bytes, bytes.length - algo.size);
  clearMidxFiles(packDir, '.bitmap', `multi-pack-index-${hex}.bitmap`);
  clearMidxFiles(packDir, '.rev', `multi-pack-index-${hex}.rev`);
  return 0;
}
