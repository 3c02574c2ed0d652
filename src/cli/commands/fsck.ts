import { opendirSync, writeSync, type Dir } from 'node:fs';
import { join } from 'node:path';
import type { FileEntry } from '../../core/repo/discover.ts';
import { RefStore } from '../../core/repo/ref-store.ts';
import { headValidates } from '../../core/verify/refs-check.ts';
import { RepositoryVerifier } from '../../core/verify/verify-repository.ts';
import type { Finding } from '../../core/verify/findings.ts';
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
  for (const a of args) {
    if (a === '--unreachable') reach.unreachable = true;
    else if (a === '--dangling') reach.dangling = true;
    else if (a === '--no-dangling') reach.dangling = false;
    else if (a === '--no-reflogs') reach.reflogs = false;
    else if (a === '--full' || a === '--strict') continue; // always full; there is nothing laxer
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
  const findings = verifyAll(repo);
  for (const f of findings) writeStderr(findingLine(f));

  const source: GitRefsSource | undefined = store ? { store, reflogFiles: inDirectoryOrder(paths[0], files.gitDir ?? '', files.reflogFiles ?? []) } : undefined;
  const reachability = reachabilityReport(repo, reach, source);
  for (const line of reachability.stderr) writeStderr(line);
  if (reachability.died) return EXIT_FATAL;
  const out = new Output();
  for (const line of reachability.stdout()) out.text(`${line}\n`);
  out.flush();
  return (findings.some((f) => f.severity === 'error') ? EXIT_CORRUPT : 0) | reachability.exitBits;
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
function verifyAll(repo: CliRepository): Finding[] {
  // Refs are judged below in git's own words (reachabilityReport), not as findings.
  const verifier = new RepositoryVerifier(repo.db, { hasher: nodeHasher, checkRefs: false });
  verifier.step(Infinity);
  return verifier.report().findings;
}
