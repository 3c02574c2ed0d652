import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRepository, type CliRepository } from '../src/cli/repository.ts';
import { PackscopeError } from '../src/core/errors.ts';
import { BlobTextSearch, DEFAULT_BLOB_OPTIONS, type BlobSearchOptions } from '../src/core/search/blob-search.ts';
import { CommitSearch, type CommitQuery } from '../src/core/search/commit-search.ts';
import { compileMatcher, nestedQuantifier } from '../src/core/search/matcher.ts';
import { OidPrefixSearch } from '../src/core/search/oid-search.ts';
import { PlaceIndexBuilder, type PlaceIndex } from '../src/core/search/places.ts';
import type { ObjectScan } from '../src/core/search/scan.ts';
import { findLineHits } from '../src/core/search/text-hits.ts';
import { buildTimeline } from '../src/core/search/timeline.ts';
import type { BlobMatch, CommitMatch, ObjectMatch, SearchMatch, SearchNote } from '../src/core/search/types.ts';
import { fromHex } from '../src/core/hash/hex.ts';
import { fsDirectoryReader } from '../src/cli/node-host.ts';
import { Cancelled, type StreamContext } from '../src/protocol/rpc.ts';
import type { SearchChunk } from '../src/protocol/search.ts';
import { blobPlaces } from '../src/worker/forensics/search/places.ts';
import { runSearch } from '../src/worker/forensics/search/run-search.ts';
import { Session } from '../src/worker/session.ts';
import { builtFixtures, git, type Fixture } from './support/cli.ts';

/**
 * The search engines against git's own answers on the fixtures: blob text against a plain
 * search over `git cat-file --batch-all-objects --batch`, messages and people against
 * `git log --all --grep/--author/--committer`, ids against `--batch-check`, and where each
 * blob appears against `git ls-tree -r` of every commit.
 */

const fixtures = builtFixtures();
const byName = (name: string) => fixtures.find((f) => f.name === name) as Fixture;
const gitDirOf = (f: Fixture) => join(f.packDir, '../..');
const gitIn = (f: Fixture, args: string[]) => git(['--git-dir', gitDirOf(f), ...args]);

interface StoredObject {
  type: string;
  data: Buffer;
}

/** Parses `git cat-file --batch-all-objects --batch` output: `<oid> <type> <size>\n<data>\n`. */
function batchObjects(f: Fixture): Map<string, StoredObject> {
  const buf = readFileSync(join(f.expect, 'batch.bin'));
  const out = new Map<string, StoredObject>();
  let pos = 0;
  while (pos < buf.length) {
    const nl = buf.indexOf(0x0a, pos);
    const [oid, type, size] = buf.subarray(pos, nl).toString('latin1').split(' ');
    const start = nl + 1;
    out.set(oid, { type, data: buf.subarray(start, start + Number(size)) });
    pos = start + Number(size) + 1;
  }
  return out;
}

/** Runs a scan to the end in small slices (as the worker does), collecting everything. */
function drive(scan: ObjectScan, budgetMs = 2): { matches: SearchMatch[]; notes: SearchNote[]; slices: number } {
  const matches: SearchMatch[] = [];
  const notes: SearchNote[] = [];
  let slices = 0;
  for (;;) {
    slices++;
    const done = scan.step(budgetMs);
    const out = scan.take();
    matches.push(...out.matches);
    notes.push(...out.notes);
    if (done) return { matches, notes, slices };
    if (slices > 1_000_000) throw new Error('the scan does not end');
  }
}

const repos = new Map<string, CliRepository>();
beforeAll(async () => {
  for (const name of ['varied', 'demo', 'loose', 'multi-pack', 'sha256']) repos.set(name, await openRepository(byName(name).path));
});
const repo = (name: string) => repos.get(name) as CliRepository;

function blobSearch(name: string, pattern: string, options: Partial<BlobSearchOptions> & { regex: boolean; caseSensitive: boolean }) {
  const { db } = repo(name);
  return new BlobTextSearch(db, db.allObjects(), db.sourceObjectCount(), pattern, { ...DEFAULT_BLOB_OPTIONS, maxLinesPerBlob: 100_000, ...options });
}

