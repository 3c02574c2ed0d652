import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fsDirectoryReader } from '../src/cli/node-host.ts';
import { Session } from '../src/worker/session.ts';
import { objectDetail } from '../src/core/odb/object-detail.ts';
import { browse } from '../src/core/browse/browse.ts';
import { historyGraphPage } from '../src/worker/history-graph.ts';
import type { HandlerContext } from '../src/protocol/rpc.ts';
import { builtFixtures, git, type Fixture } from './support/cli.ts';

/**
 * What the worker answers the views, checked against git on the fixtures (run in Node with
 * the CLI's file reader in place of the browser's).
 */

const ctx: HandlerContext = { progress: () => {}, checkCancelled: () => {}, pause: async () => {}, transfer: () => {} };
const fixtures = builtFixtures();
const varied = fixtures.find((f) => f.name === 'varied') as Fixture;
const gitDir = (f: Fixture) => join(f.packDir, '../..');

let session: Session;
beforeAll(async () => {
  session = await Session.open('varied', fsDirectoryReader(varied.path));
});

describe('session summary', () => {
  it.each(fixtures.map((f) => [f.name, f] as [string, Fixture]))('%s: packs and object entries agree with git', async (_n, f) => {
    const s = await Session.open(f.name, fsDirectoryReader(f.path));
    const summary = s.summary();
    expect(summary.packs.map((p) => p.name).sort()).toEqual(f.packs);
    const table = await s.objectTable(ctx);
    const gitCount = readFileSync(join(f.expect, 'batch-check.txt'), 'latin1').trim().split('\n').length;
    expect(table.count).toBe(gitCount);
    expect(summary.problems).toEqual([]);
  });
});

describe('object details', () => {
  it('delta chains match git verify-pack -v (depth and immediate base)', () => {
    const pack = varied.packs[0];
    const rows = readFileSync(join(varied.expect, `verify-pack-${pack}.txt`), 'latin1')
      .split('\n')
      .map((l) => l.split(/\s+/))
      .filter((f) => f.length === 7);
    expect(rows.length).toBeGreaterThan(10);
    for (const [oid, , , stored, offset, depth, base] of rows.slice(0, 40)) {
      const d = objectDetail(session.db, oid);
      expect(d.chain.length).toBe(Number(depth) + 1);
      expect(d.chain[0].oid).toBe(oid);
      expect(d.chain[1].oid).toBe(base);
      expect(d.location.kind === 'packed' && d.location.offset).toBe(Number(offset));
      expect(d.location.kind === 'packed' && d.location.storedSize).toBe(Number(stored));
    }
  });

  it('commit content equals git cat-file -p', () => {
    const pDir = join(varied.expect, 'p');
    const types = new Map(
      readFileSync(join(varied.expect, 't.txt'), 'latin1')
        .trim()
        .split('\n')
        .map((l) => l.split(' ') as [string, string]),
    );
    for (const f of readdirSync(pDir)) {
      const oid = f.replace(/\.txt$/, '');
      if (types.get(oid) !== 'commit') continue;
      const raw = readFileSync(join(pDir, f), 'utf8');
      const d = objectDetail(session.db, oid);
      expect(d.content?.kind).toBe('commit');
      if (d.content?.kind !== 'commit') continue;
      expect(d.content.tree).toBe(/^tree (\S+)/.exec(raw)?.[1]);
      const encoding = /^encoding (.*)$/m.exec(raw.slice(0, raw.indexOf('\n\n')))?.[1];
      if (!encoding) expect(d.content.message).toBe(raw.slice(raw.indexOf('\n\n') + 2));
    }
  });
});

describe('browse and history', () => {
  it('the root tree of HEAD lists what git ls-tree lists', () => {
    const r = browse(session.db, session.refs, 'HEAD', []);
    expect(r.target.kind).toBe('tree');
    const names = git(['--git-dir', gitDir(varied), '-c', 'core.quotePath=false', 'ls-tree', '--name-only', '-z', 'HEAD'])
      .stdout.toString('utf8')
      .split('\0')
      .filter(Boolean);
    if (r.target.kind === 'tree') expect(r.target.entries.map((e) => e.name).sort()).toEqual(names.sort());
  });

  it('a path to a file gives its blob', () => {
    const file = git(['--git-dir', gitDir(varied), 'ls-tree', '-r', '--name-only', 'HEAD'])
      .stdout.toString()
      .split('\n')
      .find((p) => p.split('/').length >= 3) as string;
    const r = browse(session.db, session.refs, 'HEAD', file.split('/'));
    expect(r.target.kind).toBe('blob');
    const want = git(['--git-dir', gitDir(varied), 'rev-parse', `HEAD:${file}`])
      .stdout.toString()
      .trim();
    expect(r.target.oid).toBe(want);
  });

  it.each(['first-parent', 'all'] as const)("history graph (%s) lists git log --graph's commits in its order", async (mode) => {
    const page = await historyGraphPage(session, { scope: { kind: 'rev', rev: 'HEAD' }, firstParent: mode === 'first-parent', unreachable: false }, 0, 1000, ctx);
    const args = ['--git-dir', gitDir(varied), 'log', '--graph', '--format=%H', ...(mode === 'first-parent' ? ['--first-parent'] : []), 'HEAD'];
    const want = git(args)
      .stdout.toString()
      .trim()
      .split('\n')
      .map((l) => l.replace(/^[^0-9a-f]*/, ''))
      .filter((l) => /^[0-9a-f]{40}$/.test(l));
    expect(page.rows.map((c) => c.oid)).toEqual(want);
    expect(page.done).toBe(true);
  });
});
