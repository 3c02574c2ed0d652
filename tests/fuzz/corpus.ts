import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { memorySource } from '../../src/core/bytes/source.ts';
import { SHA1, SHA256, type HashAlgo } from '../../src/core/hash/algo.ts';
import { PackIndex } from '../../src/core/format/idx.ts';
import { MultiPackIndex } from '../../src/core/format/midx.ts';
import { PackBitmap } from '../../src/core/format/bitmap.ts';
import { entryHeaderMaxLength } from '../../src/core/format/pack.ts';
import { toHex } from '../../src/core/hash/hex.ts';
import { fflateInflater } from '../../src/core/inflate/inflater.ts';
import { PACK_OFS_DELTA, PACK_REF_DELTA } from '../../src/core/objects/types.ts';
import { ObjectDatabase } from '../../src/core/odb/database.ts';
import type { ObjectType } from '../../src/core/objects/types.ts';
import type { FileEntry, RepositoryFiles } from '../../src/core/repo/discover.ts';

/**
 * The fuzz corpus: real files from the built fixtures (fixtures/build, made by the real git) and
 * the modern ones git 2.55 wrote (../shared/fixtures/modern), grouped into cases. A case is
 * every file one reader needs (an idx needs its pack, a bitmap its idx and pack, a ref its
 * repository's objects) plus the one file the fuzzer damages. Objects (commits, trees, tags,
 * delta streams) are taken out of the fixtures' packs by reading them with the engine.
 */

/** The repository root: the first folder up from this module (or its bundle) holding packscope's package.json. */
export const ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));
function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && /"name":\s*"packscope"/.test(readFileSync(pkg, 'utf8'))) return dir;
    if (dirname(dir) === dir) return resolve(from, '../..');
  }
}
export const BUILD = join(ROOT, 'fixtures/build');
export const MODERN = resolve(ROOT, '../shared/fixtures/modern');

/** Every format the fuzzer damages. */
export const FORMATS = ['idx-v1', 'idx-v2', 'pack', 'delta', 'midx', 'midx-chain', 'rev', 'bitmap', 'mtimes', 'loose', 'commit', 'tree', 'tag', 'index', 'refs', 'reflog'] as const;
export type Format = (typeof FORMATS)[number];

/** One seed: the files a reader needs and the one the fuzzer damages. */
export interface FuzzCase {
  /** Stable name: `<fixture>/<path of the damaged file>`. */
  id: string;
  format: Format;
  algo: HashAlgo;
  /** Files by path relative to the case's git dir (`objects/pack/pack-….idx`, `HEAD`, …) or a role (`delta`, `base`, `object`). */
  files: Map<string, Uint8Array>;
  /** The key of `files` that is damaged. */
  target: string;
  /** Offsets worth aiming at in the target. */
  hints: number[];
  text: boolean;
  /** Object ids of the fixture and their types (what a ref may name). */
  objects?: Map<string, ObjectType>;
}

interface Repo {
  name: string;
  gitDir: string;
  algo: HashAlgo;
  /** Pack files live at `objects/pack/` in the git dir; modern fixtures have only a `pack/` folder. */
  packDir: string;
}

function repos(): Repo[] {
  const out: Repo[] = [];
  const skip = new Set(['big', 'large-blobs', 'long-chains']);
  if (existsSync(BUILD)) {
    for (const name of readdirSync(BUILD).sort()) {
      if (skip.has(name) || !existsSync(join(BUILD, name, 'gitdir'))) continue;
      const gitDir = join(BUILD, name, readFileSync(join(BUILD, name, 'gitdir'), 'utf8').trim());
      const config = existsSync(join(gitDir, 'config')) ? readFileSync(join(gitDir, 'config'), 'utf8') : '';
      out.push({ name, gitDir, algo: /objectformat\s*=\s*sha256/i.test(config) ? SHA256 : SHA1, packDir: join(gitDir, 'objects/pack') });
    }
  }
  if (existsSync(MODERN)) {
    for (const name of readdirSync(MODERN).sort()) {
      const packDir = join(MODERN, name, 'pack');
      if (existsSync(packDir)) out.push({ name: `modern-${name}`, gitDir: join(MODERN, name), algo: SHA1, packDir });
    }
  }
  return out;
}

