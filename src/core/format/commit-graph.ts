import {
  CHUNK_BASE,
  CHUNK_BDAT,
  CHUNK_BIDX,
  CHUNK_CDAT,
  CHUNK_EDGE,
  CHUNK_GDA2,
  CHUNK_GDO2,
  CHUNK_OIDF,
  CHUNK_OIDL,
  CHUNK_TABLE_ENTRY_SIZE,
  chunkTableSize,
  readChunkTable,
  type Chunk,
} from './chunk-table.ts';
import { u32 } from '../bytes/be.ts';
import type { ByteSource } from '../bytes/source.ts';
import { fail } from '../errors.ts';
import { algoFromFormatId, type HashAlgo } from '../hash/algo.ts';
import { toHex } from '../hash/hex.ts';

/**
 * One commit-graph file: `objects/info/commit-graph`, or one layer
 * `objects/info/commit-graphs/graph-<hash>.graph` of a split chain (see commit-graph-chain.ts).
 * Opened with the checks and the words of git 2.39's `parse_commit_graph` (header, chunk table,
 * the three required chunks); everything else is read on demand, every read bounded by the
 * file, so a hostile file gives a PackscopeError with its offset, never a read past the end.
 *
 * Header and chunk table (H = hash length, N = commits = OIDL bytes / H)
 * | offset     | bytes        | field                                                        |
 * |------------|--------------|--------------------------------------------------------------|
 * | 0          | 4            | signature "CGPH"                                             |
 * | 4          | 1            | version: 1                                                   |
 * | 5          | 1            | hash version: 1 = SHA-1, 2 = SHA-256                         |
 * | 6          | 1            | C = number of chunks                                         |
 * | 7          | 1            | B = number of base graphs (layers below this one)            |
 * | 8          | (C + 1) x 12 | chunk table: u32 id, u64 offset; the last id is 0 and its     |
 * |            |              | offset is where the last chunk ends                          |
 * | end - H    | H            | checksum of everything before it                             |
 *
 * Chunks
 * | id   | bytes      | content                                                             |
 * |------|------------|---------------------------------------------------------------------|
 * | OIDF | 256 x 4    | fanout: commits whose first id byte is <= i                         |
 * | OIDL | N x H      | commit ids, sorted                                                  |
 * | CDAT | N x (H+16) | root tree id; parent 1, parent 2 as positions (0x70000000 = none;   |
 * |      |            | MSB set on parent 2 = index into EDGE); 30-bit topological level +  |
 * |      |            | 2 high bits of the commit time; 32 low bits of the commit time      |
 * | GDA2 | N x 4      | corrected commit date minus commit time; MSB set = index into GDO2  |
 * | GDO2 | M x 8      | corrected date offsets too large for 31 bits                        |
 * | EDGE | E x 4      | parents 2.. of octopus merges; MSB marks each list's last entry     |
 * | BIDX | N x 4      | end of each commit's changed-path Bloom filter in BDAT (cumulative) |
 * | BDAT | 12 + F     | hash version, number of hashes, bits per entry; then the filters    |
 * | BASE | B x H      | checksums of the layers below, base first                           |
 *
 * Positions are global over a chain: a layer's commits follow those of the layers below it.
 */

/** The commit-graph's chunk ids, kept with every chunk-format id in chunk-table.ts. */
export { CHUNK_BASE, CHUNK_BDAT, CHUNK_BIDX, CHUNK_CDAT, CHUNK_EDGE, CHUNK_GDA2, CHUNK_GDO2, CHUNK_OIDF, CHUNK_OIDL } from './chunk-table.ts';

const SIGNATURE = 0x43475048; // "CGPH"
const HEADER_SIZE = 8;
const FANOUT_BYTES = 256 * 4;
/** A parent slot that holds no parent. */
export const PARENT_NONE = 0x70000000;
/** Parent 2's flag: the value is an index into EDGE. */
export const EXTRA_EDGES_NEEDED = 0x80000000;
/** An EDGE entry's flag: the last parent of the list. */
export const LAST_EDGE = 0x80000000;
/** A GDA2 entry's flag: the value is an index into GDO2. */
export const GENERATION_OVERFLOW = 0x80000000;
export const BLOOM_HEADER_SIZE = 12;
/** Files larger than this are refused: git.git's graph (80k commits, Bloom filters) is ~8 MiB. */
export const MAX_COMMIT_GRAPH_BYTES = 1 << 30;

/** One entry of the chunk table (core/format/chunk-table.ts). */
export type CommitGraphChunk = Chunk;