/** The reference: git's lines of each blob, searched with the plainest code there is. */
function referenceBlobLines(f: Fixture, test: (line: string) => number | undefined, includeBinary: boolean): Map<string, { line: number; column: number }[]> {
  const out = new Map<string, { line: number; column: number }[]>();
  for (const [oid, o] of batchObjects(f)) {
    if (o.type !== 'blob') continue;
    if (!includeBinary && o.data.subarray(0, 8000).includes(0)) continue;
    const text = new TextDecoder().decode(o.data);
    const lines = text.split('\n');
    if (text.endsWith('\n')) lines.pop();
    if (text === '') lines.length = 0;
    const hits: { line: number; column: number }[] = [];
    lines.forEach((l, i) => {
      const at = test(l);
      if (at !== undefined) hits.push({ line: i + 1, column: at + 1 });
    });
    if (hits.length) out.set(oid, hits);
  }
  return out;
}

function ourBlobLines(matches: SearchMatch[]): Map<string, { line: number; column: number }[]> {
  const out = new Map<string, { line: number; column: number }[]>();
  for (const m of matches as BlobMatch[])
    out.set(
      m.oid,
      m.hits.map((h) => ({ line: h.line, column: h.column })),
    );
  return out;
}

const sorted = <T>(m: Map<string, T>) => new Map([...m.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));

