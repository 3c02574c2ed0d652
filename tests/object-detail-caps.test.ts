import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fsDirectoryReader } from '../src/cli/node-host.ts';
import { SHA1 } from '../src/core/hash/algo.ts';
import { parseCommit } from '../src/core/objects/commit.ts';
import { parseTag } from '../src/core/objects/tag.ts';
import { browse } from '../src/core/browse/browse.ts';
import { historyGraphPage } from '../src/worker/history-graph.ts';
import { DETAIL_LIMITS, describeCommit, describeTag, treeEntryInfo } from '../src/core/objects/describe.ts';
import { objectDetail } from '../src/core/odb/object-detail.ts';
import { Session } from '../src/worker/session.ts';
import { treeEntries } from '../src/core/odb/tree-listing.ts';
import { RLO_NAME, buildHugeRepo, type HugeRepo } from './support/huge-repo.ts';

/**
 * Issue 10, defect 5: a commit with 1,000,000 parents froze the page, because the worker sent
 * (and the view rendered) every parent; a tree of 300,000 entries and a tag with 200,000 header
 * lines went whole too. Each answer must now be small whatever the object holds, and say how
 * many there are.
 */

/** About what the answer costs to send (structured clone is close to its JSON length). */
const wireBytes = (v: unknown) => JSON.stringify(v).length;

let repo: HugeRepo;
let session: Session;
beforeAll(async () => {
  repo = buildHugeRepo();
  session = await Session.open('huge', fsDirectoryReader(repo.dir));
}, 180_000);
afterAll(() => {
  if (repo) rmSync(repo.dir, { recursive: true, force: true });
});

/** Runs `f` and returns its result and milliseconds. */
function timed<T>(f: () => T): [T, number] {
  const t0 = performance.now();
  const r = f();
  return [r, performance.now() - t0];
}

describe('a commit with 1,000,000 parents', () => {
  it('sends the first parents and the count, the message cut with its size', () => {
    const [d, ms] = timed(() => objectDetail(session.db, repo.octopus));
    const c = d.content;
    expect(c?.kind).toBe('commit');
    if (c?.kind !== 'commit') return;
    expect(c.parentCount).toBe(repo.parents);
    expect(c.parents.length).toBe(DETAIL_LIMITS.parents);
    expect(c.parents[0]).toBe('00000001'.repeat(5));
    expect(c.parents[99]).toBe('00000064'.repeat(5));
    expect(c.tree).toBe(repo.root);
    expect(c.author.name).toBe('A U Thor');
    expect(c.headers).toEqual([{ key: 'x-note', value: 'first line\nsecond line of x-note' }]);
    expect(c.headerCount).toBe(1);
    expect(c.messageBytes).toBe(repo.messageBytes);
    expect(c.message.startsWith(`A commit with ${repo.parents} parents\n\n`)).toBe(true);
    expect(new TextEncoder().encode(c.message).length).toBeLessThanOrEqual(DETAIL_LIMITS.messageBytes);
    // The answer: the cut message (256 KiB) and a few KB; it was 48 MB of parents, twice.
    expect(wireBytes(d)).toBeLessThan(DETAIL_LIMITS.messageBytes + 16 * 1024);
    console.log(`1M-parent commit: objectDetail ${ms.toFixed(0)} ms, ~${wireBytes(d)} bytes`);
    expect(ms).toBeLessThan(5000);
  });

  it('its history graph row carries the count, the walk keeps the first parents and the row stays small', async () => {
    const ctx = { progress: () => {}, checkCancelled: () => {}, pause: async () => {}, transfer: () => {} };
    const [page, ms] = await timedAsync(() => historyGraphPage(session, { scope: { kind: 'rev', rev: 'octopus' }, firstParent: false, unreachable: false }, 0, 10, ctx));
    const row = page.rows.find((r) => r.oid === repo.octopus);
    expect(row?.parentCount).toBe(repo.parents);
    // The parents are not in the repository: nothing to draw below it.
    expect(row?.shownParents).toBe(0);
    expect(wireBytes(page)).toBeLessThan(8 * 1024);
    expect(ms).toBeLessThan(20_000);
  });
});