/** Bloom filter settings (BDAT's header), when git would use them (hash version 1). */
export interface BloomSettings {
  hashVersion: number;
  numHashes: number;
  bitsPerEntry: number;
}

/** One commit's CDAT row, decoded. */
export interface CommitData {
  tree: Uint8Array;
  /** The two raw parent words (PARENT_NONE, a position, or EDGE index | MSB). */
  parent1: number;
  parent2: number;
  /** Topological level (generation number v1): the word's upper 30 bits. */
  topoLevel: number;
  /** Commit time in seconds (34 bits). */
  time: number;
}

/** u64 as a BigInt. */
function u64Big(bytes: Uint8Array, pos: number): bigint {
  return (BigInt(u32(bytes, pos)) << 32n) | BigInt(u32(bytes, pos + 4));
}

export interface CommitGraphOpenOptions {
  /** The repository's hash; git refuses a graph written with another one. */
  expectedAlgo: HashAlgo;
  /** git's `commitGraph.generationVersion` (default 2): below 2, GDA2/GDO2 are ignored. */
  generationVersion?: number;
  /** git's `commitGraph.readChangedPaths` (default true): false ignores BIDX/BDAT. */
  readChangedPaths?: boolean;
}

/** A commit-graph file, opened and checked as git 2.39 opens it. */
export class CommitGraphFile {
  readonly name: string;
  readonly size: number;
  readonly algo: HashAlgo;
  readonly version: number;
  readonly hashVersion: number;
  /** Header byte 6. */
  readonly chunkCount: number;
  /** Header byte 7: how many layers this one says lie below it. */
  readonly baseCount: number;
  /** Every chunk of the table, in table order. */
  readonly chunks: readonly CommitGraphChunk[];
  /** Commits in this file: OIDL's length / H, rounded down (as git counts them). */
  readonly count: number;
  readonly oidf: CommitGraphChunk;
  readonly oidl: CommitGraphChunk;
  readonly cdat: CommitGraphChunk;
  /** Present and read (git reads GDA2/GDO2 only when generationVersion >= 2). */
  readonly gda2: CommitGraphChunk | undefined;
  readonly gdo2: CommitGraphChunk | undefined;
  readonly edge: CommitGraphChunk | undefined;
  readonly base: CommitGraphChunk | undefined;
  /** BIDX and BDAT, kept only when both are present (git ignores one without the other). */
  readonly bidx: CommitGraphChunk | undefined;
  readonly bdat: CommitGraphChunk | undefined;
  readonly bloom: BloomSettings | undefined;
  /** The file's last H bytes: the layer's name in a chain. */
  readonly checksum: string;
  /** The whole file (commit-graphs are small: 8 MiB for git.git's 80k commits). */
  readonly bytes: Uint8Array;
  private readonly H: number;
  private readonly width: number;

