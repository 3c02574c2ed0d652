import { opendirSync, readFileSync, writeSync, type Dir } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import type { FileEntry } from '../../core/repo/discover.ts';
import { RefStore } from '../../core/repo/ref-store.ts';
import { headValidates } from '../../core/verify/refs-check.ts';
import { RepositoryVerifier } from '../../core/verify/verify-repository.ts';
import type { Finding } from '../../core/verify/findings.ts';
import type { ObjectType } from '../../core/objects/types.ts';
import { checkObjectFormat, FsckPolicy, type FormatFinding } from '../../core/verify/object-format.ts';
import { UsageError } from '../errors.ts';
import { nodeHasher } from '../node-host.ts';
import { Output } from '../output.ts';
import { openRepository, type CliRepository } from '../repository.ts';
import { reachabilityReport, type GitRefsSource, type ReachabilityOptions } from './fsck-reach.ts';

const USAGE = 'fsck [--unreachable | --dangling | --no-dangling] [--lost-found=<dir>] [--no-reflogs] <path>';

/** Exit bit for packscope's own findings about packs and objects (git's ERROR_OBJECT). */
const EXIT_CORRUPT = 1;
/** git's exit status when it dies (`fatal:`). */
const EXIT_FATAL = 128;
/** git's ERROR_PACK: verify_pack returned non-zero, as it does when fsck fails a packed object. */
const EXIT_PACK = 4;

/**
 * `fsck [--unreachable | --dangling | --no-dangling] [--lost-found=<dir>] [--no-reflogs] <path>`:
 * runs every check to the end and prints each finding on stderr, git-style
 * (`error: <kind> at <file>:0x<offset>: <message>`, `warning: …`), then what git fsck says
 * about refs, HEAD and reflogs in git's own words, then the dangling or unreachable objects on
 * stdout. Exit status as git's bits: 1 a pack or object finding, 2 something reachable (a ref,
 * reflog entry or link) names a missing object, 8 a ref problem (not a commit, HEAD); 128 when
 * git would die (HEAD unreadable, a packed-refs line it cannot read); 2 on usage.
 */
export async function fsck(args: string[]): Promise<number> {
  // As git: reflogs are roots unless --no-reflogs.
  const reach: ReachabilityOptions = { unreachable: false, dangling: true, reflogs: true };
  const paths: string[] = [];
  let strict = false;
  for (const a of args) {
    if (a === '--unreachable') reach.unreachable = true;
    else if (a === '--dangling') reach.dangling = true;
    else if (a === '--no-dangling') reach.dangling = false;
    else if (a === '--no-reflogs') reach.reflogs = false;
    else if (a === '--strict') strict = true;
    else if (a === '--full')
      continue; // always full; there is nothing laxer
    else if (a.startsWith('--lost-found')) {
      const dir = a.startsWith('--lost-found=') ? a.slice('--lost-found='.length) : '';
      if (dir === '') throw new UsageError(`fsck: --lost-found needs a folder outside the repository (--lost-found=<dir>): packscope never writes into the folder it examines\nusage: ${USAGE}`);
      reach.lostFound = dir;
    } else if (a.startsWith('-')) throw new UsageError(`fsck: unknown option ${a}\nusage: ${USAGE}`);
    else paths.push(a);
  }
  if (paths.length !== 1) throw new UsageError(`fsck: give exactly one repository path\nusage: ${USAGE}`);

  // A 64 MiB delta base cache, not git's 96: on git.git the walk takes as long (74.9 s against
  // 75.1 s) and the peak RSS drops from 421 to 378 MB.
  const repo = await openRepository(paths[0], { deltaBaseCacheBytes: 64 << 20 });
  const files = repo.db.files;
  const store = files.gitDir !== undefined ? new RefStore(files.refFiles, files.gitDir, repo.db.algo) : undefined;
  // git does not take a folder whose HEAD it cannot read for a repository (setup.c), and looks
  // no further: `git -C <path> fsck` says only this.
  if (store?.headStart && !headValidates(store.headStart)) {
    writeStderr('fatal: not a git repository (or any of the parent directories): .git');
    return EXIT_FATAL;
  }
  // git reads its fsck settings before checking anything, and dies on one it cannot take.
  const policy = fsckPolicy(repo, paths[0], strict);
  if (typeof policy === 'string') {
    writeStderr(`fatal: ${policy}`);
    return EXIT_FATAL;
  }
  const formats = new FormatReports(policy, repo.db.algo.size * 2);
  const findings = verifyAll(repo, formats);
  for (const f of findings) writeStderr(findingLine(f));
  // git prints these with fprintf, byte for byte (a tag name's bytes as the tag has them); the
  // lines hold one byte per character.
  for (const line of formats.lines(repo, paths[0])) writeSync(2, Buffer.from(`${line}\n`, 'latin1'));

  const source: GitRefsSource | undefined = store ? { store, reflogFiles: inDirectoryOrder(paths[0], files.gitDir ?? '', files.reflogFiles ?? []) } : undefined;
  const reachability = reachabilityReport(repo, reach, source);
  for (const line of reachability.stderr) if (!formats.explains(line)) writeStderr(line);
  if (reachability.died) return EXIT_FATAL;
  const out = new Output();
  for (const line of reachability.stdout()) out.text(`${line}\n`);
  out.flush();
  return (findings.some((f) => f.severity === 'error') ? EXIT_CORRUPT : 0) | formats.exitBits | reachability.exitBits;
}

