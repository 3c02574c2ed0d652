import { useState } from 'react';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import { HexLink } from '../../components/HexLink.tsx';
import { MarkedText } from '../../components/MarkedText.tsx';
import { formatCount } from '../../lib/format.ts';
import { useWorkerOnDemand } from '../../lib/request.ts';

/** `git commit-graph verify [--shallow]`, run in the engine: git's lines and exit code. */
export function VerifyPanel({ chain }: { chain: boolean }) {
  const [shallow, setShallow] = useState(false);
  const [req, start] = useWorkerOnDemand<'commitGraphVerify'>();
  const [ranShallow, setRanShallow] = useState(false);
  const run = () => {
    setRanShallow(shallow);
    void start('Verifying the commit-graph', 'commitGraphVerify', { shallow });
  };
  const state = req.status === 'done' ? { status: 'done' as const, report: req.data, shallow: ranShallow } : req;
  return (
    <div className="card cg-verify" data-testid="commit-graph-verify">
      <p className="muted mx-note">
        The checks of <code>git commit-graph verify</code> (git 2.39), with its messages: checksum, id order, fanout, then every commit against its object — root tree, parents, generation, commit
        time.
      </p>
      <div className="cg-verify-controls">
        <button type="button" onClick={run} disabled={state.status === 'loading'} data-testid="commit-graph-verify-run">
          {state.status === 'loading' ? 'Verifying…' : 'Verify'}
        </button>
        {chain && (
          <label>
            <input type="checkbox" checked={shallow} onChange={(e) => setShallow(e.target.checked)} /> --shallow (only the top layer)
          </label>
        )}
      </div>
      {state.status === 'error' && <ErrorBox error={state.error} title="Verify could not run" />}
      {state.status === 'done' && (
        <div data-testid="commit-graph-verify-result">
          <p>
            <span className={`badge ${state.report.exitCode === 0 ? 'on' : 'cg-bad'}`} data-testid="commit-graph-verify-exit">
              exit {state.report.exitCode}
            </span>{' '}
            {state.report.exitCode === 0
              ? `No problems: ${formatCount(state.report.commits)} commits checked${state.shallow ? ' (top layer only)' : ''}.`
              : state.report.exitCode === 2
                ? 'Only the checksum is wrong.'
                : state.report.exitCode === 128
                  ? 'git stops here (fatal).'
                  : 'Problems found.'}{' '}
            <span className="muted">{Math.round(state.report.ms)} ms</span>
          </p>
          {state.report.lines.length > 0 && (
            <ol className="cg-lines" aria-label="What git commit-graph verify prints on stderr">
              {state.report.lines.map((l, i) => (
                <li key={i}>
                  <span className="mono" data-testid="commit-graph-verify-line">
                    <MarkedText text={l.text} />
                  </span>
                  {l.file !== undefined && l.offset !== undefined && (
                    <>
                      {' '}
                      <HexLink file={l.file} at={l.offset} />
                    </>
                  )}
                </li>
              ))}
            </ol>
          )}
          {state.report.beyondGit && <p className="muted">git 2.39 would crash or read outside the file here; packscope stops and names the place instead.</p>}
        </div>
      )}
    </div>
  );
}