  private constructor(source: ByteSource, options: CommitGraphOpenOptions) {
    const file = source.name;
    this.name = file;
    this.size = source.size;
    const algo = options.expectedAlgo;
    const H = algo.size;
    this.H = H;
    this.width = H + 16;
    // git_commit_graph's GRAPH_MIN_SIZE: header, four table entries, the fanout and the checksum.
    const minSize = HEADER_SIZE + 4 * CHUNK_TABLE_ENTRY_SIZE + FANOUT_BYTES + H;
    if (source.size < minSize) fail('Truncated', 'commit-graph file is too small', { file, offset: 0 });
    if (source.size > MAX_COMMIT_GRAPH_BYTES) fail('TooLarge', `commit-graph file of ${source.size} bytes is larger than the ${MAX_COMMIT_GRAPH_BYTES}-byte limit`, { file, offset: 0 });
    const bytes = source.read(0, source.size).slice();
    this.bytes = bytes;
    const signature = u32(bytes, 0);
    if (signature !== SIGNATURE) {
      fail('BadSignature', `commit-graph signature ${signature.toString(16).toUpperCase()} does not match signature ${SIGNATURE.toString(16).toUpperCase()}`, { file, offset: 0 });
    }
    this.version = bytes[4];
    if (this.version !== 1) fail('UnsupportedVersion', `commit-graph version ${this.version.toString(16).toUpperCase()} does not match version 1`, { file, offset: 4 });
    this.hashVersion = bytes[5];
    if (this.hashVersion !== algo.formatId) {
      fail('Mismatch', `commit-graph hash version ${this.hashVersion.toString(16).toUpperCase()} does not match version ${algo.formatId.toString(16).toUpperCase()}`, { file, offset: 5 });
    }
    this.algo = algoFromFormatId(this.hashVersion) ?? algo;
    this.chunkCount = bytes[6];
    this.baseCount = bytes[7];
    if (source.size < HEADER_SIZE + chunkTableSize(this.chunkCount) + FANOUT_BYTES + H) {
      fail('Truncated', `commit-graph file is too small to hold ${this.chunkCount} chunks`, { file, offset: 6 });
    }
    this.chunks = readChunkTable(source, HEADER_SIZE, this.chunkCount, source.size - H, 'commit-graph');
    const find = (id: number) => this.chunks.find((c) => c.idValue === id);
    const generationVersion = options.generationVersion ?? 2;
    this.oidf = find(CHUNK_OIDF) as CommitGraphChunk;
    const oidl = find(CHUNK_OIDL);
    this.cdat = find(CHUNK_CDAT) as CommitGraphChunk;
    this.edge = find(CHUNK_EDGE);
    this.base = find(CHUNK_BASE);
    this.gda2 = generationVersion >= 2 ? find(CHUNK_GDA2) : undefined;
    this.gdo2 = generationVersion >= 2 ? find(CHUNK_GDO2) : undefined;
    let bidx: CommitGraphChunk | undefined;
    let bdat: CommitGraphChunk | undefined;
    let bloom: BloomSettings | undefined;
    if (options.readChangedPaths !== false) {
      bidx = find(CHUNK_BIDX);
      bdat = find(CHUNK_BDAT);
      if (bdat !== undefined) {
        const head = this.at(bdat.offset, BLOOM_HEADER_SIZE);
        const hashVersion = u32(bytes, head);
        if (hashVersion === 1) bloom = { hashVersion, numHashes: u32(bytes, head + 4), bitsPerEntry: u32(bytes, head + 8) };
      }
    }
    if (bidx === undefined || bdat === undefined) {
      bidx = undefined;
      bdat = undefined;
      bloom = undefined;
    }
    this.bidx = bidx;
    this.bdat = bdat;
    this.bloom = bloom;
    this.checksum = toHex(bytes, source.size - H, H);
    // git's verify_commit_graph_lite, in its order and words.
    if (this.oidf === undefined) fail('BadChunk', 'commit-graph is missing the OID Fanout chunk', { file, offset: HEADER_SIZE });
    if (oidl === undefined) fail('BadChunk', 'commit-graph is missing the OID Lookup chunk', { file, offset: HEADER_SIZE });
    this.oidl = oidl;
    this.count = Math.floor(oidl.length / H);
    if (this.cdat === undefined) fail('BadChunk', 'commit-graph is missing the Commit Data chunk', { file, offset: HEADER_SIZE });
  }

  /** Opens a commit-graph file; throws a PackscopeError whose `detail` is git's message. */
  static open(source: ByteSource, options: CommitGraphOpenOptions): CommitGraphFile {
    return new CommitGraphFile(source, options);
  }

  /** `offset` when [offset, offset + length) lies inside the file; otherwise an OutOfRange error. */
  at(offset: number, length: number): number {
    if (offset < 0 || offset + length > this.size) {
      fail('OutOfRange', `commit-graph read of ${length} bytes at ${offset} is outside the ${this.size}-byte file`, { file: this.name, offset: Math.max(0, Math.min(offset, this.size)) });
    }
    return offset;
  }

  /** fanout[b] as stored (git reads it wherever OIDF starts, whatever its length). */
  fanout(b: number): number {
    return u32(this.bytes, this.at(this.oidf.offset + 4 * b, 4));
  }

  /** Where commit `i`'s id sits. */
  oidOffset(i: number): number {
    return this.at(this.oidl.offset + this.H * i, this.H);
  }

  /** Commit `i`'s id (a view into the file's bytes; copy it to keep it). */
  oidAt(i: number): Uint8Array {
    const at = this.oidOffset(i);
    return this.bytes.subarray(at, at + this.H);
  }

  oidHexAt(i: number): string {
    return toHex(this.bytes, this.oidOffset(i), this.H);
  }

  /** Where commit `i`'s CDAT row sits. */
  dataOffset(i: number): number {
    return this.at(this.cdat.offset + this.width * i, this.width);
  }

  /** Commit `i`'s CDAT row. */
  commitData(i: number): CommitData {
    const at = this.dataOffset(i);
    const b = this.bytes;
    const H = this.H;
    const word = u32(b, at + H + 8);
    return {
      tree: b.subarray(at, at + H),
      parent1: u32(b, at + H),
      parent2: u32(b, at + H + 4),
      topoLevel: word >>> 2,
      time: (word & 3) * 0x100000000 + u32(b, at + H + 12),
    };
  }

