import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtFixtures, cli, cliAsync, expected, mapConcurrent, modernFixtures, sha256, type Fixture } from './support/cli.ts';

/**
 * Every command of the CLI against git's own answers, byte for byte, on every fixture:
 * the repositories fixtures/build.sh makes with git 2.39 and the newer-git pack folders in
 * ../shared/fixtures/modern (whose answers were recorded by git 2.55).
 */

const fixtures = [...builtFixtures(), ...modernFixtures()];

it('has fixtures to compare against (run bash fixtures/build.sh)', () => {
  expect(builtFixtures().length).toBeGreaterThanOrEqual(9);
  expect(modernFixtures().length).toBe(4);
});

/** Compares with `<stem>.bin` or `<stem>.txt` when git's output was kept whole, else with its sha256. */
function expectSame(actual: Buffer, fx: Fixture, stem: string): void {
  const whole = expected(fx, `${stem}.bin`) ?? expected(fx, `${stem}.txt`);
  if (whole) {
    expect(actual.length).toBe(whole.length);
    expect(actual.equals(whole)).toBe(true);
    return;
  }
  const want = text(expected(fx, `${stem}.sha256`)).split(/\s/)[0];
  expect(want, `${stem}.sha256 recorded`).toMatch(/^[0-9a-f]{64}$/);
  expect(sha256(actual)).toBe(want);
}

function text(b: Buffer | undefined): string {
  return (b ?? Buffer.alloc(0)).toString('latin1');
}

describe.each(fixtures.map((f) => [f.name, f] as [string, Fixture]))('%s', (_name, fx) => {
  it('cat-file --batch-all-objects --batch-check', () => {
    const want = expected(fx, 'batch-check.txt');
    expect(want).toBeDefined();
    const run = cli(['cat-file', '--batch-all-objects', '--batch-check', fx.path]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(text(run.stdout)).toBe(text(want));
  });

  it('cat-file --batch-all-objects --batch', () => {
    const run = cli(['cat-file', '--batch-all-objects', '--batch', fx.path]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expectSame(run.stdout, fx, 'batch');
  });

  const names = expected(fx, 'names.txt');
  if (names) {
    it('cat-file --batch-check with names on stdin', () => {
      const run = cli(['cat-file', '--batch-check', fx.path], { input: names });
      expect(text(run.stdout)).toBe(text(expected(fx, 'names-batch-check.txt')));
      expect(run.status).toBe(0);
    });
    it('cat-file --batch with names on stdin', () => {
      const run = cli(['cat-file', '--batch', fx.path], { input: names });
      expectSame(run.stdout, fx, 'names-batch');
      expect(run.status).toBe(0);
    });
  }

  const pDir = join(fx.expect, 'p');
  if (existsSync(pDir)) {
    it('cat-file -p, -t and -s', async () => {
      const types = new Map(
        text(expected(fx, 't.txt'))
          .trim()
          .split('\n')
          .map((l) => l.split(' ') as [string, string]),
      );
      const sizes = new Map(
        text(expected(fx, 's.txt'))
          .trim()
          .split('\n')
          .map((l) => l.split(' ') as [string, string]),
      );
      const files = readdirSync(pDir).filter((f) => /\.(txt|sha256)$/.test(f));
      expect(files.length).toBeGreaterThan(0);
      // One CLI start per object and mode (a few hundred a fixture): two objects at a time, the
      // three modes of each side by side.
      const runs = await mapConcurrent(files, 2, async (f) => {
        const oid = f.replace(/\.(txt|sha256)$/, '');
        const [p, t, s] = await Promise.all([
          cliAsync(['cat-file', '-p', oid, fx.path]),
          types.has(oid) ? cliAsync(['cat-file', '-t', oid, fx.path]) : undefined,
          sizes.has(oid) ? cliAsync(['cat-file', '-s', oid, fx.path]) : undefined,
        ]);
        return { f, oid, p, t, s };
      });
      for (const { f, oid, p, t, s } of runs) {
        expect(p.status, `${oid}: ${p.stderr}`).toBe(0);
        if (f.endsWith('.txt')) expect(p.stdout.equals(readFileSync(join(pDir, f))), `cat-file -p ${oid}`).toBe(true);
        else expect(sha256(p.stdout), `cat-file -p ${oid}`).toBe(readFileSync(join(pDir, f), 'latin1').split(/\s/)[0]);
        if (t) expect(text(t.stdout)).toBe(`${types.get(oid)}\n`);
        if (s) expect(text(s.stdout)).toBe(`${sizes.get(oid)}\n`);
      }
    });
  }

  for (const pack of fx.packs) {
    it(`verify-pack -v ${pack}.idx`, () => {
      const want = expected(fx, `verify-pack-${pack}.txt`);
      expect(want, 'git verify-pack output recorded').toBeDefined();
      const run = cli(['verify-pack', '-v', `${pack}.idx`], { cwd: fx.packDir });
      expect(text(run.stdout)).toBe(text(want));
      expect(run.status).toBe(Number(text(expected(fx, `verify-pack-${pack}.rc`)).trim() || '0'));
    });
    it(`show-index ${pack}.idx`, () => {
      const run = cli(['show-index', join(fx.packDir, `${pack}.idx`)]);
      expect(run.status).toBe(0);
      expect(text(run.stdout)).toBe(text(expected(fx, `show-index-${pack}.txt`)));
    });
  }

  const midxRc = expected(fx, 'midx-verify.rc');
  if (midxRc) {
    it('multi-pack-index verify', () => {
      const run = cli(['multi-pack-index', 'verify', fx.path]);
      expect(text(run.stdout)).toBe(text(expected(fx, 'midx-verify.txt')));
      expect(run.status).toBe(Number(text(midxRc).trim()));
    });
  }
});
