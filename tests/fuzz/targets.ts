import { createHash } from 'node:crypto';
import { memorySource, type ByteSource } from '../../src/core/bytes/source.ts';
import { PackscopeError } from '../../src/core/errors.ts';
import type { HashAlgo } from '../../src/core/hash/algo.ts';
import { parsePrefix, toHex } from '../../src/core/hash/hex.ts';
import { portableHasher } from '../../src/core/hash/hasher.ts';
import { applyDelta, listDeltaInstructions, readDeltaHeader } from '../../src/core/format/delta.ts';
import { PackIndex } from '../../src/core/format/idx.ts';
import { looseObjectInfo, readLooseObject } from '../../src/core/format/loose.ts';
import { MultiPackIndex, type MidxLike } from '../../src/core/format/midx.ts';
import { MultiPackIndexChain } from '../../src/core/format/midx-chain.ts';
import { ReverseIndex } from '../../src/core/format/rev.ts';
import { PackBitmap } from '../../src/core/format/bitmap.ts';
import { PackMtimes } from '../../src/core/format/mtimes.ts';
import { fflateInflater, type Inflater } from '../../src/core/inflate/inflater.ts';
import { forEachCommitLink, parseCommit, parseSignature } from '../../src/core/objects/commit.ts';
import { forEachHeaderField, utf8Boundary } from '../../src/core/objects/header-scan.ts';
import { formatTreeListing } from '../../src/core/objects/ls-tree.ts';
import { quotePathBytes } from '../../src/core/objects/quote.ts';
import { parseTag } from '../../src/core/objects/tag.ts';
import { browseOrder, entryIsTree, indexTree, treeEntryAt } from '../../src/core/objects/tree-index.ts';
import { forEachTreeEntry, parseTree } from '../../src/core/objects/tree.ts';
import type { ObjectType } from '../../src/core/objects/types.ts';
import { ObjectDatabase } from '../../src/core/odb/database.ts';
import { parseDirCache } from '../../src/core/reach/dircache.ts';
import { RefStore } from '../../src/core/repo/ref-store.ts';
import { parseReflog, readReflogs } from '../../src/core/repo/reflog.ts';
import { dwimRef, readRefs, resolveRef } from '../../src/core/repo/refs.ts';
import { refnameProblem } from '../../src/core/repo/ref-names.ts';
import { verifyMidxSource } from '../../src/core/verify/midx-verify.ts';
import { walkPack } from '../../src/core/verify/pack-walk.ts';
import { RefsCheck, gitFsckRefs, type RefObjects } from '../../src/core/verify/refs-check.ts';
import type { Finding } from '../../src/core/verify/findings.ts';
import { nodeInflater } from '../../src/cli/node-host.ts';
import { repositoryOf, type Format, type FuzzCase } from './corpus.ts';

/**
 * What the fuzzer runs on each damaged input: the entry points the app and the CLI use, every
 * accessor of the opened view, every object read. A PackscopeError is a good answer; anything
 * else thrown is a finding. Some answers are checked too (`FuzzFinding`):
 * - `masked`: a PackscopeError whose sentence is a JavaScript error's (a TypeError wrapped as
 *   CorruptObject or Io: over memory sources nothing can fail to read, so an `Io` is one too);
 * - `wrong`: two readers of the same bytes disagree (parseTree and forEachTreeEntry, parseCommit
 *   and forEachCommitLink, a delta's header and its result, an object's type and size from its
 *   header and from its data).
 */

/** An answer that is wrong without an exception. */
export class FuzzFinding extends Error {
  constructor(
    readonly kind: 'masked' | 'wrong',
    message: string,
    /** What identifies the problem whatever the input (the finding's signature): the wrapped error's sentence, or the disagreement. */
    readonly key: string = message,
  ) {
    super(message);
    this.name = `FuzzFinding(${kind})`;
  }
}

/** What one run counted besides findings (reported, not failed). */
export interface RunStats {
  /** Objects read whose bytes hash to another id than the one asked for (damaged data read as git would). */
  otherHash: number;
  /** Typed errors met (caught per call). */
  typedErrors: number;
}

