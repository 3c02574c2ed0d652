import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { estimateRemoval, type StoredBlobFacts } from '../src/core/analysis/removal-estimate.ts';
import { fsDirectoryReader } from '../src/cli/node-host.ts';
import type { AnalysisSoFar } from '../src/protocol/analysis.ts';
import type { StreamContext } from '../src/protocol/rpc.ts';
import { analysisHandlers } from '../src/worker/analysis-handlers.ts';
import { Session } from '../src/worker/session.ts';
import { setSession } from '../src/worker/state.ts';
import { seededRandom } from './support/random.ts';

/**
 * The removal estimate against git: a crafted repository where a kept file is stored as a delta
 * of a blob at the removed path, and a blob of the removed path is also at a kept path. The facts
 * (stored sizes, delta bases) come from `git verify-pack -v`, the paths from `git ls-tree -r` of
 * every commit; the real saving from `git filter-repo --path X --invert-paths` and a repack on a
 * copy.
 */

const ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'A',
  GIT_AUTHOR_EMAIL: 'a@example.com',
  GIT_COMMITTER_NAME: 'A',
  GIT_COMMITTER_EMAIL: 'a@example.com',
  GIT_CONFIG_NOSYSTEM: '1',
  HOME: tmpdir(),
};

function git(dir: string, args: string[], date = '1700000000 +0000'): string {
  return execFileSync('git', args, { cwd: dir, env: { ...ENV, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date }, maxBuffer: 1 << 28 }).toString();
}

function randomBytes(seed: number, n: number): Buffer {
  const next = seededRandom(seed);
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(next() * 256);
  return out;
}

/** Sum of the .pack files' sizes in a repository. */
function packBytes(dir: string): number {
  const packDir = join(dir, '.git/objects/pack');
  return readdirSync(packDir)
    .filter((f) => f.endsWith('.pack'))
    .reduce((sum, f) => sum + statSync(join(packDir, f)).size, 0);
}

interface PackedObject {
  oid: string;
  type: string;
  stored: number;
  base?: string;
}

/** `git verify-pack -v` of the repository's one pack. */
function verifyPack(dir: string): PackedObject[] {
  const packDir = join(dir, '.git/objects/pack');
  const idx = readdirSync(packDir).filter((f) => f.endsWith('.idx'));
  expect(idx).toHaveLength(1);
  const out: PackedObject[] = [];
  for (const line of git(dir, ['verify-pack', '-v', join(packDir, idx[0])]).split('\n')) {
    const m = /^([0-9a-f]{40}) (\w+)\s+\d+ (\d+) \d+(?: \d+ ([0-9a-f]{40}))?$/.exec(line);
    if (m) out.push({ oid: m[1], type: m[2], stored: Number(m[3]), ...(m[4] ? { base: m[4] } : {}) });
  }
  return out;
}

/** The estimate's input from git's own answers: every blob, its stored size and base, its paths over all commits. */
function factsFromGit(dir: string): { blobs: StoredBlobFacts; oids: string[]; paths: string[]; objects: PackedObject[] } {
  const objects = verifyPack(dir);
  const blobObjects = objects.filter((o) => o.type === 'blob');
  const number = new Map(blobObjects.map((o, i) => [o.oid, i]));
  const pathIds = new Map<string, number>();
  const pathsOf = blobObjects.map(() => new Set<number>());
  for (const commit of git(dir, ['rev-list', '--all']).trim().split('\n')) {
    for (const line of git(dir, ['ls-tree', '-r', '-z', commit]).split('\0')) {
      const m = /^\d+ blob ([0-9a-f]{40})\t(.*)$/s.exec(line);
      if (!m) continue;
      if (!pathIds.has(m[2])) pathIds.set(m[2], pathIds.size);
      pathsOf[number.get(m[1]) as number].add(pathIds.get(m[2]) as number);
    }
  }
  const blobs = columns(blobObjects.map((o, i) => ({ stored: o.stored, base: o.base !== undefined ? (number.get(o.base) ?? -1) : -1, paths: [...pathsOf[i]] })));
  return { blobs, oids: blobObjects.map((o) => o.oid), paths: [...pathIds.keys()], objects };
}

