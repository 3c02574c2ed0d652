import { toWire, type PackscopeError, type WireError } from '../errors.ts';
import type { Finding } from '../verify/findings.ts';

/**
 * Problems met opening the folder that no finding restates (the verifier reports most of them
 * itself, by kind, file and offset), for the report's "open problems".
 */
export function unreportedProblems(findings: readonly Finding[], problems: readonly PackscopeError[]): WireError[] {
  const reported = new Set(findings.map((f) => `${f.kind} ${f.file} ${f.offset ?? ''}`));
  return problems.map(toWire).filter((p) => !reported.has(`${p.kind} ${p.file ?? ''} ${p.offset ?? ''}`));
}
