import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openRepository } from '../src/cli/repository.ts';
import { locateInObjectList, objectListPage } from '../src/core/odb/object-list.ts';
import { ObjectTableBuilder } from '../src/core/odb/object-table.ts';
import { BUILD, git } from './support/cli.ts';

/**
 * The objects list (core/odb/object-list.ts) against `git cat-file --batch-all-objects
 * --batch-check`: every page in id order with git's types and sizes, a type's list, and where
 * a prefix falls.
 */

const REPO = join(BUILD, 'varied', 'repo');

async function typedTable() {
  const repo = await openRepository(REPO);
  const b = new ObjectTableBuilder(repo.db);
  while (!b.step(10_000));
  const table = b.finish();
  while (!table.scanTypes(10_000));
  return { repo, table };
}

const gitObjects = (): { oid: string; type: string; size: number }[] =>
  git(['-C', REPO, 'cat-file', '--batch-all-objects', '--batch-check=%(objectname) %(objecttype) %(objectsize)'])
    .stdout.toString()
    .trim()
    .split('\n')
    .map((l) => l.split(' '))
    .map(([oid, type, size]) => ({ oid, type, size: Number(size) }));

describe('objects list', () => {
  it('pages in id order carry git types and sizes; a type filter lists exactly that type', async () => {
    const { repo, table } = await typedTable();
    const want = gitObjects();
    const got: { oid: string; type: string; size: number }[] = [];
    for (let start = 0; ; start += 37) {
      const page = objectListPage(repo.db, table, 'all', start, 37);
      expect(page.total).toBe(want.length);
      for (const r of page.rows) got.push({ oid: r.oid, type: r.type ?? '?', size: r.size ?? -1 });
      if (start + 37 >= page.total) break;
    }
    expect(got).toEqual(want);
    const trees = objectListPage(repo.db, table, 'tree', 0, 5000);
    expect(trees.rows.map((r) => r.oid)).toEqual(want.filter((o) => o.type === 'tree').map((o) => o.oid));
    expect(trees.rows.map((r) => r.index)).toEqual(trees.rows.map((_, i) => i));
    expect(objectListPage(repo.db, table, 'all', 0, 1_000_000).rows.length).toBe(Math.min(1000, want.length));
  });

  it('a prefix is found at its place in the list, ambiguous among several, absent from another type', async () => {
    const { table } = await typedTable();
    const want = gitObjects();
    const blob = want.findIndex((o) => o.type === 'blob');
    const oid = want[blob].oid;
    expect(locateInObjectList(table, oid.slice(0, 12), 'all')).toEqual({ kind: 'found', index: blob, oid });
    const blobs = want.filter((o) => o.type === 'blob');
    expect(locateInObjectList(table, oid, 'blob')).toEqual({ kind: 'found', index: blobs.findIndex((o) => o.oid === oid), oid });
    expect(locateInObjectList(table, oid, 'commit')).toEqual({ kind: 'none' });
    const first = want[0].oid[0];
    const many = locateInObjectList(table, first, 'all');
    expect(many.kind).toBe(want.filter((o) => o.oid[0] === first).length > 1 ? 'ambiguous' : 'found');
    expect(() => locateInObjectList(table, 'xyz', 'all')).toThrow(/not a hex object id/);
  });
});
