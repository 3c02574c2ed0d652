import type { Finding } from '../finding.ts';

/**
 * What a verification found (one Finding type for every check: core/finding.ts), where it is,
 * and what it counted.
 */

export type { CheckId, Finding, Severity } from '../finding.ts';

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