/**
 * A file's bytes as a plain Uint8Array: a Buffer's `slice` is a view, not a copy, and the
 * mutator copies its seed with `slice` (with a Buffer, every input damaged the corpus itself).
 */
function readBytes(path: string): Uint8Array {
  return new Uint8Array(readFileSync(path));
}

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of readdirSync(dir).sort()) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else out.push(p);
  }
  return out;
}

/** The pack folder as case files, keyed `objects/pack/<name>` (modern fixtures included). */
function packFiles(repo: Repo): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  for (const p of walk(repo.packDir)) {
    const rel = relative(repo.packDir, p).split('\\').join('/');
    if (/\.(pack|idx|rev|bitmap|mtimes|keep|promisor)$|multi-pack-index/.test(rel)) files.set(`objects/pack/${rel}`, readBytes(p));
  }
  return files;
}

/** The files of a case as the engine's RepositoryFiles, rooted at the git dir. */
export function repositoryOf(files: Map<string, Uint8Array>): RepositoryFiles {
  const entry = (path: string, bytes: Uint8Array): FileEntry => ({ path, source: memorySource(path, bytes), mtimeMs: 0 });
  const all = [...files].map(([path, bytes]) => entry(path, bytes));
  const under = (prefix: string): FileEntry[] => all.filter((f) => f.path.startsWith(prefix));
  const index = all.find((f) => f.path === 'index');
  const reflogFiles = under('logs/');
  return {
    rootKind: 'gitdir',
    gitDir: '',
    objectsDir: 'objects',
    packDir: 'objects/pack',
    packDirFiles: all.filter((f) => /^objects\/pack\/[^/]+$/.test(f.path)),
    midxChainFiles: under('objects/pack/multi-pack-index.d/'),
    looseObjects: all.filter((f) => /^objects\/[0-9a-f]{2}\/([0-9a-f]{38}|[0-9a-f]{62})$/.test(f.path)),
    refFiles: all.filter((f) => f.path === 'HEAD' || f.path === 'packed-refs' || f.path.startsWith('refs/')),
    config: undefined,
    ...(index ? { index } : {}),
    ...(reflogFiles.length > 0 ? { reflogFiles } : {}),
    problems: [],
  };
}

function lineStarts(bytes: Uint8Array, extra: number[] = []): number[] {
  const out = [0, ...extra];
  for (let i = 0; i < bytes.length && out.length < 4000; i++) {
    const b = bytes[i];
    if (b === 0x0a) out.push(i + 1);
    else if (b === 0x20 || b === 0x09 || b === 0x3c || b === 0x3e) out.push(i, i + 1);
  }
  return out;
}

function sample(values: number[], max: number): number[] {
  if (values.length <= max) return values;
  const out: number[] = [];
  for (let i = 0; i < max; i++) out.push(values[Math.floor((i * values.length) / max)]);
  return out;
}

function idxHints(bytes: Uint8Array, algo: HashAlgo): number[] {
  const hints = [0, 4, 8, 8 + 255 * 4, 255 * 4, bytes.length - algo.size, bytes.length - 2 * algo.size];
  try {
    const idx = PackIndex.open(memorySource('x.idx', bytes), algo);
    const l = idx.layout();
    hints.push(l.fanoutAt, l.idsAt, l.offsetsAt);
    if (l.crcsAt !== undefined) hints.push(l.crcsAt);
    if (l.largeOffsetsAt !== undefined) hints.push(l.largeOffsetsAt);
    for (let i = 0; i < Math.min(idx.count, 64); i++) hints.push(idx.offsetEntryAt(i));
    for (let b = 0; b < 256; b += 17) hints.push(l.fanoutAt + 4 * b);
  } catch {
    // a seed that does not open still gets the header hints
  }
  return hints;
}

