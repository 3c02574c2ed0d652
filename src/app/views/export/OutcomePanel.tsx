import type { ExportLimits } from '../../../protocol/evidence.ts';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import { formatBytes, formatCount } from '../../lib/format.ts';
import type { ExportOutcome } from './useExport.ts';

/** Problems listed before "and N more". */
const SHOWN_PROBLEMS = 20;

function limitsText(l: ExportLimits): string {
  return `${formatCount(l.maxEntries)} entries · ${formatBytes(l.maxBytes)} of files · ${formatCount(l.maxDepth)} nested folders · ${formatCount(l.maxAmplification)} entries per distinct object`;
}

/** A count that may be astronomically large: 5.8·10^14 rather than 15 digits. */
function hugeCount(n: number): string {
  if (n < 1e12) return formatCount(n);
  const exp = Math.floor(Math.log10(n));
  return `${(n / 10 ** exp).toFixed(1)}·10^${exp}`;
}

/** What the last export did: saved (and what was left out), refused (and why), failed, or cancelled. */
export function OutcomePanel({ outcome, onClose, onRaiseLimits }: { outcome: ExportOutcome; onClose: () => void; onRaiseLimits?: () => void }) {
  if (outcome.status === 'idle' || outcome.status === 'running') return null;
  const close = (
    <button type="button" className="small ex-close" onClick={onClose} aria-label="Dismiss">
      ×
    </button>
  );
  if (outcome.status === 'cancelled') {
    return (
      <div className="notice ex-outcome" data-testid="export-outcome" data-status="cancelled">
        {close}
        {outcome.label} was cancelled; nothing was saved.
      </div>
    );
  }
  if (outcome.status === 'failed') {
    return (
      <div className="ex-outcome" data-testid="export-outcome" data-status="failed">
        <ErrorBox error={outcome.error} title={outcome.title} />
      </div>
    );
  }
  if (outcome.status === 'refused') {
    const r = outcome.refusal;
    const raisable = r.reason !== 'cycle' && r.reason !== 'depth';
    return (
      <div className="error-box ex-outcome ex-refused" role="alert" data-testid="export-refused" data-reason={r.reason}>
        {close}
        <div className="error-title">The tree was not exported</div>
        <div className="error-detail" data-testid="refusal-message">
          {r.message}
        </div>
        <dl className="error-facts">
          <dt>Entries</dt>
          <dd>
            {r.partial ? 'at least ' : ''}
            {hugeCount(r.entries)}
          </dd>
          <dt>Distinct objects</dt>
          <dd>{formatCount(r.distinctObjects)}</dd>
          <dt>Nesting</dt>
          <dd>{formatCount(r.depth)} folders</dd>
          <dt>Limits</dt>
          <dd>{limitsText(r.limits)}</dd>
        </dl>
        <div className="error-advice">
          Nothing was written. A tree whose entries repeat the same few objects is how an archive bomb is made; open a sub-folder in Browse and export that instead.
          {raisable && onRaiseLimits && (
            <>
              {' '}
              If you expect a tree this large,{' '}
              <button type="button" className="link-button" onClick={onRaiseLimits} data-testid="raise-limits">
                try again with ten times the limits
              </button>
              .
            </>
          )}
        </div>
      </div>
    );
  }
  const problems = outcome.problems;
  return (
    <div className={problems.length ? 'notice ex-outcome ex-partial' : 'notice ex-outcome'} data-testid="export-outcome" data-status="saved">
      {close}
      <span>
        Saved <strong className="mono">{outcome.name}</strong>: {outcome.summary}
      </span>
      {problems.length > 0 && (
        <details className="ex-problems" open={problems.length <= 5} data-testid="export-problems">
          <summary className="warn">
            {formatCount(problems.length)} entr{problems.length === 1 ? 'y was' : 'ies were'} left out; every other file is in the archive
          </summary>
          <ul>
            {problems.slice(0, SHOWN_PROBLEMS).map((p, i) => (
              <li key={i}>
                <span className="mono">{p.path || '(root)'}</span> <span className="mono muted">{p.oid.slice(0, 12)}</span> — {p.message}
              </li>
            ))}
            {problems.length > SHOWN_PROBLEMS && <li className="muted">and {formatCount(problems.length - SHOWN_PROBLEMS)} more</li>}
          </ul>
        </details>
      )}
    </div>
  );
}
