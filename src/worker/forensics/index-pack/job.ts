import type { ByteSource } from '../../../core/bytes/source.ts';
import { bytesEqual } from '../../../core/bytes/be.ts';
import { fail, toWire } from '../../../core/errors.ts';
import { SHA1, SHA256, type HashAlgo } from '../../../core/hash/algo.ts';
import type { Hasher } from '../../../core/hash/hasher.ts';
import { toHex } from '../../../core/hash/hex.ts';
import { PackIndexer, type IndexPackResult } from '../../../core/index-pack/indexer.ts';
import { fflateInflater } from '../../../core/inflate/inflater.ts';
import { portableMeasuringInflater } from '../../../core/inflate/measured.ts';
import { groupPackFiles } from '../../../core/odb/database.ts';
import type { IndexPackOutcome } from '../../../protocol/index-pack.ts';
import type { HandlerContext } from '../../../protocol/rpc.ts';
import type { Session } from '../../session.ts';
import { hashersReady, wasmHasher } from '../../hashing.ts';

/**
 * One pack being indexed in the worker. The work is a PackIndexer driven in ~12 ms slices
 * between yields; a cancelled request leaves the indexer where it was, and the next request
 * for the same pack continues it. Before indexing, a folder that gives no hint of its hash
 * (no config, idx, midx or loose object: a carved `.pack` alone) has its pack's trailer
 * checked against SHA-1 and then SHA-256 of the content.
 */

const SLICE_MS = 12;
const HASH_READ = 1 << 20;

/** Hashes [0, size - H) of a source in slices and compares with the trailer. */
class TrailerProbe {
  private at = 0;
  private readonly hasher: Hasher;
  constructor(
    private readonly source: ByteSource,
    readonly algo: HashAlgo,
  ) {
    this.hasher = wasmHasher(algo);
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
function hashIsGuessed(session: Session): boolean {
  const files = session.files;
  if (files.config || files.looseObjects.length > 0 || files.midxChainFiles.length > 0) return false;
  if (files.packDirFiles.some((f) => f.path.endsWith('multi-pack-index'))) return false;
  return !groupPackFiles(files.packDirFiles).some((g) => g.idx && !session.memoryIndexes.has(g.name));
}

/** The indexing of one pack of one session. */
export class IndexPackJob {
  private probes: TrailerProbe[] | undefined;
  private algo: HashAlgo | undefined;
  private indexer: PackIndexer | undefined;
  private ms = 0;
  private driving = false;
  outcome: IndexPackOutcome | undefined;

  constructor(
    private readonly session: Session,
    readonly name: string,
  ) {}

  private packSource(): ByteSource {
    const g = groupPackFiles(this.session.files.packDirFiles).find((x) => x.name === this.name);
    if (!g?.pack) fail('NotFound', `${this.name}.pack is not in the open folder`, { file: `${this.name}.pack` });
    return g.pack.source;
  }

  /**
   * Runs (or continues) the indexing; resolves with the outcome and, when every entry was
   * indexed, the session that reads the pack through the new idx (`attach` receives it).
   */
  async run(ctx: HandlerContext, attach: (next: Session) => void): Promise<IndexPackOutcome> {
    // A second caller (a view opened twice) waits for the first, and takes over if it is cancelled.
    while (this.driving && !this.outcome) {
      await ctx.pause();
      this.report(ctx);
      await new Promise((r) => setTimeout(r, 50));
    }
    if (this.outcome) return this.outcome;
    this.driving = true;
    try {
      await hashersReady();
      const source = this.packSource();
      let outcome: IndexPackOutcome | undefined;
      for (;;) {
        const started = performance.now();
        outcome = this.work(source);
        this.ms += performance.now() - started;
        if (outcome) break;
        this.report(ctx);
        await ctx.pause();
      }
      outcome.ms = Math.round(this.ms);
      this.outcome = outcome;
      if (outcome.attached) attach(this.session.withMemoryIndex(this.name, outcome.idx));
      return outcome;
    } finally {
      this.driving = false;
    }
  }

  /** One slice of work, whichever phase; the outcome once the indexer is done. */
  private work(source: ByteSource): IndexPackOutcome | undefined {
    if (!this.algo) {
      if (!hashIsGuessed(this.session)) {
        this.algo = this.session.db.algo;
      } else {
        this.probes ??= [new TrailerProbe(source, SHA1), new TrailerProbe(source, SHA256)];
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
    this.indexer ??= new PackIndexer(source, {
      algo: this.algo,
      hasher: wasmHasher,
      inflater: fflateInflater,
      measuring: portableMeasuringInflater,
    });
    return this.indexer.step(SLICE_MS) ? this.describe(this.indexer.result(), source) : undefined;
  }

  private report(ctx: HandlerContext): void {
    if (this.outcome) return;
    if (!this.algo && this.probes) {
      const p = this.probes[0];
      ctx.progress(p.done, p.end, `Telling SHA-1 from SHA-256 (${p.algo.name} of the pack)`);
      return;
    }
    if (!this.indexer) return;
    const p = this.indexer.progress();
    if (p.phase === 'walk') ctx.progress(p.bytesWalked, p.packBytes, `Walking entries: ${p.entriesWalked} of ${p.declaredCount}`);
    else ctx.progress(p.deltasResolved, p.deltas, `Resolving deltas: ${p.deltasResolved} of ${p.deltas}`);
  }

  private describe(r: IndexPackResult, source: ByteSource): IndexPackOutcome {
    const algo = this.algo as HashAlgo;
    // A partial idx is read through too: the database notes that the pack header declares more
    // objects than the idx lists, and every object the idx lists reads.
    const attachable = r.indexedCount > 0;
    const outcome: IndexPackOutcome = {
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
      ms: Math.round(this.ms),
    };
    if (r.computedChecksum) outcome.computedChecksum = toHex(r.computedChecksum);
    if (!attachable) {
      outcome.notAttached = 'No object could be indexed.';
    }
    return outcome;
  }
}