describe('a tag with 200,000 extra headers', () => {
  it('sends the first headers and the count', () => {
    const d = objectDetail(session.db, repo.tag);
    const c = d.content;
    expect(c?.kind).toBe('tag');
    if (c?.kind !== 'tag') return;
    expect(c.name).toBe('huge-tag');
    expect(c.object).toBe(repo.main);
    expect(c.headerCount).toBe(repo.tagHeaders);
    expect(c.headers.length).toBe(DETAIL_LIMITS.headers);
    expect(c.headers[0]).toEqual({ key: 'x-h0', value: 'value 0' });
    expect(wireBytes(d)).toBeLessThan(16 * 1024);
  });
});

describe('a tree of 300,000 entries', () => {
  it('the object page gets the first entries and the total', () => {
    const [d, ms] = timed(() => objectDetail(session.db, repo.big));
    const c = d.content;
    expect(c?.kind).toBe('tree');
    if (c?.kind !== 'tree') return;
    expect(c.total).toBe(repo.bigEntries);
    expect(c.entries.length).toBe(DETAIL_LIMITS.firstEntries);
    expect(c.entries[0]).toEqual({ mode: '100644', type: 'blob', name: 'f000000', oid: repo.blob });
    expect(wireBytes(d)).toBeLessThan(64 * 1024);
    console.log(`300k-entry tree: objectDetail ${ms.toFixed(0)} ms, ~${wireBytes(d)} bytes`);
    expect(ms).toBeLessThan(3000);
  });

  it('pages come in git order and browse order, at most 500 an answer', () => {
    const [last, ms] = timed(() => treeEntries(session.db, repo.big, 'git', repo.bigEntries - 100, 1000));
    expect(last.total).toBe(repo.bigEntries);
    expect(last.entries.map((e) => e.name)).toEqual(Array.from({ length: 100 }, (_, i) => `f${String(repo.bigEntries - 100 + i).padStart(6, '0')}`));
    expect(ms).toBeLessThan(500);
    const many = treeEntries(session.db, repo.big, 'browse', 1000, 100_000);
    expect(many.entries.length).toBe(DETAIL_LIMITS.treePage);
    expect(many.entries[0].name).toBe('f001000');
    expect(wireBytes(many)).toBeLessThan(128 * 1024);
    expect(treeEntries(session.db, repo.big, 'git', repo.bigEntries + 5, 10).entries).toEqual([]);
    expect(treeEntries(session.db, repo.big, 'git', -7, 2).entries.map((e) => e.name)).toEqual(['f000000', 'f000001']);
  });

  it('Browse into it answers the first entries in browse order and the total', () => {
    const [r, ms] = timed(() => browse(session.db, session.refs, 'main', ['big']));
    expect(r.target.kind).toBe('tree');
    if (r.target.kind !== 'tree') return;
    expect(r.target.total).toBe(repo.bigEntries);
    expect(r.target.entries.length).toBe(DETAIL_LIMITS.firstEntries);
    expect(wireBytes(r)).toBeLessThan(64 * 1024);
    console.log(`300k-entry tree: browse ${ms.toFixed(0)} ms, ~${wireBytes(r)} bytes`);
    expect(ms).toBeLessThan(3000);
  });

  it('Browse finds a name holding U+202E by its decoded form, folders first at the root', () => {
    const root = browse(session.db, session.refs, 'main', []);
    expect(root.target.kind === 'tree' && root.target.entries.map((e) => e.name)).toEqual(['big', RLO_NAME, 'notes.txt', 'zero\u200bwidth.txt']);
    const file = browse(session.db, session.refs, 'main', [RLO_NAME]);
    expect(file.target).toEqual({ kind: 'blob', oid: repo.blob, mode: '100644' });
  });
});

