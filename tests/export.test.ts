import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { inflateSync, unzipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { fsDirectoryReader } from '../src/cli/node-host.ts';
import { exportObject, type ObjectExportForm } from '../src/core/export/object-export.ts';
import { planTreeExport, unsafeName } from '../src/core/export/tree-plan.ts';
import { writeTreeZip } from '../src/core/export/tree-zip.ts';
import { ObjectDatabase } from '../src/core/odb/database.ts';
import { readZipDirectory, zipEntryData, type ZipDirectoryEntry } from '../src/core/export/zip-directory.ts';
import { fromHex } from '../src/core/hash/hex.ts';
import { Cancelled, type HandlerContext } from '../src/protocol/rpc.ts';
import type { TreeZipAnswer, TreeZipDone } from '../src/protocol/evidence.ts';
import { archiveName, exportTreeZip } from '../src/core/export/archive.ts';
import { Session } from '../src/worker/session.ts';
import { BUILD, builtFixtures, git, type Fixture } from './support/cli.ts';
import { buildPack, memoryRepository, oidOf } from './support/pack-builder.ts';

/**
 * Exports checked against git: a tree's zip against `git archive --format=zip` entry by entry
 * (names as bytes, sizes, CRC-32, unix modes in the external attributes, text flags, times,
 * symlink targets, contents, the commit id comment); an object's loose file against its id
 * and `git cat-file`; and trees built to explode, refused before anything is written.
 */

const ctx: HandlerContext = { progress: () => {}, checkCancelled: () => {}, pause: async () => {}, transfer: () => {} };
const fixtures = builtFixtures();
const byName = (name: string) => fixtures.find((f) => f.name === name) as Fixture;
const gitDir = (f: Fixture) => join(f.packDir, '../..');
const TMP = mkdtempSync(join(tmpdir(), 'packscope-export-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

const sessions = new Map<string, Session>();
async function open(path: string, title = 'repo'): Promise<Session> {
  let s = sessions.get(path);
  if (!s) sessions.set(path, (s = await Session.open(title, fsDirectoryReader(path))));
  return s;
}

function concat(blocks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(blocks.reduce((n, b) => n + b.length, 0));
  let pos = 0;
  for (const b of blocks) {
    out.set(b, pos);
    pos += b.length;
  }
  return out;
}

async function ourZip(s: Session, rev: string, path: string[] = []): Promise<{ answer: TreeZipDone; zip: Uint8Array }> {
  const answer = await exportTreeZip(s.db, s.refs, s.title, { rev, path }, ctx);
  if (answer.kind !== 'zip') throw new Error(answer.refusal.message);
  return { answer, zip: concat(answer.blocks) };
}

function gitArchive(dir: string, treeish: string): Uint8Array {
  const r = git(['--git-dir', dir, 'archive', '--format=zip', treeish]);
  if (r.status !== 0) throw new Error(`git archive ${treeish}: ${r.stderr}`);
  return new Uint8Array(r.stdout);
}

const latin1 = new TextDecoder('latin1');

/** What must agree between two zips' entries: all but how the data was compressed and where it sits. */
function facts(e: ZipDirectoryEntry, withTimes: boolean) {
  return {
    name: latin1.decode(e.name),
    madeBy: e.madeBy.toString(16),
    versionNeeded: e.versionNeeded,
    flags: e.flags,
    crc: e.crc,
    size: e.size,
    text: e.internalAttributes,
    external: e.externalAttributes.toString(8),
    ...(withTimes ? { dosTime: e.dosTime, dosDate: e.dosDate, extra: Buffer.from(e.extra).toString('hex') } : {}),
  };
}

/** True for an archive path one of whose names we refuse to write (git archive writes it). */
function refusedPath(name: Uint8Array): boolean {
  const parts: Uint8Array[] = [];
  let start = 0;
  for (let i = 0; i <= name.length; i++) {
    if (i === name.length || name[i] === 0x2f) {
      if (i > start) parts.push(name.subarray(start, i));
      start = i + 1;
    }
  }
  return parts.some((p) => unsafeName(p) !== undefined);
}

/**
 * Compares our zip with git's: entry list, attributes, contents (read two ways), comment. The one
 * intended difference: entries whose names an unpacked archive must not hold (`unsafeName`: a
 * `\` in varied's odd/ folder) are left out of ours, and our comment lists them after git's.
 */
function expectSameArchive(ours: Uint8Array, theirs: Uint8Array, withTimes: boolean): void {
  const a = readZipDirectory(ours);
  const all = readZipDirectory(theirs);
  const b = { ...all, entries: all.entries.filter((e) => !refusedPath(e.name)) };
  const dropped = all.entries.length - b.entries.length;
  expect(a.entries.map((e) => facts(e, withTimes))).toEqual(b.entries.map((e) => facts(e, withTimes)));
  for (let i = 0; i < a.entries.length; i++) {
    expect(Buffer.from(zipEntryData(ours, a.entries[i])).equals(Buffer.from(zipEntryData(theirs, b.entries[i]))), latin1.decode(a.entries[i].name)).toBe(true);
  }
  if (withTimes && dropped === 0) expect(latin1.decode(a.comment)).toBe(latin1.decode(b.comment));
  if (withTimes && dropped > 0) expect(latin1.decode(a.comment).startsWith(`${latin1.decode(b.comment)}${b.comment.length ? '\n' : ''}packscope left out ${dropped} entr`)).toBe(true);
  // And as any unzip tool sees them.
  const ua = unzipSync(ours);
  const ub = Object.fromEntries(Object.entries(unzipSync(theirs)).filter(([k]) => !refusedPath(new TextEncoder().encode(k))));
  expect(Object.keys(ua)).toEqual(Object.keys(ub));
  for (const k of Object.keys(ub)) expect(Buffer.from(ua[k]).equals(Buffer.from(ub[k])), k).toBe(true);
}

describe('tree as zip, against git archive --format=zip', () => {
  const varied = byName('varied');

  it('varied HEAD: every entry, mode, link, submodule folder, time and the commit comment', async () => {
    const s = await open(varied.path, 'varied');
    const { answer, zip } = await ourZip(s, 'HEAD');
    const theirs = gitArchive(gitDir(varied), 'HEAD');
    expectSameArchive(zip, theirs, true);
    const entries = readZipDirectory(zip).entries;
    // The varied tree has them all: a symlink (mode 120777 in the top 16 bits), an executable,
    // a submodule written as an empty folder, a name that is not UTF-8 (no UTF-8 flag).
    const find = (name: string) => entries.find((e) => latin1.decode(e.name) === name) as ZipDirectoryEntry;
    expect(find('link-to-readme').externalAttributes / 0x10000).toBe(0o120777);
    const target = git(['--git-dir', gitDir(varied), 'cat-file', '-p', 'HEAD:link-to-readme']).stdout.toString();
    expect(new TextDecoder().decode(zipEntryData(zip, find('link-to-readme')))).toBe(target);
    expect(find('scripts/run.sh').externalAttributes / 0x10000).toBe(0o100755);
    expect(find('sub/').externalAttributes).toBe(0x10);
    expect(find('odd/\xff\xfe.bin').flags).toBe(0);
    expect(find('odd/na\xc3\xafve caf\xc3\xa9.txt').flags).toBe(0x800);
    const modes = git(['--git-dir', gitDir(varied), 'ls-tree', '-r', '-t', 'HEAD'])
      .stdout.toString()
      .trim()
      .split('\n')
      .map((l) => l.split(' ')[0]);
    const count = (...m: string[]) => modes.filter((x) => m.includes(x)).length;
    // odd/back\\slash.txt is the one name left out (a folder separator on Windows), and listed.
    expect(answer).toMatchObject({ files: count('100644', '100755') - 1, symlinks: count('120000'), submodules: count('160000'), directories: count('040000') });
    expect(answer.problems.map((p) => p.path)).toEqual(['odd/back\\slash.txt']);
    expect(answer.symlinks * answer.submodules * answer.directories).toBeGreaterThan(0);
    expect(answer.name).toBe(`varied-${answer.commit?.slice(0, 7)}.zip`);
  });

  it.each([['v0.1'], ['feature'], ['orphan'], ['signed'], ['tree-tag']])('varied %s', async (rev) => {
    const s = await open(varied.path, 'varied');
    const { zip } = await ourZip(s, rev);
    expectSameArchive(zip, gitArchive(gitDir(varied), rev), true);
  });

  it.each([[['a']], [['odd']], [['a', 'b', 'c']]])('varied HEAD folder %j equals git archive HEAD:<path> (times: the commit time)', async (path) => {
    const s = await open(varied.path, 'varied');
    const { answer, zip } = await ourZip(s, 'HEAD', path);
    expectSameArchive(zip, gitArchive(gitDir(varied), `HEAD:${path.join('/')}`), false);
    expect(answer.name).toBe(`varied-${answer.commit?.slice(0, 7)}-${path.join('-')}.zip`);
    expect(readZipDirectory(zip).entries.every((e) => Buffer.from(e.extra).readUInt32LE(5) === answer.mtime)).toBe(true);
  });

  it.each([['loose'], ['sha256'], ['multi-pack'], ['demo'], ['ref-delta']])('%s HEAD', async (name) => {
    const f = byName(name);
    const s = await open(f.path, name);
    const { zip } = await ourZip(s, 'HEAD');
    expectSameArchive(zip, gitArchive(gitDir(f), 'HEAD'), true);
  });

  it('a bare tree gets the time of the export and no comment, as git does', async () => {
    const s = await open(varied.path, 'varied');
    const tree = git(['--git-dir', gitDir(varied), 'rev-parse', 'HEAD^{tree}'])
      .stdout.toString()
      .trim();
    const before = Math.floor(Date.now() / 1000);
    const { answer, zip } = await ourZip(s, tree);
    expect(answer.commit).toBeUndefined();
    expect(answer.mtime).toBeGreaterThanOrEqual(before);
    // git writes no comment for a bare tree; ours holds only the list of what was left out.
    expect(new TextDecoder().decode(readZipDirectory(zip).comment)).toMatch(/^packscope left out 1 entry:\n"odd\/back\\\\slash.txt": /);
    expectSameArchive(zip, gitArchive(gitDir(varied), tree), false);
    expect(answer.name).toBe(`varied-${tree.slice(0, 7)}.zip`);
  });

  it('large-blobs: 50 MiB of files, deflated in slices that pause and can be cancelled', async () => {
    const f = byName('large-blobs');
    const s = await open(f.path, 'large-blobs');
    let pauses = 0;
    const cancelling: HandlerContext = {
      ...ctx,
      pause: async () => {
        if (++pauses === 3) throw new Cancelled();
      },
    };
    const started = performance.now();
    await expect(exportTreeZip(s.db, s.refs, s.title, { rev: 'HEAD', path: [] }, cancelling)).rejects.toBeInstanceOf(Cancelled);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(pauses).toBe(3);
  });
});

describe('export names', () => {
  it('repo, short id and path, with characters a file name cannot hold replaced', () => {
    expect(archiveName('my repo', { tree: fromHex('ab'.repeat(20)), commit: { oid: 'cd'.repeat(20), time: 0 } }, ['a', 'b:c'])).toBe('my repo-cdcdcdc-a-b_c.zip');
    expect(archiveName('x', { tree: fromHex('ab'.repeat(20)) }, [])).toBe('x-ababab.zip'.replace('ababab', 'abababa'));
  });
});

/** A scratch repository where hostile objects are written directly as loose objects. */
function scratchRepo(name: string): string {
  const dir = join(TMP, name);
  mkdirSync(dir, { recursive: true });
  expect(git(['init', '--bare', '-q', dir]).status).toBe(0);
  return dir;
}

function writeLoose(dir: string, type: string, content: Buffer): string {
  const raw = Buffer.concat([Buffer.from(`${type} ${content.length}\0`), content]);
  const oid = createHash('sha1').update(raw).digest('hex');
  mkdirSync(join(dir, 'objects', oid.slice(0, 2)), { recursive: true });
  writeFileSync(join(dir, 'objects', oid.slice(0, 2), oid.slice(2)), deflateSync(raw));
  return oid;
}

function treeBytes(entries: [string, string, string][]): Buffer {
  return Buffer.concat(entries.map(([mode, name, oid]) => Buffer.concat([Buffer.from(`${mode} `), Buffer.from(name, 'latin1'), Buffer.from([0]), Buffer.from(oid, 'hex')])));
}

function mktree(dir: string, lines: string[], missing = false): string {
  const r = git(['--git-dir', dir, 'mktree', ...(missing ? ['--missing'] : [])], { input: lines.join('\n') + '\n' });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.toString().trim();
}

describe('trees built to explode', () => {
  it('16 copies of the same subtree per level, 12 levels (made with git mktree): refused in under a second, saying what was found', async () => {
    const dir = scratchRepo('explode');
    const blob = git(['--git-dir', dir, 'hash-object', '-w', '--stdin'], { input: 'boom\n' }).stdout.toString().trim();
    let tree = mktree(dir, [`100644 blob ${blob}\tf`]);
    for (let level = 0; level < 12; level++)
      tree = mktree(
        dir,
        Array.from({ length: 16 }, (_, i) => `040000 tree ${tree}\td${String(i).padStart(2, '0')}`),
      );
    const s = await open(dir);
    const started = performance.now();
    const answer: TreeZipAnswer = await exportTreeZip(s.db, s.refs, s.title, { rev: tree, path: [] }, ctx);
    const ms = performance.now() - started;
    expect(ms).toBeLessThan(1000);
    expect(answer.kind).toBe('refused');
    if (answer.kind !== 'refused') return;
    const r = answer.refusal;
    expect(r).toMatchObject({ reason: 'entries', tree, distinctObjects: 14, partial: false, depth: 12 });
    // 16 + 16^2 + … + 16^12 folders, and 16^12 copies of the file: about 5.8·10^14.
    expect(r.entries).toBe((16 ** 13 - 16) / 15 + 16 ** 12);
    expect(r.message).toContain(`tree ${tree.slice(0, 12)}… expands to 5.8·10^14 entries`);
    expect(r.message).toContain('from 14 distinct objects — refused');
    expect(r.message).toContain('Export a subtree instead');
    expect(r.message).toContain('The limits are 200,000 entries, 2.0 GiB');
  });

  it('within the entry limit but the same subtree over and over: refused as amplification', async () => {
    const dir = scratchRepo('amplify');
    const blob = git(['--git-dir', dir, 'hash-object', '-w', '--stdin'], { input: 'x' }).stdout.toString().trim();
    let tree = mktree(
      dir,
      Array.from({ length: 16 }, (_, i) => `100644 blob ${blob}\tf${i}`),
    );
    for (let level = 0; level < 3; level++)
      tree = mktree(
        dir,
        Array.from({ length: 16 }, (_, i) => `040000 tree ${tree}\td${i}`),
      );
    const s = await open(dir);
    const answer = await exportTreeZip(s.db, s.refs, s.title, { rev: tree, path: [] }, ctx);
    expect(answer.kind === 'refused' && answer.refusal).toMatchObject({ reason: 'amplification', entries: 16 + 256 + 4096 + 65536, distinctObjects: 5 });
    // Raising the limit lets it through (the examiner decides), and the zip has every entry.
    const allowed = await exportTreeZip(s.db, s.refs, s.title, { rev: tree, path: [], limits: { maxAmplification: 1e6 } }, ctx);
    expect(allowed.kind).toBe('zip');
    if (allowed.kind === 'zip') expect(readZipDirectory(concat(allowed.blocks)).entries.length).toBe(16 + 256 + 4096 + 65536);
  });

  it('nesting 2,000 folders deep: no stack overflow, and the same entries as git archive', async () => {
    const dir = scratchRepo('deep');
    let tree = writeLoose(dir, 'tree', treeBytes([['100644', 'bottom.txt', writeLoose(dir, 'blob', Buffer.from('deep\n'))]]));
    for (let i = 0; i < 2000; i++) tree = writeLoose(dir, 'tree', treeBytes([['40000', 'd', tree]]));
    const s = await open(dir);
    const { zip } = await ourZip(s, tree);
    expect(readZipDirectory(zip).entries.length).toBe(2001);
    expectSameArchive(zip, gitArchive(dir, tree), false);
  });

  it('nesting past the depth limit: refused without reading further', async () => {
    const dir = scratchRepo('deeper');
    let tree = writeLoose(dir, 'tree', treeBytes([]));
    for (let i = 0; i < 4200; i++) tree = writeLoose(dir, 'tree', treeBytes([['40000', 'd', tree]]));
    const s = await open(dir);
    const answer = await exportTreeZip(s.db, s.refs, s.title, { rev: tree, path: [] }, ctx);
    expect(answer.kind === 'refused' && answer.refusal).toMatchObject({ reason: 'depth', depth: 4096, partial: true });
    expect(answer.kind === 'refused' && answer.refusal.message).toContain('nests folders at least 4,096 deep');
  });
});

describe('damaged and hostile trees: what is readable is written, the rest is listed', () => {
  it('missing objects and a name that would leave the folder are left out and named', async () => {
    const dir = scratchRepo('holes');
    const ok = writeLoose(dir, 'blob', Buffer.from('still here\n'));
    const gone = 'ab'.repeat(20);
    const lost = 'cd'.repeat(20);
    const tree = writeLoose(
      dir,
      'tree',
      treeBytes([
        ['100644', '..', ok],
        ['100644', 'gone.txt', gone],
        ['40000', 'lost', lost],
        ['100644', 'ok.txt', ok],
      ]),
    );
    const s = await open(dir);
    const { answer, zip } = await ourZip(s, tree);
    expect(Object.keys(unzipSync(zip))).toEqual(['ok.txt']);
    expect(new TextDecoder().decode(unzipSync(zip)['ok.txt'])).toBe('still here\n');
    expect(answer.problems.map((p) => [p.path, p.oid])).toEqual([
      ['..', ok],
      ['gone.txt', gone],
      ['lost', lost],
    ]);
    expect(answer.problems[0].message).toContain('the name ".."');
    expect(answer.problems[1].message).toContain('NotFound');
  });
});

describe('objects as files', () => {
  const varied = byName('varied');
  const pDir = join(varied.expect, 'p');
  const oids = readdirSync(pDir)
    .filter((f) => f.endsWith('.txt'))
    .map((f) => f.slice(0, -4));
  const types = new Map(
    readFileSync(join(varied.expect, 't.txt'), 'latin1')
      .trim()
      .split('\n')
      .map((l) => l.split(' ') as [string, string]),
  );

  it('the loose form inflates to <type> <size>\\0<content>, hashes to the id, and git reads it from objects/', async () => {
    const s = await open(varied.path, 'varied');
    const dir = scratchRepo('dropped');
    expect(oids.length).toBeGreaterThan(20);
    for (const oid of oids) {
      const obj = s.db.read(fromHex(oid));
      const loose = exportObject(oid, obj, 'loose', s.db.algo);
      expect(loose.name).toBe(oid);
      const inflated = inflateSync(loose.bytes.subarray(2, loose.bytes.length - 4));
      expect(createHash('sha1').update(inflated).digest('hex')).toBe(oid);
      expect(Buffer.from(inflated).equals(Buffer.from(exportObject(oid, obj, 'header', s.db.algo).bytes))).toBe(true);
      mkdirSync(join(dir, 'objects', oid.slice(0, 2)), { recursive: true });
      writeFileSync(join(dir, 'objects', oid.slice(0, 2), oid.slice(2)), loose.bytes);
    }
    // Every dropped file is an object git reads back as the original, header and content.
    const batch = git(['--git-dir', dir, 'cat-file', '--batch'], { input: oids.join('\n') + '\n' }).stdout;
    const expected = Buffer.concat(
      oids.map((oid) => {
        const data = s.db.read(fromHex(oid)).data;
        return Buffer.concat([Buffer.from(`${oid} ${types.get(oid)} ${data.length}\n`), data, Buffer.from('\n')]);
      }),
    );
    expect(batch.equals(expected)).toBe(true);
  });

  it('the pretty form equals git cat-file -p; content and header forms are named by type', async () => {
    const s = await open(varied.path, 'varied');
    for (const oid of oids) {
      const obj = s.db.read(fromHex(oid));
      const pretty = exportObject(oid, obj, 'pretty', s.db.algo);
      expect(Buffer.from(pretty.bytes).equals(readFileSync(join(pDir, `${oid}.txt`))), oid).toBe(true);
      const forms: ObjectExportForm[] = ['content', 'header', 'pretty'];
      expect(forms.map((f) => exportObject(oid, obj, f, s.db.algo).name)).toEqual([`${oid}.${obj.type}`, `${oid}.${obj.type}.raw`, `${oid}.${obj.type}.txt`]);
    }
    const blob = oids.find((o) => types.get(o) === 'blob') as string;
    expect(exportObject(blob, s.db.read(fromHex(blob)), 'content', s.db.algo, 'notes.txt').name).toBe('notes.txt');
  });

  it('the planner reads each distinct tree once (the measure of a real repository is cheap)', async () => {
    const s = await open(join(BUILD, 'varied', 'repo'), 'varied');
    const tree = git(['--git-dir', gitDir(varied), 'rev-parse', 'HEAD^{tree}'])
      .stdout.toString()
      .trim();
    const planned = await planTreeExport(s.db, fromHex(tree));
    expect(planned.kind).toBe('plan');
    if (planned.kind !== 'plan') return;
    const lsTree = git(['--git-dir', gitDir(varied), 'ls-tree', '-r', '-t', tree])
      .stdout.toString()
      .trim()
      .split('\n');
    expect(planned.plan.totals.entries).toBe(lsTree.length - 1); // odd/back\\slash.txt is left out
    expect(planned.plan.problems.map((p) => p.path)).toEqual(['odd/back\\slash.txt']);
    expect(planned.plan.trees.size).toBe(new Set(lsTree.filter((l) => l.includes(' tree ')).map((l) => l.split(/\s+/)[2])).size + 1);
    expect(planned.plan.totals.depth).toBe(5);
  });
});

describe('names an unpacked archive must not hold (git verify_path, issue 10 defect 3)', () => {
  it('refuses .git and every alias of it, Windows separators and trailing dots or spaces; keeps look-alikes git keeps', () => {
    const refused = ['.git', '.GIT', '.Git', '.g\u200cit', '\ufeff.git', '.git.', '.git ', '.git. .', 'git~1', 'GIT~1', 'a\\b', 'c:d', 'name.', 'name ', '..', '.', ''];
    for (const name of refused) expect(unsafeName(new TextEncoder().encode(name)), JSON.stringify(name)).toBeDefined();
    const kept = ['.gitignore', '.github', 'git', '.gi', 'git~2', '.git~1', 'a.b', 'README', '…'];
    for (const name of kept) expect(unsafeName(new TextEncoder().encode(name)), JSON.stringify(name)).toBeUndefined();
  });

  it('a tree planting .git/config (core.fsmonitor) and repeating a name: both left out of the zip and listed, in the panel and the archive comment', async () => {
    const te = new TextEncoder();
    const sha = (type: 'blob' | 'tree', data: Uint8Array): Uint8Array => oidOf(type, data);
    const tree = (entries: [string, string, Uint8Array][]): Uint8Array => {
      const parts: number[] = [];
      for (const [mode, name, oid] of entries) parts.push(...te.encode(`${mode} ${name}\0`), ...oid);
      return Uint8Array.from(parts);
    };
    const config = te.encode('[core]\n\tfsmonitor = "touch /tmp/pwned"\n');
    const readme = te.encode('hello\n');
    const other = te.encode('a second README\n');
    const gitTree = tree([['100644', 'config', sha('blob', config)]]);
    const root = tree([
      ['40000', '.GIT', sha('tree', gitTree)],
      ['100644', 'README', sha('blob', readme)],
      ['100644', 'README', sha('blob', other)],
      ['100644', 'git~1', sha('blob', readme)],
    ]);
    const built = buildPack([
      { kind: 'object', type: 'blob', data: config },
      { kind: 'object', type: 'blob', data: readme },
      { kind: 'object', type: 'blob', data: other },
      { kind: 'object', type: 'tree', data: gitTree },
      { kind: 'object', type: 'tree', data: root },
    ]);
    const db = new ObjectDatabase(memoryRepository({ 'pack-t.pack': built.pack, 'pack-t.idx': built.idx }));
    const planned = await planTreeExport(db, sha('tree', root));
    if (planned.kind !== 'plan') throw new Error('refused');
    const zip = await writeTreeZip(db, planned.plan, { mtime: 1700000000, comment: 'c'.repeat(40) });
    const bytes = new Uint8Array(zip.bytes);
    let at = 0;
    for (const b of zip.blocks) {
      bytes.set(b, at);
      at += b.length;
    }
    const dir = readZipDirectory(bytes);
    expect(dir.entries.map((e) => new TextDecoder().decode(e.name))).toEqual(['README']);
    expect(new TextDecoder().decode(zipEntryData(bytes, dir.entries[0]))).toBe('hello\n');
    expect(zip.problems.map((p) => p.path)).toEqual(['.GIT', 'README', 'git~1']);
    expect(zip.problems[0].message).toContain("git's own folder");
    expect(zip.problems[1].message).toContain('same name');
    const comment = new TextDecoder().decode(dir.comment);
    expect(comment.startsWith(`${'c'.repeat(40)}\npackscope left out 3 entries:\n`)).toBe(true);
    expect(comment).toContain('".GIT": the name ".GIT"');
  });
});
