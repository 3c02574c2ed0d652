import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { openRepository, type CliRepository } from '../src/cli/repository.ts';
import { lostFoundZip, readStagingIndex, reachabilityResult, UnreachableRun } from '../src/core/find/unreachable.ts';
import { ObjectTableBuilder, type ObjectTable } from '../src/core/odb/object-table.ts';
import { NO_PACING } from '../src/core/pacing.ts';
import { readReflogs } from '../src/core/repo/reflog.ts';
import { BUILD } from './support/cli.ts';

/**
 * The Unreachable page's run (core/find/unreachable.ts), driven in small slices as the worker's
 * job queue drives it, against `git fsck --unreachable` and `git fsck --lost-found` on the
 * `dangling` fixture: the same objects, the same dangling ones, git's lost-found files.
 */

const FIXTURE = join(BUILD, 'dangling');
const EXPECT = join(FIXTURE, 'expect');
const REPO = join(FIXTURE, 'repo');

/** `unreachable <type> <oid>` / `dangling <type> <oid>` lines as `<type> <oid>`, sorted. */
function fsck(file: string, word: string): string[] {
  return readFileSync(join(EXPECT, file), 'utf8')
    .split('\n')
    .filter((l) => l.startsWith(`${word} `))
    .map((l) => l.slice(word.length + 1))
    .sort();
}

function typedTable(repo: CliRepository): ObjectTable {
  const b = new ObjectTableBuilder(repo.db);
  while (!b.step(10_000));
  const table = b.finish();
  while (!table.scanTypes(10_000));
  return table;
}

async function run(withReflogs: boolean) {
  const repo = await openRepository(REPO);
  const files = repo.db.files;
  const table = typedTable(repo);
  const { index, problem } = readStagingIndex(files, repo.db.algo);
  const reflogs = withReflogs ? readReflogs(files.reflogFiles ?? [], files.gitDir ?? '', repo.db.algo).reflogs : undefined;
  // A tiny prefetch budget and batch: the run must finish by pages and in many slices.
  const walk = new UnreachableRun(table, { refs: repo.refs, ...(index ? { index } : {}), ...(reflogs ? { reflogs } : {}) }, { budgetBytes: 4096, batchBytes: 1024, gapBytes: 0, maxReadBytes: 1024 });
  let slices = 0;
  const phases = new Set<string>();
  while (!walk.step(0)) {
    phases.add(walk.progress().unit);
    slices++;
  }
  walk.release();
  const { reach, rows } = walk.finish();
  return {
    table,
    reach,
    rows,
    slices,
    phases,
    result: reachabilityResult(reach, rows, { reflogFiles: files.reflogFiles?.length ?? 0, reflogsAreRoots: withReflogs, ...(problem ? { indexProblem: problem } : {}), ms: 1 }),
  };
}

describe('UnreachableRun against git fsck', () => {
  it('--unreachable --no-reflogs: the same objects with their types, the same dangling ones, in slices', async () => {
    const { rows, slices, phases, result } = await run(false);
    expect(slices).toBeGreaterThan(3);
    expect(phases.has('bytes')).toBe(true);
    expect(rows.map((r) => `${r.type} ${r.oid}`).sort()).toEqual(fsck('fsck-unreachable.txt', 'unreachable'));
    expect(
      rows
        .filter((r) => r.dangling)
        .map((r) => `${r.type} ${r.oid}`)
        .sort(),
    ).toEqual(fsck('fsck-dangling.txt', 'dangling'));
    expect(result.unreachable).toBe(rows);
    expect(result.reflogsAreRoots).toBe(false);
    // Rows say what identifies each object: a commit's summary and author, a tree's entry count.
    for (const r of rows) {
      expect(r.error).toBeUndefined();
      if (r.type === 'commit') expect(r.author && r.tree).toBeTruthy();
      if (r.type === 'tree') expect(r.entries).toBeGreaterThan(0);
      if (r.type === 'tag') expect(r.tagName).toBeTruthy();
      expect(r.size).toBeGreaterThan(0);
    }
  });

  it('--unreachable with reflogs as roots', async () => {
    const { rows, result } = await run(true);
    expect(rows.map((r) => `${r.type} ${r.oid}`).sort()).toEqual(fsck('fsck-unreachable-reflogs.txt', 'unreachable'));
    expect(result.reflogsAreRoots).toBe(true);
    expect(result.reflogFiles).toBeGreaterThan(0);
  });

  it('the lost-found zip holds the files git fsck --lost-found writes (which implies --no-reflogs)', async () => {
    const { table, reach } = await run(false);
    const zip = await lostFoundZip(table, reach, NO_PACING);
    const entries = unzipSync(zip.bytes);
    const want: Record<string, string> = {};
    for (const kind of readdirSync(join(EXPECT, 'lost-found'))) {
      for (const name of readdirSync(join(EXPECT, 'lost-found', kind))) want[`lost-found/${kind}/${name}`] = readFileSync(join(EXPECT, 'lost-found', kind, name), 'latin1');
    }
    expect(Object.keys(entries).sort()).toEqual(Object.keys(want).sort());
    for (const [name, bytes] of Object.entries(entries)) expect(Buffer.from(bytes).toString('latin1'), name).toBe(want[name]);
    expect(zip.files).toBe(Object.keys(want).length);
  });
});
