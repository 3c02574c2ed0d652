import { useRef } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { DeltaStepDetail } from '../../../protocol/anatomy.ts';
import { formatCount } from '../../lib/format.ts';
import { hex } from '../hex/offsets.ts';

type Instruction = NonNullable<DeltaStepDetail['instructions']>[number];

const ROW_HEIGHT = 26;
/** Longer lists scroll in a box of their own, rendered a screen at a time. */
const PLAIN_ROWS = 60;

function Range({ from, length }: { from: number; length: number }) {
  return (
    <span className="mono" title={`[${formatCount(from)}, ${formatCount(from + length)})`}>
      [{hex(from)}, {hex(from + length)})
    </span>
  );
}

function Row({ ins, index }: { ins: Instruction; index: number }) {
  return (
    <>
      <span role="cell" className="hx-di-n muted">
        {formatCount(index)}
      </span>
      <span role="cell" className={`hx-di-op hx-di-${ins.op}`}>
        {ins.op}
      </span>
      <span role="cell" className="hx-di-target">
        <span className="muted">result </span>
        <Range from={ins.at} length={ins.length} />
      </span>
      <span role="cell" className="hx-di-source">
        {ins.op === 'copy' ? (
          <>
            <span className="muted">from base </span>
            <Range from={ins.baseOffset ?? 0} length={ins.length} />
          </>
        ) : (
          <span className="muted">literal bytes from the delta</span>
        )}
      </span>
      <span role="cell" className="hx-di-len">
        {formatCount(ins.length)} B
      </span>
    </>
  );
}

/** A delta's instructions, as git applies them: copy base[offset, +length) or insert N bytes. */
export function Instructions({ list, offset = 0 }: { list: Instruction[]; offset?: number }) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const long = list.length > PLAIN_ROWS;
  const virtualizer = useVirtualizer({ count: long ? list.length : 0, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 10, useFlushSync: false });
  const head = (
    <div className="hx-di hx-di-head" role="row">
      <span role="columnheader">#</span>
      <span role="columnheader">Op</span>
      <span role="columnheader">Result bytes</span>
      <span role="columnheader">Source</span>
      <span role="columnheader" className="hx-di-len">
        Length
      </span>
    </div>
  );
  if (!long) {
    return (
      <div className="hx-dis" role="table" aria-label="Delta instructions">
        {head}
        {list.map((ins, i) => (
          <div key={i} className="hx-di" role="row" data-testid="delta-instruction">
            <Row ins={ins} index={offset + i} />
          </div>
        ))}
      </div>
    );
  }
  return (
    <div className="hx-dis" role="table" aria-label="Delta instructions" aria-rowcount={list.length + 1}>
      {head}
      <div ref={scrollRef} className="hx-dis-scroll" tabIndex={0} role="rowgroup" aria-label={`${list.length} instructions (scrolls)`}>
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((item) => (
            <div
              key={item.key}
              ref={virtualizer.measureElement}
              data-index={item.index}
              className="hx-di hx-di-abs"
              role="row"
              aria-rowindex={item.index + 2}
              style={{ transform: `translateY(${item.start}px)` }}
              data-testid="delta-instruction"
            >
              <Row ins={list[item.index]} index={offset + item.index} />
            </div>
          ))}
        </div>
      </div>
    </div>
  );
}
