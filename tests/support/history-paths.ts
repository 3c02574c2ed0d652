import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { git, type Fixture } from './cli.ts';
import { isolatedGitEnv } from './git-env.ts';

/**
 * What the path-history and blame suites share: a fixture's git dir, its revisions, the paths of a commit as
 * raw bytes (names need not be UTF-8), and git run with such a path, which a JavaScript string
 * cannot carry: the shell builds it from octal escapes.
 */

export const gitDirOf = (f: Fixture): string => join(f.packDir, '../..');

/** The full id of the commit `rev` names in the fixture. */
export function revParse(f: Fixture, rev: string): string {
  const r = git(['--git-dir', gitDirOf(f), 'rev-parse', `${rev}^{commit}`]);
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout.toString().trim();
}

/** The second parent of the newest two-parent merge: a side branch's tip. */
export function mergeSide(f: Fixture): string {
  const r = git(['--git-dir', gitDirOf(f), 'rev-list', '--min-parents=2', '--max-parents=2', '-1', 'HEAD']);
  return `${r.stdout.toString().trim()}^2`;
}

/** Every path of a commit's tree (`ls-tree -r`, with folders when asked), as bytes; gitlinks left out. */
export function pathsAt(f: Fixture, rev: string, withFolders: boolean): { path: Buffer; folder: boolean }[] {
  const r = git(['--git-dir', gitDirOf(f), 'ls-tree', '-r', '-z', ...(withFolders ? ['-t'] : []), rev]);
  if (r.status !== 0) throw new Error(`ls-tree ${rev}: ${r.stderr}`);
  const out: { path: Buffer; folder: boolean }[] = [];
  let start = 0;
  for (let i = 0; i < r.stdout.length; i++) {
    if (r.stdout[i] !== 0) continue;
    const record = r.stdout.subarray(start, i);
    start = i + 1;
    const mode = record.subarray(0, record.indexOf(0x20)).toString();
    if (mode === '160000') continue;
    out.push({ path: Buffer.from(record.subarray(record.indexOf(0x09) + 1)), folder: mode === '040000' });
  }
  return out;
}

/** A byte string as a printf(1) format that prints exactly those bytes. */
function printfEscaped(bytes: Buffer): string {
  let s = '';
  for (const b of bytes) s += `\\${b.toString(8).padStart(3, '0')}`;
  return s;
}

/** Runs `git --git-dir <dir> <args…> -- <path>` with the path's exact bytes (literal pathspec); stdout as bytes. */
export function gitWithPath(f: Fixture, args: string[], path: Buffer): Buffer {
  const quoted = args.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  // The trailing x keeps a name ending in a newline whole through $(…).
  const script = `p=$(printf '${printfEscaped(path)}'; echo x); p=\${p%x}; exec git --git-dir '${gitDirOf(f)}' ${quoted} -- "$p"`;
  const r = spawnSync('sh', ['-c', script], {
    maxBuffer: 1 << 30,
    env: isolatedGitEnv({ GIT_LITERAL_PATHSPECS: '1' }),
  });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`git ${args.join(' ')} -- ${path.toString()}: ${r.stderr.toString()}`);
  return r.stdout;
}