/** FUZZ_DEBUG=1: print every typed error met (for triage with one input). */
const DEBUG = typeof process !== 'undefined' && process.env.FUZZ_DEBUG === '1';

const JS_ERROR =
  /Cannot read prop|Cannot set prop|is not a function|is not defined|is not iterable|Invalid typed array length|Invalid array length|out of bounds|Maximum call stack|Array buffer allocation failed|offset is outside the bounds|undefined is not|null is not|Cannot convert|Invalid string length/;

function checkTyped(err: PackscopeError, where: string): void {
  if (JS_ERROR.test(err.detail) || err.kind === 'Io') throw new FuzzFinding('masked', `${where}: a JavaScript error reported as ${err.kind}: ${err.message}`, `${err.kind}: ${err.detail}`);
}

/** Runs `fn`; a typed error is an answer (counted), anything else propagates. */
function tolerate<T>(stats: RunStats, where: string, fn: () => T): T | undefined {
  try {
    return fn();
  } catch (err) {
    if (err instanceof PackscopeError) {
      checkTyped(err, where);
      stats.typedErrors++;
      if (DEBUG) console.log(`  (typed) ${where}: ${err.message}`);
      return undefined;
    }
    throw err;
  }
}

function checkProblems(problems: readonly PackscopeError[], where: string): void {
  for (const p of problems) {
    if (!(p instanceof PackscopeError)) throw new FuzzFinding('masked', `${where}: a problem that is not a PackscopeError: ${String(p)}`);
    checkTyped(p, where);
  }
}

/** A ByteSource that checks every read lies inside the file (the interface's contract). */
function strictSource(name: string, bytes: Uint8Array): ByteSource {
  return {
    name,
    size: bytes.length,
    read(offset: number, length: number): Uint8Array {
      if (!(Number.isInteger(offset) && Number.isInteger(length) && offset >= 0 && length >= 0 && offset + length <= bytes.length)) {
        throw new RangeError(`read(${offset}, ${length}) outside [0, ${bytes.length}) of ${name}`);
      }
      return bytes.subarray(offset, offset + length);
    },
  };
}

function oidHash(algo: HashAlgo, type: ObjectType, data: Uint8Array): string {
  const h = createHash(algo.size === 32 ? 'sha256' : 'sha1');
  h.update(`${type} ${data.length}\0`);
  h.update(data);
  return h.digest('hex');
}

/** Everything the app and the CLI do with an object's bytes. */
export function exerciseObject(stats: RunStats, type: ObjectType, data: Uint8Array, algo: HashAlgo): void {
  if (type === 'commit') {
    const parsed = tolerate(stats, 'parseCommit', () => parseCommit(data));
    let links: { tree: string[]; parents: string[] } | undefined;
    tolerate(stats, 'forEachCommitLink', () => {
      const seen = { tree: [] as string[], parents: [] as string[] };
      const utf8 = new TextDecoder('utf-8');
      forEachCommitLink(data, (isParent, start, end) => {
        (isParent ? seen.parents : seen.tree).push(utf8.decode(data.subarray(start, end)));
      });
      links = seen;
    });
    if ((parsed === undefined) !== (links === undefined)) {
      throw new FuzzFinding('wrong', `parseCommit ${parsed ? 'reads' : 'refuses'} the commit but forEachCommitLink ${links ? 'reads' : 'refuses'} it`);
    }
    if (parsed && links && parsed.parents.length !== links.parents.length) {
      throw new FuzzFinding('wrong', `parseCommit finds ${parsed.parents.length} parents, forEachCommitLink ${links.parents.length}`);
    }
    if (parsed && links && (parsed.tree !== links.tree[0] || parsed.parents.some((p, i) => p !== links?.parents[i]))) {
      throw new FuzzFinding(
        'wrong',
        `parseCommit and forEachCommitLink read other tree or parent values: ${JSON.stringify([parsed.tree, links.tree[0]])}`,
        'parseCommit and forEachCommitLink read other tree or parent values',
      );
    }
    tolerate(stats, 'forEachHeaderField', () => forEachHeaderField(data, 'commit', (f) => utf8Boundary(data, f.valueStart, f.valueEnd)));
    if (parsed) parseSignature(parsed.author.name);
  } else if (type === 'tag') {
    tolerate(stats, 'parseTag', () => parseTag(data));
    tolerate(stats, 'forEachHeaderField', () => forEachHeaderField(data, 'tag', () => {}));
  } else if (type === 'tree') {
    const entries = tolerate(stats, 'parseTree', () => parseTree(data, algo, 'tree'));
    let visited: number | undefined;
    tolerate(stats, 'forEachTreeEntry', () => {
      let n = 0;
      forEachTreeEntry(
        data,
        algo,
        () => 'tree',
        () => n++,
      );
      visited = n;
    });
    const index = tolerate(stats, 'indexTree', () => indexTree(data, algo, 'tree'));
    const counts = [entries?.length, visited, index?.count];
    if (counts.some((c) => c !== counts[0]))
      throw new FuzzFinding('wrong', `tree readers disagree: parseTree ${counts[0] ?? 'refuses'}, forEachTreeEntry ${counts[1] ?? 'refuses'}, indexTree ${counts[2] ?? 'refuses'}`);
    if (entries) {
      formatTreeListing(entries);
      for (const e of entries.slice(0, 64)) quotePathBytes(e.name);
    }
    if (index) {
      for (let i = 0; i < Math.min(index.count, 256); i++) {
        treeEntryAt(index, i);
        entryIsTree(index, i);
      }
      browseOrder(index);
    }
  }
}

