import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtFixtures, cli } from './support/cli.ts';

/**
 * The CLI on a damaged copy of the `varied` fixture: one object's zlib stream is overwritten.
 * git dies there; we answer `<name> missing`, explain on stderr with file and offset, go on
 * with the next name, and exit 1. Every other object still reads exactly as git read it.
 */

let dir: string;
let packDir: string;
let victim: { oid: string; offset: number };
const fixture = builtFixtures().find((f) => f.name === 'varied');

beforeAll(() => {
  if (!fixture) throw new Error('the varied fixture is missing: run bash fixtures/build.sh');
  dir = mkdtempSync(join(tmpdir(), 'packscope-damage-'));
  cpSync(join(fixture.packDir, '..', '..'), join(dir, '.git'), { recursive: true });
  packDir = join(dir, '.git/objects/pack');
  const pack = readdirSync(packDir).find((f) => f.endsWith('.pack')) as string;
  // Pick a whole (non-delta) blob from git's verify-pack output and break its zlib stream.
  const verify = readFileSync(join(fixture.expect, `verify-pack-${pack.slice(0, -5)}.txt`), 'latin1').split('\n');
  const row = verify.map((l) => l.split(/\s+/)).find((f) => f[1] === 'blob' && f.length === 5 && Number(f[3]) > 40) as string[];
  victim = { oid: row[0], offset: Number(row[4]) };
  const bytes = readFileSync(join(packDir, pack));
  for (let i = 8; i < 30; i++) bytes[victim.offset + i] ^= 0x5a;
  writeFileSync(join(packDir, pack), bytes);
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('damaged object', () => {
  it('cat-file --batch answers missing for it, explains, and goes on', () => {
    const all = readFileSync(join((fixture as { expect: string }).expect, 'batch-check.txt'), 'latin1')
      .trim()
      .split('\n')
      .map((l) => l.split(' ')[0]);
    const names = [all[0], victim.oid, all[all.length - 1]].join('\n') + '\n';
    // --batch-check reads only the entry header (as git does), so it still answers for the
    // victim; --batch must inflate it and cannot.
    const check = cli(['cat-file', '--batch-check', dir], { input: names });
    expect(check.status).toBe(0);
    expect(check.stdout.toString('latin1').split('\n')[1]).toMatch(new RegExp(`^${victim.oid} blob \\d+$`));
    const run = cli(['cat-file', '--batch', dir], { input: names });
    const out = run.stdout.toString('latin1');
    expect(out.startsWith(`${all[0]} `)).toBe(true);
    expect(out).toContain(`\n${victim.oid} missing\n${all[all.length - 1]} `);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('CorruptObject');
    expect(run.stderr).toContain(`.pack:0x${victim.offset.toString(16)}`);
  });

  it('--batch-all-objects keeps every other object byte for byte', () => {
    // The listing reads headers only, so it still sees the damaged blob's type and size.
    const check = cli(['cat-file', '--batch-all-objects', '--batch-check', dir]);
    expect(check.status).toBe(0);
    expect(check.stdout.equals(readFileSync(join((fixture as { expect: string }).expect, 'batch-check.txt')))).toBe(true);
    const full = cli(['cat-file', '--batch-all-objects', '--batch', dir]);
    expect(full.status).toBe(1);
    expect(full.stderr).toContain(victim.oid);
    // Rebuild the expected --batch from git's intact output, minus the victim's content.
    const intact = readFileSync(join((fixture as { expect: string }).expect, 'batch.bin'));
    const header = Buffer.from(`${victim.oid} blob `);
    const at = intact.indexOf(header);
    const nl = intact.indexOf(0x0a, at);
    const size = Number(intact.subarray(at + header.length, nl).toString());
    const expected = Buffer.concat([intact.subarray(0, at), Buffer.from(`${victim.oid} missing\n`), intact.subarray(nl + 1 + size + 1)]);
    expect(full.stdout.equals(expected)).toBe(true);
  });

  it('cat-file -p of it exits 1 naming the pack and offset', () => {
    const run = cli(['cat-file', '-p', victim.oid, dir]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/CorruptObject at .*\.pack:0x[0-9a-f]+/);
  });

  it('verify-pack -v reports it and says bad', () => {
    const pack = readdirSync(packDir).find((f) => f.endsWith('.idx')) as string;
    const run = cli(['verify-pack', '-v', pack], { cwd: packDir });
    expect(run.status).toBe(1);
    expect(run.stdout.toString()).toBe(`${pack.replace(/\.idx$/, '.pack')}: bad\n`);
    expect(run.stderr).toContain(`0x${victim.offset.toString(16)}`);
  });
});

describe('an idx that claims 2^32-1 objects', () => {
  it('cat-file --batch-all-objects says why the pack is left out, as git does ("wrong index file size"), and exits 0 like git', async () => {
    const { git } = await import('./support/cli.ts');
    const fixture = builtFixtures().find((f) => f.name === 'idx-v1');
    expect(fixture).toBeDefined();
    if (!fixture) return;
    const dir = mkdtempSync(join(tmpdir(), 'packscope-claim-'));
    try {
      const repo = join(dir, 'repo.git');
      cpSync(join(fixture.packDir, '..', '..'), repo, { recursive: true });
      const packDir = join(repo, 'objects', 'pack');
      const idx = join(packDir, readdirSync(packDir).find((f) => f.endsWith('.idx')) as string);
      const bytes = readFileSync(idx);
      const fanoutLast = bytes.readUInt32BE(0) === 0xff744f63 ? 8 + 255 * 4 : 255 * 4;
      bytes.writeUInt32BE(0xffffffff, fanoutLast);
      writeFileSync(idx, bytes);
      const theirs = git(['--git-dir', repo, 'cat-file', '--batch-all-objects', '--batch-check']);
      const ours = cli(['cat-file', '--batch-all-objects', '--batch-check', repo]);
      expect(theirs.stderr).toMatch(/wrong index v\d file size/);
      expect(ours.status).toBe(theirs.status);
      expect(ours.stdout.toString()).toBe(theirs.stdout.toString());
      expect(ours.stderr).toContain('error: BadSize at objects/pack/');
      expect(ours.stderr).toContain('4294967295 objects');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
