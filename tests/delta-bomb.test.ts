import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PackscopeError } from '../src/core/errors.ts';
import { toHex } from '../src/core/hash/hex.ts';
import { ObjectDatabase } from '../src/core/odb/database.ts';
import { BROWSER_DATABASE_OPTIONS } from '../src/worker/database-options.ts';
import { discover, nodeInflater } from '../src/cli/node-host.ts';
import { CLI, builtFixtures, git } from './support/cli.ts';
import { buildPack, memoryRepository, rawDelta, type EntrySpec } from './support/pack-builder.ts';

/**
 * Issue 10, defect 9: delta amplification. A copy instruction of one byte (0x80: offset 0, size
 * 64 KiB) rebuilds 64 KiB, and zlib squeezes 32 K of them into a few dozen bytes, so a pack of
 * about 700 bytes can hold 8 deltas that each declare and rebuild 2 GiB - 1. `cat-file --batch`
 * used to allocate every one (4.2 GB). Each pack now has an expansion budget relative to its
 * size; a delta beyond it fails alone with a message that says so, before anything is allocated.
 */

const TARGET = 2 ** 31 - 1; // the CLI's per-object limit, so only the budget can refuse it
const BASE = 0x10000;

/** A delta rebuilding `target` bytes from a 64 KiB base by copies of 64 KiB (and one shorter). */
function copyBomb(target: number): Uint8Array {
  const whole = Math.floor(target / BASE);
  const rest = target % BASE;
  const instructions = new Array<number>(whole).fill(0x80);
  // copy offset 0, size `rest` (two size bytes)
  if (rest > 0) instructions.push(0x80 | 0x10 | 0x20, rest & 0xff, rest >> 8);
  return rawDelta(BASE, target, instructions);
}

/** The bomb: one 64 KiB blob of zeros and 8 ofs-deltas on it of `target` bytes each (ids made up). */
function bombPack(target: number, count = 8): ReturnType<typeof buildPack> {
  const specs: EntrySpec[] = [{ kind: 'object', type: 'blob', data: new Uint8Array(BASE) }];
  for (let i = 0; i < count; i++) {
    // Each delta differs in its last instruction, so no two entries are the same bytes.
    const delta = copyBomb(target - i);
    const oid = createHash('sha1').update(`delta bomb ${i}`).digest();
    specs.push({ kind: 'ofs', base: 0, delta, oid: new Uint8Array(oid) });
  }
  return buildPack(specs);
}

let dir = '';
let gitDir = '';
let built: ReturnType<typeof buildPack>;

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error('run node scripts/build-cli.mjs first');
  built = bombPack(TARGET);
  dir = mkdtempSync(join(tmpdir(), 'packscope-delta-bomb-'));
  gitDir = join(dir, 'bomb.git');
  const init = git(['init', '--bare', '-q', gitDir]);
  if (init.status !== 0) throw new Error(init.stderr);
  const packDir = join(gitDir, 'objects/pack');
  mkdirSync(packDir, { recursive: true });
  const name = `pack-${toHex(built.pack.subarray(built.pack.length - 20))}`;
  writeFileSync(join(packDir, `${name}.pack`), built.pack);
  writeFileSync(join(packDir, `${name}.idx`), built.idx);
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/**
 * Runs the CLI in a child, reading its stdout as it comes (counted, not kept), sampling its peak
 * resident memory; the child is killed past `killAtBytes` of memory or `timeoutMs`, so a
 * regression cannot take the machine's memory.
 */
function runWatched(
  args: string[],
  input: string,
  killAtBytes: number,
  timeoutMs: number,
): Promise<{ status: number | null; stdout: Buffer; stdoutBytes: number; stderr: string; peakBytes: number; killed: string | undefined }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdoutBytes = 0;
    const kept: Buffer[] = [];
    let stderr = '';
    let peakBytes = 0;
    let killed: string | undefined;
    child.stdout.on('data', (d: Buffer) => {
      stdoutBytes += d.length;
      if (stdoutBytes < 1 << 20) kept.push(d);
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const sample = (): void => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'latin1'));
        if (m) peakBytes = Math.max(peakBytes, Number(m[1]) * 1024);
      } catch {
        return;
      }
      if (peakBytes > killAtBytes && !killed) {
        killed = `memory ${peakBytes}`;
        child.kill('SIGKILL');
      }
    };
    const timer = setInterval(sample, 20);
    const deadline = setTimeout(() => {
      killed = `timeout after ${timeoutMs} ms`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (status) => {
      sample();
      clearInterval(timer);
      clearTimeout(deadline);
      resolve({ status, stdout: Buffer.concat(kept), stdoutBytes, stderr, peakBytes, killed });
    });
    child.stdin.end(input);
  });
}

