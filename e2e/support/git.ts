import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * git's answers about a fixture, read from fixtures/build/<name>/expect/ (written by
 * fixtures/build.sh and fixtures/build-big.sh) or asked of git itself with the same pinned
 * environment. Tests compare the screen with these, never with values copied from the screen.
 */

export const FIXTURES = fileURLToPath(new URL('../../fixtures/build/', import.meta.url));

/** The fixture's folder: fixtures/build/<name>. */
export function fixtureDir(name: string): string {
  const dir = join(FIXTURES, name);
  if (!existsSync(join(dir, 'expect'))) throw new Error(`fixture ${name} is not built: run bash fixtures/build.sh (and fixtures/build-big.sh)`);
  return dir;
}

/** The fixture's git dir (repo/.git or repo.git), absolute. */
export function gitDir(name: string): string {
  return join(fixtureDir(name), readFileSync(join(fixtureDir(name), 'gitdir'), 'utf8').trim());
}

/** The folder a person would choose: the work tree for non-bare fixtures, else the bare repo. */
export function repoFolder(name: string): string {
  const rel = readFileSync(join(fixtureDir(name), 'gitdir'), 'utf8').trim();
  return join(fixtureDir(name), rel.endsWith('/.git') ? rel.slice(0, -'/.git'.length) : rel);
}

export function expectFile(name: string, file: string): Buffer {
  return readFileSync(join(fixtureDir(name), 'expect', file));
}

export interface Listed {
  oid: string;
  type: string;
  size: number;
}

/** `git cat-file --batch-all-objects --batch-check`, in git's (sorted) order. */
export function batchCheck(name: string): Listed[] {
  return expectFile(name, 'batch-check.txt')
    .toString('utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const [oid, type, size] = l.split(' ');
      return { oid, type, size: Number(size) };
    });
}

export interface Meta {
  objects: number;
  byType: Record<string, number>;
  loose: number;
  packs: { name: string; objects: number; fields: Record<string, string> }[];
  midx?: { packs: number; objects: number; covers: Record<string, boolean> };
}

