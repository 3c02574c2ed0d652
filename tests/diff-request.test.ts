import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { toHex } from '../src/core/hash/hex.ts';
import { blobLines, combinedView, compareTarget, mergeFileHunks, pairHunks, pairStats, resolveTarget, sideById } from '../src/core/diff/diff-request.ts';
import { modeOctal } from '../src/core/diff/tree-diff.ts';
import { NO_PACING } from '../src/core/pacing.ts';
import { openRepository, type CliRepository } from '../src/cli/repository.ts';
import { builtFixtures, git, type Fixture } from './support/cli.ts';

/**
 * core/diff/diff-request.ts against git 2.39 on the history fixture (renames, a copy, binary,
 * mode and type changes, odd names, annotated tags, two merges): targets resolve as rev-parse
 * peels them, comparisons with their line counts are diff-tree's --numstat, the combined view
 * is diff-tree -c / --cc's file list, and blob lines are cat-file's.
 */

const history = builtFixtures().find((f) => f.name === 'history') as Fixture;
const gitDir = join(history.packDir, '../..');
const run = (args: string[]): string => git(['--git-dir', gitDir, ...args]).stdout.toString('latin1');
const LIMITS = { maxFiles: 200_000, maxBlobBytes: 16 * 1024 * 1024, maxHunkLines: 20_000, maxLineBytes: 4_000, maxBlobLines: 5_000 };
const latin1 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('latin1');

