import type { DeltaStepDetail } from '../../../protocol/anatomy.ts';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import { Link, OidLink } from '../../components/Link.tsx';
import { formatBytes, formatCount } from '../../lib/format.ts';
import { hex } from '../hex/offsets.ts';
import { Instructions } from './Instructions.tsx';
import { ResultBar } from './ResultBar.tsx';
import { useWorkerOnDemand } from '../../lib/request.ts';

/** Instructions asked for when a person wants a step's whole list. */
const ALL_INSTRUCTIONS = 50_000;

function Bytes({ n }: { n: number }) {
  return <span title={`${formatCount(n)} bytes`}>{n < 1024 ? `${formatCount(n)} B` : formatBytes(n)}</span>;
}

function share(part: number, whole: number): string {
  if (whole <= 0) return '';
  const p = (part / whole) * 100;
  if (p > 0 && p < 1) return '<1%';
  if (p > 99 && p < 100) return '>99%';
  return `${Math.round(p)}%`;
}

/** What a step is in the chain. */
function role(index: number, total: number, step: DeltaStepDetail, complete: boolean): string {
  const isDelta = step.entryType === 'ofs-delta' || step.entryType === 'ref-delta';
  if (index === total - 1) return 'this object';
  if (index === 0 && !isDelta) return 'full base object';
  // A chain cut short starts with a delta: every step is one.
  const shift = complete ? 0 : 1;
  return `delta ${index + shift} of ${total - 1 + shift}`;
}

/**
 * One step of a chain: where its entry sits in the pack, its sizes, and for a delta its
 * instructions with a bar of the result (copied from the base or inserted).
 */
export function StepCard({
  step,
  index,
  total,
  packFile,
  expanded,
  onToggle,
  expectedBaseSize,
  complete,
}: {
  step: DeltaStepDetail;
  index: number;
  total: number;
  packFile: string | undefined;
  expanded: boolean;
  onToggle: () => void;
  /** The size the step below produces: a delta's base must be exactly that. */
  expectedBaseSize: number | undefined;
  /** False when the chain could not be followed down to a full object. */
  complete: boolean;
}) {
  const [req, ask] = useWorkerOnDemand<'deltaSteps'>();
  // The whole chain comes back; this card lists its own step (the last), and a chain that stops below it says why.
  const all = req.status === 'done' ? (req.data.steps[req.data.steps.length - 1]?.instructions ?? []) : undefined;
  const loading = req.status === 'loading';
  const error = req.status === 'error' ? req.error : req.status === 'done' ? req.data.error : undefined;
  const isDelta = step.entryType === 'ofs-delta' || step.entryType === 'ref-delta';
  const list = all ?? step.instructions ?? [];
  const count = (step.instructions?.length ?? 0) + (step.moreInstructions ?? 0);
  const notListed = all ? Math.max(0, count - all.length) : (step.moreInstructions ?? 0);
  const mismatch = isDelta && expectedBaseSize !== undefined && step.baseSize !== undefined && step.baseSize !== expectedBaseSize;
  const listId = `hx-dstep-${index}-list`;

  const listAll = () => {
    if (step.oid) void ask('Listing the delta instructions', 'deltaSteps', { oid: step.oid, maxInstructions: ALL_INSTRUCTIONS });
  };

  return (
    <div className={index === total - 1 ? 'hx-dstep hx-dstep-object' : 'hx-dstep'} data-testid="delta-step" data-oid={step.oid ?? ''}>
      <div className="hx-dstep-head">
        <span className="hx-dstep-role">{role(index, total, step, complete)}</span>
        <span className="hx-dstep-oid">{step.oid ? <OidLink oid={step.oid} full /> : <span className="muted">no idx entry starts here</span>}</span>
        <span className={isDelta ? 'badge' : `badge type-${step.entryType}`}>{step.entryType}</span>
        <span className="hx-dstep-at">
          <span className="muted">at </span>
          <span className="mono">{hex(step.offset)}</span> <span className="muted">({formatCount(step.offset)})</span>
          {packFile && (
            <>
              {' '}
              <Link to={{ view: 'hex', file: packFile, at: step.offset }} title={`The entry's bytes in ${packFile}`}>
                bytes
              </Link>
            </>
          )}
        </span>
      </div>
      <dl className="hx-dstep-facts">
        <div>
          <dt>stored</dt>
          <dd>
            <Bytes n={step.storedSize} />
          </dd>
        </div>
        {isDelta ? (
          <>
            <div>
              <dt>delta data</dt>
              <dd>
                <Bytes n={step.size} />
              </dd>
            </div>
            <div>
              <dt>base → result</dt>
              <dd>
                {step.baseSize !== undefined ? <Bytes n={step.baseSize} /> : '?'} → {step.resultSize !== undefined ? <Bytes n={step.resultSize} /> : '?'}
              </dd>
            </div>
            {step.baseOid && (
              <div>
                <dt>base</dt>
                <dd>
                  <OidLink oid={step.baseOid} />
                  {step.baseOffset !== undefined && <span className="muted mono"> @ {hex(step.baseOffset)}</span>}
                </dd>
              </div>
            )}
          </>
        ) : (
          <div>
            <dt>size</dt>
            <dd>
              <Bytes n={step.size} />
            </dd>
          </div>
        )}
      </dl>
      {mismatch && (
        <p className="warn hx-dstep-warn" role="alert">
          This delta expects a base of {formatCount(step.baseSize)} bytes, but the step below produces {formatCount(expectedBaseSize)}: the chain is damaged.
        </p>
      )}
      {isDelta && step.resultSize !== undefined && (
        <>
          <ResultBar step={all ? { ...step, instructions: all, moreInstructions: notListed } : step} />
          <div className="hx-dstep-sum">
            <span>
              <span className="hx-dkey hx-dkey-copy" aria-hidden="true" /> copied <Bytes n={step.copiedBytes ?? 0} /> <span className="muted">({share(step.copiedBytes ?? 0, step.resultSize)})</span>
            </span>
            <span>
              <span className="hx-dkey hx-dkey-insert" aria-hidden="true" /> inserted <Bytes n={step.insertedBytes ?? 0} />{' '}
              <span className="muted">({share(step.insertedBytes ?? 0, step.resultSize)})</span>
            </span>
            <span className="muted">{formatCount(count)} instructions</span>
            <button type="button" className="small" aria-expanded={expanded} aria-controls={listId} onClick={onToggle}>
              {expanded ? 'Hide instructions' : 'Show instructions'}
            </button>
          </div>
          {expanded && (
            <div id={listId} className="hx-dstep-list">
              <Instructions list={list} />
              {notListed > 0 && (
                <p className="muted hx-dstep-more">
                  {formatCount(notListed)} more instruction{notListed === 1 ? '' : 's'} not listed.{' '}
                  {step.oid && !all && (
                    <button type="button" className="small" onClick={listAll} disabled={loading}>
                      {loading ? 'Reading…' : `List all ${formatCount(count)}`}
                    </button>
                  )}
                </p>
              )}
              {error && <ErrorBox error={error} title="The instructions could not be listed" />}
            </div>
          )}
        </>
      )}
    </div>
  );
}
