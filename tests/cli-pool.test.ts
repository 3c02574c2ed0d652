import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrderedMerge } from '../src/cli/pool/ordered.ts';
import { CLI, ROOT, builtFixtures, expected, git, modernFixtures, sha256, type Fixture, type Run } from './support/cli.ts';

/**
 * `cat-file --batch-all-objects --batch` on the worker pool (src/cli/pool) against git and
 * against the single-threaded path (PACKSCOPE_WORKERS=1): the same stdout byte for byte, the
 * same stderr lines and exit status on damage, and complete output when workers die
 * (PACKSCOPE_POOL_CRASH_AFTER, the worker's test hook). Small chunks and pieces make even the
 * small fixtures span many chunks, pieces that cut objects, and both workers.
 */

const WORKER = join(ROOT, 'dist-cli/pool-worker.mjs');

/** Runs the bundled CLI's full batch with extra environment. */
function batch(path: string, env: Record<string, string>): Run {
  if (!existsSync(CLI) || !existsSync(WORKER)) throw new Error('the CLI bundle is missing: run node scripts/build-cli.mjs first');
  const r = spawnSync(process.execPath, [CLI, 'cat-file', '--batch-all-objects', '--batch', path], {
    cwd: ROOT,
    maxBuffer: 1 << 30,
    env: { ...process.env, PACKSCOPE_POOL_CRASH_AFTER: '', ...env },
  });
  if (r.error) throw r.error;
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr.toString() };
}

const single = (path: string): Run => batch(path, { PACKSCOPE_WORKERS: '1' });
const pooled = (path: string, env: Record<string, string> = {}): Run => batch(path, { PACKSCOPE_WORKERS: '2', PACKSCOPE_POOL_CHUNK_OBJECTS: '7', PACKSCOPE_POOL_PIECE_BYTES: '4096', ...env });

/** git's own answer: recorded by fixtures/build.sh (or git 2.55 for the modern ones), whole or as a sha256. */
function expectGit(actual: Buffer, fx: Fixture): void {
  const whole = expected(fx, 'batch.bin');
  if (whole) {
    expect(actual.length).toBe(whole.length);
    expect(actual.equals(whole)).toBe(true);
    return;
  }
  const recorded = expected(fx, 'batch.sha256');
  if (recorded) {
    expect(sha256(actual)).toBe(recorded.toString('latin1').split(/\s/)[0]);
    return;
  }
  const live = git(['--git-dir', join(fx.packDir, '../..'), 'cat-file', '--batch-all-objects', '--batch']);
  expect(live.status).toBe(0);
  expect(actual.equals(live.stdout)).toBe(true);
}

const fixtures = [...builtFixtures(), ...modernFixtures()];

it('has fixtures (run bash fixtures/build.sh)', () => {
  expect(builtFixtures().length).toBeGreaterThanOrEqual(9);
});

describe.each(fixtures.map((f) => [f.name, f] as [string, Fixture]))('%s', (_name, fx) => {
  it('pooled output equals git and PACKSCOPE_WORKERS=1', () => {
    const one = single(fx.path);
    expect(one.stderr).toBe('');
    expect(one.status).toBe(0);
    // The big fixture (210k objects) also runs with the default chunk size.
    const many = fx.name === 'big' ? batch(fx.path, { PACKSCOPE_WORKERS: '2' }) : pooled(fx.path);
    expect(many.stderr).toBe('');
    expect(many.status).toBe(0);
    expect(many.stdout.length).toBe(one.stdout.length);
    expect(many.stdout.equals(one.stdout)).toBe(true);
    expectGit(many.stdout, fx);
  }, 300_000);
});

describe('pieces and chunks', () => {
  const varied = builtFixtures().find((f) => f.name === 'varied');
  const largeBlobs = builtFixtures().find((f) => f.name === 'large-blobs');

  it('tiny pieces (every object cut) and one-object chunks give the same bytes', () => {
    if (!varied) throw new Error('the varied fixture is missing');
    const one = single(varied.path);
    const variants: Record<string, string>[] = [{ PACKSCOPE_POOL_PIECE_BYTES: '256' }, { PACKSCOPE_POOL_CHUNK_OBJECTS: '1' }, { PACKSCOPE_POOL_CHUNK_OBJECTS: '100000', PACKSCOPE_WORKERS: '3' }];
    for (const env of variants) {
      const many = pooled(varied.path, env);
      expect(many.stderr, JSON.stringify(env)).toBe('');
      expect(many.stdout.equals(one.stdout), JSON.stringify(env)).toBe(true);
    }
  });

  it('a chunk holding one object far larger than a piece', () => {
    if (!largeBlobs) throw new Error('the large-blobs fixture is missing');
    const many = batch(largeBlobs.path, { PACKSCOPE_WORKERS: '2', PACKSCOPE_POOL_CHUNK_OBJECTS: '1', PACKSCOPE_POOL_PIECE_BYTES: String(1 << 20) });
    expect(many.status).toBe(0);
    expectGit(many.stdout, largeBlobs);
  }, 120_000);

  it('rejects a PACKSCOPE_WORKERS that is not a positive integer', () => {
    if (!varied) throw new Error('the varied fixture is missing');
    const run = batch(varied.path, { PACKSCOPE_WORKERS: 'many' });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('PACKSCOPE_WORKERS');
  });
});

