import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, builtFixtures, git } from './support/cli.ts';

/**
 * Issue 10, defects 6 and 7: the CLI meets a hostile folder. It must write only regular files,
 * never through a symbolic link, never into a FIFO or a device; and it must read only regular
 * files, refusing FIFOs, devices, sockets and folders before the first read instead of hanging.
 * A symbolic link to a regular file is a fine input (git follows it too).
 *
 * Every run has a time limit: a hang fails the test instead of blocking the suite.
 */

const demo = builtFixtures().find((f) => f.name === 'demo');
const multiPack = builtFixtures().find((f) => f.name === 'multi-pack');
const dangling = builtFixtures().find((f) => f.name === 'dangling');

/** A run that may have been killed at its time limit. */
interface LimitedRun {
  status: number | null;
  stdout: string;
  stderr: string;
  hung: boolean;
}

/** Runs the bundled CLI, killed after `limitMs` (the CLI starts in well under a second). */
function run(args: string[], limitMs = 10_000): LimitedRun {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run node scripts/build-cli.mjs first`);
  const r = spawnSync(process.execPath, [CLI, ...args], { timeout: limitMs, killSignal: 'SIGKILL', maxBuffer: 1 << 28 });
  const hung = r.signal === 'SIGKILL' || (r.error as { code?: string } | undefined)?.code === 'ETIMEDOUT';
  if (r.error && !hung) throw r.error;
  return { status: r.status, stdout: r.stdout?.toString('latin1') ?? '', stderr: r.stderr?.toString() ?? '', hung };
}

function mkfifo(path: string): void {
  const r = spawnSync('mkfifo', [path]);
  if (r.status !== 0) throw new Error(`mkfifo ${path} failed: ${r.stderr?.toString()}`);
}

let tmp: string;
/** The demo fixture's first pack: `<packDir>/<base>.pack|.idx`. */
let base: string;
let packDir: string;
const sockets: Server[] = [];

beforeAll(() => {
  if (!demo || !multiPack || !dangling) throw new Error('fixtures are missing: run npm run fixtures');
  tmp = mkdtempSync(join(tmpdir(), 'packscope-file-safety-'));
  packDir = demo.packDir;
  base = demo.packs[demo.packs.length - 1];
});

afterAll(() => {
  for (const s of sockets) s.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

let cases = 0;
/** A fresh folder holding a copy of the demo pack as `x.pack` (and `x.idx` unless told not to). */
function packFolder(options: { idx?: boolean; pack?: boolean } = {}): string {
  const dir = join(tmp, `case-${++cases}`);
  mkdirSync(dir);
  if (options.pack !== false) copyFileSync(join(packDir, `${base}.pack`), join(dir, 'x.pack'));
  if (options.idx === true) copyFileSync(join(packDir, `${base}.idx`), join(dir, 'x.idx'));
  return dir;
}

/** A folder outside the pack folder, standing for the rest of the examiner's machine. */
function outsideFolder(): string {
  const dir = join(tmp, `outside-${++cases}`);
  mkdirSync(dir);
  return dir;
}

function expectNotHung(r: LimitedRun): void {
  expect(r.hung, `the CLI hung (killed at its time limit); stderr: ${r.stderr}`).toBe(false);
}

/** A write refused in git's `fatal:` style, naming the file and what it is, with git's exit 128. */
function expectWriteRefused(r: LimitedRun, file: string, what: RegExp): void {
  expectNotHung(r);
  expect(r.stderr).toContain(`fatal: refusing to write ${file}`);
  expect(r.stderr).toMatch(what);
  expect(r.status).toBe(128);
}

/** A read refused before the first byte: exit 1, the file named, what it is and what to do. */
function expectReadRefused(r: LimitedRun, file: string, what: RegExp): void {
  expectNotHung(r);
  expect(r.stderr).toContain(file);
  expect(r.stderr).toMatch(what);
  expect(r.stderr).toContain('not a regular file');
  expect(r.status).toBe(1);
}

describe('index-pack writes only regular files (defect 6)', () => {
  it('a dangling symbolic link named like the .idx: refused, nothing is created where it points', () => {
    const dir = packFolder();
    const outside = outsideFolder();
    symlinkSync(join(outside, 'planted'), join(dir, 'x.idx'));
    const r = run(['index-pack', join(dir, 'x.pack')]);
    expectWriteRefused(r, join(dir, 'x.idx'), /symbolic link/);
    expect(readdirSync(outside)).toEqual([]);
    expect(lstatSync(join(dir, 'x.idx')).isSymbolicLink()).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['x.idx', 'x.pack']);
  });

  it('a symbolic link to a file elsewhere: refused, the file and the link are left as they were', () => {
    const dir = packFolder();
    const outside = outsideFolder();
    writeFileSync(join(outside, 'target'), 'keep me\n');
    symlinkSync(join(outside, 'target'), join(dir, 'x.idx'));
    const r = run(['index-pack', join(dir, 'x.pack')]);
    expectWriteRefused(r, join(dir, 'x.idx'), /symbolic link/);
    expect(readFileSync(join(outside, 'target'), 'utf8')).toBe('keep me\n');
    expect(lstatSync(join(dir, 'x.idx')).isSymbolicLink()).toBe(true);

    // git 2.39 on the same input: unlink(x.idx), then open(O_CREAT|O_EXCL): it does not follow
    // the link either, but replaces it with a regular idx and exits 0. packscope leaves the
    // examined folder as it found it.
    const gitDir = packFolder();
    const gitOutside = outsideFolder();
    writeFileSync(join(gitOutside, 'target'), 'keep me\n');
    symlinkSync(join(gitOutside, 'target'), join(gitDir, 'x.idx'));
    const g = git(['index-pack', join(gitDir, 'x.pack')]);
    expect(g.status).toBe(0);
    expect(readFileSync(join(gitOutside, 'target'), 'utf8')).toBe('keep me\n');
    expect(lstatSync(join(gitDir, 'x.idx')).isFile()).toBe(true);
  });

  it('a symbolic link to /dev/zero: refused at once, nothing read or written (it used to grow to GBs)', () => {
    const dir = packFolder();
    symlinkSync('/dev/zero', join(dir, 'x.idx'));
    // A short limit: before the fix the CLI read /dev/zero into memory without end.
    const r = run(['index-pack', join(dir, 'x.pack')], 4_000);
    expectWriteRefused(r, join(dir, 'x.idx'), /symbolic link/);
  });

  it('a FIFO named like the .idx: refused, no hang', () => {
    const dir = packFolder();
    mkfifo(join(dir, 'x.idx'));
    const r = run(['index-pack', join(dir, 'x.pack')]);
    expectWriteRefused(r, join(dir, 'x.idx'), /FIFO/);
    expect(lstatSync(join(dir, 'x.idx')).isFIFO()).toBe(true);

    // git 2.39 unlinks the FIFO without opening it and writes a regular idx in its place (exit 0).
    const gitDir = packFolder();
    mkfifo(join(gitDir, 'x.idx'));
    expect(git(['index-pack', join(gitDir, 'x.pack')]).status).toBe(0);
    expect(lstatSync(join(gitDir, 'x.idx')).isFile()).toBe(true);
  });

  it("a folder named like the .idx: refused in git's fatal style, as git refuses it", () => {
    const dir = packFolder();
    mkdirSync(join(dir, 'x.idx'));
    const r = run(['index-pack', join(dir, 'x.pack')]);
    expectWriteRefused(r, join(dir, 'x.idx'), /directory/);
    // git 2.39: "fatal: unable to create '<dir>/x.idx': File exists", exit 128.
    const gitDir = packFolder();
    mkdirSync(join(gitDir, 'x.idx'));
    const g = git(['index-pack', join(gitDir, 'x.pack')]);
    expect(g.status).toBe(128);
    expect(g.stderr).toContain(`fatal: unable to create '${join(gitDir, 'x.idx')}': File exists`);
  });

  it('-o naming a dangling symbolic link: refused, nothing created where it points', () => {
    const dir = packFolder();
    const outside = outsideFolder();
    symlinkSync(join(outside, 'planted.idx'), join(dir, 'out.idx'));
    const r = run(['index-pack', '-o', join(dir, 'out.idx'), join(dir, 'x.pack')]);
    expectWriteRefused(r, join(dir, 'out.idx'), /symbolic link/);
    expect(readdirSync(outside)).toEqual([]);
  });

  it("a plain run still writes git's idx as a read-only regular file and leaves no temporary file", () => {
    const dir = packFolder();
    const r = run(['index-pack', join(dir, 'x.pack')]);
    expectNotHung(r);
    expect(r.status).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['x.idx', 'x.pack']);
    const st = lstatSync(join(dir, 'x.idx'));
    expect(st.isFile()).toBe(true);
    expect(st.mode & 0o777).toBe(0o444);
    expect(readFileSync(join(dir, 'x.idx')).equals(readFileSync(join(packDir, `${base}.idx`)))).toBe(true);
    // Run again over the identical idx: accepted as it is (same bytes), nothing else written.
    const again = run(['index-pack', join(dir, 'x.pack')]);
    expect(again.status).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['x.idx', 'x.pack']);
  });
});

describe('multi-pack-index write writes only regular files (defects 6 and 7)', () => {
  /** A copy of the multi-pack fixture's .git; returns [gitDir, packDir]. */
  function repoCopy(): [string, string] {
    const dir = join(tmp, `repo-${++cases}`);
    const gitDir = join(dir, '.git');
    cpSync(join((multiPack as { packDir: string }).packDir, '..', '..'), gitDir, { recursive: true });
    return [gitDir, join(gitDir, 'objects/pack')];
  }

  it('--output naming a FIFO: refused, no hang (git 2.39 has no --output)', () => {
    const [gitDir] = repoCopy();
    const out = join(tmp, `midx-fifo-${++cases}`);
    mkfifo(out);
    const r = run(['multi-pack-index', 'write', gitDir, '--output', out]);
    expectWriteRefused(r, out, /FIFO/);
    expect(lstatSync(out).isFIFO()).toBe(true);
  });

  it('--output naming a dangling symbolic link: refused, nothing created where it points', () => {
    const [gitDir] = repoCopy();
    const outside = outsideFolder();
    const out = join(tmp, `midx-link-${++cases}`);
    symlinkSync(join(outside, 'planted'), out);
    const r = run(['multi-pack-index', 'write', gitDir, '--output', out]);
    expectWriteRefused(r, out, /symbolic link/);
    expect(readdirSync(outside)).toEqual([]);
  });

  it('a multi-pack-index that is a symbolic link out of the folder: refused, the file it names is untouched', () => {
    const [gitDir, pd] = repoCopy();
    const outside = outsideFolder();
    writeFileSync(join(outside, 'midx'), 'keep me\n');
    rmSync(join(pd, 'multi-pack-index'));
    symlinkSync(join(outside, 'midx'), join(pd, 'multi-pack-index'));
    const r = run(['multi-pack-index', 'write', gitDir]);
    expectWriteRefused(r, join(pd, 'multi-pack-index'), /symbolic link/);
    expect(readFileSync(join(outside, 'midx'), 'utf8')).toBe('keep me\n');
    expect(lstatSync(join(pd, 'multi-pack-index')).isSymbolicLink()).toBe(true);
    expect(existsSync(join(pd, 'multi-pack-index.lock'))).toBe(false);

    // git 2.39 on the same input: its lockfile resolves the link, so it writes the new midx over
    // the file outside the repository (exit 0).
    const [, gitPd] = repoCopy();
    const gitOutside = outsideFolder();
    writeFileSync(join(gitOutside, 'midx'), 'keep me\n');
    rmSync(join(gitPd, 'multi-pack-index'));
    symlinkSync(join(gitOutside, 'midx'), join(gitPd, 'multi-pack-index'));
    expect(git(['--git-dir', join(gitPd, '..', '..'), 'multi-pack-index', 'write']).status).toBe(0);
    expect(readFileSync(join(gitOutside, 'midx')).subarray(0, 4).toString('latin1')).toBe('MIDX');
  });

  it('a multi-pack-index that is a FIFO: not read, not replaced, no hang (git 2.39 blocks opening it)', () => {
    const [gitDir, pd] = repoCopy();
    rmSync(join(pd, 'multi-pack-index'));
    mkfifo(join(pd, 'multi-pack-index'));
    const r = run(['multi-pack-index', 'write', gitDir]);
    expectWriteRefused(r, join(pd, 'multi-pack-index'), /FIFO/);
    expect(lstatSync(join(pd, 'multi-pack-index')).isFIFO()).toBe(true);

    // Written elsewhere with --output, the FIFO is only an input: ignored with a warning, as
    // git ignores a midx it cannot load, and the new midx is written from the packs.
    const out = join(tmp, `midx-out-${++cases}`);
    const elsewhere = run(['multi-pack-index', 'write', gitDir, '--output', out]);
    expectNotHung(elsewhere);
    expect(elsewhere.stderr).toContain('warning: ignoring existing multi-pack-index');
    expect(elsewhere.stderr).toMatch(/FIFO/);
    expect(elsewhere.status).toBe(0);
    expect(readFileSync(out).subarray(0, 4).toString('latin1')).toBe('MIDX');
  });
});

describe('fsck --lost-found writes only regular files (defect 6)', () => {
  const expectDir = (): string => join((dangling as { expect: string }).expect, 'lost-found');

  it('a symbolic link planted at a lost-found file: that file is refused, the rest written, exit 1', () => {
    const lost = join(tmp, `lost-${++cases}`);
    const outside = outsideFolder();
    const [victim] = readdirSync(join(expectDir(), 'other'));
    mkdirSync(join(lost, 'other'), { recursive: true });
    writeFileSync(join(outside, 'target'), 'keep me\n');
    symlinkSync(join(outside, 'target'), join(lost, 'other', victim));
    const r = run(['fsck', '--no-reflogs', `--lost-found=${lost}`, (dangling as { path: string }).path]);
    expectNotHung(r);
    expect(r.stderr).toContain(`refusing to write ${join(lost, 'other', victim)}`);
    expect(r.stderr).toMatch(/symbolic link/);
    expect(r.status).toBe(1);
    expect(readFileSync(join(outside, 'target'), 'utf8')).toBe('keep me\n');
    for (const c of readdirSync(join(expectDir(), 'commit'))) {
      expect(readFileSync(join(lost, 'commit', c)).equals(readFileSync(join(expectDir(), 'commit', c)))).toBe(true);
    }
  });

  it('a lost-found subfolder that is a symbolic link: nothing is written through it', () => {
    const lost = join(tmp, `lost-${++cases}`);
    const outside = outsideFolder();
    mkdirSync(lost);
    symlinkSync(outside, join(lost, 'commit'));
    const r = run(['fsck', '--no-reflogs', `--lost-found=${lost}`, (dangling as { path: string }).path]);
    expectNotHung(r);
    expect(r.stderr).toContain(join(lost, 'commit'));
    expect(r.status).toBe(1);
    expect(readdirSync(outside)).toEqual([]);
  });
});

describe('inputs must be regular files (defect 7)', () => {
  it('verify-pack -v on a FIFO .idx: refused before reading (git 2.39 blocks opening it)', () => {
    const dir = packFolder();
    mkfifo(join(dir, 'x.idx'));
    expectReadRefused(run(['verify-pack', '-v', join(dir, 'x.idx')]), join(dir, 'x.idx'), /FIFO/);
  });

  it('verify-pack on an .idx whose .pack is a FIFO: refused, naming the pack', () => {
    const dir = packFolder({ idx: true, pack: false });
    mkfifo(join(dir, 'x.pack'));
    expectReadRefused(run(['verify-pack', join(dir, 'x.idx')]), join(dir, 'x.pack'), /FIFO/);
  });

  it('verify-pack on a link to /dev/zero: refused as a character device (git: "index file … is too small", exit 1)', () => {
    const dir = packFolder();
    symlinkSync('/dev/zero', join(dir, 'x.idx'));
    expectReadRefused(run(['verify-pack', join(dir, 'x.idx')], 4_000), join(dir, 'x.idx'), /character device/);
  });

  it('verify-pack on a folder or a socket named .idx: refused', async () => {
    const dir = packFolder();
    mkdirSync(join(dir, 'x.idx'));
    expectReadRefused(run(['verify-pack', join(dir, 'x.idx')]), join(dir, 'x.idx'), /directory/);

    const sockDir = packFolder();
    const server = createServer();
    sockets.push(server);
    await new Promise<void>((resolve) => server.listen(join(sockDir, 'x.idx'), resolve));
    expect(statSync(join(sockDir, 'x.idx')).isSocket()).toBe(true);
    expectReadRefused(run(['verify-pack', join(sockDir, 'x.idx')]), join(sockDir, 'x.idx'), /socket/);
  });

  it('cat-file given a FIFO .idx: refused before reading', () => {
    const dir = packFolder();
    mkfifo(join(dir, 'x.idx'));
    expectReadRefused(run(['cat-file', '--batch-all-objects', '--batch-check', join(dir, 'x.idx')]), join(dir, 'x.idx'), /FIFO/);
    expectReadRefused(run(['cat-file', '-t', 'HEAD', join(dir, 'x.idx')]), join(dir, 'x.idx'), /FIFO/);
  });

  it('cat-file given an .idx whose .pack is a FIFO: refused, naming the pack', () => {
    const dir = packFolder({ idx: true, pack: false });
    mkfifo(join(dir, 'x.pack'));
    expectReadRefused(run(['cat-file', '--batch-all-objects', '--batch-check', join(dir, 'x.idx')]), join(dir, 'x.pack'), /FIFO/);
  });

  it('show-index and index-pack given a FIFO: refused before reading', () => {
    const dir = packFolder({ pack: false });
    mkfifo(join(dir, 'x.idx'));
    mkfifo(join(dir, 'x.pack'));
    expectReadRefused(run(['show-index', join(dir, 'x.idx')]), join(dir, 'x.idx'), /FIFO/);
    expectReadRefused(run(['index-pack', '-o', join(dir, 'y.idx'), join(dir, 'x.pack')]), join(dir, 'x.pack'), /FIFO/);
    expect(existsSync(join(dir, 'y.idx'))).toBe(false);
  });

  it('symbolic links to regular files are read as git reads them', () => {
    const dir = packFolder({ pack: false });
    symlinkSync(join(packDir, `${base}.idx`), join(dir, 'x.idx'));
    symlinkSync(join(packDir, `${base}.pack`), join(dir, 'x.pack'));
    const r = run(['verify-pack', '-v', join(dir, 'x.idx')]);
    expectNotHung(r);
    expect(r.status).toBe(0);
    const want = readFileSync(join((demo as { expect: string }).expect, `verify-pack-${base}.txt`), 'latin1').replace(`${base}.pack: ok`, `${join(dir, 'x.pack')}: ok`);
    expect(r.stdout).toBe(want);
  });
});
