import type { WireError } from '../errors.ts';
import type { CheckId, Finding, Severity, VerifyCounts } from '../verify/findings.ts';
import { CHECKS, REPORT_SCHEMA, SEVERITIES, TOOL, type EvidenceFile, type FindingsReport, type ReportFinding, type ReportProblem } from './schema.ts';

/**
 * Assembles a findings report from a verification's results and the hashed evidence. The
 * ordering is fixed (see `compareFindings`, evidence by path) so two reports of the same
 * folder differ only in their times: a report can be diffed against an earlier one.
 */

/** What the report is made of. */
export interface ReportInput {
  title: string;
  rootKind: string;
  hashAlgorithm: 'sha1' | 'sha256';
  /** When the verification started (ms since the epoch). */
  startedAtMs: number;
  durationMs: number;
  /** False when the run was cancelled before it finished. */
  complete: boolean;
  findings: readonly Finding[];
  counts: VerifyCounts;
  evidence: readonly EvidenceFile[];
  /** Files listed but not hashed, as sentences (see collect.ts). */
  evidenceSkipped: readonly string[];
  openProblems: readonly WireError[];
  /** When the report is written (ms since the epoch); defaults to now. */
  generatedAtMs?: number;
}

/** `0x1f3a`, or null. */
export function offsetHex(offset: number | undefined | null): string | null {
  return offset === undefined || offset === null ? null : `0x${offset.toString(16)}`;
}

const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Byte-order comparison of strings (locale-independent, so the order is the same everywhere). */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Report order: worst first, then by file, then by offset (no offset first), then check, object and message. */
export function compareFindings(a: ReportFinding, b: ReportFinding): number {
  return (
    SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
    compareText(a.file, b.file) ||
    (a.offset ?? -1) - (b.offset ?? -1) ||
    CHECKS.indexOf(a.check) - CHECKS.indexOf(b.check) ||
    compareText(a.oid ?? '', b.oid ?? '') ||
    compareText(a.kind, b.kind) ||
    compareText(a.message, b.message)
  );
}

/** A finding in the report's shape. */
export function reportFinding(f: Finding): ReportFinding {
  return {
    severity: f.severity,
    check: f.check,
    kind: f.kind,
    file: f.file,
    offset: f.offset ?? null,
    offsetHex: offsetHex(f.offset),
    oid: f.oid ?? null,
    message: f.message,
    cause: f.cause ? { file: f.cause.file, offset: f.cause.offset, offsetHex: offsetHex(f.cause.offset) as string } : null,
  };
}

function reportProblem(p: WireError): ReportProblem {
  return { kind: p.kind, file: p.file ?? null, offset: p.offset ?? null, offsetHex: offsetHex(p.offset), message: p.message };
}

/** Builds the report; see schema.ts for every field. */
export function buildFindingsReport(input: ReportInput): FindingsReport {
  const findings = input.findings.map(reportFinding).sort(compareFindings);
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  const byCheck = Object.fromEntries(CHECKS.map((c) => [c, 0])) as Record<CheckId, number>;
  for (const f of findings) {
    bySeverity[f.severity]++;
    byCheck[f.check] = (byCheck[f.check] ?? 0) + 1;
  }
  const openProblems = input.openProblems.map(reportProblem).sort((a, b) => compareText(a.file ?? '', b.file ?? '') || (a.offset ?? -1) - (b.offset ?? -1) || compareText(a.message, b.message));
  const evidence = [...input.evidence].sort((a, b) => compareText(a.path, b.path));
  return {
    schema: REPORT_SCHEMA,
    tool: { name: TOOL.name, version: TOOL.version },
    generatedAt: new Date(input.generatedAtMs ?? Date.now()).toISOString(),
    folder: { title: input.title, rootKind: input.rootKind },
    hashAlgorithm: input.hashAlgorithm,
    verification: { startedAt: new Date(input.startedAtMs).toISOString(), durationMs: Math.round(input.durationMs), complete: input.complete },
    evidence,
    evidenceSkipped: [...input.evidenceSkipped],
    counts: { ...input.counts },
    findings,
    openProblems,
    summary: {
      total: findings.length,
      verdict: bySeverity.error + bySeverity.warning + openProblems.length + evidence.filter((e) => e.error !== null).length === 0 ? 'clean' : 'problems',
      bySeverity,
      byCheck,
    },
  };
}

/** The JSON text of a report: two-space indented, newline-terminated. */
export function reportJson(report: FindingsReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** The report's file name: `packscope-report-<folder>-<UTC time>.<ext>`, with the folder name reduced to safe characters. */
export function reportFileName(report: FindingsReport, ext: 'json' | 'html'): string {
  const folder =
    report.folder.title
      .replace(/[^A-Za-z0-9._-]+/g, '_')
      .replace(/^[._]+/, '')
      .slice(0, 60) || 'folder';
  const when = report.generatedAt.replace(/\.\d+Z$/, 'Z').replace(/:/g, '');
  return `packscope-report-${folder}-${when}.${ext}`;
}