describe('diff requests in core', () => {
  let repo: CliRepository;
  beforeAll(async () => {
    repo = await openRepository(history.path);
  });

  it('resolves commits, annotated tags, tree-ishes and blobs as git rev-parse peels them', () => {
    for (const tag of ['v0.1', 'v1.0', 'v2.0', 'light']) {
      const r = resolveTarget(repo.db, repo.refs, { kind: 'commit', rev: tag, parent: 1 });
      expect(r.ends.toCommit, tag).toBe(run(['rev-parse', `${tag}^{commit}`]).trim());
      expect(r.ends.toTree, tag).toBe(run(['rev-parse', `${tag}^{tree}`]).trim());
      expect(r.ends.parents, tag).toEqual(
        run(['rev-parse', `${tag}^{commit}^@`])
          .trim()
          .split('\n')
          .filter(Boolean),
      );
    }
    const pair = resolveTarget(repo.db, repo.refs, { kind: 'pair', from: 'v0.1', to: 'main^{tree}' });
    expect(pair.ends).toEqual({ fromCommit: run(['rev-parse', 'v0.1^{commit}']).trim(), fromTree: run(['rev-parse', 'v0.1^{tree}']).trim(), toTree: run(['rev-parse', 'main^{tree}']).trim() });
    const blobs = resolveTarget(repo.db, repo.refs, { kind: 'pair', from: 'v0.1:README.md', to: 'main:README.md' });
    expect(blobs.ends.blobs).toEqual({ from: run(['rev-parse', 'v0.1:README.md']).trim(), to: run(['rev-parse', 'main:README.md']).trim() });
    expect(latin1(blobs.blobs?.to.path ?? new Uint8Array())).toBe('README.md');
    expect(() => resolveTarget(repo.db, repo.refs, { kind: 'commit', rev: 'main^{tree}', parent: 1 })).toThrow(/not a commit/);
    expect(() => resolveTarget(repo.db, repo.refs, { kind: 'pair', from: 'main', to: 'main:README.md' })).toThrow(/compare two blobs or two tree-ishes/);
    expect(() => resolveTarget(repo.db, repo.refs, { kind: 'commit', rev: 'main', parent: 9 })).toThrow(/parent/);
  });

  it('compares each commit with its first parent as git diff-tree -r -M --numstat does', async () => {
    const commits = run(['rev-list', '--all', '--no-merges']).trim().split('\n');
    let files = 0;
    for (const c of commits) {
      // -z: paths unquoted, a rename as "a\td\t\0old\0new\0" (after the commit id's field).
      const fields = run(['diff-tree', '-z', '--root', '-r', '-M', '--numstat', c]).split('\0').slice(1);
      const want: string[] = [];
      for (let i = 0; i < fields.length - 1; i++) {
        const [added, deleted, path] = fields[i].split('\t');
        want.push(path === '' ? `${added}\t${deleted}\t${fields[++i]} => ${fields[++i]}` : fields[i]);
      }
      const resolved = resolveTarget(repo.db, repo.refs, { kind: 'commit', rev: c, parent: 1 });
      const changes = await compareTarget(repo.db, resolved, { renames: true, copies: false }, LIMITS, NO_PACING);
      const got = changes.pairs.map((pair) => {
        const s = pairStats(repo.db, pair, LIMITS.maxBlobBytes);
        const counts = s.binary ? '-\t-' : `${s.added}\t${s.deleted}`;
        const oldPath = pair.old ? latin1(pair.old.path) : '';
        const newPath = pair.new ? latin1(pair.new.path) : oldPath;
        return `${counts}\t${pair.status === 'R' || pair.status === 'C' ? `${oldPath} => ${newPath}` : newPath || oldPath}`;
      });
      expect(got, c).toEqual(want);
      files += got.length;
    }
    expect(files).toBeGreaterThan(10);
  });

  it("gives hunks whose counts are numstat's, and sizes as cat-file -s", async () => {
    const c = run(['rev-list', '--no-merges', '-n1', 'main']).trim();
    const resolved = resolveTarget(repo.db, repo.refs, { kind: 'commit', rev: c, parent: 1 });
    const changes = await compareTarget(repo.db, resolved, { renames: true, copies: false }, LIMITS, NO_PACING);
    expect(changes.pairs.length).toBeGreaterThan(0);
    for (const pair of changes.pairs) {
      const stats = pairStats(repo.db, pair, LIMITS.maxBlobBytes);
      const hunks = pairHunks(repo.db, pair.old, pair.new, { context: 3 }, LIMITS);
      if (stats.binary) {
        expect(hunks.skipped).toBe('binary');
        continue;
      }
      expect([hunks.added, hunks.deleted]).toEqual([stats.added, stats.deleted]);
      if (pair.new) expect(hunks.newSize).toBe(Number(run(['cat-file', '-s', toHex(pair.new.oid)])));
    }
    const tooSmall = pairHunks(repo.db, changes.pairs[0].old, changes.pairs[0].new, {}, { ...LIMITS, maxBlobBytes: 1 });
    expect(tooSmall.skipped).toBe('too-large');
    expect(pairStats(repo.db, { ...changes.pairs[0], new: sideById(repo.db, 'ab'.repeat(20), '100644') }, LIMITS.maxBlobBytes).skipped).toBe('missing');
  });

  it("lists each merge's combined view as git diff-tree -c -r and --cc -p do", async () => {
    const merges = run(['rev-list', '--merges', '--all']).trim().split('\n');
    expect(merges.length).toBe(2);
    for (const m of merges) {
      const raw = run(['diff-tree', '-c', '-r', '--raw', m]).trim().split('\n').slice(1).filter(Boolean);
      const all = await combinedView(repo.db, repo.refs, m, false, LIMITS, NO_PACING);
      const got = all.paths.map(
        (p) =>
          `${':'.repeat(p.parents.length)}${p.parents.map((q) => modeOctal(q.mode)).join(' ')} ${modeOctal(p.mode)} ${p.parents.map((q) => toHex(q.oid)).join(' ')} ${toHex(p.oid)} ${p.parents.map((q) => q.status).join('')}\t${latin1(p.path)}`,
      );
      expect(got, m).toEqual(raw);
      const ccPaths = [...run(['diff-tree', '--cc', '-p', m]).matchAll(/^diff --cc (.*)$/gm)].map((x) => x[1]);
      const dense = await combinedView(repo.db, repo.refs, m, true, LIMITS, NO_PACING);
      expect(
        dense.paths.map((p) => latin1(p.path)),
        m,
      ).toEqual(ccPaths);
      for (const p of dense.paths) {
        const hunks = mergeFileHunks(
          repo.db,
          { path: p.path, mode: p.mode, oid: p.oid },
          p.parents.map((q) => ({ path: p.path, mode: q.mode, oid: q.oid })),
          { dense: true },
          LIMITS,
        );
        expect(hunks.skipped).toBeUndefined();
      }
    }
    await expect(combinedView(repo.db, repo.refs, run(['rev-list', '--no-merges', '-n1', 'main']).trim(), true, LIMITS, NO_PACING)).rejects.toThrow(/not a merge/);
  });

  it("reads a blob's lines as git cat-file shows them, capped", () => {
    const oid = run(['rev-parse', 'main:README.md']).trim();
    const want = run(['cat-file', 'blob', oid]).replace(/\n$/, '').split('\n');
    const side = sideById(repo.db, oid, undefined);
    if (!side) throw new Error('README.md has an id');
    const got = blobLines(repo.db, side, 2, 3, LIMITS);
    expect(got).toEqual({ start: 2, lines: want.slice(1, 4), total: want.length });
    expect(blobLines(repo.db, side, 1, 1000, { ...LIMITS, maxBlobLines: 1 }).lines).toEqual([want[0]]);
    expect(() => blobLines(repo.db, side, 1, 1, { ...LIMITS, maxBlobBytes: 1 })).toThrow(/over the 1-byte limit/);
    expect(sideById(repo.db, '0'.repeat(40), undefined)).toBeUndefined();
    expect(() => sideById(repo.db, 'xyz', undefined)).toThrow(/not a full object id/);
  });
});
