import { useEffect, useState } from 'react';
import type { WireError } from '../../core/errors.ts';
import type { VerifyRunState } from '../../protocol/verify.ts';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { Link } from '../components/Link.tsx';
import { formatBytes, formatCount } from '../lib/format.ts';
import { useRepo } from '../stores/repo.ts';
import { CHECK_INFO } from './verify/checks.ts';
import { FindingsTable, type FindingFilter } from './verify/FindingsTable.tsx';
import { cancelReport, useVerify } from './verify/verify-store.ts';
import './verify/verify.css';

/**
 * Verify everything: what will be checked, one button, progress with Cancel, the findings as
 * they are found, the verdict, and the findings report (JSON or HTML, with the SHA-256 of every
 * evidence file) to download. The run is kept per open folder: coming back shows the last one.
 */

/** The verify page. */
export function VerifyView() {
  const summary = useRepo((s) => s.summary);
  const run = useVerify((s) => s.run);
  const findings = useVerify((s) => s.findings);
  const driving = useVerify((s) => s.driving);
  const progress = useVerify((s) => s.progress);
  const error = useVerify((s) => s.error);
  const report = useVerify((s) => s.report);
  const load = useVerify((s) => s.load);
  const start = useVerify((s) => s.start);
  const cancel = useVerify((s) => s.cancel);
  const download = useVerify((s) => s.download);
  const [filter, setFilter] = useState<FindingFilter>({ severity: 'all', check: 'all', text: '' });

  useEffect(() => {
    void load();
  }, [load, summary]);

  if (!summary) return null;
  const status = driving ? 'running' : (run?.status ?? 'idle');
  const finished = status === 'done' || status === 'cancelled' || status === 'failed';
  const pct = progress && progress.total > 0 ? Math.min(100, (progress.done / progress.total) * 100) : undefined;

  return (
    <div className="vf-page" data-testid="verify-view">
      <header className="vf-head">
        <h1>Verify</h1>
      </header>
      <p className="muted vf-lead">
        Reads every byte of {summary.title} and checks it the way git does, listing each problem with its file, byte offset and object. Nothing is written into the folder; the report is a download.
      </p>

      <div className="toolbar vf-actions">
        {status === 'running' ? (
          <div className="vf-progress" data-testid="verify-progress">
            <span className="vf-phase" title={progress?.label}>
              {progress?.label || 'Starting…'}
            </span>
            <progress max={100} value={pct} aria-label="Verification progress" />
            <span className="mono muted vf-pct">{pct === undefined ? '' : `${pct.toFixed(pct < 10 ? 1 : 0)}%`}</span>
            <button type="button" onClick={cancel} data-testid="verify-cancel">
              Cancel
            </button>
          </div>
        ) : (
          <>
            <button type="button" className="primary big" onClick={() => void start('fresh')} data-testid="verify-run">
              {finished ? 'Verify again' : 'Verify everything'}
            </button>
            {status === 'cancelled' && (
              <button type="button" onClick={() => void start('continue')} data-testid="verify-continue">
                Continue where it stopped
              </button>
            )}
            {finished && (
              <span className="vf-report-actions" role="group" aria-label="Findings report">
                <span className="muted" title="Every finding, and every file of the folder with its size, modification time and SHA-256. The files are hashed first, once per opened folder.">
                  Report with SHA-256 of every file:
                </span>
                <button type="button" onClick={() => void download('json')} disabled={report.status === 'working'} data-testid="report-json">
                  Download report (JSON)
                </button>
                <button type="button" onClick={() => void download('html')} disabled={report.status === 'working'} data-testid="report-html">
                  Download report (HTML)
                </button>
              </span>
            )}
          </>
        )}
      </div>

      {error && <ErrorBox error={error} title="The verification could not run" />}
      {run && finished && !driving && <Verdict run={run} findingCount={findings.length} errors={count(findings, 'error')} warnings={count(findings, 'warning')} />}
      {run?.error && <ErrorBox error={run.error} title="The verifier stopped on an internal error; the findings before it are kept" />}

      {report.status === 'working' && (
        <div className="vf-progress vf-report-progress" data-testid="report-progress">
          <span className="vf-phase">{report.progress?.label || `Writing the ${report.format.toUpperCase()} report…`}</span>
          <progress max={100} value={report.progress && report.progress.total > 0 ? (report.progress.done / report.progress.total) * 100 : undefined} aria-label="Report progress" />
          <button type="button" className="small" onClick={cancelReport}>
            Cancel
          </button>
        </div>
      )}
      {report.status === 'error' && <ErrorBox error={report.error} title="The report could not be written" />}

      {summary.problems.length > 0 && <OpenProblems problems={summary.problems} />}

      <details className="vf-checks" open={status === 'idle'}>
        <summary>What is checked</summary>
        <ul>
          {CHECK_INFO.filter((c) => c.id !== 'open').map((c) => (
            <li key={c.id}>
              <strong>{c.label}</strong>: {c.detail}
            </li>
          ))}
        </ul>
      </details>

      {(findings.length > 0 || status === 'running') && <FindingsTable findings={findings} filter={filter} onFilter={setFilter} />}
    </div>
  );
}