/**
 * Reads every object of a database the ways the app and CLI do, and checks what it can. Returns
 * the ids of packed objects whose read gave bytes that hash to another id: git's cat-file does
 * not hash what it reads either, so that is not an error of the read, but Verify must catch it
 * (see requireVerifyCatches).
 */
function readEverything(stats: RunStats, db: ObjectDatabase, scan: boolean): string[] {
  const otherHash: string[] = [];
  checkProblems(db.problems, 'database');
  if (scan) {
    for (const pack of db.packs) {
      tolerate(stats, 'pack scan', () => {
        const s = db.packScan(pack);
        s.step(Infinity);
        checkProblems(s.problems, 'pack scan');
      });
    }
  }
  let n = 0;
  const all = tolerate(stats, 'allObjects', () => [...db.allObjects()]) ?? [];
  for (const { oid, location } of all) {
    if (n++ > 2000) break;
    const hex = toHex(oid);
    const info = tolerate(stats, `info ${hex}`, () => db.infoAt(location));
    const obj = tolerate(stats, `read ${hex}`, () => db.readAt(location));
    if (obj) {
      if (info && info.type === obj.type && info.size !== obj.data.length && location.kind === 'loose') {
        throw new FuzzFinding('wrong', `loose object ${hex}: the header says ${info.size} bytes, the read gave ${obj.data.length}`);
      }
      if (oidHash(db.algo, obj.type, obj.data) !== hex) {
        stats.otherHash++;
        if (location.kind === 'packed') otherHash.push(hex);
      }
      exerciseObject(stats, obj.type, obj.data, db.algo);
    }
    if (location.kind === 'packed' && !Number.isNaN(location.offset)) {
      tolerate(stats, `chain ${hex}`, () => location.pack.deltaChain(location.offset));
      tolerate(stats, `depth ${hex}`, () => location.pack.deltaDepth(location.offset));
    }
  }
  for (const h of ['0', '00', 'ab', 'ffff', '4b825dc']) tolerate(stats, 'findPrefix', () => db.findPrefix(h));
  checkProblems(db.problems, 'database');
  return otherHash;
}

