import { bytesEqual } from '../bytes/be.ts';
import type { ByteSource } from '../bytes/source.ts';
import { fail, toWire, type WireError } from '../errors.ts';
import { SHA1, SHA256, type HashAlgo } from '../hash/algo.ts';
import type { Hasher, HasherFactory } from '../hash/hasher.ts';
import { toHex } from '../hash/hex.ts';
import { fflateInflater } from '../inflate/inflater.ts';
import { portableMeasuringInflater } from '../inflate/measured.ts';
import { groupPackFiles } from '../odb/database.ts';
import type { RepositoryFiles } from '../repo/discover.ts';
import { PackIndexer, type IndexPackResult } from './indexer.ts';

/**
 * `git index-pack` over a pack of an open folder that has no idx, in slices: before indexing, a
 * folder that gives no hint of its hash (no config, idx, midx or loose object: a carved `.pack`
 * alone) has its pack's trailer checked against SHA-1 and then SHA-256 of the content; then the
 * PackIndexer walks and resolves. The caller drives `step` between its yields.
 */

/** A pack of the open folder that has no `.idx` beside it (listed by the repository summary). */
export interface PackWithoutIdx {
  /** `pack-<hash>`, no extension. */
  name: string;
  /** Path of the `.pack` relative to the opened folder. */
  path: string;
  bytes: number;
  /** An idx was built in this session and is held in memory; the pack's objects are readable. */
  indexedInMemory: boolean;
  /** Objects in that in-memory idx. */
  objects?: number;
}

/** Objects by type. */
export interface IndexedTypeCounts {
  commit: number;
  tree: number;
  blob: number;
  tag: number;
}

/** What indexing a pack produced (the worker adds the folder's new summary). */
export interface IndexedPack {
  name: string;
  packPath: string;
  packBytes: number;
  hashAlgo: 'sha1' | 'sha256';
  /** Every declared entry walked and resolved, trailer right: git would write the same idx. */
  complete: boolean;
  /** The pack checksum written into the idx (the pack's trailer as found), hex. */
  packChecksum: string;
  /** The checksum computed over the walked entries, hex, when every entry was walked. */
  computedChecksum?: string;
  /** Every entry was walked, so the trailer's place is known (else `packChecksum` is just the file's last bytes). */
  trailerFound: boolean;
  declaredCount: number;
  indexedCount: number;
  types: IndexedTypeCounts;
  ofsDeltas: number;
  refDeltas: number;
  maxChain: number;
  /** The `.idx` (v2) file; transferred. */
  idx: Uint8Array;
  /** Suggested download name: the pack's name with `.idx` (`pack-<checksum>.idx` for a pack git named). */
  idxFileName: string;
  problems: WireError[];
  /** True when the open folder now reads the pack's objects through this idx (in memory). */
  attached: boolean;
  /** Why the idx was not attached, when it was not. */
  notAttached?: string;
  /** Milliseconds of work (pauses excluded). */
  ms: number;
}

/** Work per slice, in milliseconds. */
export const SLICE_MS = 12;
const HASH_READ = 1 << 20;

/** Hashes [0, size - H) of a source in slices and compares with the trailer. */
export class TrailerProbe {
  private at = 0;
  private readonly hasher: Hasher;
  constructor(
    private readonly source: ByteSource,
    readonly algo: HashAlgo,
    hasher: HasherFactory,
  ) {
    this.hasher = hasher(algo);
  }
  get end(): number {
    return Math.max(0, this.source.size - this.algo.size);
  }
  get done(): number {
    return this.at;
  }
  /** Hashes for about `budgetMs`; returns the verdict once the whole content is hashed. */
  step(budgetMs: number): boolean | undefined {
    const deadline = performance.now() + budgetMs;
    while (this.at < this.end) {
      const n = Math.min(HASH_READ, this.end - this.at);
      this.hasher.update(this.source.read(this.at, n));
      this.at += n;
      if (performance.now() >= deadline && this.at < this.end) return undefined;
    }
    if (this.source.size < this.algo.size + 12) return false;
    return bytesEqual(this.hasher.digest(), this.source.read(this.end, this.algo.size));
  }
}