describe('blob text', () => {
  const cases: [string, string, { regex: boolean; caseSensitive: boolean }, (l: string) => number | undefined][] = [
    ['varied', 'river', { regex: false, caseSensitive: true }, (l) => (l.includes('river') ? l.indexOf('river') : undefined)],
    ['varied', 'RIVER', { regex: false, caseSensitive: false }, (l) => (l.toLowerCase().includes('river') ? l.toLowerCase().indexOf('river') : undefined)],
    ['demo', 'slug', { regex: false, caseSensitive: true }, (l) => (l.includes('slug') ? l.indexOf('slug') : undefined)],
    ['demo', '^\\s*(export )?function\\s+\\w+', { regex: true, caseSensitive: true }, (l) => /^\s*(export )?function\s+\w+/.exec(l)?.index],
    ['varied', '[0-9]{3,}', { regex: true, caseSensitive: true }, (l) => /[0-9]{3,}/.exec(l)?.index],
    ['demo', 'SEPARATOR|maxlength', { regex: true, caseSensitive: false }, (l) => /SEPARATOR|maxlength/i.exec(l)?.index],
  ];
  it.each(cases)('%s: %s finds exactly the lines a plain search of git’s blobs finds', (name, pattern, options, test) => {
    const { matches, notes, slices } = drive(blobSearch(name, pattern, options));
    const expected = sorted(referenceBlobLines(byName(name), test, false));
    expect(expected.size).toBeGreaterThan(0);
    expect(sorted(ourBlobLines(matches))).toEqual(expected);
    expect(notes).toEqual([]);
    expect(slices).toBeGreaterThanOrEqual(1);
  });

  it('shows each hit with its line, the match highlighted, and the lines around it', () => {
    const f = byName('demo');
    const { matches } = drive(blobSearch('demo', 'transliterate', { regex: false, caseSensitive: false, context: 2 }));
    const objects = batchObjects(f);
    expect(matches.length).toBeGreaterThan(0);
    for (const m of matches as BlobMatch[]) {
      const lines = new TextDecoder().decode(objects.get(m.oid)?.data).split('\n');
      for (const h of m.hits) {
        const full = lines[h.line - 1];
        expect(h.text).toBe(full.slice(h.textOffset, h.textOffset + 240));
        for (const r of h.ranges) expect(h.text.slice(r.start, r.start + r.length).toLowerCase()).toBe('transliterate');
        expect(h.before).toEqual(lines.slice(Math.max(0, h.line - 3), h.line - 1));
        const after = lines.slice(h.line, h.line + 2);
        // The empty string after a final newline is not a line.
        expect(h.after).toEqual(h.line + 2 >= lines.length && lines.at(-1) === '' ? after.filter((_, i) => h.line + i < lines.length - 1) : after);
      }
    }
  });

  it('skips binary blobs unless asked, and then finds text inside them', () => {
    const f = byName('varied');
    // "IHDR"-like runs do not exist here; the binary starts with bytes 0..255, so "ABC" is in it.
    const test = (l: string) => (l.includes('ABC') ? l.indexOf('ABC') : undefined);
    const off = drive(blobSearch('varied', 'ABC', { regex: false, caseSensitive: true }));
    const on = drive(blobSearch('varied', 'ABC', { regex: false, caseSensitive: true, includeBinary: true }));
    expect(sorted(ourBlobLines(off.matches))).toEqual(sorted(referenceBlobLines(f, test, false)));
    expect(sorted(ourBlobLines(on.matches))).toEqual(sorted(referenceBlobLines(f, test, true)));
    expect((on.matches as BlobMatch[]).filter((m) => m.binary).length).toBeGreaterThan(0);
    const scan = blobSearch('varied', 'ABC', { regex: false, caseSensitive: true });
    drive(scan);
    expect(scan.stats.binarySkipped).toBeGreaterThan(0);
  });

  it('caps lines per blob and counts the rest', () => {
    const { matches } = drive(blobSearch('varied', 'river', { regex: false, caseSensitive: false, maxLinesPerBlob: 2 }));
    const full = referenceBlobLines(byName('varied'), (l) => (l.toLowerCase().includes('river') ? 0 : undefined), false);
    for (const m of matches as BlobMatch[]) {
      const n = full.get(m.oid)?.length ?? 0;
      expect(m.hits.length).toBe(Math.min(2, n));
      expect(m.moreLines).toBe(n - m.hits.length);
    }
  });

  it('stops at the overall match cap and says so', () => {
    const { db } = repo('varied');
    const scan = new BlobTextSearch(db, db.allObjects(), db.sourceObjectCount(), 'e', { ...DEFAULT_BLOB_OPTIONS, regex: false, caseSensitive: true }, { maxMatches: 3, maxNotes: 10 });
    const { matches } = drive(scan);
    expect(matches.length).toBe(3);
    expect(scan.stats.truncated).toBe(true);
  });

  it('notes blobs over the size limit instead of reading them', () => {
    const { db } = repo('varied');
    const scan = new BlobTextSearch(db, db.allObjects(), db.sourceObjectCount(), 'river', { ...DEFAULT_BLOB_OPTIONS, regex: false, caseSensitive: true, maxBlobBytes: 1000 });
    const { notes } = drive(scan);
    const big = [...batchObjects(byName('varied'))]
      .filter(([, o]) => o.type === 'blob' && o.data.length > 1000)
      .map(([oid]) => oid)
      .sort();
    expect(
      notes
        .filter((n) => n.reason === 'too-large')
        .map((n) => n.oid)
        .sort(),
    ).toEqual(big);
  });

  it('time-boxes a text: the search stops between lines once the box is spent', () => {
    const text = Array.from({ length: 2000 }, (_, i) => `line ${i}`).join('\n');
    const r = findLineHits(text, compileMatcher('line', { regex: true, caseSensitive: true }), { maxLines: 10, context: 0, deadline: performance.now() - 1 });
    expect(r.stoppedAtLine).toBe(256);
    expect(r.hits.length + r.moreLines).toBe(256);
  });
});