/** A read that gave another object's bytes without an error must be a finding of Verify's pack walk. */
function requireVerifyCatches(stats: RunStats, db: ObjectDatabase, otherHash: string[]): void {
  if (otherHash.length === 0) return;
  let findings = 0;
  let walked = false;
  for (const pack of db.packs) {
    tolerate(stats, 'walkPack', () => {
      findings += walkPack(pack, { verifyObjects: true, hasher: portableHasher }).findings.length;
      walked = true;
    });
  }
  // A pack Verify cannot even walk is itself its finding.
  if (walked && findings === 0)
    throw new FuzzFinding('masked', `reads of ${otherHash.slice(0, 3).join(', ')} gave bytes hashing to other ids, and Verify found nothing`, 'a read gave other bytes and Verify found nothing');
}

function database(files: Map<string, Uint8Array>, algo: HashAlgo, inflater: Inflater): ObjectDatabase {
  return new ObjectDatabase(repositoryOf(files), { algo, inflater });
}

function exerciseIdx(stats: RunStats, idx: PackIndex): void {
  for (let b = 0; b < 256; b++) idx.fanout(b);
  const n = Math.min(idx.count, 5000);
  for (let i = 0; i < n; i++) {
    tolerate(stats, 'idx.oidAt', () => idx.oidHexAt(i));
    tolerate(stats, 'idx.offsetAt', () => idx.offsetAt(i));
    tolerate(stats, 'idx.crcAt', () => idx.crcAt(i));
    tolerate(stats, 'idx.usesLargeOffset', () => idx.usesLargeOffset(i));
    const oid = tolerate(stats, 'idx.oidAt', () => idx.oidAt(i).slice());
    if (oid && i % 7 === 0) tolerate(stats, 'idx.find', () => idx.find(oid));
  }
  if (idx.count <= 1 << 20) {
    tolerate(stats, 'idx.allOffsets', () => idx.allOffsets());
    tolerate(stats, 'idx.allOids', () => idx.allOids());
    tolerate(stats, 'idx.allCrcs', () => idx.allCrcs());
  }
  idx.layout();
  tolerate(stats, 'idx.packChecksum', () => idx.packChecksum());
  tolerate(stats, 'idx.idxChecksum', () => idx.idxChecksum());
  for (const h of ['0', '7f', 'ff', 'abc']) {
    tolerate(stats, 'idx.findPrefix', () => idx.findPrefix(parsePrefix(h)));
    tolerate(stats, 'idx.positionsWithPrefix', () => idx.positionsWithPrefix(parsePrefix(h), 5));
  }
}

function exerciseMidx(stats: RunStats, midx: MultiPackIndex): void {
  for (let b = 0; b < 256; b++) midx.fanout(b);
  const n = Math.min(midx.count, 5000);
  for (let i = 0; i < n; i++) {
    tolerate(stats, 'midx.oidAt', () => midx.oidHexAt(i));
    tolerate(stats, 'midx.packIdAt', () => midx.packIdAt(i));
    tolerate(stats, 'midx.offsetAt', () => midx.offsetAt(i));
    tolerate(stats, 'midx.entryAt', () => midx.entryAt(i));
    tolerate(stats, 'midx.ridxAt', () => midx.ridxAt(i));
    const oid = tolerate(stats, 'midx.oidAt', () => midx.oidAt(i).slice());
    if (oid && i % 7 === 0) tolerate(stats, 'midx.locate', () => midx.locate(oid));
  }
  for (let p = 0; p < Math.min(midx.packCount, 64); p++) tolerate(stats, 'midx.bitmappedPack', () => midx.bitmappedPack(p));
  tolerate(stats, 'midx.entries', () => {
    let k = 0;
    for (const _ of midx.entries()) if (++k > 5000) break;
  });
  midx.layout();
  tolerate(stats, 'midx.checksum', () => midx.checksum());
  for (const name of midx.packNames.slice(0, 64)) midx.containsPack(name);
  for (const h of ['0', '7f', 'ff']) tolerate(stats, 'midx.findPrefix', () => midx.findPrefix(parsePrefix(h)));
}

function exerciseMidxLike(stats: RunStats, midx: MidxLike & { count: number }): void {
  const entries = tolerate(stats, 'entries', () => {
    const out: Uint8Array[] = [];
    for (const e of midx.entries()) {
      if (out.length < 5000) out.push(e.oid.slice());
      else break;
    }
    return out;
  });
  for (const oid of entries ?? []) tolerate(stats, 'locate', () => midx.locate(oid));
  for (const h of ['0', '7f', 'ff']) tolerate(stats, 'findPrefix', () => midx.findPrefix(parsePrefix(h)));
}