/** git's report buffer (usage.c vreportf): a message is cut at 4,095 bytes before its newline. */
const REPORT_BYTES = 4095;

/**
 * Writes one stderr line as git's error()/die() do: control characters other than TAB and LF
 * in the message (after `error: `, `fatal: `) become `?`, so a hostile ref name cannot drive
 * the terminal; `notice:` lines are written as git writes them, unchanged.
 */
function writeStderr(line: string): void {
  const prefix = /^(error|fatal|warning): /.exec(line)?.[0];
  if (prefix === undefined) {
    writeSync(2, `${line}\n`);
    return;
  }
  const bytes = Buffer.from(line, 'utf8');
  const end = Math.min(bytes.length, REPORT_BYTES);
  for (let i = prefix.length; i < end; i++) if ((bytes[i] < 0x20 && bytes[i] !== 0x09 && bytes[i] !== 0x0a) || bytes[i] === 0x7f) bytes[i] = 0x3f;
  writeSync(2, Buffer.concat([bytes.subarray(0, end), Buffer.from('\n')]));
}

/**
 * The reflog files in the order git 2.39 reads them: its dir_iterator walks `logs/` in the
 * order the directory lists its entries (readdir, not sorted), each folder before its
 * siblings' files that follow it. `git fsck` prints reflog errors in that order.
 */
function inDirectoryOrder(root: string, gitDir: string, reflogFiles: FileEntry[]): FileEntry[] {
  if (reflogFiles.length === 0) return reflogFiles;
  const byPath = new Map(reflogFiles.map((f) => [f.path, f]));
  const logsPath = gitDir === '' ? 'logs' : `${gitDir}/logs`;
  const ordered: FileEntry[] = [];
  const walk = (relative: string, depth: number): void => {
    if (depth > 64) return;
    let dir: Dir;
    try {
      dir = opendirSync(join(root, relative));
    } catch {
      return;
    }
    try {
      for (let entry = dir.readSync(); entry !== null; entry = dir.readSync()) {
        const path = `${relative}/${entry.name}`;
        if (entry.isDirectory()) walk(path, depth + 1);
        else {
          const file = byPath.get(path);
          if (file) {
            ordered.push(file);
            byPath.delete(path);
          }
        }
      }
    } finally {
      dir.closeSync();
    }
  };
  walk(logsPath, 0);
  return ordered.concat([...byPath.values()]);
}

/** `error: <kind> at <file>:0x<offset>: <message>` (warnings and notes with their own prefix). */
export function findingLine(f: Finding): string {
  const prefix = f.severity === 'error' ? 'error' : f.severity === 'warning' ? 'warning' : 'info';
  let where = f.file === '' ? '' : ` at ${f.file}`;
  if (f.offset !== undefined) where += `:0x${f.offset.toString(16)}`;
  return `${prefix}: ${f.kind}${where}: ${f.message} [${f.check}]`;
}

/** Verifies every pack and loose object; only the findings outlive it (the walk that follows needs the memory). */
function verifyAll(repo: CliRepository, formats: FormatReports): Finding[] {
  // Refs are judged below in git's own words (reachabilityReport), not as findings.
  const verifier = new RepositoryVerifier(repo.db, { hasher: nodeHasher, checkRefs: false, inspect: (oid, type, data, file, offset) => formats.inspect(oid, type, data, file, offset) });
  verifier.step(Infinity);
  return verifier.report().findings;
}

/**
 * The `[fsck]` settings of the repository's config (`fsck.<msg-id>`, `fsck.skipList`) as git
 * reads them, or what git dies saying when it cannot take one. A relative skip list path is
 * taken from the repository folder, where `git -C <path> fsck` runs.
 */
