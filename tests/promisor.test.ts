import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ObjectTableBuilder } from '../src/core/odb/object-table.ts';
import { ReachabilityWalk } from '../src/core/reach/reachability.ts';
import { openRepository } from '../src/cli/repository.ts';
import { BUILD, git } from './support/cli.ts';

/**
 * A partial clone's pack (a `.promisor` file beside it) leaves objects out on purpose. The walk
 * marks what objects of a promisor pack name and the repository lacks as `promised`, apart from
 * what is missing for real; git fsck agrees once the config names a promisor remote.
 */

let dir: string;
let blob: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'packscope-promisor-'));
  const repo = join(dir, 'repo.git');
  cpSync(join(BUILD, 'demo', 'repo', '.git'), repo, { recursive: true });
  rmSync(join(repo, 'index'), { force: true }); // bare: the staging index would be a root
  // One pack of every reachable object but one blob; nothing else.
  const objects = git(['--git-dir', repo, 'rev-list', '--objects', '--all']).stdout.toString().trim().split('\n');
  const blobs = git(['--git-dir', repo, 'cat-file', '--batch-check=%(objecttype) %(objectname)'], { input: objects.map((l) => l.split(' ')[0]).join('\n') + '\n' })
    .stdout.toString()
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('blob '));
  blob = blobs[0].split(' ')[1];
  const kept = objects.filter((l) => !l.startsWith(blob)).join('\n') + '\n';
  const packDir = join(repo, 'objects', 'pack');
  const staging = join(dir, 'staging');
  mkdirSync(staging);
  const name = git(['--git-dir', repo, 'pack-objects', join(staging, 'pack')], { input: kept })
    .stdout.toString()
    .trim();
  rmSync(packDir, { recursive: true, force: true });
  for (const d of readdirSync(join(repo, 'objects'))) if (/^[0-9a-f]{2}$/.test(d)) rmSync(join(repo, 'objects', d), { recursive: true });
  cpSync(staging, packDir, { recursive: true });
  writeFileSync(join(packDir, `pack-${name}.promisor`), '');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function walk(): Promise<ReturnType<ReachabilityWalk['run']>> {
  const repo = await openRepository(join(dir, 'repo.git'));
  const builder = new ObjectTableBuilder(repo.db);
  while (!builder.step(10_000));
  return new ReachabilityWalk(builder.finish(), { refs: repo.refs }).run();
}

describe('promisor packs', () => {
  it('what a promisor pack names and the repository lacks is promised, not missing', async () => {
    const reach = await walk();
    expect(reach.missing.map((m) => m.oid)).toEqual([blob]);
    expect(reach.missing[0].promised).toBe(true);
  });

  it('without the .promisor file the same absence is missing', async () => {
    const packDir = join(dir, 'repo.git', 'objects', 'pack');
    const marker = readdirSync(packDir).find((f) => f.endsWith('.promisor')) as string;
    rmSync(join(packDir, marker));
    try {
      const reach = await walk();
      expect(reach.missing.map((m) => m.oid)).toEqual([blob]);
      expect(reach.missing[0].promised).toBeUndefined();
    } finally {
      writeFileSync(join(packDir, marker), '');
    }
  });

  it('git fsck: missing without a promisor remote, silent with one (what the app says beside the list)', () => {
    const repo = join(dir, 'repo.git');
    const plain = git(['--git-dir', repo, 'fsck', '--connectivity-only', '--no-reflogs']);
    expect(plain.stdout.toString() + plain.stderr).toContain(`missing blob ${blob}`);
    const partial = git([
      '--git-dir',
      repo,
      '-c',
      'remote.origin.url=/nonexistent',
      '-c',
      'remote.origin.promisor=true',
      '-c',
      'extensions.partialClone=origin',
      'fsck',
      '--connectivity-only',
      '--no-reflogs',
    ]);
    expect(partial.stdout.toString() + partial.stderr).not.toContain(blob);
  });
});