function packIdx(ext: string, path: string): string {
  return path.replace(new RegExp(`\\.${ext}$`), '.idx');
}

function openIdxOf(files: Map<string, Uint8Array>, path: string, algo: HashAlgo): PackIndex | undefined {
  const bytes = files.get(path);
  if (!bytes) return undefined;
  try {
    return PackIndex.open(memorySource(path, bytes), algo);
  } catch {
    return undefined;
  }
}

/** The refs the fixture's objects answer for (no database needed). */
function refObjects(objects: Map<string, ObjectType> | undefined): RefObjects {
  const map = objects ?? new Map<string, ObjectType>();
  return { has: (oid) => map.has(oid), typeOf: (oid) => map.get(oid) ?? 'missing' };
}

/**
 * Runs one input: `files` are the case's files with the target replaced by the damaged bytes.
 * `variant` picks between the app's inflater (fflate) and the CLI's (node:zlib).
 */
export function runInput(c: FuzzCase, files: Map<string, Uint8Array>, variant: number, stats: RunStats): void {
  const algo = c.algo;
  const inflater = variant % 2 === 0 ? fflateInflater : nodeInflater;
  const bytes = files.get(c.target) as Uint8Array;
  const source = strictSource(c.target, bytes);
  const format: Format = c.format;
  switch (format) {
    case 'idx-v1':
    case 'idx-v2': {
      const idx = tolerate(stats, 'PackIndex.open', () => PackIndex.open(source, algo));
      if (idx) exerciseIdx(stats, idx);
      const db = database(files, algo, inflater);
      requireVerifyCatches(stats, db, readEverything(stats, db, variant % 3 === 0));
      return;
    }
    case 'pack': {
      const db = database(files, algo, inflater);
      requireVerifyCatches(stats, db, readEverything(stats, db, variant % 2 === 1));
      if (variant % 3 === 0) {
        for (const pack of db.packs) {
          tolerate(stats, 'walkPack', () => {
            const walk = walkPack(pack, { verifyObjects: true, hasher: portableHasher });
            for (const _ of walk.rows) {
              // rows are built as they are pulled
            }
          });
        }
      }
      return;
    }
    case 'delta': {
      const base = files.get('base') as Uint8Array;
      const header = tolerate(stats, 'readDeltaHeader', () => readDeltaHeader(bytes));
      tolerate(stats, 'listDeltaInstructions', () => listDeltaInstructions(bytes));
      if (header && header.targetSize <= 64 << 20) {
        const out = tolerate(stats, 'applyDelta', () => applyDelta(base, bytes));
        if (out && out.length !== header.targetSize) throw new FuzzFinding('wrong', `applyDelta gave ${out.length} bytes, the delta declares ${header.targetSize}`);
        if (out && header.baseSize !== base.length) throw new FuzzFinding('wrong', `applyDelta accepted a base of ${base.length} bytes for a delta declaring ${header.baseSize}`);
        if (variant % 2 === 1 && header.targetSize <= 1 << 20) {
          const into = new Uint8Array(header.targetSize + 16);
          tolerate(stats, 'applyDelta into', () => applyDelta(base, bytes, {}, into));
        }
      }
      return;
    }
    case 'midx': {
      const midx = tolerate(stats, 'MultiPackIndex.open', () => MultiPackIndex.open(source, { expectedAlgo: algo }));
      if (midx) exerciseMidx(stats, midx);
      if (variant % 2 === 0) {
        const findings = verifyMidxSource(source, {
          expectedAlgo: algo,
          hasher: portableHasher,
          openIdx: (name) => {
            const path = `objects/pack/${name.replace(/\.pack$/, '.idx')}`;
            const b = files.get(path);
            if (!b) throw new PackscopeError('NotFound', `${name} is missing`, { file: path });
            return PackIndex.open(memorySource(path, b), algo);
          },
          packExists: (name) => files.has(`objects/pack/${name.replace(/\.idx$/, '.pack')}`),
        });
        for (const f of findings) if (JS_ERROR.test(f.message) || JS_ERROR.test(f.reason ?? '')) throw new FuzzFinding('masked', `verifyMidx: ${f.message} ${f.reason ?? ''}`);
      }
      readEverything(stats, database(files, algo, inflater), false);
      return;
    }
    case 'midx-chain': {
      const chainPath = 'objects/pack/multi-pack-index.d/multi-pack-index-chain';
      const chainBytes = files.get(chainPath);
      if (chainBytes) {
        const chain = MultiPackIndexChain.open(
          strictSource(chainPath, chainBytes),
          (hex) => {
            const p = `objects/pack/multi-pack-index.d/multi-pack-index-${hex}.midx`;
            const b = files.get(p);
            return b ? strictSource(p, b) : undefined;
          },
          { expectedAlgo: algo },
        );
        if (chain.error) checkProblems([chain.error], 'chain');
        exerciseMidxLike(stats, chain);
        for (let k = 0; k < chain.layers.length; k++) chain.layerBase(k);
      }
      if (c.target.endsWith('.midx')) {
        const layer = tolerate(stats, 'layer open', () => MultiPackIndex.open(source, { expectedAlgo: algo }));
        if (layer) exerciseMidx(stats, layer);
      }
      readEverything(stats, database(files, algo, inflater), false);
      return;
    }
    case 'rev': {
      const idx = openIdxOf(files, packIdx('rev', c.target), algo);
      if (idx) {
        const rev = tolerate(stats, 'ReverseIndex.open', () => ReverseIndex.open(source, idx.count, algo));
        if (rev) {
          for (let i = 0; i < Math.min(rev.count, 5000); i++) tolerate(stats, 'rev.positionAt', () => rev.positionAt(i));
          tolerate(stats, 'rev.positions', () => rev.positions());
          tolerate(stats, 'rev.validate', () => rev.validate());
          const db = database(new Map([...files].filter(([k]) => !k.endsWith('.rev'))), algo, inflater);
          const pack = db.packs[0];
          if (pack) tolerate(stats, 'rev.checkAgainst', () => rev.checkAgainst(pack.packOrder().positions));
          rev.packChecksum();
          rev.checksum();
          rev.layout();
        }
      }
      readEverything(stats, database(files, algo, inflater), true);
      return;
    }
    case 'bitmap': {
      const idx = openIdxOf(files, packIdx('bitmap', c.target), algo);
      if (!idx) return;
      const bitmap = tolerate(stats, 'PackBitmap.open', () => PackBitmap.open(source, idx.count, algo, { packChecksum: idx.packChecksum() }));
      if (!bitmap) {
        // the anatomy view also opens it without the pack check
        tolerate(stats, 'PackBitmap.open (no pack check)', () => PackBitmap.open(source, idx.count, algo));
        return;
      }
      for (const type of ['commit', 'tree', 'blob', 'tag'] as const) {
        const t = bitmap.typeBitmap(type);
        const set = tolerate(stats, 'bitmap.setPositions', () => bitmap.setPositions(t));
        if (set)
          for (const p of set) if (p >= Math.max(idx.count, t.bitCount)) throw new FuzzFinding('wrong', `the ${type} type bitmap sets bit ${p}, past ${idx.count} objects and its ${t.bitCount} bits`);
      }
      tolerate(stats, 'bitmap.entries', () => {
        let k = 0;
        for (const e of bitmap.entries()) {
          bitmap.popcount(e.bitmap);
          if (k < 64) bitmap.setPositions(e.bitmap);
          if (++k > 5000) break;
        }
      });
      for (let r = 0; r < Math.min(bitmap.entryCount, 512); r++) tolerate(stats, 'bitmap.lookupAt', () => bitmap.lookupAt(r));
      for (let p = 0; p < Math.min(idx.count, 512); p++) tolerate(stats, 'bitmap.nameHashAt', () => bitmap.nameHashAt(p));
      bitmap.layout();
      bitmap.checksum();
      return;
    }
    case 'mtimes': {
      const idx = openIdxOf(files, packIdx('mtimes', c.target), algo);
      if (!idx) return;
      const mtimes = tolerate(stats, 'PackMtimes.open', () => PackMtimes.open(source, idx.count, algo));
      if (!mtimes) return;
      for (let i = 0; i < Math.min(mtimes.count, 5000); i++) tolerate(stats, 'mtimes.mtimeAt', () => mtimes.mtimeAt(i));
      tolerate(stats, 'mtimes.mtimes', () => mtimes.mtimes());
      tolerate(stats, 'mtimes.summary', () => mtimes.summary());
      mtimes.min();
      mtimes.max();
      mtimes.packChecksum();
      mtimes.checksum();
      mtimes.matchesPack(idx.packChecksum());
      mtimes.layout();
      return;
    }
    case 'loose': {
      const info = tolerate(stats, 'looseObjectInfo', () => looseObjectInfo(source, inflater));
      const obj = tolerate(stats, 'readLooseObject', () => readLooseObject(source, inflater, 2 ** 31 - 1));
      if (info && obj && (info.type !== obj.type || info.size !== obj.data.length)) {
        throw new FuzzFinding('wrong', `loose object: the header says ${info.type} ${info.size}, the read gave ${obj.type} ${obj.data.length}`);
      }
      if (obj) exerciseObject(stats, obj.type, obj.data, algo);
      readEverything(stats, database(files, algo, inflater), false);
      return;
    }
    case 'commit':
    case 'tree':
    case 'tag': {
      exerciseObject(stats, format, bytes, algo);
      return;
    }
    case 'index': {
      const index = tolerate(stats, 'parseDirCache', () => parseDirCache(bytes, algo, 'index'));
      if (index) for (const e of index.entries.slice(0, 100)) refnameProblem(e.path);
      return;
    }
    case 'refs':
    case 'reflog': {
      const repo = repositoryOf(files);
      const store = new RefStore(repo.refFiles, '', algo, '.git');
      checkProblems(store.problems, 'RefStore');
      for (const name of [...store.loose.keys(), ...(store.packed?.records.map((r) => r.name) ?? []), 'HEAD', 'refs/heads/main']) {
        store.readRaw(name);
        store.resolve(name, true);
        store.resolve(name, false);
      }
      const refs = readRefs(repo.refFiles, '');
      for (const name of [...refs.keys(), 'main', 'v1.0', 'HEAD']) {
        resolveRef(refs, name);
        dwimRef(refs, name);
      }
      const objects = refObjects(c.objects);
      const reflogFiles = repo.reflogFiles ?? [];
      const fsck = gitFsckRefs(store, objects, { reflogs: variant % 2 === 0, reflogFiles });
      checkProblems(fsck.reflogProblems, 'gitFsckRefs');
      const findings: Finding[] = [];
      const check = new RefsCheck(store, reflogFiles, objects, findings);
      let steps = 0;
      for (const _ of check.run()) if (++steps > 1_000_000) throw new FuzzFinding('wrong', 'RefsCheck.run yields more than a million times');
      for (const f of findings) if (JS_ERROR.test(f.message)) throw new FuzzFinding('masked', `RefsCheck: ${f.message}`);
      const logs = readReflogs(reflogFiles, '', algo);
      checkProblems(logs.problems, 'readReflogs');
      if (format === 'reflog') {
        const file = reflogFiles.find((f) => f.path === c.target);
        if (file) tolerate(stats, 'parseReflog', () => parseReflog(file, c.target.slice(5), algo));
      }
      return;
    }
  }
}

/** Reads the intact case once: a seed that fails here is a corpus problem, not a finding. */
export function intactProblems(c: FuzzCase): string[] {
  const stats: RunStats = { otherHash: 0, typedErrors: 0 };
  try {
    runInput(c, c.files, 0, stats);
  } catch (err) {
    return [`${c.id}: ${err instanceof Error ? err.message : String(err)}`];
  }
  return [];
}