  /** GDA2's raw word for commit `i` (undefined without GDA2). */
  generationWord(i: number): number | undefined {
    if (this.gda2 === undefined) return undefined;
    return u32(this.bytes, this.at(this.gda2.offset + 4 * i, 4));
  }

  /** GDO2's entry `k`; undefined without GDO2 (git then dies: "requires overflow generation data"). */
  generationOverflow(k: number): bigint | undefined {
    if (this.gdo2 === undefined) return undefined;
    return u64Big(this.bytes, this.at(this.gdo2.offset + 8 * k, 8));
  }

  /** EDGE entry `k` (undefined without an EDGE chunk). */
  edgeWord(k: number): number | undefined {
    if (this.edge === undefined) return undefined;
    return u32(this.bytes, this.at(this.edge.offset + 4 * k, 4));
  }

  /** BASE entry `k`: the checksum of the k-th layer below, base first. */
  baseId(k: number): string {
    if (this.base === undefined) fail('BadChunk', 'commit-graph has no base graphs chunk', { file: this.name });
    return toHex(this.bytes, this.at(this.base.offset + this.H * k, this.H), this.H);
  }

  /** Bytes of commit `i`'s Bloom filter in BDAT ([start, end) after the 12-byte header), when the file has filters. */
  bloomRange(i: number): { start: number; end: number } | undefined {
    if (this.bidx === undefined) return undefined;
    const end = u32(this.bytes, this.at(this.bidx.offset + 4 * i, 4));
    const start = i === 0 ? 0 : u32(this.bytes, this.at(this.bidx.offset + 4 * (i - 1), 4));
    return { start, end };
  }

  /**
   * git's `bsearch_hash` over this file: the fanout bounds the range, then a binary search.
   * Returns the position in this file or -1. Reads only inside the file (a hostile fanout that
   * points past it raises OutOfRange instead of reading what git would read).
   */
  find(oid: Uint8Array): number {
    const first = oid[0];
    let hi = this.fanout(first);
    let lo = first === 0 ? 0 : this.fanout(first - 1);
    const H = this.H;
    const b = this.bytes;
    while (lo < hi) {
      const mi = lo + Math.floor((hi - lo) / 2);
      const at = this.oidOffset(mi);
      let cmp = 0;
      for (let k = 0; k < H; k++) {
        if (b[at + k] !== oid[k]) {
          cmp = b[at + k] - oid[k];
          break;
        }
      }
      if (cmp === 0) return mi;
      if (cmp > 0) hi = mi;
      else lo = mi + 1;
    }
    return -1;
  }

  /**
   * Sizes a well-formed file has that git 2.39 does not check when it loads one; reported by
   * the anatomy view (git would read neighbouring bytes instead).
   */
  shapeProblems(): { offset: number; message: string }[] {
    const out: { offset: number; message: string }[] = [];
    const N = this.count;
    const check = (c: CommitGraphChunk | undefined, want: number, what: string) => {
      if (c !== undefined && c.length !== want) out.push({ offset: c.tableOffset, message: `${c.id} is ${c.length} bytes, but ${what} needs ${want}` });
    };
    check(this.oidf, FANOUT_BYTES, 'a fanout');
    if (this.oidl.length % this.H !== 0) out.push({ offset: this.oidl.tableOffset, message: `OIDL is ${this.oidl.length} bytes, not a multiple of ${this.H}` });
    check(this.cdat, N * this.width, `${N} commits`);
    check(this.gda2, N * 4, `${N} commits`);
    check(this.bidx, N * 4, `${N} commits`);
    if (this.base !== undefined) check(this.base, this.baseCount * this.H, `${this.baseCount} base graphs`);
    else if (this.baseCount > 0) out.push({ offset: 7, message: `the header names ${this.baseCount} base graphs but there is no BASE chunk` });
    if (this.oidf.length >= FANOUT_BYTES && this.oidf.offset + FANOUT_BYTES <= this.size && this.fanout(255) !== N) {
      out.push({ offset: this.oidf.offset + 255 * 4, message: `fanout[255] is ${this.fanout(255)}, but OIDL holds ${N} commits` });
    }
    if (this.bdat !== undefined && this.bdat.length < BLOOM_HEADER_SIZE) out.push({ offset: this.bdat.tableOffset, message: `BDAT is ${this.bdat.length} bytes, shorter than its 12-byte header` });
    return out;
  }
}