/** The columns the estimate reads, from one object per blob. */
function columns(list: { stored: number; base: number; paths: number[] }[]): StoredBlobFacts {
  const pathStart = new Uint32Array(list.length + 1);
  const pathIds: number[] = [];
  list.forEach((b, i) => {
    pathStart[i] = pathIds.length;
    pathIds.push(...b.paths);
  });
  pathStart[list.length] = pathIds.length;
  return { count: list.length, stored: list.map((b) => b.stored), deltaBase: list.map((b) => b.base), pathStart, pathIds };
}

/** A mask over path ids. */
function mask(ids: number[], size = 100): Uint8Array {
  const m = new Uint8Array(size);
  for (const id of ids) m[id] = 1;
  return m;
}

describe('removal estimate rules', () => {
  it('frees a blob only at the removed path, keeps one also at a kept path, keeps a base a kept delta needs', () => {
    const blobs = columns([
      { stored: 100, base: -1, paths: [0] }, // 0: only at the removed path, base of 1 (removed) and of 3 (kept, through 1)
      { stored: 10, base: 0, paths: [0] }, // 1: removed, on the chain of 3
      { stored: 50, base: -1, paths: [0, 1] }, // 2: also at path 1
      { stored: 5, base: 1, paths: [2] }, // 3: kept, a delta of 1
      { stored: 70, base: -1, paths: [0] }, // 4: only at the removed path, nobody's base
      { stored: 8, base: 4, paths: [0] }, // 5: removed delta of 4
    ]);
    const e = estimateRemoval(blobs, mask([0]));
    expect(e.counts).toEqual({ freed: 2, otherPath: 1, deltaBase: 2 });
    expect(e.saved).toBe(78);
    expect(e.upTo).toBe(188);
    expect(e.keptElsewhere).toBe(50);
    const reasonOf = new Map(e.blobs.map((b) => [b.blob, b.reason]));
    expect(reasonOf.get(0)).toEqual({ kind: 'delta-base', dependent: 3 });
    expect(reasonOf.get(1)).toEqual({ kind: 'delta-base', dependent: 3 });
    expect(reasonOf.get(2)).toEqual({ kind: 'other-path', path: 1 });
    expect(reasonOf.get(4)).toEqual({ kind: 'freed' });
    expect(reasonOf.has(3)).toBe(false);
    // Largest first.
    expect(e.blobs.map((b) => b.blob)).toEqual([0, 4, 2, 1, 5]);
  });

  it('ends on a hostile delta cycle', () => {
    const blobs = columns([
      { stored: 1, base: 1, paths: [0] },
      { stored: 2, base: 0, paths: [0] },
      { stored: 3, base: 0, paths: [1] },
      { stored: 4, base: 99, paths: [1] },
    ]);
    const e = estimateRemoval(blobs, mask([0]));
    expect(e.counts.deltaBase).toBe(2);
    expect(e.saved).toBe(0);
  });
});

