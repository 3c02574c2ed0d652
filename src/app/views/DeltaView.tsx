import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { DeltaChainDetail } from '../../protocol/anatomy.ts';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { Link, OidLink } from '../components/Link.tsx';
import { formatBytes, formatCount } from '../lib/format.ts';
import { StepCard } from './delta/StepCard.tsx';
import { hex } from './hex/offsets.ts';
import { useWorkerRequest } from '../lib/request.ts';
import './delta/delta.css';
import { RequestStatus } from '../components/RequestStatus.tsx';

/** Instructions listed per step at first; a step lists the rest on request. */
const FIRST_INSTRUCTIONS = 200;
/** Longer chains scroll in a box of their own, a screen of steps rendered at a time. */
const PLAIN_STEPS = 40;

function Bytes({ n }: { n: number }) {
  return (
    <span>
      {formatBytes(n)} <span className="muted">({formatCount(n)} bytes)</span>
    </span>
  );
}

/** A delta chain (#/<repo>/delta/<oid>): base first, each delta's instructions, the object last. */
export function DeltaView({ oid }: { oid: string }) {
  const req = useWorkerRequest('Reading the delta chain', 'deltaSteps', { oid, maxInstructions: FIRST_INSTRUCTIONS }, [oid]);
  return (
    <div className="hx-delta-page" data-testid="delta-view">
      <header className="hx-delta-head">
        <h1>
          Delta chain <span className="mono hx-delta-oid">{oid}</span>
        </h1>
        <Link to={{ view: 'object', oid }}>The object</Link>
      </header>
      <RequestStatus req={req} loading="Reading the chain and inflating each delta…" failed="The delta chain could not be read" />
      {req.data && <Chain key={oid} oid={oid} chain={req.data} />}
    </div>
  );
}

function Chain({ oid, chain }: { oid: string; chain: DeltaChainDetail }) {
  const steps = chain.steps;
  const total = steps.length;
  const packFile = chain.storedIn?.kind === 'pack' ? chain.storedIn.file : undefined;
  const [expanded, setExpanded] = useState<Set<number>>(() => new Set(total <= 3 ? steps.map((_, i) => i) : [total - 1]));
  const toggle = (i: number) =>
    setExpanded((s) => {
      const next = new Set(s);
      if (next.has(i)) next.delete(i);
      else next.add(i);
      return next;
    });
  const top = steps[total - 1];
  const deltas = steps.filter((s) => s.entryType === 'ofs-delta' || s.entryType === 'ref-delta');
  const stored = steps.reduce((n, s) => n + s.storedSize, 0);
  const deltaBytes = deltas.reduce((n, s) => n + s.size, 0);
  const resultSize = top ? (top.resultSize ?? top.size) : 0;
  const base = steps[0];
  const complete = base !== undefined && base.entryType !== 'ofs-delta' && base.entryType !== 'ref-delta';

  const card = (i: number) => (
    <StepCard
      step={steps[i]}
      index={i}
      total={total}
      packFile={packFile}
      expanded={expanded.has(i)}
      onToggle={() => toggle(i)}
      complete={complete}
      expectedBaseSize={i === 0 ? undefined : i === 1 ? (complete ? steps[0].size : undefined) : steps[i - 1].resultSize}
    />
  );

  return (
    <>
      {chain.storedIn?.kind === 'loose' ? (
        <p className="notice" data-testid="delta-loose">
          This object is stored loose, as one zlib stream of its whole content: loose objects are never deltas. <Link to={{ view: 'hex', file: chain.storedIn.file }}>Its bytes</Link>
        </p>
      ) : (
        <dl className="facts hx-delta-facts">
          <dt>Object</dt>
          <dd>
            <OidLink oid={oid} full />
          </dd>
          <dt>Pack</dt>
          <dd className="mono">{packFile ? <Link to={{ view: 'hex', file: packFile, ...(top ? { at: top.offset } : {}) }}>{packFile}</Link> : '—'}</dd>
          {total > 0 && (
            <>
              <dt>Depth</dt>
              <dd>
                {deltas.length === 0
                  ? 'not a delta: the object is stored whole'
                  : `${formatCount(deltas.length)} delta${deltas.length === 1 ? '' : 's'} on ${complete ? `a ${base.entryType}` : 'a base that could not be reached'}`}
              </dd>
              <dt>Result</dt>
              <dd>
                <Bytes n={resultSize} />
              </dd>
              <dt>Stored over the chain</dt>
              <dd>
                <Bytes n={stored} />{' '}
                <span className="muted">
                  in {formatCount(total)} entries; the deltas inflate to {formatBytes(deltaBytes)}
                </span>
              </dd>
              {top && top.copiedBytes !== undefined && (
                <>
                  <dt>This object's delta</dt>
                  <dd>
                    {formatBytes(top.copiedBytes)} copied from its base, {formatBytes(top.insertedBytes ?? 0)} inserted <span className="muted">(base {hex(top.baseOffset ?? 0)})</span>
                  </dd>
                </>
              )}
            </>
          )}
        </dl>
      )}
      {chain.error && <ErrorBox error={chain.error} title={total > 0 ? 'The chain could not be read to its end; the steps read are listed' : 'The chain could not be read'} />}
      {chain.storedIn?.kind !== 'loose' && total > 0 && (
        <section aria-labelledby="hx-delta-steps-title">
          <h2 id="hx-delta-steps-title">
            Steps <span className="muted hx-delta-order">base first, the object last</span>
          </h2>
          {total <= PLAIN_STEPS ? (
            <ol className="hx-dsteps">
              {steps.map((s, i) => (
                <li key={`${s.offset}-${i}`}>{card(i)}</li>
              ))}
            </ol>
          ) : (
            <LongChain total={total} card={card} />
          )}
        </section>
      )}
    </>
  );
}

/** A chain of hundreds or thousands of steps: a scroll box rendering only the steps in view, opened at the object. */
function LongChain({ total, card }: { total: number; card: (i: number) => ReactNode }) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: total, getScrollElement: () => scrollRef.current, estimateSize: () => 120, overscan: 4, useFlushSync: false });
  useEffect(() => {
    virtualizer.scrollToIndex(total - 1, { align: 'end' });
    // Once, when the chain arrives.
  }, [total]);
  return (
    <>
      <div className="toolbar">
        <span className="muted">{formatCount(total)} steps; the list scrolls.</span>
        <button type="button" className="small" onClick={() => virtualizer.scrollToIndex(0, { align: 'start' })}>
          Go to the base
        </button>
        <button type="button" className="small" onClick={() => virtualizer.scrollToIndex(total - 1, { align: 'end' })}>
          Go to the object
        </button>
      </div>
      <div ref={scrollRef} className="hx-dsteps-scroll" tabIndex={0} role="region" aria-label={`${total} steps of the delta chain (scrolls)`}>
        <ol className="hx-dsteps hx-dsteps-virtual" style={{ height: virtualizer.getTotalSize() }}>
          {virtualizer.getVirtualItems().map((item) => (
            <li key={item.key} ref={virtualizer.measureElement} data-index={item.index} style={{ transform: `translateY(${item.start}px)` }}>
              {card(item.index)}
            </li>
          ))}
        </ol>
      </div>
    </>
  );
}
