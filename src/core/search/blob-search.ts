import type { ObjectType } from '../objects/types.ts';
import type { ObjectDatabase, ObjectLocation } from '../odb/database.ts';
import { compileMatcher, type MatchOptions, type TextMatcher } from './matcher.ts';
import { DEFAULT_CAPS, ObjectScan, type Candidate, type ScanCaps } from './scan.ts';
import { findLineHits, looksBinary } from './text-hits.ts';
import type { BlobMatch } from './types.ts';

/**
 * Text in blobs: every blob is read, decoded as UTF-8 and searched line by line. Binary blobs
 * (a NUL in the first 8000 bytes, git's rule) are skipped unless asked for; blobs over the size
 * limit are skipped with a note; each blob has a time box so one pathological line cannot
 * hold the worker.
 */

/** Options of a blob text search. */
export interface BlobSearchOptions extends MatchOptions {
  includeBinary: boolean;
  /** Blobs larger than this are not read (a note says so). */
  maxBlobBytes: number;
  /** Matching lines shown per blob. */
  maxLinesPerBlob: number;
  /** Context lines before and after. */
  context: number;
  /** Milliseconds one blob may take before its search stops (a note says where). */
  blobTimeBoxMs: number;
}

export const DEFAULT_BLOB_OPTIONS: Omit<BlobSearchOptions, keyof MatchOptions> = {
  includeBinary: false,
  maxBlobBytes: 64 * 1024 * 1024,
  maxLinesPerBlob: 20,
  context: 2,
  blobTimeBoxMs: 250,
};

const utf8 = new TextDecoder('utf-8');

/** Searches blob text. */
export class BlobTextSearch extends ObjectScan {
  private readonly matcher: TextMatcher;

  constructor(
    db: ObjectDatabase,
    candidates: Iterator<Candidate>,
    total: number,
    pattern: string,
    private readonly options: BlobSearchOptions,
    caps: ScanCaps = DEFAULT_CAPS,
  ) {
    super(db, candidates, total, caps);
    this.matcher = compileMatcher(pattern, options);
  }

  protected wants(type: ObjectType): boolean {
    return type === 'blob';
  }

  protected visit(oid: string, location: ObjectLocation, _type: ObjectType, size: number): BlobMatch | undefined {
    if (size > this.options.maxBlobBytes) {
      this.note({ oid, reason: 'too-large', detail: `${size} bytes, over the ${this.options.maxBlobBytes}-byte limit of a text search; not searched` });
      return undefined;
    }
    const data = this.db.readAt(location).data;
    const binary = looksBinary(data);
    if (binary && !this.options.includeBinary) {
      this.stats.binarySkipped++;
      return undefined;
    }
    const found = findLineHits(utf8.decode(data), this.matcher, {
      maxLines: this.options.maxLinesPerBlob,
      context: this.options.context,
      deadline: performance.now() + this.options.blobTimeBoxMs,
    });
    let stoppedEarly: string | undefined;
    if (found.stoppedAtLine !== undefined) {
      stoppedEarly = `the search of this blob took over ${this.options.blobTimeBoxMs} ms and stopped at line ${found.stoppedAtLine}; later lines were not searched`;
      this.note({ oid, reason: 'time-box', detail: stoppedEarly });
    }
    if (found.hits.length === 0) return undefined;
    const match: BlobMatch = { kind: 'blob', oid, size, binary, hits: found.hits, moreLines: found.moreLines };
    if (stoppedEarly) match.stoppedEarly = stoppedEarly;
    return match;
  }
}
