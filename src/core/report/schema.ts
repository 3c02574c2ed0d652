import type { ErrorKind } from '../errors.ts';
import type { CheckId, Severity, VerifyCounts } from '../verify/findings.ts';

/**
 * The findings report: what a verification found in an opened folder, and the size, time and
 * SHA-256 of every file it read, so an examiner can show later that the evidence examined is
 * the evidence in hand. The same content is written as JSON (for tools) and as a self-contained
 * HTML page (for people, and for print).
 *
 * JSON schema `packscope-findings-report/1` (every field always present; `null` where a value
 * does not apply, so a consumer never has to guess between "absent" and "none"):
 *
 * | field              | type                                   | meaning                                            |
 * |--------------------|----------------------------------------|----------------------------------------------------|
 * | schema             | "packscope-findings-report/1"          | this layout; a change of meaning bumps the number  |
 * | tool               | { name, version }                      | what wrote the report                              |
 * | generatedAt        | ISO 8601 UTC                           | when the report was written                        |
 * | folder             | { title, rootKind }                    | the folder as opened (its name, what kind it was)  |
 * | hashAlgorithm      | "sha1" \| "sha256"                     | the repository's object-id hash                    |
 * | verification       | { startedAt, durationMs, complete }    | the run; complete = false when it was cancelled    |
 * | evidence[]         | { path, size, mtime, mtimeMs, sha256, error } | every file, sorted by path (byte order)    |
 * | evidenceSkipped[]  | string                                 | files listed but not hashed, and why               |
 * | counts             | VerifyCounts                           | files, bytes hashed, objects, packs, loose objects |
 * | findings[]         | ReportFinding                          | ordered: severity, file, offset, check, oid, text; |
 * |                    |                                        | `cause`: the damage it follows from, or null       |
 * | openProblems[]     | ReportProblem                          | what failed while opening the folder               |
 * | summary            | { total, verdict, bySeverity, byCheck }| counts of findings; every severity and check named |
 *
 * Offsets appear twice, as a number and as `0x…` hex, because examiners quote the hex and
 * tools compute with the number. Evidence paths are relative to the opened folder, `/`-separated.
 */

/** The schema identifier written into every report. */
export const REPORT_SCHEMA = 'packscope-findings-report/1';

/** The tool's name and version, as the CLI's `--version` prints them. */
export const TOOL = { name: 'packscope', version: '0.1.0' } as const;

/** Every severity, worst first: the report's order. */
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

/** Every check, in the order a verification runs them: the report's order for the summary. */
export const CHECKS: readonly CheckId[] = ['open', 'trailer', 'idx-pack-checksum', 'count', 'crc', 'oid', 'object', 'delta', 'midx', 'cross-check', 'loose', 'refs'];

/** One file of the evidence: the bytes examined, identified by size, time and SHA-256. */
export interface EvidenceFile {
  /** Path relative to the opened folder, `/`-separated. */
  path: string;
  size: number;
  /** Modification time as ISO 8601 UTC, or null when the host did not give one. */
  mtime: string | null;
  /** The same time in milliseconds since the epoch (null when unknown). */
  mtimeMs: number | null;
  /** Lower-case hex SHA-256 of the whole file; null when the file could not be read (see `error`). */
  sha256: string | null;
  /** Why the file could not be hashed, when it could not. */
  error: string | null;
}

/** A finding as the report writes it. */
export interface ReportFinding {
  severity: Severity;
  check: CheckId;
  kind: ErrorKind;
  file: string;
  offset: number | null;
  /** `0x…` lower-case, or null. */
  offsetHex: string | null;
  oid: string | null;
  message: string;
  /** The damage elsewhere this finding follows from (a damaged base its delta chain reaches), or null. */
  cause: { file: string; offset: number; offsetHex: string } | null;
}

/** A problem met while opening the folder (before any verification). */
export interface ReportProblem {
  kind: string;
  file: string | null;
  offset: number | null;
  offsetHex: string | null;
  message: string;
}

/** The whole report. */
export interface FindingsReport {
  schema: typeof REPORT_SCHEMA;
  tool: { name: string; version: string };
  generatedAt: string;
  folder: { title: string; rootKind: string };
  hashAlgorithm: 'sha1' | 'sha256';
  verification: { startedAt: string; durationMs: number; complete: boolean };
  evidence: EvidenceFile[];
  evidenceSkipped: string[];
  counts: VerifyCounts;
  findings: ReportFinding[];
  openProblems: ReportProblem[];
  summary: {
    total: number;
    /** `clean` when there is no finding of severity error or warning, nothing failed to open and every evidence file was hashed. */
    verdict: 'clean' | 'problems';
    bySeverity: Record<Severity, number>;
    byCheck: Record<CheckId, number>;
  };
}
