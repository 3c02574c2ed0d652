import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILD } from './cli.ts';

/**
 * Sizes of a fixture's paths as git reports them, for the size view's tests: each path's blobs
 * over history (`git log --all --raw -m`), their inflated sizes (`cat-file --batch-check`) and
 * stored sizes (`verify-pack -v`), and whether HEAD still has the path (`ls-tree -r HEAD`).
 */

/** One path's sizes over history. */
export interface PathSizes {
  path: string[];
  /** The distinct blobs history had at it. */
  blobs: string[];
  stored: number;
  inflated: number;
  deleted: boolean;
}

export function gitDirOf(name: string): string {
  return join(BUILD, name, readFileSync(join(BUILD, name, 'gitdir'), 'utf8').trim());
}

export function gitIn(gitDir: string, args: string[]): string {
  return execFileSync('git', ['--git-dir', gitDir, ...args], { maxBuffer: 1 << 28, env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1' } }).toString('latin1');
}

/** Stored size of every object: packed ones from verify-pack, loose ones their file's size (git's %(objectsize:disk)). */
export function storedSizes(gitDir: string): Map<string, number> {
  const stored = new Map<string, number>();
  for (const line of gitIn(gitDir, ['cat-file', '--batch-all-objects', '--batch-check=%(objectname) %(objectsize:disk)']).split('\n')) {
    const [oid, disk] = line.split(' ');
    if (disk) stored.set(oid, Number(disk));
  }
  const packDir = join(gitDir, 'objects/pack');
  for (const idx of readdirSync(packDir).filter((f) => f.endsWith('.idx'))) {
    for (const line of gitIn(gitDir, ['verify-pack', '-v', join(packDir, idx)]).split('\n')) {
      const m = /^([0-9a-f]{40}) \w+\s+\d+ (\d+) /.exec(line);
      if (m) stored.set(m[1], Number(m[2]));
    }
  }
  return stored;
}

/** Each path's sizes over all history, as git reports them (paths decoded as Latin-1, byte for byte). */
export function pathSizesFromGit(name: string): PathSizes[] {
  const gitDir = gitDirOf(name);
  const stored = storedSizes(gitDir);
  const inflated = new Map<string, number>();
  for (const line of gitIn(gitDir, ['cat-file', '--batch-all-objects', '--batch-check']).split('\n')) {
    const [oid, type, size] = line.split(' ');
    if (type === 'blob') inflated.set(oid, Number(size));
  }
  // Every (path, blob) pair history has, from each commit's raw diff against its parents (and the roots').
  const blobsAt = new Map<string, Set<string>>();
  const raw = gitIn(gitDir, ['log', '--all', '--raw', '-z', '--no-abbrev', '--format=', '-m', '--root', '--no-renames']);
  const fields = raw.split('\0');
  for (let i = 0; i < fields.length; i++) {
    const m = /^:\d+ (\d+) [0-9a-f]+ ([0-9a-f]{40}) ([A-Z])/.exec(fields[i].replace(/^\n/, ''));
    if (!m) continue;
    const path = fields[++i];
    if (m[3] === 'D' || m[1].startsWith('16') || m[1] === '000000') continue;
    let set = blobsAt.get(path);
    if (!set) blobsAt.set(path, (set = new Set()));
    set.add(m[2]);
  }
  const atHead = new Set(gitIn(gitDir, ['ls-tree', '-r', '-z', '--name-only', 'HEAD']).split('\0'));
  return [...blobsAt].map(([path, oids]) => ({
    path: path.split('/'),
    blobs: [...oids],
    stored: [...oids].reduce((s, o) => s + (stored.get(o) ?? 0), 0),
    inflated: [...oids].reduce((s, o) => s + (inflated.get(o) ?? 0), 0),
    deleted: !atHead.has(path),
  }));
}

/** A line of `git filter-repo --analyze`'s path-all-sizes.txt. */
export interface FilterRepoPath {
  /** The path's raw bytes read as Latin-1 (filter-repo writes them unquoted). */
  path: string;
  unpacked: number;
  packed: number;
  /** `YYYY-MM-DD`, or undefined for `<present>`. */
  deleted?: string;
}

/** `git filter-repo --analyze` on a copy of the fixture: its per-path report. */
export function filterRepoPaths(name: string): FilterRepoPath[] {
  const work = mkdtempSync(join(tmpdir(), 'size-filter-repo-'));
  try {
    const copy = join(work, 'repo.git');
    cpSync(gitDirOf(name), copy, { recursive: true });
    execFileSync('git', ['--git-dir', copy, 'filter-repo', '--analyze'], { cwd: work, stdio: 'pipe', env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1' } });
    const text = readFileSync(join(copy, 'filter-repo/analysis/path-all-sizes.txt')).toString('latin1');
    const out: FilterRepoPath[] = [];
    for (const line of text.split('\n').slice(2)) {
      const m = /^\s*(\d+)\s+(\d+) (.{10}) (.*)$/s.exec(line);
      if (m) out.push({ unpacked: Number(m[1]), packed: Number(m[2]), ...(m[3].trim() !== '<present>' ? { deleted: m[3].trim() } : {}), path: m[4] });
    }
    return out;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
