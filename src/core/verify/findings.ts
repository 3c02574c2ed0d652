import type { ErrorKind } from '../errors.ts';

/**
 * What a verification found. Every finding names the file and, where there is one, the byte
 * offset and the object, so an examiner can go to the bytes. Findings are plain data: they
 * cross the worker boundary and go into the findings report as they are.
 */

/** How bad: `error` = data is wrong or unreadable; `warning` = suspicious but readable; `info` = noted. */
export type Severity = 'error' | 'warning' | 'info';

/** Which check produced a finding. */
export type CheckId =
  | 'open' // a file could not be opened or parsed at all
  | 'trailer' // a file's trailing checksum (idx, pack, midx, rev, bitmap, mtimes)
  | 'idx-pack-checksum' // the idx's copy of its pack's checksum vs the pack's trailer
  | 'count' // object counts that disagree (idx vs pack header vs entries walked, midx vs idx)
  | 'crc' // CRC32 of an entry's stored bytes vs the idx
  | 'oid' // an object's id recomputed from its content vs the id it is stored under
  | 'object' // an object that cannot be read (zlib, header, delta application)
  | 'delta' // delta bases out of range, missing, cyclic or too deep
  | 'midx' // the multi-pack-index vs the idx files (what `git multi-pack-index verify` checks)
  | 'cross-check' // the .pack walked entry by entry vs what the .idx, .rev and midx claim
  | 'loose' // a loose object file
  | 'refs'; // loose refs, packed-refs, HEAD and reflogs: parse, resolve, name objects that exist (refs-check.ts)

/** One finding. */
export interface Finding {
  severity: Severity;
  check: CheckId;
  kind: ErrorKind;
  /** Path relative to the opened folder. */
  file: string;
  offset?: number;
  /** The object concerned, when there is one (hex). */
  oid?: string;
  /** A sentence a person can act on. */
  message: string;
  /**
   * The damage this finding follows from, when it lies elsewhere: a delta whose chain reaches a
   * damaged base names that base's entry. One damaged base can make dozens of findings; views and
   * the report group them under it.
   */
  cause?: { file: string; offset: number };
}

/** Where a verification is. */
export interface VerifyProgress {
  /** What is being checked now, e.g. `pack-1234.pack: object ids`. */
  phase: string;
  /** Units done and total over the whole run: bytes hashed, plus stored bytes of objects checked weighted by their cost. */
  done: number;
  total: number;
  /** Objects checked so far, and in the whole run (every pack's entries and every loose object). */
  objectsDone: number;
  objectsTotal: number;
}

/** The counts of what was checked, for the report's summary. */
export interface VerifyCounts {
  files: number;
  bytesHashed: number;
  objects: number;
  packs: number;
  looseObjects: number;
  /** Threads that rebuilt and hashed objects (most for any pack), when more than one. */
  threads?: number;
  /** Helper threads that stopped; their parts were checked by the main engine (nothing was skipped). */
  helperFailures?: string[];
}

/** The result of a whole run. */
export interface VerifyReport {
  findings: Finding[];
  counts: VerifyCounts;
  durationMs: number;
}
