import type { ObjectType } from '../objects/types.ts';
import type { ObjectDatabase, ObjectLocation } from '../odb/database.ts';
import { BlobBatcher, type BatchLimits, type BlobBatch } from './blob-batches.ts';
import { DEFAULT_CAPS, ObjectScan, type Candidate, type ScanCaps } from './scan.ts';
import type { BlobMatch, SearchNote } from './types.ts';

/**
 * The reading half of a blob text search whose matching runs elsewhere (a helper the caller
 * can throw away): every blob is read here, the size limit and git's binary rule applied, and
 * the bytes gathered into batches (`nextBatch`); what the matcher finds comes back through
 * `accept`. The scan pauses while a full batch waits to be taken, so memory stays at a few
 * batches whatever the repository's size.
 */

/** Options of the reading half. */
export interface BlobBatchOptions {
  includeBinary: boolean;
  /** Blobs larger than this are not read (a note says so). */
  maxBlobBytes: number;
  batch: BatchLimits;
}

/** Reads blobs into batches. */
export class BlobBatchScan extends ObjectScan {
  private readonly batcher: BlobBatcher;
  private readonly ready: BlobBatch[] = [];
  private pending = 0;

  constructor(
    db: ObjectDatabase,
    candidates: Iterator<Candidate>,
    total: number,
    private readonly options: BlobBatchOptions,
    caps: ScanCaps = DEFAULT_CAPS,
  ) {
    super(db, candidates, total, caps);
    this.batcher = new BlobBatcher(options.batch);
  }

  /** Blobs read into batches whose answers have not come back yet. */
  get pendingBlobs(): number {
    return this.pending;
  }

  /** True when the count of matches reached its cap: nothing more needs matching. */
  get capped(): boolean {
    return this.countFull;
  }

  /** True while a full batch waits to be taken (reading has paused). */
  get batchWaiting(): boolean {
    return this.ready.length > 0;
  }

  /** True when `nextBatch` has one to give. */
  get hasBatch(): boolean {
    return this.ready.length > 0 || (this.done && !this.capped && this.batcher.count > 0);
  }

  /** The next batch to match: a full one, or the last, partial one once every blob was read. */
  nextBatch(): BlobBatch | undefined {
    if (this.ready.length > 0) return this.ready.shift();
    return this.done && !this.capped ? this.batcher.take() : undefined;
  }

  /** What the matcher found in a batch of `blobs` blobs; matches past the shown cap are counted, past the count cap dropped. */
  accept(blobs: number, matches: BlobMatch[], notes: SearchNote[]): void {
    this.pending -= blobs;
    for (const n of notes) this.note(n);
    for (const m of matches) {
      if (this.capped) {
        this.stats.countStopped = true;
        break;
      }
      this.found(m);
    }
  }

  protected override paused(): boolean {
    return this.ready.length > 0;
  }

  protected wants(type: ObjectType): boolean {
    return type === 'blob';
  }

  protected visit(oid: string, location: ObjectLocation, _type: ObjectType, size: number): undefined {
    const blob = this.readSearchableBlob(oid, location, size, this.options);
    if (!blob) return undefined;
    this.batcher.add(oid, size, blob.binary, blob.data);
    this.pending++;
    if (this.batcher.full) this.ready.push(this.batcher.take() as BlobBatch);
    return undefined;
  }
}
