import type { WireError } from '../core/errors.ts';
import type { EvidenceFile } from '../core/report/schema.ts';
import type { CheckId, Finding, Severity, VerifyCounts, VerifyProgress } from '../core/verify/findings.ts';

/**
 * Requests of the verify part of the forensics tools. Plain data; see messages.ts for the rules.
 *
 * A verification is one long request (`verify`) that the page keeps open while it runs; the
 * findings do not wait for its end: the page asks `verifyStatus` with the number of findings it
 * already has and gets the new ones, so the table fills as they are found. The run is kept in
 * the worker per open folder, so leaving the tab and coming back shows the last run, and a
 * cancelled run can be continued.
 */

export type { CheckId, EvidenceFile, Finding, Severity, VerifyCounts, VerifyProgress };

/** Where the verification of the open folder stands. */
export interface VerifyRunState {
  /** `idle`: never run on this folder; `failed`: the engine itself failed (see `error`), findings so far are kept. */
  status: 'idle' | 'running' | 'done' | 'cancelled' | 'failed';
  /** When the run started (ms since the epoch). */
  startedAtMs?: number;
  /** Milliseconds the run has been working (pauses while nobody drove it excluded). */
  durationMs: number;
  progress: VerifyProgress;
  /** Findings so far. */
  findingCount: number;
  /** What was checked, once the run is done. */
  counts?: VerifyCounts;
  error?: WireError;
}

/** The evidence files of the open folder, hashed. */
export interface EvidenceResult {
  files: EvidenceFile[];
  /** Files listed but not hashed, as sentences. */
  skipped: string[];
  /** Milliseconds spent hashing (pauses excluded). */
  ms: number;
}

/** Request name -> [arguments, result]. */
export interface VerifyRequests {
  /**
   * Verifies everything in the open folder, in slices, with progress; resolves when the run is
   * done. `fresh` starts over; `continue` resumes a cancelled run (or joins a running one).
   * Cancelling the request stops the run where it is; its findings stay.
   */
  verify: [{ mode: 'fresh' | 'continue' }, VerifyRunState];
  /** The run's state and the findings from index `since` on (at most `limit`, default 2,000). */
  verifyStatus: [{ since: number; limit?: number }, { state: VerifyRunState; findings: Finding[] }];
  /** Lists every evidence file of the folder and hashes it (SHA-256, 1 MiB reads; progress; cancellable; kept once done). */
  evidenceFiles: [Record<string, never>, EvidenceResult];
  /** The findings report of the last run with the evidence hashes (hashing first if needed), as a file to download. */
  findingsReport: [{ format: 'json' | 'html' }, { fileName: string; mimeType: string; bytes: Uint8Array; verdict: 'clean' | 'problems' }];
}