describe('removal estimate against git filter-repo', () => {
  let work: string;
  let repo: string;
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'removal-estimate-'));
    repo = join(work, 'repo');
    mkdirSync(repo);
    git(repo, ['init', '-q', '-b', 'main']);
    const write = (path: string, data: Buffer | string) => {
      mkdirSync(join(repo, path, '..'), { recursive: true });
      writeFileSync(join(repo, path), data);
    };
    const base = randomBytes(1, 120_000);
    let day = 0;
    const commit = (message: string) => {
      git(repo, ['add', '-A']);
      git(repo, ['commit', '-q', '-m', message], `${1_700_000_000 + 86_400 * day++} +0000`);
    };
    write('README', 'size fixture\n');
    write('media/clip-0001/video.bin', base);
    commit('video v1');
    // v2: the same bytes with a new tail, the largest of its kind: git's repack stores it whole
    // and the others as deltas of it.
    write('media/clip-0001/video.bin', Buffer.concat([base, randomBytes(2, 4_000)]));
    commit('video v2');
    // A kept file holding v1 minus its end. Its path ends in the same 16 characters as the
    // video's, so git's name hash puts them in one delta window, and being smaller it becomes a
    // delta of a video version.
    write('keep/clip-0001/video.bin', base.subarray(0, 110_000));
    // A blob of the removed path that is also at a kept path.
    const shared = randomBytes(3, 30_000);
    write('media/poster.bin', shared);
    write('assets/poster.bin', shared);
    commit('keep copy and posters');
    // Something only at the removed path, unlike anything else.
    write('media/audio.bin', randomBytes(4, 50_000));
    commit('audio');
    git(repo, ['rm', '-q', '-r', 'media']);
    commit('remove media');
    git(repo, ['repack', '-adfq']);
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('gives every blob of the path its reason, as git stored them, and the real saving lies in its range', () => {
    const { blobs, oids, paths, objects } = factsFromGit(repo);
    const e = estimateRemoval(blobs, mask(paths.map((p, i) => (p.startsWith('media/') ? i : -1)).filter((i) => i >= 0)));
    const byOid = new Map(e.blobs.map((b) => [oids[b.blob], b]));
    const at = (rev: string) => git(repo, ['rev-parse', rev]).trim();

    // The poster is also at assets/poster.bin.
    const poster = byOid.get(at('HEAD~2:media/poster.bin'));
    expect(poster?.reason).toEqual({ kind: 'other-path', path: paths.indexOf('assets/poster.bin') });
    // The kept copy is a delta of a video version, in git's pack (the crafted case holds) ...
    const keep = objects.find((o) => o.oid === at('HEAD:keep/clip-0001/video.bin'));
    expect(keep?.base).toBeDefined();
    const keepBase = keep?.base as string;
    expect([at('HEAD~4:media/clip-0001/video.bin'), at('HEAD~3:media/clip-0001/video.bin')]).toContain(keepBase);
    // ... so that version is kept as its base, with the kept file named.
    expect(byOid.get(keepBase)?.reason).toEqual({ kind: 'delta-base', dependent: oids.indexOf(keep?.oid as string) });
    // The audio is freed.
    expect(byOid.get(at('HEAD~1:media/audio.bin'))?.reason).toEqual({ kind: 'freed' });
    expect(e.counts.otherPath).toBe(1);
    expect(e.counts.freed + e.counts.deltaBase).toBe(3);

    // The real saving, with the same repack.
    const before = packBytes(repo);
    const copy = join(work, 'filtered');
    cpSync(repo, copy, { recursive: true });
    git(copy, ['filter-repo', '--quiet', '--force', '--path', 'media/', '--invert-paths']);
    git(copy, ['repack', '-adfq']);
    const saved = before - packBytes(copy);
    // Trees and commits are rewritten (one entry less, new ids): the real figure may differ by
    // their stored bytes, which the estimate does not count.
    const rewritten = objects.filter((o) => o.type !== 'blob').reduce((s, o) => s + o.stored, 0);
    expect(saved).toBeGreaterThanOrEqual(e.saved - rewritten);
    expect(saved).toBeLessThanOrEqual(e.upTo + rewritten);
    // The range is not vacuous: the freed bytes are most of it.
    expect(e.saved).toBeGreaterThan(40_000);
  });

  it("is what the size view says for the folder: the engine's delta bases and paths give the same reasons", async () => {
    const { blobs, oids, paths } = factsFromGit(repo);
    const e = estimateRemoval(blobs, mask(paths.map((p, i) => (p.startsWith('media/') ? i : -1)).filter((i) => i >= 0)));
    setSession(await Session.open('crafted', fsDirectoryReader(repo)));
    const ctx: StreamContext<AnalysisSoFar> = { progress: () => undefined, checkCancelled: () => undefined, pause: async () => undefined, transfer: () => undefined, emit: () => undefined };
    const media = (await analysisHandlers.sizeFindPath({ path: 'media' }, ctx)).id as number;
    const { removal } = await analysisHandlers.sizePath({ path: media }, ctx);
    expect(removal.paths).toBe(paths.filter((p) => p.startsWith('media/')).length);
    expect({ saved: removal.saved, upTo: removal.upTo, keptElsewhere: removal.keptElsewhere, counts: removal.counts }).toEqual({
      saved: e.saved,
      upTo: e.upTo,
      keptElsewhere: e.keptElsewhere,
      counts: e.counts,
    });
    const reasons = new Map(removal.blobs.map((b) => [b.blob, b]));
    for (const b of e.blobs) {
      const shown = reasons.get(oids[b.blob]);
      expect(shown?.reason, oids[b.blob]).toBe(b.reason.kind);
      if (b.reason.kind === 'delta-base') expect(shown?.dependent?.blob).toBe(oids[b.reason.dependent]);
      if (b.reason.kind === 'other-path') expect(shown?.otherPath?.path).toBe(paths[b.reason.path]);
    }
  });
});