function fsckPolicy(repo: CliRepository, root: string, strict: boolean): FsckPolicy | string {
  const config = repo.db.files.config;
  const policy = FsckPolicy.fromConfig(config ? config.source.read(0, Math.min(config.source.size, 1 << 20)) : undefined);
  policy.strict = strict;
  if (policy.problems.length > 0) return policy.problems[0];
  const listed = policy.skipListPath;
  if (listed !== undefined) {
    const path = listed.startsWith('~/') ? join(homedir(), listed.slice(2)) : isAbsolute(listed) ? listed : join(root, listed);
    let text: string;
    try {
      text = readFileSync(path, 'latin1');
    } catch {
      return `could not open object name list: ${listed.startsWith('~/') ? path : listed}`;
    }
    const refused = policy.addSkipList(text, repo.db.algo.size * 2);
    if (refused !== undefined) return refused;
  }
  return policy;
}

/**
 * git's per-object format checks (core/verify/object-format.ts) on every commit, tree and tag
 * the verifier rebuilds, printed in git's order: the loose objects first (folders 00 to ff, each
 * in the order the directory lists it, as git's readdir walk), then each pack's in offset order
 * (verify_pack sorts its entries by offset), packs newest first.
 */
class FormatReports {
  private readonly found: { oid: string; file: string; offset: number; findings: FormatFinding[]; failed: boolean; brokenLinks: boolean }[] = [];
  private readonly reportedIds = new Set<string>();
  /**
   * Exit bits as git's, once `lines` ran: a failed loose object sets ERROR_OBJECT, a packed one
   * ERROR_PACK (verify_pack's result), a tree whose walk broke ERROR_OBJECT.
   */
  exitBits = 0;

  constructor(
    private readonly policy: FsckPolicy,
    private readonly hexLength: number,
  ) {}

  inspect(oid: string, type: ObjectType, data: Uint8Array, file: string, offset: number): void {
    const result = checkObjectFormat(oid, type, data, this.hexLength, this.policy);
    // A failed check always printed a line (a skipped object reports nothing and fails nothing).
    if (result.findings.length > 0) {
      this.found.push({ oid, file, offset, findings: result.findings, failed: result.failed, brokenLinks: result.brokenLinks });
      this.reportedIds.add(oid);
    }
  }

  /**
   * Whether `line` is the reachability walk's own `error: <oid>: …` about an object git's format
   * checks already reported (a tree whose entries cannot be read, a commit with a bad parent
   * line): git says it once, in the words printed above.
   */
  explains(line: string): boolean {
    const m = /^error: ([0-9a-f]{40}|[0-9a-f]{64}): /.exec(line);
    return m !== null && this.reportedIds.has(m[1]);
  }

  /** The lines, in git's order. */
  lines(repo: CliRepository, root: string): string[] {
    const packRank = new Map(repo.db.packs.map((p, i) => [p.data.name, i]));
    const looseRank = this.looseOrder(root);
    const key = (f: { file: string; offset: number }): [number, number] => {
      const pack = packRank.get(f.file);
      return pack === undefined ? [-1, looseRank.get(f.file) ?? 0] : [pack, f.offset];
    };
    const sorted = this.found.slice().sort((a, b) => {
      const [ka, oa] = key(a);
      const [kb, ob] = key(b);
      return ka - kb || oa - ob;
    });
    // git checks an object once (its SEEN flag), where it meets it first: a loose copy before a
    // packed one, the newer pack's copy before an older one's.
    const seen = new Set<string>();
    const lines: string[] = [];
    for (const f of sorted) {
      if (seen.has(f.oid)) continue;
      seen.add(f.oid);
      if (f.failed) this.exitBits |= packRank.has(f.file) ? EXIT_PACK : EXIT_CORRUPT;
      if (f.brokenLinks) this.exitBits |= EXIT_CORRUPT;
      for (const x of f.findings) lines.push(x.line);
    }
    return lines;
  }

  /** Loose objects with findings, ranked as git's walk meets them (only their folders are read). */
  private looseOrder(root: string): Map<string, number> {
    const rank = new Map<string, number>();
    const wanted = new Set(this.found.filter((f) => !f.file.endsWith('.pack')).map((f) => f.file));
    if (wanted.size === 0) return rank;
    const folders = [...new Set([...wanted].map((file) => file.slice(0, file.lastIndexOf('/'))))].sort();
    let n = 0;
    for (const folder of folders) {
      try {
        const dir = opendirSync(join(root, folder));
        try {
          for (let entry = dir.readSync(); entry !== null; entry = dir.readSync()) {
            const file = `${folder}/${entry.name}`;
            if (wanted.has(file)) rank.set(file, n);
            n++;
          }
        } finally {
          dir.closeSync();
        }
      } catch {
        // A folder that cannot be listed again keeps its objects in name order.
      }
      for (const file of [...wanted].filter((f) => f.startsWith(`${folder}/`)).sort()) if (!rank.has(file)) rank.set(file, n++);
    }
    return rank;
  }
}