describe('one value of any length', () => {
  it('a tree entry name over 1024 bytes is cut, with its length', () => {
    const name = new TextEncoder().encode('é'.repeat(3000));
    const info = treeEntryInfo({ mode: '100644', name, oid: new Uint8Array(20) });
    expect(info.nameBytes).toBe(6000);
    expect(info.name).toBe('é'.repeat(512));
    expect(info.quoted?.length).toBeLessThan(5000);
  });

  it('a header value and a message are cut with their sizes', () => {
    const gpg = 'x'.repeat(100_000);
    const data = new TextEncoder().encode(`tree ${'a'.repeat(40)}\nauthor A <a@b> 1 +0000\ncommitter A <a@b> 1 +0000\ngpgsig ${gpg}\n more\n\n${'m'.repeat(300_000)}`);
    const c = describeCommit(data);
    expect(c.headers[0].key).toBe('gpgsig');
    expect(c.headers[0].valueBytes).toBe(100_000 + 6);
    expect(c.headers[0].value.length).toBe(DETAIL_LIMITS.valueBytes);
    expect(c.messageBytes).toBe(300_000);
    expect(c.message.length).toBe(DETAIL_LIMITS.messageBytes);
  });
});

describe('the bounded readers find what the parsers find', () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  const commits = [
    `tree ${'1'.repeat(40)}\nparent ${'2'.repeat(40)}\nparent ${'3'.repeat(40)}\nauthor A B <a@b.c> 1700000000 +0100\ncommitter C <c@d> 1700000001 -0230\n\nsubject\n\nbody\n`,
    `\ufefftree ${'1'.repeat(40)}\nauthor A <a@b> 1 +0000\ncommitter A <a@b> 1 +0000\nencoding ISO-8859-1\ngpgsig -----BEGIN-----\n \n line\n -----END-----\nmergetag object x\n type commit\nnospace\ntree ${'9'.repeat(40)}\nauthor second <s@t> 2 +0000\n\nmessage`,
    `tree ${'1'.repeat(40)}\n\n`,
    `tree ${'1'.repeat(40)}\nauthor broken\n`,
    `\ntree ${'1'.repeat(40)}\nparent\n\nm`,
  ];
  it.each(commits.map((c, i) => [i, c] as [number, string]))('commit %i', (_i, text) => {
    const data = enc(text);
    const want = parseCommit(data);
    const got = describeCommit(data);
    expect(got.tree).toBe(want.tree);
    expect(got.parents).toEqual(want.parents);
    expect(got.parentCount).toBe(want.parents.length);
    expect(got.author).toEqual(want.author);
    expect(got.committer).toEqual(want.committer);
    expect(got.encoding).toBe(want.encoding);
    expect(got.message).toBe(want.message);
    // Every field appears once: in its place or among the others.
    const placed = new Set<number>();
    const firstOf = (key: string) => want.fields.findIndex((f) => f.key === key);
    for (const k of ['tree', 'author', 'committer']) if (firstOf(k) >= 0) placed.add(firstOf(k));
    want.fields.forEach((f, i) => f.key === 'parent' && placed.add(i));
    expect(got.headers).toEqual(want.fields.filter((_, i) => !placed.has(i)).map((f) => ({ key: f.key, value: f.value })));
  });

  it('fails as parseCommit fails', () => {
    for (const text of [`author x\n\n`, ` tree x\n`, `tree \nparent x\n`]) {
      expect(() => parseCommit(enc(text))).toThrow();
      expect(() => describeCommit(enc(text))).toThrow(/commit/);
    }
  });

  it('tags', () => {
    const text = `object ${'1'.repeat(40)}\ntype tree\ntag v1\ntagger T <t@t> 5 +0000\nextra one\n two\n\nthe message\n`;
    const want = parseTag(enc(text));
    const got = describeTag(enc(text));
    expect([got.object, got.targetType, got.name, got.message]).toEqual([want.object, want.type, want.name, want.message]);
    expect(got.tagger).toEqual(want.tagger);
    expect(got.headers).toEqual([{ key: 'extra', value: 'one\ntwo' }]);
    expect(() => describeTag(enc(`object x\ntype nonsense\n\n`))).toThrow(/tag has no valid object or type line/);
  });

  it('SHA-1 ids of the huge tree read back as git wrote them', () => {
    const page = treeEntries(session.db, repo.root, 'git', 0, 10);
    expect(page.entries.map((e) => e.name)).toEqual(repo.rootNames);
    expect(page.entries[0]).toMatchObject({ mode: '40000', type: 'tree', oid: repo.big });
    expect(SHA1.hexSize).toBe(repo.big.length);
  });
});

async function timedAsync<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const v = await f();
  return [v, performance.now() - t];
}