describe('delta bomb: 8 deltas of 2 GiB each in a pack of about 700 bytes', () => {
  it('the generated pack is what the issue describes, and git reads its sizes', () => {
    expect(built.pack.length).toBeGreaterThan(500);
    expect(built.pack.length).toBeLessThan(1000);
    // git's --batch-check reads the declared sizes without rebuilding; ours must say the same.
    const names = built.oids.map((o) => toHex(o)).join('\n') + '\n';
    const theirs = git(['-C', gitDir, 'cat-file', '--batch-check'], { input: names });
    expect(theirs.status).toBe(0);
    expect(theirs.stdout.toString()).toContain(`${toHex(built.oids[1])} blob ${TARGET}\n`);
  });

  it('cat-file --batch-check answers as git (no delta is rebuilt)', async () => {
    const names = built.oids.map((o) => toHex(o)).join('\n') + '\n';
    const theirs = git(['-C', gitDir, 'cat-file', '--batch-check'], { input: names });
    const ours = await runWatched(['cat-file', '--batch-check', gitDir], names, 1 << 30, 20_000);
    expect(ours.killed).toBeUndefined();
    expect(ours.stdout.equals(theirs.stdout)).toBe(true);
    expect(ours.status).toBe(0);
  }, 30_000);

  for (const mode of [['--batch'], ['--batch-all-objects', '--batch']]) {
    it(`cat-file ${mode.join(' ')}: bounded memory, every delta refused with the reason, the base read`, async () => {
      const names = mode.length === 1 ? built.oids.map((o) => toHex(o)).join('\n') + '\n' : '';
      const run = await runWatched(['cat-file', ...mode, gitDir], names, 1 << 30, 30_000);
      expect(run.killed).toBeUndefined();
      expect(run.peakBytes).toBeLessThan(400 << 20);
      expect(run.status).toBe(1);
      const text = run.stdout.toString('latin1');
      for (const oid of built.oids.slice(1)) expect(text).toContain(`${toHex(oid)} missing\n`);
      // The base blob is read whole (64 KiB of zeros).
      expect(text).toContain(`${toHex(built.oids[0])} blob ${BASE}\n`);
      expect(run.stdoutBytes).toBeLessThan(BASE + 2000);
      expect(run.stderr).toContain('expansion budget');
      expect(run.stderr.split('\n').filter((l) => l.includes('expansion budget'))).toHaveLength(8);
    }, 40_000);
  }

  it('verify-pack -v: bounded memory, the deltas reported with the reason, not rebuilt', async () => {
    const idx = join(gitDir, 'objects/pack', `pack-${toHex(built.pack.subarray(built.pack.length - 20))}.idx`);
    const run = await runWatched(['verify-pack', '-v', idx], '', 1 << 30, 30_000);
    expect(run.killed).toBeUndefined();
    expect(run.peakBytes).toBeLessThan(400 << 20);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('expansion budget');
  }, 40_000);

  it('index-pack: bounded memory, the deltas past the budget named, no idx claimed complete', async () => {
    const pack = join(dir, 'bomb-copy.pack');
    writeFileSync(pack, built.pack);
    const run = await runWatched(['index-pack', '-o', join(dir, 'bomb-copy.idx'), pack], '', 1 << 30, 30_000);
    expect(run.killed).toBeUndefined();
    expect(run.peakBytes).toBeLessThan(400 << 20);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('expansion budget');
  }, 40_000);

  it('in process: refused before allocation, kept as a finding of the pack, and legitimate expansion still reads', () => {
    const db = new ObjectDatabase(memoryRepository({ 'pack-bomb.pack': built.pack, 'pack-bomb.idx': built.idx }));
    const before = process.memoryUsage().arrayBuffers;
    for (const oid of built.oids.slice(1)) {
      let err: unknown;
      try {
        db.read(oid);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(PackscopeError);
      expect((err as PackscopeError).kind).toBe('TooLarge');
      expect((err as PackscopeError).message).toMatch(/expansion budget of this \d+-byte pack/);
    }
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 << 20);
    const pack = db.packs[0];
    expect(pack.expansionExceeded?.kind).toBe('TooLarge');
    expect(pack.problems).toContain(pack.expansionExceeded);
    expect(db.read(built.oids[0]).data.length).toBe(BASE);

    // A small pack whose deltas rebuild 8 MiB each still reads (well inside the budget's floor).
    const modest = bombPack(8 << 20, 3);
    const ok = new ObjectDatabase(memoryRepository({ 'pack-m.pack': modest.pack, 'pack-m.idx': modest.idx }));
    for (const oid of modest.oids.slice(1)) expect(ok.read(oid).data.length).toBeGreaterThan((8 << 20) - 10);
  });

  it('the browser caps each object lower than the CLI', () => {
    const cap = BROWSER_DATABASE_OPTIONS.maxObjectBytes;
    expect(cap).toBeLessThan(TARGET);
    // A pack with a budget large enough for the delta: the browser's per-object cap refuses it.
    const over = bombPack(cap + 1, 1);
    const files = { 'pack-o.pack': over.pack, 'pack-o.idx': over.idx };
    const browser = new ObjectDatabase(memoryRepository(files), { ...BROWSER_DATABASE_OPTIONS, expansionFloorBytes: 2 ** 40 });
    expect(() => browser.read(over.oids[1])).toThrow(/the limit \(268435456\)/);
  });
});

describe('the expansion budget counts each entry once', () => {
  it('a long chain rebuilt again and again (no base cache) stays within a budget its distinct objects fit', async () => {
    const fixture = builtFixtures().find((f) => f.name === 'long-chains');
    expect(fixture).toBeDefined();
    if (!fixture) return;
    // The budget is the sum of every delta's result, once: enough for one pass, far too little
    // for the chains rebuilt from their roots on every read (no cache to keep the bases).
    const probe = new ObjectDatabase(await discover(fixture.path), { inflater: nodeInflater });
    const pack = probe.packs[0];
    const { offsets } = pack.packOrder();
    let distinct = 0;
    for (const offset of offsets) {
      const h = pack.entryHeader(offset);
      if (h.type >= 6) distinct += pack.objectInfo(offset).size;
    }
    const db = new ObjectDatabase(await discover(fixture.path), { inflater: nodeInflater, deltaBaseCacheBytes: 0, expansionFloorBytes: distinct, expansionPerPackByte: 0 });
    const p = db.packs[0];
    let rebuilt = 0;
    for (let pass = 0; pass < 2; pass++) {
      for (let r = offsets.length - 1; r >= 0; r -= 97) rebuilt += p.readObject(offsets[r]).data.length;
    }
    expect(rebuilt).toBeGreaterThan(0);
    expect(p.expansionExceeded).toBeUndefined();
  });
});
