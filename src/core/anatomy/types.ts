import type { WireError } from '../errors.ts';
import type { Finding } from '../finding.ts';
import type { ObjectType } from '../objects/types.ts';

/**
 * What the format-anatomy modules answer (the hex annotators, pack statistics and map, midx and
 * idx anatomy, delta steps): how git laid the repository out on disk (midx, idx,
 * pack, companions, annotated hex, delta instructions). Plain data; big arrays are typed arrays
 * that travel as transferables.
 */

/** A field of a file header: where it is and what it says. */
export interface FieldInfo {
  name: string;
  offset: number;
  length: number;
  /** The value as a person reads it (`MIDX`, `1`, `sha1`, …). */
  value: string;
}

/** A byte range of a file, named. */
export interface RegionInfo {
  name: string;
  offset: number;
  length: number;
}

/** One layer (or the flat file) of a multi-pack-index. */
export interface MidxLayerAnatomy {
  file: string;
  fileSize: number;
  version: number;
  hashVersion: number;
  objects: number;
  /** Objects and packs of the layers below this one (0 for a flat file or the base). */
  objectBase: number;
  packBase: number;
  header: FieldInfo[];
  chunkTable: RegionInfo;
  chunks: { id: string; offset: number; length: number; tableOffset: number }[];
  packs: { packId: number; name: string; objectsInMidx: number; namedAt: number; bitmap?: { position: number; count: number } }[];
  /** Cumulative fanout, 256 entries. */
  fanout: number[];
  checksum: string;
  /** RIDX: the first entries of the pack order (pack-ordered object positions), when present. */
  ridx?: { entries: number; first: number[] };
}

/** The multi-pack-index as a whole. */
export interface MidxAnatomy {
  kind: 'flat' | 'chain' | 'none';
  /** The chain file's path (chains). */
  chainFile?: string;
  /** Layers, base first. */
  layers: MidxLayerAnatomy[];
  /** Packs in the folder that no layer covers. */
  uncoveredPacks: string[];
  /** Why the midx (or part of the chain) did not load. */
  error?: WireError;
}

/** An object stored in more than one pack. */
export interface DuplicateObject {
  oid: string;
  copies: { pack: string; offset: number; mtimeMs: number; covered: boolean }[];
  /** The pack whose copy git reads: the one the midx records, else the first pack outside it in search order (undefined when no copy is searched). */
  chosen?: string;
  /** Why that copy: the newest pack, or the pack outside the midx searched first. */
  reason: string;
}

/** Statistics of one pack (from a scan of every entry, kept once computed). */
export interface PackStats {
  pack: string;
  objects: number;
  packBytes: number;
  /** Entries by stored kind: commit, tree, blob, tag, ofs-delta, ref-delta. */
  byEntryType: Record<string, number>;
  /** Objects by resolved type. */
  byType: Record<ObjectType, number>;
  /** Bytes of entries (headers + zlib) per resolved type. */
  storedByType: Record<ObjectType, number>;
  /** Inflated object bytes per resolved type. */
  sizeByType: Record<ObjectType, number>;
  storedBytes: number;
  inflatedBytes: number;
  nonDelta: number;
  ofsDeltas: number;
  refDeltas: number;
  /** chainHistogram[d - 1]: entries at delta depth d (as `git verify-pack -v` prints). */
  chainHistogram: number[];
  largest: { oid: string; type: ObjectType; size: number; storedSize: number; offset: number; depth: number }[];
  /** Entries whose header or type could not be read. */
  unreadable: number;
  /** Why: the first of those errors (file and offset each), in offset order. */
  problems?: WireError[];
  /** Milliseconds the worker spent reading the entries (pauses for other requests excluded). */
  scanMs?: number;
}

/**
 * Every entry of a pack in offset order, for the byte map. Arrays are parallel; `types` holds
 * the resolved type number (1 commit, 2 tree, 3 blob, 4 tag, 0 unreadable) and `entryTypes` the
 * stored one (6 ofs-delta, 7 ref-delta).
 */
export interface PackMap {
  pack: string;
  packBytes: number;
  offsets: Float64Array;
  storedSizes: Float64Array;
  types: Uint8Array;
  entryTypes: Uint8Array;
  depths: Uint16Array;
  /** idx position of each entry (the id is fetched on hover with `idxEntries`). */
  positions: Uint32Array;
}