describe('patterns', () => {
  it('refuses nested repetition, which can take exponential time', () => {
    for (const p of ['(a+)+', '(\\w*)*b', '(x+x+)+y', '([a-z]+)*$', '((ab)*c)+', '(a+){2,}']) {
      expect(nestedQuantifier(p), p).toBeDefined();
      expect(() => compileMatcher(p, { regex: true, caseSensitive: true })).toThrow(/repeats something that already repeats/);
    }
    for (const p of ['(ab)+', 'a+b+', '(\\d{1,3}\\.){3}\\d+', '[(+]+x', '\\(a+\\)+', '(a|b)c*']) expect(nestedQuantifier(p), p).toBeUndefined();
  });

  it('explains an invalid regular expression', () => {
    const err = (() => {
      try {
        compileMatcher('fo(o', { regex: true, caseSensitive: true });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(PackscopeError);
    expect((err as PackscopeError).kind).toBe('BadName');
    expect((err as PackscopeError).detail).toBe('not a valid regular expression: Unterminated group');
  });

  it('treats plain text as text, not as a pattern', () => {
    const m = compileMatcher('a.b(', { regex: false, caseSensitive: false });
    expect(m.next('xxA.B(', 0)).toEqual({ start: 2, length: 4 });
    expect(m.next('axb(', 0)).toBeUndefined();
  });
});

describe('commits and tags', () => {
  function commitsFound(name: string, query: CommitQuery, field?: string): string[] {
    const { db } = repo(name);
    const { matches } = drive(new CommitSearch(db, db.allObjects(), db.sourceObjectCount(), query));
    return (matches as CommitMatch[])
      .filter((m) => m.type === 'commit' && (field === undefined || m.matched.includes(field as never)))
      .map((m) => m.oid)
      .sort();
  }
  const gitLog = (name: string, args: string[]) =>
    gitIn(byName(name), ['log', '--all', '--format=%H', ...args])
      .stdout.toString()
      .trim()
      .split('\n')
      .filter(Boolean)
      .sort();

  it.each([
    ['varied', 'journal', false],
    ['varied', 'Journal', true],
    ['varied', 'café', true],
    ['demo', 'options', true],
    ['demo', 'TEST', false],
  ] as [string, string, boolean][])('%s: message %s (case-sensitive %s) equals git log --grep', (name, pattern, caseSensitive) => {
    const expected = gitLog(name, ['-F', `--grep=${pattern}`, ...(caseSensitive ? [] : ['-i'])]);
    expect(expected.length).toBeGreaterThan(0);
    expect(commitsFound(name, { field: 'message', pattern, regex: false, caseSensitive })).toEqual(expected);
  });

  it('message regex equals git log -E --grep', () => {
    const expected = gitLog('varied', ['-E', '--grep=\\(1[0-9]\\)$']);
    expect(expected.length).toBe(10);
    expect(commitsFound('varied', { field: 'message', pattern: '\\(1[0-9]\\)$', regex: true, caseSensitive: true })).toEqual(expected);
  });

  it.each([
    ['demo', 'Tomás', '--author'],
    ['demo', 'mira', '--author'],
    ['varied', 'zoe@example', '--author'],
    ['varied', 'Cy Committer <cy@', '--committer'],
  ])('%s: person %s equals git log %s', (name, pattern, option) => {
    const expected = gitLog(name, ['-i', '-F', `${option}=${pattern}`]);
    expect(expected.length).toBeGreaterThan(0);
    expect(commitsFound(name, { field: 'person', pattern, regex: false, caseSensitive: false }, option.slice(2))).toEqual(expected);
  });

  it('finds tags by tagger and message too', () => {
    const { db } = repo('varied');
    const { matches } = drive(new CommitSearch(db, db.allObjects(), db.sourceObjectCount(), { field: 'person', pattern: '@', regex: false, caseSensitive: true }));
    const tags = gitIn(byName('varied'), ['for-each-ref', '--format=%(objectname) %(objecttype)', 'refs/tags'])
      .stdout.toString()
      .trim()
      .split('\n')
      .map((l) => l.split(' '))
      .filter(([, t]) => t === 'tag')
      .map(([o]) => o)
      .sort();
    expect(
      (matches as CommitMatch[])
        .filter((m) => m.type === 'tag')
        .map((m) => m.oid)
        .sort(),
    ).toEqual(tags);
  });

  it('date range: commits whose author or committer date is inside [from, to]', () => {
    const rows = gitIn(byName('demo'), ['log', '--all', '--format=%H %at %ct'])
      .stdout.toString()
      .trim()
      .split('\n')
      .map((l) => l.split(' '));
    const times = rows.flatMap(([, a, c]) => [Number(a), Number(c)]).sort((a, b) => a - b);
    const from = times[Math.floor(times.length / 3)];
    const to = times[Math.floor((2 * times.length) / 3)];
    const expected = rows
      .filter(([, a, c]) => (Number(a) >= from && Number(a) <= to) || (Number(c) >= from && Number(c) <= to))
      .map(([h]) => h)
      .sort();
    expect(expected.length).toBeGreaterThan(2);
    expect(expected.length).toBeLessThan(rows.length);
    expect(commitsFound('demo', { field: 'date', from, to })).toEqual(expected);
  });
});

describe('object id prefixes', () => {
  const listing = (name: string) =>
    readFileSync(join(byName(name).expect, 'batch-check.txt'), 'latin1')
      .trim()
      .split('\n')
      .map((l) => l.split(' '));
  it.each([
    ['varied', '4a25'],
    ['varied', '4a251'],
    ['varied', 'a'],
    ['loose', '0'],
    ['multi-pack', 'f'],
    ['sha256', '1639'],
  ])('%s: %s lists every object git lists with that prefix, with type and size', (name, prefix) => {
    const { db } = repo(name);
    const scan = new OidPrefixSearch(db, db.allObjects(), db.sourceObjectCount(), prefix);
    const { matches } = drive(scan);
    const expected = listing(name)
      .filter(([oid]) => oid.startsWith(prefix))
      .map(([oid, type, size]) => ({ kind: 'object', oid, type, size: Number(size) }));
    expect(expected.length).toBeGreaterThan(0);
    expect(matches as ObjectMatch[]).toEqual(expected);
    // Sorted input: the scan stops right after the prefix instead of visiting everything.
    if (prefix !== 'f') expect(scan.stats.scanned).toBeLessThan(listing(name).length);
  });

  it('a full id finds itself; non-hex and over-long input are refused with the reason', () => {
    const { db } = repo('varied');
    const oid = listing('varied')[7][0];
    expect(drive(new OidPrefixSearch(db, db.allObjects(), 0, oid.toUpperCase())).matches.map((m) => m.oid)).toEqual([oid]);
    expect(() => new OidPrefixSearch(db, db.allObjects(), 0, 'xyz')).toThrow(/not hexadecimal/);
    expect(() => new OidPrefixSearch(db, db.allObjects(), 0, `${oid}0`)).toThrow(/longer than an object id/);
  });
});

describe('where blobs appear', () => {
  function allCommits(f: Fixture): string[] {
    return gitIn(f, ['rev-list', '--all']).stdout.toString().trim().split('\n');
  }
  function buildIndex(name: string, caps?: { maxParents: number; maxRootCommits: number }): PlaceIndex {
    const { db } = repo(name);
    const commits = allCommits(byName(name)).map(fromHex);
    const builder = new PlaceIndexBuilder(db, commits, caps);
    let slices = 0;
    while (!builder.step(1)) if (++slices > 100_000) throw new Error('the index does not finish');
    return builder.finish();
  }

  it.each(['varied', 'demo'])('%s: every (commit, path) of every blob equals git ls-tree -r of every commit, each tree walked once', (name) => {
    const f = byName(name);
    const index = buildIndex(name, { maxParents: 1_000_000, maxRootCommits: 1_000_000 });
    const expected = new Map<string, Set<string>>();
    const trees = new Set<string>();
    for (const commit of allCommits(f)) {
      trees.add(
        gitIn(f, ['rev-parse', `${commit}^{tree}`])
          .stdout.toString()
          .trim(),
      );
      const out = gitIn(f, ['ls-tree', '-r', '-t', '-z', commit]).stdout;
      for (const entry of out.toString('latin1').split('\0').filter(Boolean)) {
        const tab = entry.indexOf('\t');
        const [mode, type, oid] = entry.slice(0, tab).split(' ');
        const path = new TextDecoder().decode(Buffer.from(entry.slice(tab + 1), 'latin1'));
        if (type === 'tree') trees.add(oid);
        if (type !== 'blob') continue;
        const set = expected.get(oid) ?? new Set();
        set.add(`${commit} ${mode} ${path}`);
        expected.set(oid, set);
      }
    }
    expect(index.stats.treesWalked).toBe(trees.size);
    expect(index.stats.unreadable).toBe(0);
    for (const [blob, places] of expected) {
      const got = index.places(blob, Infinity);
      expect(got.more).toBe(false);
      expect(new Set(got.places.map((p) => `${p.commit} ${p.mode} ${p.path.join('/')}`))).toEqual(places);
    }
  });

  it('with the default caps, places are true, newest first, and limited', () => {
    const f = byName('varied');
    const index = buildIndex('varied');
    const times = new Map(
      gitIn(f, ['log', '--all', '--format=%H %ct'])
        .stdout.toString()
        .trim()
        .split('\n')
        .map((l) => l.split(' ') as [string, string]),
    );
    const readme = gitIn(f, ['rev-parse', 'HEAD:README']);
    const oid = readme.status === 0 ? readme.stdout.toString().trim() : gitIn(f, ['rev-parse', 'HEAD:README.md']).stdout.toString().trim();
    const { places, more } = index.places(oid, 5);
    expect(places.length).toBe(5);
    expect(more).toBe(true);
    for (let i = 0; i < places.length; i++) {
      const p = places[i];
      expect(
        gitIn(f, ['rev-parse', `${p.commit}:${p.path.join('/')}`])
          .stdout.toString()
          .trim(),
      ).toBe(oid);
      expect(p.time).toBe(Number(times.get(p.commit)));
      if (i > 0) expect(p.time).toBeLessThanOrEqual(places[i - 1].time);
    }
  });
});

describe('timeline', () => {
  it('buckets the demo commits by day, every commit in the bucket of its date', () => {
    const times = gitIn(byName('demo'), ['log', '--all', '--format=%at']).stdout.toString().trim().split('\n').map(Number);
    const t = buildTimeline(times);
    expect(t.unit).toBe('day');
    expect(t.buckets.reduce((s, b) => s + b.count, 0)).toBe(times.length);
    const perDay = new Map<number, number>();
    for (const x of times) perDay.set(Math.floor(x / 86400) * 86400, (perDay.get(Math.floor(x / 86400) * 86400) ?? 0) + 1);
    for (const b of t.buckets) {
      expect(b.end - b.start).toBe(86400);
      expect(b.count).toBe(perDay.get(b.start) ?? 0);
    }
  });

  it('widens buckets with the span and keeps a forged far-future date drawable', () => {
    const week = buildTimeline([Date.UTC(2024, 0, 3) / 1000, Date.UTC(2024, 11, 31) / 1000]);
    expect(week.unit).toBe('week');
    expect(new Date(week.buckets[0].start * 1000).getUTCDay()).toBe(1);
    const month = buildTimeline([Date.UTC(2010, 4, 9) / 1000, Date.UTC(2024, 1, 1) / 1000]);
    expect(month.unit).toBe('month');
    expect(month.buckets[0].start).toBe(Date.UTC(2010, 4, 1) / 1000);
    const forged = buildTimeline([1, 1_700_000_000, 253_402_300_000, 0]);
    expect(forged.unit).toBe('year');
    expect(forged.buckets.length).toBeLessThanOrEqual(400);
    expect(forged.buckets.reduce((s, b) => s + b.count, 0)).toBe(3);
    expect(forged.undated).toBe(1);
  });
});

describe('damaged repository', () => {
  let dir: string;
  let victim: string;
  beforeAll(() => {
    const f = byName('varied');
    dir = mkdtempSync(join(tmpdir(), 'packscope-search-'));
    cpSync(f.packDir, dir, { recursive: true });
    const pack = readdirSync(dir).find((n) => n.endsWith('.pack')) as string;
    const verify = readFileSync(join(f.expect, `verify-pack-${pack.slice(0, -5)}.txt`), 'latin1').split('\n');
    // A whole (non-delta) text blob that contains the word searched.
    const objects = batchObjects(f);
    const row = verify.map((l) => l.split(/\s+/)).find((r) => r[1] === 'blob' && r.length === 5 && objects.get(r[0])?.data.toString('utf8').includes('river')) as string[];
    victim = row[0];
    const bytes = readFileSync(join(dir, pack));
    for (let i = 4; i < 24; i++) bytes[Number(row[4]) + i] ^= 0x5a;
    writeFileSync(join(dir, pack), bytes);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('names the unreadable blob and still finds every other match', async () => {
    const { db } = await openRepository(dir);
    const { matches, notes } = drive(
      new BlobTextSearch(db, db.allObjects(), db.sourceObjectCount(), 'river', { ...DEFAULT_BLOB_OPTIONS, regex: false, caseSensitive: true, maxLinesPerBlob: 100_000 }),
    );
    const expected = referenceBlobLines(byName('varied'), (l) => (l.includes('river') ? l.indexOf('river') : undefined), false);
    const unreadable = notes.filter((n) => n.reason === 'unreadable');
    expect(unreadable.map((n) => n.oid)).toContain(victim);
    expect(unreadable.every((n) => n.error?.file?.endsWith('.pack') && n.error.kind !== 'Internal')).toBe(true);
    // Deltas built on the broken blob are unreadable too; everything else is found as before.
    const lost = new Set(unreadable.map((n) => n.oid));
    for (const oid of lost) expected.delete(oid);
    expect(sorted(ourBlobLines(matches))).toEqual(sorted(expected));
  });
});

describe('the worker side', () => {
  function streamCtx(chunks: SearchChunk[], checkCancelled: () => void = () => {}): StreamContext<SearchChunk> {
    return { emit: (c) => void chunks.push(c), progress: () => {}, checkCancelled, pause: async () => checkCancelled(), transfer: () => {} };
  }

  it('streams blob matches in chunks and sums them up; places lead to the file at a commit', async () => {
    const f = byName('demo');
    const session = await Session.open('demo', fsDirectoryReader(f.path));
    const chunks: SearchChunk[] = [];
    const summary = await runSearch(session, { kind: 'text', pattern: 'slug', regex: false, caseSensitive: true, includeBinary: false }, streamCtx(chunks));
    const streamed = chunks.flatMap((c) => c.matches);
    expect(streamed.length).toBe(summary.matched);
    const expected = referenceBlobLines(f, (l) => (l.includes('slug') ? l.indexOf('slug') : undefined), false);
    expect(sorted(ourBlobLines(streamed))).toEqual(sorted(expected));
    const ctx = streamCtx([]);
    const { blobs } = await blobPlaces(session, [...expected.keys()], 3, ctx);
    for (const b of blobs) {
      expect(b.places.length).toBeGreaterThan(0);
      for (const p of b.places)
        expect(
          gitIn(f, ['rev-parse', `${p.commit}:${p.path.join('/')}`])
            .stdout.toString()
            .trim(),
        ).toBe(b.oid);
    }
  });

  it('message search ends with a timeline of what it found', async () => {
    const session = await Session.open('demo', fsDirectoryReader(byName('demo').path));
    const chunks: SearchChunk[] = [];
    const summary = await runSearch(session, { kind: 'date' }, streamCtx(chunks));
    const commits = gitIn(byName('demo'), ['rev-list', '--all']).stdout.toString().trim().split('\n');
    expect(summary.timeline?.buckets.reduce((s, b) => s + b.count, 0)).toBe(summary.matched);
    expect(chunks.flatMap((c) => c.matches).filter((m) => m.kind === 'commit' && m.type === 'commit').length).toBe(commits.length);
  });

  it('a cancelled search stops at its next slice; a bad pattern is refused before any scan', async () => {
    const session = await Session.open('long-chains', fsDirectoryReader(byName('long-chains').path));
    // The job queue checks each waiter between slices: cancelled from the second check on.
    let checks = 0;
    const cancelling = streamCtx([], () => {
      if (++checks >= 2) throw new Cancelled();
    });
    await expect(runSearch(session, { kind: 'text', pattern: 'zz', regex: false, caseSensitive: true, includeBinary: false }, cancelling)).rejects.toBeInstanceOf(Cancelled);
    await expect(runSearch(session, { kind: 'text', pattern: '(a*)*', regex: true, caseSensitive: true, includeBinary: false }, streamCtx([]))).rejects.toThrow(/already repeats/);
    await expect(runSearch(session, { kind: 'oid', prefix: 'xyz' }, streamCtx([]))).rejects.toThrow(/not hexadecimal/);
  });
});
