import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ISOLATED_GIT } from './git-env.ts';

/**
 * A repository with the objects issue 10's defect 5 is about, written with the real git into a
 * temporary folder (loose objects, `hash-object --literally`, so git checks nothing; refs written
 * as files):
 *   - `octopus`: a commit with 1,000,000 `parent` lines (ids of objects that do not exist), a
 *     multi-line header and a 400 KB message;
 *   - `big/`: a tree of 300,000 entries, below the root tree of `main`;
 *   - `huge-tag`: a tag with 200,000 extra header lines;
 *   - names with a right-to-left override (U+202E) and a zero-width space in the root tree,
 *     and a text file holding a U+202E.
 */

export interface HugeRepo {
  dir: string;
  gitDir: string;
  /** The 1M-parent commit. */
  octopus: string;
  /** A plain commit whose tree is `root`. */
  main: string;
  root: string;
  big: string;
  tag: string;
  blob: string;
  /** The names in the root tree, as git sorts them. */
  rootNames: string[];
  parents: number;
  bigEntries: number;
  tagHeaders: number;
  messageBytes: number;
}

export const RLO_NAME = 'invoice\u202efdp.exe';
export const ZWSP_NAME = 'zero\u200bwidth.txt';

function git(gitDir: string, args: string[], input?: Buffer | string): string {
  return execFileSync('git', ['--git-dir', gitDir, ...args], {
    input,
    maxBuffer: 1 << 30,
    env: { PATH: process.env.PATH, ...ISOLATED_GIT, TZ: 'UTC' },
  })
    .toString('latin1')
    .trim();
}

function writeObject(gitDir: string, type: string, body: Buffer): string {
  return git(gitDir, ['hash-object', '-t', type, '--literally', '-w', '--stdin'], body);
}

/** Tree bytes from entries already in git's order. */
function treeBytes(entries: { mode: string; name: string; oid: string }[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) parts.push(Buffer.from(`${e.mode} ${e.name}\0`, 'utf8'), Buffer.from(e.oid, 'hex'));
  return Buffer.concat(parts);
}

/** Builds the repository (a few seconds: most of it is git hashing 48 MB). */
export function buildHugeRepo(options: { parents?: number; bigEntries?: number; tagHeaders?: number } = {}): HugeRepo {
  const parents = options.parents ?? 1_000_000;
  const bigEntries = options.bigEntries ?? 300_000;
  const tagHeaders = options.tagHeaders ?? 200_000;
  const dir = mkdtempSync(join(tmpdir(), 'packscope-huge-'));
  execFileSync('git', ['init', '-q', '-b', 'main', dir], { env: { PATH: process.env.PATH, ...ISOLATED_GIT } });
  const gitDir = join(dir, '.git');

  const blob = writeObject(gitDir, 'blob', Buffer.from('hello\n'));
  const notes = writeObject(gitDir, 'blob', Buffer.from('access level: \u202eresu\u202c (reads as "user", is "resu")\nplain line\n', 'utf8'));

  const big: { mode: string; name: string; oid: string }[] = [];
  for (let i = 0; i < bigEntries; i++) big.push({ mode: '100644', name: `f${String(i).padStart(6, '0')}`, oid: blob });
  const bigTree = writeObject(gitDir, 'tree', treeBytes(big));

  const rootEntries = [
    { mode: '40000', name: 'big', oid: bigTree },
    { mode: '100644', name: RLO_NAME, oid: blob },
    { mode: '100644', name: 'notes.txt', oid: notes },
    { mode: '100644', name: ZWSP_NAME, oid: blob },
  ];
  const root = writeObject(gitDir, 'tree', treeBytes(rootEntries));
  const who = 'A U Thor <author@example.com> 1700000000 +0000';
  const main = writeObject(gitDir, 'commit', Buffer.from(`tree ${root}\nauthor ${who}\ncommitter ${who}\n\nthe root\n`));

  const lines: string[] = [`tree ${root}`];
  for (let i = 0; i < parents; i++) lines.push(`parent ${(i + 1).toString(16).padStart(8, '0').repeat(5)}`);
  lines.push(`author ${who}`, `committer ${who}`, 'x-note first line', ' second line of x-note');
  const message = `A commit with ${parents} parents\n\n${'All work and no play makes Jack a dull boy. '.repeat(Math.ceil(400_000 / 44))}\n`;
  const octopus = writeObject(gitDir, 'commit', Buffer.from(`${lines.join('\n')}\n\n${message}`, 'utf8'));

  const tagLines = [`object ${main}`, 'type commit', 'tag huge-tag', `tagger ${who}`];
  for (let i = 0; i < tagHeaders; i++) tagLines.push(`x-h${i} value ${i}`);
  const tag = writeObject(gitDir, 'tag', Buffer.from(`${tagLines.join('\n')}\n\na tag with ${tagHeaders} extra headers\n`));

  // Written as files: git update-ref parses the commit, and git 2.39 takes 80 s over a million parents.
  writeFileSync(join(gitDir, 'refs/heads/main'), `${main}\n`);
  writeFileSync(join(gitDir, 'refs/heads/octopus'), `${octopus}\n`);
  writeFileSync(join(gitDir, 'refs/tags/huge-tag'), `${tag}\n`);
  return {
    dir,
    gitDir,
    octopus,
    main,
    root,
    big: bigTree,
    tag,
    blob,
    rootNames: rootEntries.map((e) => e.name),
    parents,
    bigEntries,
    tagHeaders,
    messageBytes: Buffer.byteLength(message),
  };
}