describe('damaged objects', () => {
  let dir: string;
  let victims: string[] = [];
  const fixture = builtFixtures().find((f) => f.name === 'varied');

  beforeAll(() => {
    if (!fixture) throw new Error('the varied fixture is missing: run bash fixtures/build.sh');
    dir = mkdtempSync(join(tmpdir(), 'packscope-pool-damage-'));
    cpSync(join(fixture.packDir, '..', '..'), join(dir, '.git'), { recursive: true });
    const packDir = join(dir, '.git/objects/pack');
    const pack = readdirSync(packDir).find((f) => f.endsWith('.pack')) as string;
    // Break the zlib streams of several whole blobs (as cli-damage.test.ts breaks one), so the
    // errors land in different chunks and workers; their deltas fail too.
    const verify = readFileSync(join(fixture.expect, `verify-pack-${pack.slice(0, -5)}.txt`), 'latin1').split('\n');
    const rows = verify.map((l) => l.split(/\s+/)).filter((f) => f[1] === 'blob' && f.length === 5 && Number(f[3]) > 40);
    const picked = [rows[0], rows[Math.floor(rows.length / 2)], rows[rows.length - 1]];
    const bytes = readFileSync(join(packDir, pack));
    for (const row of picked) for (let i = 8; i < 30; i++) bytes[Number(row[4]) + i] ^= 0x5a;
    writeFileSync(join(packDir, pack), bytes);
    victims = picked.map((r) => r[0]);
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('same stdout, stderr lines and exit status pooled as single', () => {
    const one = single(dir);
    expect(one.status).toBe(1);
    for (const v of victims) expect(one.stdout.toString('latin1')).toContain(`\n${v} missing\n`);
    const variants: Record<string, string>[] = [{}, { PACKSCOPE_POOL_PIECE_BYTES: '256' }, { PACKSCOPE_POOL_CHUNK_OBJECTS: '1', PACKSCOPE_WORKERS: '3' }];
    for (const env of variants) {
      const many = pooled(dir, env);
      expect(many.status).toBe(1);
      expect(many.stderr).toBe(one.stderr);
      expect(many.stdout.equals(one.stdout)).toBe(true);
    }
  });

  it('a worker dying over damaged chunks prints each error once, in order', () => {
    const one = single(dir);
    const many = pooled(dir, { PACKSCOPE_POOL_CRASH_AFTER: '20', PACKSCOPE_POOL_CHUNK_OBJECTS: '30', PACKSCOPE_POOL_PIECE_BYTES: '256' });
    expect(many.status).toBe(1);
    expect(many.stderr).toMatch(/warning: cat-file: worker \d died while formatting chunk/);
    const errors = many.stderr.split('\n').filter((l) => !l.startsWith('warning: '));
    expect(errors.join('\n')).toBe(one.stderr);
    expect(many.stdout.equals(one.stdout)).toBe(true);
  });
});

describe('worker failures', () => {
  const fixture = builtFixtures().find((f) => f.name === 'varied');

  it('a worker that dies is reported, started again, and its chunk redone', () => {
    if (!fixture) throw new Error('the varied fixture is missing');
    const one = single(fixture.path);
    // Each worker's first start dies after 10 objects, partway through its second chunk, after
    // some of that chunk's pieces have been written.
    const many = pooled(fixture.path, { PACKSCOPE_POOL_CRASH_AFTER: '10', PACKSCOPE_POOL_PIECE_BYTES: '256' });
    expect(many.status).toBe(0);
    const warnings = many.stderr.trim().split('\n');
    expect(warnings.length).toBeGreaterThanOrEqual(1);
    for (const w of warnings) {
      expect(w).toMatch(
        /^warning: cat-file: worker \d died while formatting chunk \d+ \(7 objects, [0-9a-f]{40}\.\.[0-9a-f]{40}\), attempt 1, .*injected crash.*; the worker was started again; the chunk is done again$/,
      );
    }
    expect(many.stdout.equals(one.stdout)).toBe(true);
  });

  it('a chunk that keeps killing workers is read on the main thread', () => {
    if (!fixture) throw new Error('the varied fixture is missing');
    const one = single(fixture.path);
    // Every start of every worker dies after 3 objects: every chunk fails twice, the workers
    // are retired, and the main thread reads everything.
    const many = pooled(fixture.path, { PACKSCOPE_POOL_CRASH_AFTER: '3:always' });
    expect(many.status).toBe(0);
    expect(many.stderr).toContain('the chunk is read on the main thread');
    expect(many.stderr).toContain('the worker is not started again');
    expect(many.stdout.equals(one.stdout)).toBe(true);
  });
});

describe('OrderedMerge', () => {
  it('writes jobs in order whatever order they arrive in, and discards a failed attempt', () => {
    const written: string[] = [];
    const merge = new OrderedMerge<string>(
      (s) => s.length,
      (seq, s) => written.push(`${seq}:${s}`),
    );
    expect(merge.push(1, 'b1')).toBe(false);
    expect(merge.push(2, 'c1')).toBe(false);
    expect(merge.storedBytes).toBe(4);
    expect(merge.push(0, 'a1')).toBe(true);
    merge.complete(2);
    merge.discard(1);
    expect(merge.storedBytes).toBe(2);
    merge.push(1, 'B1');
    merge.complete(0);
    expect(merge.head).toBe(1);
    merge.push(1, 'B2');
    merge.complete(1);
    expect(merge.head).toBe(3);
    expect(merge.storedBytes).toBe(0);
    expect(written).toEqual(['0:a1', '1:B1', '1:B2', '2:c1']);
  });
});
