import type { ObjectType } from '../objects/types.ts';
import type { ObjectDatabase, ObjectLocation } from '../odb/database.ts';
import { compileMatcher, type MatchOptions, type TextMatcher } from './matcher.ts';
import { DEFAULT_CAPS, ObjectScan, type Candidate, type ScanCaps } from './scan.ts';
import { searchBlobText, type BlobTextOptions } from './blob-text.ts';
import type { BlobMatch } from './types.ts';

/**
 * Text in blobs: every blob is read, decoded as UTF-8 and searched line by line. Binary blobs
 * (a NUL in the first 8000 bytes, git's rule) are skipped unless asked for; blobs over the size
 * limit are skipped with a note; each blob has a time box, checked between lines. One line
 * under a regular expression that backtracks without end is not stopped by it: the browser runs
 * the matching in a helper it can terminate (worker/forensics/search/text-search.ts).
 */

/** Options of a blob text search. */
export interface BlobSearchOptions extends BlobTextOptions {
  includeBinary: boolean;
  /** Blobs larger than this are not read (a note says so). */
  maxBlobBytes: number;
}

export const DEFAULT_BLOB_OPTIONS: Omit<BlobSearchOptions, keyof MatchOptions> = {
  includeBinary: false,
  maxBlobBytes: 64 * 1024 * 1024,
  maxLinesPerBlob: 20,
  context: 2,
  blobTimeBoxMs: 250,
};

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
    const blob = this.readSearchableBlob(oid, location, size, this.options);
    if (!blob) return undefined;
    const { match, note } = searchBlobText(oid, size, blob.data, blob.binary, this.matcher, this.options);
    if (note) this.note(note);
    return match;
  }
}