function midxHints(bytes: Uint8Array): number[] {
  const hints = [0, 4, 5, 6, 7, 8, 12];
  try {
    const midx = MultiPackIndex.open(memorySource('multi-pack-index', bytes));
    midx.chunks.forEach((c, i) => {
      hints.push(12 + 12 * i, 12 + 12 * i + 4, 12 + 12 * i + 8, c.offset, c.offset + 4);
      if (c.length > 8) hints.push(c.offset + c.length - 4, c.offset + c.length - 8);
    });
  } catch {
    // header hints only
  }
  return hints;
}

/** An opened database over case files (fflate: the app's path). */
function openDb(files: Map<string, Uint8Array>, algo: HashAlgo): ObjectDatabase {
  return new ObjectDatabase(repositoryOf(files), { algo, inflater: fflateInflater });
}

function packGroups(files: Map<string, Uint8Array>): { base: string; pack?: string; idx?: string; rev?: string; bitmap?: string; mtimes?: string }[] {
  const groups = new Map<string, { base: string; pack?: string; idx?: string; rev?: string; bitmap?: string; mtimes?: string }>();
  for (const path of files.keys()) {
    const m = /^objects\/pack\/(pack-[0-9a-f]+)\.(pack|idx|rev|bitmap|mtimes)$/.exec(path);
    if (!m) continue;
    const g = groups.get(m[1]) ?? { base: m[1] };
    g[m[2] as 'pack'] = path;
    groups.set(m[1], g);
  }
  return [...groups.values()];
}

function subset(files: Map<string, Uint8Array>, keys: (string | undefined)[]): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  for (const k of keys) if (k !== undefined && files.has(k)) out.set(k, files.get(k) as Uint8Array);
  return out;
}