/** The `.idx` file's layout. */
export interface IdxAnatomy {
  pack: string;
  file: string;
  fileSize: number;
  version: 1 | 2;
  objects: number;
  header: FieldInfo[];
  regions: RegionInfo[];
  fanout: number[];
  largeOffsets: number;
  /** The idx's copy of the pack's checksum. */
  packChecksum: string;
  checksum: string;
  /** What the `.pack` itself holds: its last hash-size bytes, and its header's object count. */
  packFileTrailer: string;
  packHeaderObjects: number;
}

/** One idx entry. */
export interface IdxEntryRow {
  position: number;
  oid: string;
  offset: number;
  crc?: number;
  /** True when the offset is stored in the 64-bit table. */
  large: boolean;
  /** The slot of the 64-bit table holding the offset (when `large`). */
  largeIndex?: number;
}

/** Companion files of a pack. */
export interface Companions {
  pack: string;
  /** `mismatch`: the first entry that differs from the idx's order (check `cross-check`); `error`: why the .rev did not open, or belongs to another pack. */
  rev?: { file: string; size: number; matchesIdx: boolean; mismatch?: Finding; error?: WireError };
  bitmap?: {
    file: string;
    size: number;
    version: number;
    flags: string[];
    entryCount: number;
    typeBitmaps: { type: ObjectType; offset: number; byteSize: number; setBits: number }[];
    error?: WireError;
  };
  mtimes?: { file: string; size: number; min: number; max: number; times: Float64Array; error?: WireError };
  keep?: { file: string; text: string };
  promisor?: { file: string; text: string };
}

/** A file of the opened folder, for the hex view's picker. */
export interface FolderFile {
  path: string;
  size: number;
  kind: 'pack' | 'idx' | 'midx' | 'midx-chain' | 'commit-graph' | 'commit-graph-chain' | 'rev' | 'bitmap' | 'mtimes' | 'keep' | 'promisor' | 'loose' | 'ref' | 'other';
}

/** A labelled byte range in the hex view. */
export interface HexAnnotation {
  start: number;
  end: number;
  /** Short label (`fanout[0x3f]`, `type+size`, `OFS_DELTA base`). */
  label: string;
  /** Colour group. */
  kind: 'header' | 'fanout' | 'oid' | 'crc' | 'offset' | 'large-offset' | 'chunk-table' | 'chunk' | 'pack-name' | 'entry-header' | 'delta-base' | 'zlib' | 'trailer' | 'other';
  /** A sentence: what the bytes say (`blob, 1161 bytes`, `points to offset 0x1f3a`). */
  detail?: string;
  /** An object the bytes belong to, for a link. */
  oid?: string;
  /** Where the bytes point (an ofs-delta base, an idx offset into the .pack), for a jump. */
  target?: { file: string; offset: number };
}

/** A window of a file's bytes with their meaning. */
export interface HexWindow {
  file: string;
  fileSize: number;
  kind: FolderFile['kind'];
  offset: number;
  bytes: Uint8Array;
  annotations: HexAnnotation[];
  /** Why the file's structure could not be (fully) annotated; the bytes are still shown. */
  error?: WireError;
}

/** The caches' limits, for the window-cache panel (the counters come from `cacheStats`). */
export interface CacheLimits {
  windowSize: number;
  windowBudget: number;
  deltaBaseBudget: number;
  /** Decoded objects larger than this are never kept as delta bases. */
  deltaBaseMaxEntry: number;
}

/** A delta chain with its instructions, and where it is stored. */
export interface DeltaChainDetail {
  /** The steps, base first and the object last. */
  steps: DeltaStepDetail[];
  /** The pack (every step is in it) or the loose object's file. */
  storedIn?: { kind: 'pack' | 'loose'; file: string };
  /** Why the chain could not be followed to its end; the steps read before are listed. */
  error?: WireError;
}

/** One step of a delta chain with its instructions. */
export interface DeltaStepDetail {
  oid?: string;
  offset: number;
  entryType: ObjectType | 'ofs-delta' | 'ref-delta';
  storedSize: number;
  /** The delta data's size (for deltas) or the object's size. */
  size: number;
  baseOid?: string;
  baseOffset?: number;
  baseSize?: number;
  resultSize?: number;
  instructions?: { op: 'copy' | 'insert'; at: number; length: number; baseOffset?: number }[];
  /** Instructions beyond the ones listed. */
  moreInstructions?: number;
  copiedBytes?: number;
  insertedBytes?: number;
}