/** True when nothing in the folder says which hash it uses, so the database's SHA-1 is a guess. */
export function hashIsGuessed(files: RepositoryFiles, indexedInMemory: ReadonlyMap<string, unknown>): boolean {
  if (files.config || files.looseObjects.length > 0 || files.midxChainFiles.length > 0) return false;
  if (files.packDirFiles.some((f) => f.path.endsWith('multi-pack-index'))) return false;
  return !groupPackFiles(files.packDirFiles).some((g) => g.idx && !indexedInMemory.has(g.name));
}

/** The `.pack` named `name` (`pack-<hash>`) of the folder. */
export function packSourceNamed(files: RepositoryFiles, name: string): ByteSource {
  const g = groupPackFiles(files.packDirFiles).find((x) => x.name === name);
  if (!g?.pack) fail('NotFound', `${name}.pack is not in the open folder`, { file: `${name}.pack` });
  return g.pack.source;
}

/** One pack's indexing, resumable; see the file comment. */
export class PackIndexRun {
  private probes: TrailerProbe[] | undefined;
  private algo: HashAlgo | undefined;
  private indexer: PackIndexer | undefined;

  constructor(
    private readonly source: ByteSource,
    readonly name: string,
    /** The database's hash, or undefined when the folder gives no hint (the trailer decides). */
    private readonly knownAlgo: HashAlgo | undefined,
    private readonly hasher: HasherFactory,
  ) {}

  /** One slice of work, whichever phase; the outcome once the indexer is done (`ms` is the caller's to fill). */
  step(): IndexedPack | undefined {
    if (!this.algo) {
      if (this.knownAlgo) {
        this.algo = this.knownAlgo;
      } else {
        this.probes ??= [new TrailerProbe(this.source, SHA1, this.hasher), new TrailerProbe(this.source, SHA256, this.hasher)];
        const probe = this.probes[0];
        const verdict = probe.step(SLICE_MS);
        if (verdict === undefined) return undefined;
        if (verdict) this.algo = probe.algo;
        else if (this.probes.length > 1) this.probes.shift();
        // Neither sum matches (a damaged trailer): index as SHA-1 and let the trailer problem show.
        else this.algo = SHA1;
        return undefined;
      }
    }
    this.indexer ??= new PackIndexer(this.source, {
      algo: this.algo,
      hasher: this.hasher,
      inflater: fflateInflater,
      measuring: portableMeasuringInflater,
    });
    return this.indexer.step(SLICE_MS) ? this.describe(this.indexer.result()) : undefined;
  }

  /** Where the run is: (done, total, label), or undefined before it started. */
  progress(): { done: number; total: number; label: string } | undefined {
    if (!this.algo && this.probes) {
      const p = this.probes[0];
      return { done: p.done, total: p.end, label: `Telling SHA-1 from SHA-256 (${p.algo.name} of the pack)` };
    }
    if (!this.indexer) return undefined;
    const p = this.indexer.progress();
    if (p.phase === 'walk') return { done: p.bytesWalked, total: p.packBytes, label: `Walking entries: ${p.entriesWalked} of ${p.declaredCount}` };
    return { done: p.deltasResolved, total: p.deltas, label: `Resolving deltas: ${p.deltasResolved} of ${p.deltas}` };
  }

  private describe(r: IndexPackResult): IndexedPack {
    const algo = this.algo as HashAlgo;
    const source = this.source;
    // A partial idx is read through too: the database notes that the pack header declares more
    // objects than the idx lists, and every object the idx lists reads.
    const attachable = r.indexedCount > 0;
    const outcome: IndexedPack = {
      name: this.name,
      packPath: source.name,
      packBytes: source.size,
      hashAlgo: algo.name,
      complete: r.complete,
      packChecksum: toHex(r.packChecksum),
      declaredCount: r.declaredCount,
      indexedCount: r.indexedCount,
      types: r.types,
      ofsDeltas: r.ofsDeltas,
      refDeltas: r.refDeltas,
      maxChain: r.maxChain,
      idx: r.idx,
      idxFileName: `${this.name}.idx`,
      trailerFound: r.computedChecksum !== undefined,
      problems: r.problems.map(toWire),
      attached: attachable,
      ms: 0,
    };
    if (r.computedChecksum) outcome.computedChecksum = toHex(r.computedChecksum);
    if (!attachable) outcome.notAttached = 'No object could be indexed.';
    return outcome;
  }
}