/** Builds every case of the corpus (a second or two: the fixtures are small). */
export function loadCorpus(): FuzzCase[] {
  const cases: FuzzCase[] = [];
  const add = (repo: Repo, format: Format, files: Map<string, Uint8Array>, target: string, hints: number[], text = false, objects?: Map<string, ObjectType>): void => {
    const bytes = files.get(target) as Uint8Array;
    const clean = hints.filter((h) => Number.isInteger(h) && h >= 0 && h < Math.max(1, bytes.length));
    cases.push({ id: `${repo.name}/${target}`, format, algo: repo.algo, files, target, hints: [...new Set(clean)].sort((a, b) => a - b), text, ...(objects ? { objects } : {}) });
  };
  const seenObjects = new Set<string>();
  for (const repo of repos()) {
    const files = packFiles(repo);
    const H = repo.algo.size;
    for (const g of packGroups(files)) {
      if (!g.pack || !g.idx) continue;
      const idxBytes = files.get(g.idx) as Uint8Array;
      const packBytes = files.get(g.pack) as Uint8Array;
      const v1 = !(idxBytes[0] === 0xff && idxBytes[1] === 0x74 && idxBytes[2] === 0x4f && idxBytes[3] === 0x63);
      const group = subset(files, [g.pack, g.idx, g.rev]);
      add(repo, v1 ? 'idx-v1' : 'idx-v2', group, g.idx, idxHints(idxBytes, repo.algo));
      // Pack hints: the header, each entry's header and the start of its data, the trailer.
      const packHints = [0, 4, 8, packBytes.length - H];
      let idx: PackIndex | undefined;
      try {
        idx = PackIndex.open(memorySource(g.idx, idxBytes), repo.algo);
        const offsets = [...idx.allOffsets()].sort((a, b) => a - b);
        for (const o of sample(offsets, 400)) packHints.push(o, o + 1, o + 2, o + entryHeaderMaxLength(repo.algo) - H);
      } catch {
        // no entry hints
      }
      if (packBytes.length < 100_000) add(repo, 'pack', group, g.pack, packHints);
      if (g.rev && idx) {
        const revBytes = files.get(g.rev) as Uint8Array;
        add(repo, 'rev', group, g.rev, [
          0,
          4,
          8,
          12,
          16,
          revBytes.length - 2 * H,
          revBytes.length - H,
          ...sample(
            Array.from({ length: idx.count }, (_, i) => 12 + 4 * i),
            64,
          ),
        ]);
      }
      if (g.bitmap && idx) {
        const bytes = files.get(g.bitmap) as Uint8Array;
        const hints = [0, 4, 6, 8, 12, 12 + H, bytes.length - H];
        try {
          const bitmap = PackBitmap.open(memorySource(g.bitmap, bytes), idx.count, repo.algo);
          for (const t of bitmap.typeBitmaps) hints.push(t.offset, t.offset + 4, t.offset + 8 + t.wordCount * 8);
          for (const e of bitmap.entries()) hints.push(e.offset, e.offset + 4, e.offset + 5, e.offset + 6, e.offset + 10);
          const l = bitmap.layout();
          for (const r of [l.lookupTable, l.hashCache, l.pseudoMerges]) if (r) hints.push(r.offset, r.offset + 4, r.offset + 12);
        } catch {
          // header hints only
        }
        add(repo, 'bitmap', subset(files, [g.pack, g.idx, g.rev, g.bitmap]), g.bitmap, hints);
      }
      if (g.mtimes && idx) {
        const bytes = files.get(g.mtimes) as Uint8Array;
        add(repo, 'mtimes', subset(files, [g.pack, g.idx, g.mtimes]), g.mtimes, [
          0,
          4,
          8,
          12,
          bytes.length - 2 * H,
          bytes.length - H,
          ...Array.from({ length: Math.min(idx.count, 32) }, (_, i) => 12 + 4 * i),
        ]);
      }
    }
    if (files.has('objects/pack/multi-pack-index')) {
      const all = new Map([...files].filter(([k]) => !k.includes('multi-pack-index.d/')));
      add(repo, 'midx', all, 'objects/pack/multi-pack-index', midxHints(files.get('objects/pack/multi-pack-index') as Uint8Array));
    }
    const chain = 'objects/pack/multi-pack-index.d/multi-pack-index-chain';
    if (files.has(chain)) {
      const all = new Map([...files].filter(([k]) => k !== 'objects/pack/multi-pack-index'));
      add(repo, 'midx-chain', all, chain, lineStarts(files.get(chain) as Uint8Array), true);
      for (const k of files.keys()) if (k.endsWith('.midx')) add(repo, 'midx-chain', all, k, midxHints(files.get(k) as Uint8Array));
    }

    // A repository's objects, refs, reflogs and index (built fixtures only).
    if (repo.name.startsWith('modern-')) continue;
    const gitFiles = new Map<string, Uint8Array>();
    for (const p of walk(repo.gitDir)) {
      const rel = relative(repo.gitDir, p).split('\\').join('/');
      if (rel === 'HEAD' || rel === 'packed-refs' || rel === 'index' || rel.startsWith('refs/') || rel.startsWith('logs/') || /^objects\/[0-9a-f]{2}\//.test(rel)) gitFiles.set(rel, readBytes(p));
    }
    for (const [k, v] of files) gitFiles.set(k, v);
    let db: ObjectDatabase;
    try {
      db = openDb(gitFiles, repo.algo);
    } catch {
      continue;
    }
    const objects = new Map<string, ObjectType>();
    const perType = new Map<string, number>();
    for (const { oid, location } of db.allObjects()) {
      const hex = toHex(oid);
      try {
        const obj = db.readAt(location);
        objects.set(hex, obj.type);
        if (obj.type === 'blob' || seenObjects.has(hex)) continue;
        const n = perType.get(obj.type) ?? 0;
        if (n >= 12 || obj.data.length > 64 << 10) continue;
        perType.set(obj.type, n + 1);
        seenObjects.add(hex);
        const data = obj.data.slice();
        const hints = obj.type === 'tree' ? treeHints(data, repo.algo) : lineStarts(data);
        add(repo, obj.type as Format, new Map([['object', data]]), 'object', hints, obj.type !== 'tree');
      } catch {
        // an unreadable fixture object is no seed
      }
    }
    // Delta streams with their bases, from every pack of the repository.
    let deltas = 0;
    for (const pack of db.packs) {
      for (let i = 0; i < pack.count && deltas < 24; i++) {
        try {
          const offset = pack.idx.offsetAt(i);
          const h = pack.entryHeader(offset);
          if (h.type !== PACK_OFS_DELTA && h.type !== PACK_REF_DELTA) continue;
          const delta = pack.inflateEntry(h).slice();
          const base = pack.readObject(pack.baseOffsetOf(h)).data.slice();
          if (delta.length > 16 << 10 || base.length > 256 << 10) continue;
          deltas++;
          add(
            repo,
            'delta',
            new Map([
              ['delta', delta],
              ['base', base],
            ]),
            'delta',
            [0, 1, 2, 3, 4, 5, 6, 8, 10, 12, 16, delta.length - 1],
          );
        } catch {
          // skip
        }
      }
    }
    for (const [path, bytes] of gitFiles) {
      if (/^objects\/[0-9a-f]{2}\//.test(path)) {
        const loose = new Map([[path, bytes]]);
        add(repo, 'loose', loose, path, [0, 1, 2, 3, bytes.length - 4, bytes.length - 1]);
      }
    }
    const refsAndLogs = new Map([...gitFiles].filter(([k]) => k === 'HEAD' || k === 'packed-refs' || k.startsWith('refs/') || k.startsWith('logs/')));
    for (const [path, bytes] of refsAndLogs) {
      if (path.startsWith('logs/')) add(repo, 'reflog', refsAndLogs, path, lineStarts(bytes), true, objects);
      else add(repo, 'refs', refsAndLogs, path, lineStarts(bytes), true, objects);
    }
    if (gitFiles.has('index')) {
      const bytes = gitFiles.get('index') as Uint8Array;
      const hints = [0, 4, 8, 12, bytes.length - H];
      for (let i = 0; i + 4 <= bytes.length; i++) {
        // extension signatures and entry flags words sit near capital letters / the NULs of paths
        if (bytes[i] >= 0x41 && bytes[i] <= 0x5a && bytes[i + 1] >= 0x41 && bytes[i + 1] <= 0x5a && bytes[i + 2] >= 0x41 && bytes[i + 3] >= 0x41) hints.push(i, i + 4, i + 8);
      }
      for (let at = 12; at < bytes.length - H; at += 8) if (bytes[at - 1] === 0 && bytes[at] !== 0) hints.push(at, at + 40, at + 40 + H);
      add(repo, 'index', new Map([['index', bytes]]), 'index', sample(hints, 300));
    }
  }
  return cases;
}

function treeHints(data: Uint8Array, algo: HashAlgo): number[] {
  const hints = [0];
  let pos = 0;
  while (pos < data.length && hints.length < 400) {
    const nul = data.indexOf(0, pos);
    if (nul < 0) break;
    const space = data.indexOf(0x20, pos);
    hints.push(pos, space, space + 1, nul, nul + 1);
    pos = nul + 1 + algo.size;
    hints.push(pos);
  }
  return hints;
}

/** The corpus grouped by format, each in a stable order. */
export function casesByFormat(cases: FuzzCase[]): Map<Format, FuzzCase[]> {
  const out = new Map<Format, FuzzCase[]>();
  for (const f of FORMATS) out.set(f, []);
  for (const c of cases) (out.get(c.format) as FuzzCase[]).push(c);
  for (const list of out.values()) list.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return out;
}
