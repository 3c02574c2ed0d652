import { buildFindingsReport, reportFileName, reportJson } from '../../core/report/build.ts';
import { reportHtml } from '../../core/report/html.ts';
import { fail } from '../../core/errors.ts';
import { unreportedProblems } from '../../core/report/open-problems.ts';
import type { Handlers } from '../../protocol/rpc.ts';
import type { VerifyRequests } from '../../protocol/verify.ts';
import { current } from '../state.ts';
import { evidenceOf } from './verify/evidence-job.ts';
import { idleState, runOf, startRun } from './verify/run.ts';

/**
 * Verify everything, read the findings while it runs, hash the evidence, write the report.
 * The run and the hashes are kept per open folder (see verify/run.ts, verify/evidence-job.ts).
 */

/** Most findings one `verifyStatus` answer carries. */
const STATUS_PAGE = 2_000;

export const verifyHandlers: Pick<Handlers, keyof VerifyRequests> = {
  async verify({ mode }, ctx) {
    const session = current();
    const existing = runOf(session);
    const run = mode === 'continue' && existing ? existing : startRun(session);
    await run.drive(ctx);
    return run.state();
  },

  verifyStatus({ since, limit }) {
    const run = runOf(current());
    if (!run) return { state: idleState(), findings: [] };
    const from = Math.max(0, Math.floor(since));
    const count = Math.max(0, Math.min(limit ?? STATUS_PAGE, STATUS_PAGE));
    return { state: run.state(), findings: run.verifier.findings.slice(from, from + count) };
  },

  async evidenceFiles(_args, ctx) {
    return evidenceOf(current(), ctx);
  },

  async findingsReport({ format }, ctx) {
    const session = current();
    const run = runOf(session);
    if (!run || run.status === 'running') fail('NotFound', 'there is no finished verification to report: run "Verify everything" first (a cancelled run can be reported as incomplete)');
    const evidence = await evidenceOf(session, ctx);
    const state = run.state();
    // Problems met opening the folder that no finding restates, and the engine's own failure if it stopped short.
    const unreported = unreportedProblems(run.verifier.findings, session.db.problems);
    const report = buildFindingsReport({
      title: session.title,
      rootKind: session.files.rootKind,
      hashAlgorithm: session.db.algo.name,
      startedAtMs: run.startedAtMs,
      durationMs: state.durationMs,
      complete: run.status === 'done',
      findings: run.verifier.findings,
      counts: run.verifier.report().counts,
      evidence: evidence.files,
      evidenceSkipped: evidence.skipped,
      openProblems: [...unreported, ...(state.error ? [state.error] : [])],
    });
    const text = format === 'json' ? reportJson(report) : reportHtml(report);
    const bytes = new TextEncoder().encode(text);
    ctx.transfer(bytes.buffer);
    return { fileName: reportFileName(report, format), mimeType: format === 'json' ? 'application/json' : 'text/html;charset=utf-8', bytes, verdict: report.summary.verdict };
  },
};