function count(findings: { severity: string }[], severity: string): number {
  let n = 0;
  for (const f of findings) if (f.severity === severity) n++;
  return n;
}

function seconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

/** " on 2 threads" when helpers took part, and what happened to any that stopped. */
function onThreads(c: VerifyRunState['counts']): string {
  const threads = c?.threads && c.threads > 1 ? ` on ${c.threads} threads` : '';
  const failed = c?.helperFailures?.length ?? 0;
  const one = failed === 1;
  const note = failed > 0 ? ` (${failed} helper worker${one ? '' : 's'} stopped; the main engine checked ${one ? 'its part' : 'their parts'}: nothing was skipped)` : '';
  return threads + note;
}

/** The outcome of the last run, with when it ran and how long it took. */
function Verdict({ run, findingCount, errors, warnings }: { run: VerifyRunState; findingCount: number; errors: number; warnings: number }) {
  const when = run.startedAtMs ? new Date(run.startedAtMs).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' }) : '';
  const c = run.counts;
  const clean = run.status === 'done' && errors + warnings === 0;
  const others = findingCount - errors - warnings;
  let text: string;
  if (clean) {
    text = `No problems found: ${formatCount(c?.objects ?? 0)} objects checked, ${formatCount(c?.files ?? 0)} files checksummed (${formatBytes(c?.bytesHashed ?? 0)} hashed) in ${seconds(run.durationMs)}${onThreads(c)}.`;
  } else {
    const parts = [`${formatCount(errors)} error${errors === 1 ? '' : 's'}`, `${formatCount(warnings)} warning${warnings === 1 ? '' : 's'}`];
    if (others > 0) parts.push(`${formatCount(others)} note${others === 1 ? '' : 's'}`);
    text =
      run.status === 'done'
        ? `${parts.join(', ')}. Checked ${formatCount(c?.objects ?? 0)} objects and ${formatCount(c?.files ?? 0)} checksummed files (${formatBytes(c?.bytesHashed ?? 0)} hashed) in ${seconds(run.durationMs)}${onThreads(c)}.`
        : `Stopped after ${seconds(run.durationMs)} at ${run.progress.total ? Math.floor((run.progress.done / run.progress.total) * 100) : 0}% (${run.progress.phase}): ${parts.join(', ')} so far.`;
  }
  return (
    <div className={`vf-verdict ${clean ? 'vf-clean' : run.status === 'done' ? 'vf-problems' : 'vf-partial'}`} role="status" data-testid="verify-verdict" data-clean={clean ? 'true' : 'false'}>
      <span className="vf-verdict-mark" aria-hidden="true">
        {clean ? '✓' : run.status === 'done' ? '✖' : '❚❚'}
      </span>
      <div>
        <div className="vf-verdict-text">{text}</div>
        <div className="muted vf-note">
          {run.status === 'cancelled' ? 'Cancelled' : 'Last run'} {when}
        </div>
      </div>
    </div>
  );
}

/** What failed when the folder was opened: shown before any run. */
function OpenProblems({ problems }: { problems: WireError[] }) {
  return (
    <section className="vf-open-problems" aria-labelledby="vf-open-title" data-testid="open-problems">
      <h2 id="vf-open-title">
        Problems met opening the folder <span className="muted vf-h-note">{formatCount(problems.length)}</span>
      </h2>
      <p className="muted vf-note">Everything else opened; a verification looks at these again, with the rest.</p>
      <div className="table-scroll">
        <table className="data vf-problems-table">
          <thead>
            <tr>
              <th>Kind</th>
              <th>File</th>
              <th className="num">Offset</th>
              <th>What is wrong</th>
            </tr>
          </thead>
          <tbody>
            {problems.map((p, i) => (
              <tr key={i}>
                <td className="mono">{p.kind}</td>
                <td className="mono vf-file">{p.file ? <Link to={{ view: 'hex', file: p.file, ...(p.offset !== undefined ? { at: p.offset } : {}) }}>{p.file}</Link> : '—'}</td>
                <td className="num mono">
                  {p.offset === undefined ? (
                    '—'
                  ) : (
                    <>
                      0x{p.offset.toString(16)}
                      <br />
                      <span className="muted">{formatCount(p.offset)}</span>
                    </>
                  )}
                </td>
                <td className="vf-message">{p.detail}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