/** meta.txt, parsed. */
export function meta(name: string): Meta {
  const text = expectFile(name, 'meta.txt').toString('utf8');
  const m: Meta = { objects: NaN, byType: {}, loose: 0, packs: [] };
  const covers: Record<string, boolean> = {};
  for (const line of text.split('\n')) {
    let r: RegExpMatchArray | null;
    if ((r = line.match(/^objects: (\d+)$/))) m.objects = Number(r[1]);
    else if ((r = line.match(/^objects_by_type: (.*)$/))) for (const kv of r[1].split(' ')) m.byType[kv.split('=')[0]] = Number(kv.split('=')[1]);
    else if ((r = line.match(/^loose_objects: (\d+)$/))) m.loose = Number(r[1]);
    else if ((r = line.match(/^pack (\S+): (.*)$/))) {
      const fields = Object.fromEntries(r[2].split(' ').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
      m.packs.push({ name: r[1], objects: Number(fields.objects), fields });
    } else if ((r = line.match(/^midx: yes .*packs=(\d+) objects=(\d+)/))) m.midx = { packs: Number(r[1]), objects: Number(r[2]), covers };
    else if ((r = line.match(/^midx_covers (\S+): (yes|no)$/))) covers[r[1]] = r[2] === 'yes';
  }
  return m;
}

/**
 * What the overview calls "object entries", from meta.txt: loose objects, plus the midx's
 * objects and the packs it does not cover, or every pack's objects when there is no midx. A copy
 * in two places counts twice; git's object count (batch-check) counts it once.
 */
export function entriesCount(m: Meta): number {
  if (!m.midx) return m.loose + m.packs.reduce((s, p) => s + p.objects, 0);
  return m.loose + m.midx.objects + m.packs.filter((p) => !m.midx!.covers[p.name]).reduce((s, p) => s + p.objects, 0);
}

export interface PackEntry {
  oid: string;
  type: string;
  size: number;
  stored: number;
  offset: number;
  depth: number;
  base?: string;
}

/** Every delta whose chain reaches `oid` (not `oid` itself): what a damaged `oid` takes down with it. */
export function dependentsOf(entries: PackEntry[], oid: string): Set<string> {
  const out = new Set([oid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const e of entries) {
      if (e.base && out.has(e.base) && !out.has(e.oid)) {
        out.add(e.oid);
        grew = true;
      }
    }
  }
  out.delete(oid);
  return out;
}

/** The pack names that have a verify-pack-<pack>.txt. */
export function verifiedPacks(name: string): string[] {
  return readdirSync(join(fixtureDir(name), 'expect'))
    .filter((f) => f.startsWith('verify-pack-') && f.endsWith('.txt'))
    .map((f) => f.slice('verify-pack-'.length, -'.txt'.length))
    .sort();
}

/** `git verify-pack -v <pack>.idx`: every object with type, size, stored size, offset, depth, base. */
export function verifyPack(name: string, pack: string): PackEntry[] {
  const out: PackEntry[] = [];
  for (const line of expectFile(name, `verify-pack-${pack}.txt`).toString('utf8').split('\n')) {
    if (!/^[0-9a-f]{40,64} /.test(line)) continue;
    const f = line.trim().split(/\s+/);
    const e: PackEntry = { oid: f[0], type: f[1], size: Number(f[2]), stored: Number(f[3]), offset: Number(f[4]), depth: 0 };
    if (f.length >= 7) {
      e.depth = Number(f[5]);
      e.base = f[6];
    }
    out.push(e);
  }
  return out;
}

/** The ids a delta's chain passes through, nearest base first, following verify-pack's bases. */
export function chainOf(entries: PackEntry[], oid: string): string[] {
  const byOid = new Map(entries.map((e) => [e.oid, e]));
  const bases: string[] = [];
  let e = byOid.get(oid);
  while (e?.base) {
    bases.push(e.base);
    e = byOid.get(e.base);
  }
  return bases;
}

/** The objects that have p/<oid>.txt (`git cat-file -p`), with their types from t.txt. */
export function printed(name: string): { oid: string; type: string; body: Buffer }[] {
  const types = new Map(
    expectFile(name, 't.txt')
      .toString('utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split(' ') as [string, string]),
  );
  const dir = join(fixtureDir(name), 'expect', 'p');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.txt'))
    .sort()
    .map((f) => {
      const oid = f.slice(0, -4);
      return { oid, type: types.get(oid) ?? '?', body: readFileSync(join(dir, f)) };
    });
}

/** refs.txt: `<oid> <type> <refname>`. */
export function refs(name: string): { oid: string; type: string; ref: string }[] {
  return expectFile(name, 'refs.txt')
    .toString('utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [oid, type, ref] = l.split(' ');
      return { oid, type, ref };
    });
}

/** The message of a raw commit or tag: everything after the first blank line. */
export function messageOf(raw: Buffer): Buffer {
  const at = raw.indexOf('\n\n');
  return at < 0 ? Buffer.alloc(0) : raw.subarray(at + 2);
}

/** The header lines of a raw commit or tag (before the first blank line). */
export function headersOf(raw: Buffer): string[] {
  const at = raw.indexOf('\n\n');
  return raw
    .subarray(0, at < 0 ? raw.length : at)
    .toString('latin1')
    .split('\n');
}

/** Decodes bytes as UTF-8 or returns undefined when they are not valid UTF-8. */
export function utf8(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/** Undoes core.quotePath quoting ("na\303\257ve" → bytes). */
export function unquotePath(s: string): Buffer {
  if (!s.startsWith('"')) return Buffer.from(s, 'utf8');
  const bytes: number[] = [];
  const simple: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '"': 34, '\\': 92 };
  for (let i = 1; i < s.length - 1; i++) {
    const c = s[i];
    if (c !== '\\') {
      bytes.push(...Buffer.from(c, 'utf8'));
      continue;
    }
    const n = s[++i];
    if (/[0-7]/.test(n)) {
      bytes.push(parseInt(s.slice(i, i + 3), 8));
      i += 2;
    } else bytes.push(simple[n] ?? n.charCodeAt(0));
  }
  return Buffer.from(bytes);
}

export interface TreeLine {
  mode: string;
  type: string;
  oid: string;
  /** The name's bytes. */
  name: Buffer;
}

/** Parses `git cat-file -p <tree>` / `git ls-tree` output. */
export function parseTree(text: Buffer): TreeLine[] {
  return text
    .toString('utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const tab = l.indexOf('\t');
      const [mode, type, oid] = l.slice(0, tab).split(' ');
      return { mode, type, oid, name: unquotePath(l.slice(tab + 1)) };
    });
}

let home: string | undefined;

/** Runs git on a fixture with the environment fixtures/build.sh pins. */
export function git(name: string, args: string[]): Buffer {
  home ??= mkdtempSync(join(tmpdir(), 'packscope-e2e-home-'));
  return execFileSync('git', [`--git-dir=${gitDir(name)}`, ...args], {
    env: {
      PATH: process.env.PATH,
      HOME: home,
      XDG_CONFIG_HOME: join(home, '.config'),
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      LC_ALL: 'C',
      TZ: 'UTC',
      GIT_CEILING_DIRECTORIES: FIXTURES,
      GIT_PAGER: 'cat',
    },
    maxBuffer: 256 * 1024 * 1024,
  });
}
