import { createHash } from 'node:crypto';
import { chmodSync, cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { memorySource } from '../src/core/bytes/source.ts';
import { PackscopeError } from '../src/core/errors.ts';
import { CommitGraphFile, PARENT_NONE } from '../src/core/format/commit-graph.ts';
import { type CommitGraph, loadCommitGraph } from '../src/core/format/commit-graph-chain.ts';
import { verifyCommitGraph } from '../src/core/verify/commit-graph-verify.ts';
import { portableHasher } from '../src/core/hash/hasher.ts';
import { SHA1 } from '../src/core/hash/algo.ts';
import { BUILD, cli, git } from './support/cli.ts';
import { fsDirectoryReader } from '../src/cli/node-host.ts';
import type { HandlerContext } from '../src/protocol/rpc.ts';
import { commitGraphAnatomy, commitGraphRows } from '../src/core/anatomy/commit-graph.ts';
import { MAX_HEX_WINDOW, hexWindow } from '../src/core/anatomy/hex/window.ts';
import { Session } from '../src/worker/session.ts';
import { fixedIdentity } from './support/git-env.ts';

/**
 * The commit-graph file: the parser against git's own answers (parents, dates, generations
 * recomputed from `git rev-list`), and `packscope commit-graph verify` against `git commit-graph
 * verify` (git 2.39) on the good fixtures and on damaged copies: stdout, stderr and exit code,
 * byte for byte.
 */

const FLAT = join(BUILD, 'commit-graph/repo/.git');
const SPLIT = join(BUILD, 'commit-graph-split/repo/.git');
const scratch = mkdtempSync(join(tmpdir(), 'packscope-commit-graph-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let copies = 0;
/** A private copy of a fixture's git dir, to damage. */
function copyOf(gitDir: string): string {
  const to = join(scratch, `copy-${copies++}`, '.git');
  cpSync(gitDir, to, { recursive: true });
  return to;
}

function graphPath(gitDir: string): string {
  return join(gitDir, 'objects/info/commit-graph');
}

function chainDir(gitDir: string): string {
  return join(gitDir, 'objects/info/commit-graphs');
}

function layerPaths(gitDir: string): string[] {
  const lines = readFileSync(join(chainDir(gitDir), 'commit-graph-chain'), 'utf8')
    .trim()
    .split('\n');
  return lines.map((h) => join(chainDir(gitDir), `graph-${h}.graph`));
}

/** Rewrites a graph file through `edit`; with `rehash`, the trailing checksum is made valid again. */
function damage(file: string, edit: (bytes: Buffer, graph: CommitGraphFile) => void, rehash = true): void {
  chmodSync(file, 0o644);
  const bytes = readFileSync(file);
  const graph = CommitGraphFile.open(memorySource('g', new Uint8Array(bytes)), { expectedAlgo: SHA1 });
  edit(bytes, graph);
  if (rehash)
    createHash('sha1')
      .update(bytes.subarray(0, bytes.length - 20))
      .digest()
      .copy(bytes, bytes.length - 20);
  writeFileSync(file, bytes);
}

/** git's and packscope's verify on the same folder: identical stdout, stderr and exit code. */
function expectSameAsGit(gitDir: string, flags: string[] = []): { status: number; stderr: string } {
  const theirs = git(['--git-dir', gitDir, 'commit-graph', 'verify', '--no-progress', ...flags]);
  const ours = cli(['commit-graph', 'verify', ...flags, gitDir]);
  expect({ status: ours.status, stdout: ours.stdout.toString(), stderr: ours.stderr }).toEqual({
    status: theirs.status,
    stdout: theirs.stdout.toString(),
    stderr: theirs.stderr,
  });
  return { status: theirs.status, stderr: theirs.stderr };
}

/** Index of a commit with `n` parents whose parents are in the same file. */
function commitWithParents(graph: CommitGraphFile, n: number): number {
  for (let i = 0; i < graph.count; i++) {
    const d = graph.commitData(i);
    const parents = d.parent1 === PARENT_NONE ? 0 : d.parent2 === PARENT_NONE ? 1 : (d.parent2 & 0x80000000) !== 0 ? 3 : 2;
    if (parents === n) return i;
  }
  throw new Error(`no commit with ${n} parents`);
}

const haveFixtures = existsSync(FLAT) && existsSync(SPLIT);

describe.skipIf(!haveFixtures)('commit-graph parser', () => {
  it('reads every commit of the flat file as git rev-list sees it: parents, dates, levels, corrected dates', () => {
    const bytes = new Uint8Array(readFileSync(graphPath(FLAT)));
    const load = loadCommitGraph({ flat: memorySource('objects/info/commit-graph', bytes) }, { expectedAlgo: SHA1 });
    const graph = load.graph;
    if (!graph) throw new Error('no graph');
    const log = git(['--git-dir', FLAT, 'rev-list', '--all', '--format=%H %ct %P', '--no-commit-header']).stdout.toString().trim().split('\n');
    expect(graph.count).toBe(log.length);
    const byId = new Map(
      log.map((l) => {
        const [id, ct, ...parents] = l.split(' ');
        return [id, { ct: Number(ct), parents }];
      }),
    );
    // Topological level and corrected commit date, recomputed from git's parents and dates.
    const level = new Map<string, number>();
    const corrected = new Map<string, number>();
    const visit = (id: string): void => {
      if (level.has(id)) return;
      const c = byId.get(id) as { ct: number; parents: string[] };
      c.parents.forEach(visit);
      level.set(id, 1 + Math.max(0, ...c.parents.map((p) => level.get(p) as number)));
      corrected.set(id, Math.max(c.ct, ...c.parents.map((p) => (corrected.get(p) as number) + 1)));
    };
    for (const [id, c] of byId) {
      visit(id);
      const g = graph.commit(id);
      expect(g, id).toBeDefined();
      expect(g?.parents).toEqual(c.parents);
      expect(g?.time).toBe(c.ct);
      expect(g?.topoLevel).toBe(level.get(id));
      expect(g?.generation).toBe(corrected.get(id));
      expect(g?.tree).toBe(
        git(['--git-dir', FLAT, 'rev-parse', `${id}^{tree}`])
          .stdout.toString()
          .trim(),
      );
    }
    const file = graph.layers[0];
    expect(file.chunks.map((c) => c.id)).toEqual(['OIDF', 'OIDL', 'CDAT', 'GDA2', 'EDGE', 'BIDX', 'BDAT']);
    expect(file.bloom).toEqual({ hashVersion: 1, numHashes: 7, bitsPerEntry: 10 });
    expect(file.shapeProblems()).toEqual([]);
    expect(graph.commit('0'.repeat(40))).toBeUndefined();
  });

  it('loads the split chain as layers whose positions follow the layers below', () => {
    const dir = chainDir(SPLIT);
    const source = (name: string) => memorySource(`objects/info/commit-graphs/${name}`, new Uint8Array(readFileSync(join(dir, name))));
    const load = loadCommitGraph(
      { chain: source('commit-graph-chain'), layer: (line) => (existsSync(join(dir, `graph-${line}.graph`)) ? source(`graph-${line}.graph`) : undefined) },
      { expectedAlgo: SHA1 },
    );
    expect(load.messages).toEqual([]);
    const graph = load.graph;
    if (!graph) throw new Error('no graph');
    expect(graph.layers.map((l) => l.baseCount)).toEqual([0, 1, 2]);
    expect(graph.layers.map((l) => l.count)).toEqual([graph.count - 6, 3, 3]);
    expect(graph.bases).toEqual([0, graph.count - 6, graph.count - 3]);
    expect(graph.layers.map((l) => l.bloom !== undefined)).toEqual([false, true, true]);
    const head = git(['--git-dir', SPLIT, 'rev-parse', 'HEAD', 'HEAD~3']).stdout.toString().trim().split('\n');
    const top = graph.commit(head[0]);
    expect(top && graph.layerOf(top.position)).toBe(2);
    // HEAD~3 is the top commit of the middle layer; HEAD's first parent chain crosses layers.
    const third = graph.commit(head[1]);
    expect(third && graph.layerOf(third.position)).toBe(1);
    expect(graph.commit(head[0])?.parents.length).toBe(1);
  });

  it("refuses hostile headers and tables with git's words, the file and the offset", () => {
    const good = new Uint8Array(readFileSync(graphPath(FLAT)));
    const open = (edit: (b: Uint8Array) => Uint8Array | void) => {
      const b = good.slice();
      const out = edit(b) ?? b;
      try {
        CommitGraphFile.open(memorySource('commit-graph', out), { expectedAlgo: SHA1 });
      } catch (err) {
        if (err instanceof PackscopeError) return `${err.kind} ${err.offset}: ${err.detail}`;
        throw err;
      }
      return 'opened';
    };
    expect(open((b) => void (b[0] = 0x44))).toBe('BadSignature 0: commit-graph signature 44475048 does not match signature 43475048');
    expect(open((b) => void (b[4] = 2))).toBe('UnsupportedVersion 4: commit-graph version 2 does not match version 1');
    expect(open((b) => void (b[5] = 2))).toBe('Mismatch 5: commit-graph hash version 2 does not match version 1');
    expect(open((b) => b.subarray(0, 100))).toBe('Truncated 0: commit-graph file is too small');
    expect(open((b) => void (b[6] = 200))).toBe('Truncated 6: commit-graph file is too small to hold 200 chunks');
    // The first chunk's end (the second entry's offset) pointed past the checksum.
    expect(open((b) => void b.set([0xff, 0xff, 0xff, 0xff], 8 + 12 + 8))).toMatch(/^BadChunk 12: improper chunk offset\(s\) [0-9a-f]+ and ffffffff$/);
    expect(open((b) => void b.set([0, 0, 0, 0], 8 + 12))).toBe('BadChunk 20: terminating chunk id appears earlier than expected');
    expect(open((b) => void b.set([0x4f, 0x49, 0x44, 0x46], 8 + 12))).toBe('BadChunk 20: duplicate chunk ID 4f494446 found');
    expect(open((b) => void b.set([0x58, 0x58, 0x58, 0x58], 8 + 12))).toBe('BadChunk 8: commit-graph is missing the OID Lookup chunk');
  });

  it('bounds every read by the file: a fanout or parent pointing past the end is an error, not a read', () => {
    const bytes = new Uint8Array(readFileSync(graphPath(FLAT)));
    const oidf = CommitGraphFile.open(memorySource('commit-graph', bytes), { expectedAlgo: SHA1 }).oidf.offset;
    bytes.set([0x7f, 0xff, 0xff, 0xff], oidf + 4 * 0xff);
    bytes.set([0x7f, 0xff, 0xff, 0xfe], oidf + 4 * 0xfe);
    const file = CommitGraphFile.open(memorySource('commit-graph', bytes), { expectedAlgo: SHA1 });
    expect(() => file.find(new Uint8Array(20).fill(0xff))).toThrow(/OutOfRange at commit-graph:0x[0-9a-f]+: commit-graph read of 20 bytes/);
    expect(() => file.commitData(file.count + 1000)).toThrow(/outside the \d+-byte file/);
  });
});

describe.skipIf(!haveFixtures)('commit-graph on hostile bytes', () => {
  it('3,000 seeded random damages: every load, anatomy read and verify ends in an answer or a PackscopeError', () => {
    const good = new Uint8Array(readFileSync(graphPath(FLAT)));
    let seed = 12345;
    const random = () => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    const commits = new Map(
      git(['--git-dir', FLAT, 'rev-list', '--all', '--format=%H %T %ct %P', '--no-commit-header'])
        .stdout.toString()
        .trim()
        .split('\n')
        .map((l) => {
          const [id, tree, ct, ...parents] = l.split(' ');
          return [id, { tree, parents, date: BigInt(ct) }];
        }),
    );
    const readCommit = (hex: string) => {
      const c = commits.get(hex);
      return c ? { commit: c } : { error: `Could not read ${hex}` };
    };
    const outcomes = new Map<string, number>();
    for (let n = 0; n < 3000; n++) {
      const bytes = good.slice(0, random() < 0.1 ? Math.floor(random() * good.length) : good.length);
      const flips = 1 + Math.floor(random() * 4);
      for (let f = 0; f < flips && bytes.length > 0; f++) {
        // Mostly the header, chunk table and small tables, where one byte changes the most.
        const at = random() < 0.5 ? Math.floor(random() * Math.min(bytes.length, 128)) : Math.floor(random() * bytes.length);
        bytes[at] = random() < 0.5 ? Math.floor(random() * 256) : bytes[at] ^ (1 << Math.floor(random() * 8));
      }
      let outcome: string;
      try {
        const load = loadCommitGraph({ flat: memorySource('objects/info/commit-graph', bytes) }, { expectedAlgo: SHA1 });
        if (load.graph) {
          load.graph.layers[0].shapeProblems();
          const result = verifyCommitGraph(load.graph, { algo: SHA1, hasher: portableHasher, readCommit });
          outcome = `exit ${result.exitCode}`;
        } else {
          outcome = 'not loaded';
        }
      } catch (err) {
        if (!(err instanceof PackscopeError)) throw err;
        outcome = err.kind;
      }
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    }
    // The damages reach every kind of answer, not just "does not load".
    expect([...outcomes.keys()].sort()).toEqual(expect.arrayContaining(['exit 1', 'exit 128', 'exit 2', 'not loaded']));
  });
});

describe.skipIf(!haveFixtures)('commit-graph verify equals git commit-graph verify', () => {
  it('good flat file, good chain, --shallow', () => {
    expect(expectSameAsGit(FLAT).status).toBe(0);
    expect(expectSameAsGit(SPLIT).status).toBe(0);
    expect(expectSameAsGit(SPLIT, ['--shallow']).status).toBe(0);
  });

  it('no commit-graph at all: nothing said, exit 0', () => {
    const dir = copyOf(FLAT);
    rmSync(graphPath(dir));
    expect(expectSameAsGit(dir)).toEqual({ status: 0, stderr: '' });
  });

  it('a flipped checksum byte: exit 2', () => {
    const dir = copyOf(FLAT);
    damage(graphPath(dir), (b) => void (b[b.length - 1] ^= 0xff), false);
    expect(expectSameAsGit(dir)).toEqual({ status: 2, stderr: 'the commit-graph file has incorrect checksum and is likely corrupt\n' });
  });

  it('a fanout entry off by one (checksum repaired, and not)', () => {
    for (const rehash of [true, false]) {
      const dir = copyOf(FLAT);
      let at = 0;
      damage(
        graphPath(dir),
        (b, g) => {
          const i = Math.floor(g.count / 2);
          const first = g.oidAt(i)[0];
          at = g.oidf.offset + 4 * first;
          b.writeUInt32BE(b.readUInt32BE(at) + 1, at);
        },
        rehash,
      );
      const r = expectSameAsGit(dir);
      expect(r.stderr).toMatch(/incorrect fanout value/);
      expect(r.status).toBe(1);
    }
  });

  it('two commit ids swapped in OIDL (order, then lookups fail)', () => {
    const dir = copyOf(FLAT);
    damage(graphPath(dir), (b, g) => {
      const a = g.oidOffset(3);
      const tmp = Buffer.from(b.subarray(a, a + 20));
      b.copy(b, a, a + 20, a + 40);
      tmp.copy(b, a + 20);
    });
    const r = expectSameAsGit(dir);
    expect(r.stderr).toMatch(/incorrect OID order/);
  });

  it('a parent position pointing at another commit, and one past the end (fatal, 128)', () => {
    const dir = copyOf(FLAT);
    damage(graphPath(dir), (b, g) => {
      const i = commitWithParents(g, 1);
      const at = g.dataOffset(i) + 20;
      b.writeUInt32BE((b.readUInt32BE(at) + 1) % g.count, at);
    });
    expect(expectSameAsGit(dir).stderr).toMatch(/commit-graph parent for [0-9a-f]{40} is/);

    const far = copyOf(FLAT);
    damage(graphPath(far), (b, g) => void b.writeUInt32BE(g.count + 5, g.dataOffset(commitWithParents(g, 2)) + 24));
    expect(expectSameAsGit(far)).toMatchObject({ status: 128, stderr: expect.stringMatching(/^fatal: invalid parent position \d+\n$/) });
  });

  it('a parent slot emptied and one added: lists too long and ending early', () => {
    const dir = copyOf(FLAT);
    damage(graphPath(dir), (b, g) => {
      b.writeUInt32BE(PARENT_NONE, g.dataOffset(commitWithParents(g, 2)) + 24);
      const root = commitWithParents(g, 0);
      b.writeUInt32BE(root === 0 ? 1 : 0, g.dataOffset(root) + 20);
    });
    const r = expectSameAsGit(dir);
    expect(r.stderr).toMatch(/terminates early/);
    expect(r.stderr).toMatch(/is too long/);
  });

  it('generations: a corrected date offset zeroed, a GDA2 word pointing into a missing GDO2 (fatal)', () => {
    const dir = copyOf(FLAT);
    damage(graphPath(dir), (b, g) => {
      // The newest commit's offset made negative-looking: its corrected date falls below its parents'.
      for (let i = 0; i < g.count; i++) {
        const d = g.commitData(i);
        if (d.parent1 !== PARENT_NONE) b.writeUInt32BE(0, (g.gda2?.offset ?? 0) + 4 * i);
      }
      const i = commitWithParents(g, 1);
      b.writeUInt32BE(b.readUInt32BE(g.dataOffset(i) + 32) - 100000, g.dataOffset(i) + 32);
    });
    expect(expectSameAsGit(dir).stderr).toMatch(/commit-graph generation for commit [0-9a-f]{40} is \d+ < \d+/);

    const overflow = copyOf(FLAT);
    damage(graphPath(overflow), (b, g) => void b.writeUInt32BE(0x80000000, (g.gda2?.offset ?? 0) + 4 * 2));
    expect(expectSameAsGit(overflow)).toEqual({ status: 128, stderr: 'fatal: commit-graph requires overflow generation data but has none\n' });
  });

  it('a commit date and a root tree id changed', () => {
    const dir = copyOf(FLAT);
    damage(graphPath(dir), (b, g) => {
      const i = g.count - 1;
      b.writeUInt32BE(b.readUInt32BE(g.dataOffset(i) + 32) + 7, g.dataOffset(i) + 32);
      b[g.dataOffset(0) + 5] ^= 0x10;
    });
    const r = expectSameAsGit(dir);
    expect(r.stderr).toMatch(/commit date for commit [0-9a-f]{40} in commit-graph is \d+ != \d+/);
    expect(r.stderr).toMatch(/root tree OID for commit [0-9a-f]{40} in commit-graph is [0-9a-f]{40} != [0-9a-f]{40}/);
  });

  it('truncated files, wrong signature, version, hash version, a missing chunk: error and exit 1', () => {
    const cases: [string, (file: string) => void][] = [
      ['truncated to 100 bytes', (f) => truncateSync(f, 100)],
      ['truncated to half', (f) => truncateSync(f, Math.floor(readFileSync(f).length / 2))],
      ['signature', (f) => damage(f, (b) => void (b[1] = 0x41))],
      ['version', (f) => damage(f, (b) => void (b[4] = 3))],
      ['hash version', (f) => damage(f, (b) => void (b[5] = 2))],
      ['no CDAT', (f) => damage(f, (b, g) => void b.write('XDAT', g.cdat.tableOffset, 'latin1'))],
      ['a chunk offset backwards', (f) => damage(f, (b) => void b.writeUInt32BE(4, 8 + 12 + 8))],
    ];
    for (const [what, edit] of cases) {
      const dir = copyOf(FLAT);
      chmodSync(graphPath(dir), 0o644);
      edit(graphPath(dir));
      const r = expectSameAsGit(dir);
      expect(r.status, what).toBe(1);
      expect(r.stderr, what).toMatch(/^error: /);
    }
  });

  it('chains: a missing layer (top, middle, base), a damaged base layer, lines that do not match, --shallow', () => {
    for (const k of [2, 1, 0]) {
      const dir = copyOf(SPLIT);
      rmSync(layerPaths(dir)[k]);
      const r = expectSameAsGit(dir);
      expect(r.stderr).toBe('warning: unable to find all commit-graph files\n');
    }
    // The base layer's content changed but not its trailing hash (its name in the chain): the
    // chain loads; the full verify finds the base's checksum and date wrong, --shallow does not look.
    const base = copyOf(SPLIT);
    damage(layerPaths(base)[0], (b, g) => void b.writeUInt32BE(b.readUInt32BE(g.dataOffset(1) + 32) ^ 1, g.dataOffset(1) + 32), false);
    const full = expectSameAsGit(base);
    expect(full.status).toBe(1);
    expect(full.stderr).toMatch(/^the commit-graph file has incorrect checksum and is likely corrupt\ncommit date for commit/);
    expect(expectSameAsGit(base, ['--shallow'])).toEqual({ status: 0, stderr: '' });
    // Its trailing hash changed: it no longer is the layer the chain names.
    const renamed = copyOf(SPLIT);
    damage(layerPaths(renamed)[0], (b) => void (b[b.length - 2] ^= 1), false);
    expect(expectSameAsGit(renamed)).toEqual({
      status: 2,
      stderr: 'warning: commit-graph chain does not match\nwarning: unable to find all commit-graph files\nthe commit-graph file has incorrect checksum and is likely corrupt\n',
    });

    const swapped = copyOf(SPLIT);
    const chain = join(chainDir(swapped), 'commit-graph-chain');
    const lines = readFileSync(chain, 'utf8').trim().split('\n');
    writeFileSync(chain, `${[lines[1], lines[0], lines[2]].join('\n')}\n`);
    // The middle layer loads alone as the base; its parents point below it: git dies.
    expect(expectSameAsGit(swapped)).toMatchObject({
      status: 128,
      stderr: expect.stringMatching(/^warning: commit-graph has no base graphs chunk\nwarning: unable to find all commit-graph files\nfatal: invalid parent position \d+\n$/),
    });

    const notHash = copyOf(SPLIT);
    writeFileSync(join(chainDir(notHash), 'commit-graph-chain'), `${lines[0]}\nnot-a-hash-${'z'.repeat(40)}\n${lines[2]}\n`);
    expect(expectSameAsGit(notHash).stderr).toMatch(/^warning: invalid commit-graph chain: line 'not-a-hash-z+' not a hash\n$/);

    // A line of non-ASCII bytes is quoted byte for byte.
    const utf8 = copyOf(SPLIT);
    writeFileSync(join(chainDir(utf8), 'commit-graph-chain'), `${lines[0]}\nd\u00e9j\u00e0-${'\u202e'.repeat(20)}\n`);
    expect(expectSameAsGit(utf8).stderr).toMatch(/^warning: invalid commit-graph chain: line 'd\u00e9j\u00e0-\u202e+' not a hash\n$/);

    const topParent = copyOf(SPLIT);
    damage(layerPaths(topParent)[2], (b, g) => void b.writeUInt32BE(3, g.dataOffset(0) + 20));
    expect(expectSameAsGit(topParent).stderr).toMatch(/commit-graph parent for/);

    const damagedFile = copyOf(SPLIT);
    damage(layerPaths(damagedFile)[1], (b) => void (b[0] = 0));
    const r = expectSameAsGit(damagedFile);
    expect(r.stderr).toMatch(/^error: commit-graph signature 475048 does not match signature 43475048\nwarning: unable to find all commit-graph files\n$/);
  });

  it('where git 2.39 crashes (an octopus with no EDGE chunk) packscope stops with fatal: and says why', () => {
    // git follows a NULL pointer there: SIGSEGV (exit 139), nothing printed, so no message to match.
    const dir = copyOf(FLAT);
    damage(graphPath(dir), (b, g) => void b.write('XDGE', g.edge?.tableOffset ?? 0, 'latin1'));
    expect(git(['--git-dir', dir, 'commit-graph', 'verify', '--no-progress']).status, 'killed by a signal (spawnSync gives no status)').toBe(-1);
    const ours = cli(['commit-graph', 'verify', dir]);
    expect(ours.status).toBe(128);
    expect(ours.stderr).toMatch(/^fatal: commit [0-9a-f]{40} needs the EDGE chunk, which is missing \(git 2\.39 crashes here\)\n$/);
  });

  it("where git 2.39 reads past the file (a fanout pointing beyond OIDL) packscope stops at the file's end", () => {
    // git's bsearch_hash trusts the fanout and reads outside the mapping (undefined: garbage or a
    // crash), so there is no message to match; we name the file and offset instead.
    const bytes = new Uint8Array(readFileSync(graphPath(FLAT)));
    const first = CommitGraphFile.open(memorySource('g', bytes), { expectedAlgo: SHA1 });
    // The tip (highest level) is nobody's parent: its position comes from the fanout's search.
    let tip = 0;
    for (let i = 0; i < first.count; i++) if (first.commitData(i).topoLevel > first.commitData(tip).topoLevel) tip = i;
    for (let b = first.oidAt(tip)[0]; b < 256; b++) bytes.set([0x00, 0x10, 0x00, 0x00], first.oidf.offset + 4 * b);
    const load = loadCommitGraph({ flat: memorySource('objects/info/commit-graph', bytes) }, { expectedAlgo: SHA1 });
    const result = verifyCommitGraph(load.graph as CommitGraph, { algo: SHA1, hasher: portableHasher, readCommit: () => ({ error: 'not read' }) });
    expect(result.exitCode).toBe(128);
    expect(result.beyondGit).toBe(true);
    expect(result.lines.at(-1)?.text).toMatch(/^fatal: OutOfRange at objects\/info\/commit-graph:0x[0-9a-f]+: commit-graph read of 20 bytes at \d+ is outside the \d+-byte file$/);
  });

  it('a chain whose top layer has no GDA2 (written with generation v1): git reads topological levels in every layer', () => {
    const dir = copyOf(FLAT);
    rmSync(graphPath(dir));
    expect(git(['--git-dir', dir, 'commit-graph', 'write', '--reachable', '--split=no-merge', '--no-progress']).status).toBe(0);
    const env = fixedIdentity('1709000000 +0000', 'A', 'a@example.com');
    const head = git(['--git-dir', dir, 'rev-parse', 'HEAD']).stdout.toString().trim();
    const next = git(['--git-dir', dir, 'commit-tree', 'HEAD^{tree}', '-p', head, '-m', 'one more'], { env }).stdout.toString().trim();
    expect(git(['--git-dir', dir, 'update-ref', 'refs/heads/main', next]).status).toBe(0);
    expect(git(['--git-dir', dir, '-c', 'commitGraph.generationVersion=1', 'commit-graph', 'write', '--reachable', '--split=no-merge', '--no-progress']).status).toBe(0);
    const layers = layerPaths(dir);
    expect(layers).toHaveLength(2);
    const source = (f: string) => memorySource(f, new Uint8Array(readFileSync(f)));
    const load = loadCommitGraph({ chain: source(join(chainDir(dir), 'commit-graph-chain')), layer: (line) => source(join(chainDir(dir), `graph-${line}.graph`)) }, { expectedAlgo: SHA1 });
    expect(load.graph?.layers.map((l) => l.gda2 !== undefined)).toEqual([true, false]);
    expect(load.graph?.readGenerationData).toEqual([false, false]);
    // The new commit's generation is its level (one above HEAD's), not a corrected date.
    const headLevel = load.graph?.commit(head)?.topoLevel ?? -1;
    expect(headLevel).toBeGreaterThan(0);
    expect(load.graph?.commit(next)?.generation).toBe(headLevel + 1);
    expect(expectSameAsGit(dir).status).toBe(0);
    // The top commit's level (CDAT) lowered to its parent's: with levels in use, git reports it.
    damage(layers[1], (b, g) => {
      const at = g.dataOffset(0) + 20 + 8;
      b.writeUInt32BE((b.readUInt32BE(at) & 3) | (((b.readUInt32BE(at) >>> 2) - 1) << 2), at);
    });
    expect(expectSameAsGit(dir).stderr).toMatch(/^commit-graph generation for commit [0-9a-f]{40} is \d+ < \d+\n$/);
  });

  it('a flat file beside a chain: git reads only the flat file', () => {
    const dir = copyOf(SPLIT);
    cpSync(graphPath(FLAT), graphPath(dir));
    chmodSync(graphPath(dir), 0o644);
    damage(layerPaths(dir)[0], (b) => void (b[b.length - 2] ^= 1), false);
    expect(expectSameAsGit(dir).status).toBe(0);
    expect(readdirSync(chainDir(dir)).length).toBe(4);
  });
});

describe.skipIf(!haveFixtures)('commit-graph in the worker: anatomy, rows, annotated hex', () => {
  const ctx: HandlerContext = { progress: () => undefined, checkCancelled: () => undefined, pause: async () => undefined, transfer: () => undefined };

  it('the flat file: counts, chunks, Bloom sizes and generations as git wrote them; every byte annotated; parents as git rev-list', async () => {
    const session = await Session.open('commit-graph', fsDirectoryReader(join(BUILD, 'commit-graph/repo')));
    expect(session.summary().commitGraph).toEqual({ kind: 'flat', files: 1, bytes: readFileSync(graphPath(FLAT)).length });
    const anatomy = commitGraphAnatomy(session, () => ctx.checkCancelled());
    const log = git(['--git-dir', FLAT, 'rev-list', '--all', '--parents'])
      .stdout.toString()
      .trim()
      .split('\n')
      .map((l) => l.split(' '));
    expect(anatomy.kind).toBe('flat');
    expect(anatomy.totalCommits).toBe(log.length);
    const layer = anatomy.layers[0];
    const file = CommitGraphFile.open(memorySource('g', new Uint8Array(readFileSync(graphPath(FLAT)))), { expectedAlgo: SHA1 });
    expect(layer.chunks.map((c) => [c.id, c.offset, c.length])).toEqual(file.chunks.map((c) => [c.id, c.offset, c.length]));
    expect(layer.bloom?.histogram.reduce((n, h) => n + h.count, 0)).toBe(log.length);
    expect(layer.octopus).toEqual({ commits: 1, edgeEntries: 3 });
    expect(layer.generation.corrected).toBe(true);
    expect(layer.problems).toEqual([]);

    const { rows } = commitGraphRows(session, 0, 0, 500);
    const parents = new Map(log.map(([id, ...ps]) => [id, ps]));
    for (const r of rows)
      expect(
        r.parents.map((p) => p.oid),
        r.oid,
      ).toEqual(parents.get(r.oid));

    // Every byte of the file belongs to an annotation; the parent slots name git's parents.
    const path = '.git/objects/info/commit-graph';
    const covered = new Uint8Array(file.size);
    const details: string[] = [];
    for (let at = 0; at < file.size; at += MAX_HEX_WINDOW) {
      const w = hexWindow(session, path, at, MAX_HEX_WINDOW);
      expect(w.error).toBeUndefined();
      for (const a of w.annotations) {
        covered.fill(1, a.start, a.end);
        if (a.label.startsWith('parent 1 of ')) details.push(`${a.label}: ${a.detail}`);
      }
    }
    expect(covered.indexOf(0)).toBe(-1);
    for (const r of rows) {
      const d = details.find((x) => x.startsWith(`parent 1 of ${r.position}:`));
      expect(d, r.oid).toBe(r.parents.length === 0 ? `parent 1 of ${r.position}: 0x70000000: no parent` : `parent 1 of ${r.position}: position ${r.parents[0].position}: ${r.parents[0].oid}`);
    }
  });

  it('a hostile chain line (long, with a bidi control) reaches the view capped', async () => {
    const dir = copyOf(SPLIT);
    writeFileSync(join(chainDir(dir), 'commit-graph-chain'), `\u202e${'x'.repeat(100_000)}\n`);
    const session = await Session.open('hostile', fsDirectoryReader(dir));
    const anatomy = commitGraphAnatomy(session, () => ctx.checkCancelled());
    expect(anatomy.layers).toEqual([]);
    expect(anatomy.messages.map((m) => m.text.length)).toEqual([expect.any(Number)]);
    expect(anatomy.messages[0].text).toMatch(/^invalid commit-graph chain: line '\u202ex+… \(\d+ bytes\)$/);
    expect(anatomy.messages[0].text.length).toBeLessThan(700);
    expect(anatomy.chainLines[0].length).toBeLessThan(700);
  });

  it('the split chain: layers base first, positions continuing, the chain file naming its layers', async () => {
    const session = await Session.open('commit-graph-split', fsDirectoryReader(join(BUILD, 'commit-graph-split/repo')));
    const anatomy = commitGraphAnatomy(session, () => ctx.checkCancelled());
    const lines = readFileSync(join(chainDir(SPLIT), 'commit-graph-chain'), 'utf8')
      .trim()
      .split('\n');
    expect(anatomy.kind).toBe('chain');
    expect(anatomy.chainLines).toEqual(lines);
    expect(anatomy.layers.map((l) => l.file.replace(/^.*\//, ''))).toEqual(lines.map((h) => `graph-${h}.graph`));
    expect(anatomy.layers.map((l) => l.commitBase)).toEqual([0, anatomy.totalCommits - 6, anatomy.totalCommits - 3]);
    expect(anatomy.layers[2].baseIds).toEqual(lines.slice(0, 2));
    const top = commitGraphRows(session, 2, 0, 10).rows;
    expect(top.map((r) => r.position)).toEqual([anatomy.totalCommits - 3, anatomy.totalCommits - 2, anatomy.totalCommits - 1]);
    const w = hexWindow(session, '.git/objects/info/commit-graphs/commit-graph-chain', 0, 4096);
    expect(w.annotations.filter((a) => a.label.startsWith('layer ')).map((a) => a.target?.file.replace(/^.*\//, ''))).toEqual(lines.map((h) => `graph-${h}.graph`));
  });
});
