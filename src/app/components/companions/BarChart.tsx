import { useId, useState, type KeyboardEvent, type PointerEvent, type ReactNode } from 'react';
import './companions.css';

/** What a bar chart shows: one bar per value, axis labels, and a readout for the bar in focus. */
export interface BarChartProps {
  values: ArrayLike<number>;
  /** What the chart is, for screen readers and the caption. */
  label: string;
  /** The readout of bar `i` (shown under the chart when pointed at or selected with the keys). */
  describe: (i: number) => ReactNode;
  /** Labels under the x axis, at bar indexes. */
  xTicks: { at: number; label: string }[];
  /** The y axis' unit (`objects`). */
  unit: string;
  /** A dashed reference line (an average). */
  guide?: { value: number; label: string };
  /** Chart height in CSS pixels. */
  height?: number;
  testId?: string;
}

/**
 * A bar chart drawn in SVG, with HTML axis labels (so text is not stretched). Pointing at a bar
 * or moving with the arrow keys (Home/End, PageUp/PageDown by 16) shows its readout below.
 */
export function BarChart({ values, label, describe, xTicks, unit, guide, height = 140, testId }: BarChartProps) {
  const n = values.length;
  const [selected, setSelected] = useState<number | undefined>(undefined);
  const readoutId = useId();
  let max = 0;
  for (let i = 0; i < n; i++) if (values[i] > max) max = values[i];
  const scale = max > 0 ? 100 / max : 0;
  const pick = (i: number): void => setSelected(Math.max(0, Math.min(n - 1, i)));

  const onKey = (e: KeyboardEvent): void => {
    const at = selected ?? -1;
    const moves: Record<string, number> = { ArrowRight: at + 1, ArrowLeft: at - 1, PageUp: at + 16, PageDown: at - 16, Home: 0, End: n - 1 };
    if (e.key in moves) {
      e.preventDefault();
      pick(at < 0 && e.key.startsWith('Arrow') ? 0 : moves[e.key]);
    } else if (e.key === 'Escape') setSelected(undefined);
  };
  const onPointer = (e: PointerEvent<SVGSVGElement>): void => {
    const r = e.currentTarget.getBoundingClientRect();
    if (r.width > 0) pick(Math.floor(((e.clientX - r.left) / r.width) * n));
  };

  return (
    <figure className="cmp-chart" data-testid={testId}>
      <div className="cmp-chart-plot">
        <div className="cmp-chart-y" aria-hidden="true">
          <span>{max.toLocaleString('en-US')}</span>
          <span className="cmp-chart-unit">{unit}</span>
          <span>0</span>
        </div>
        <svg
          className="cmp-chart-svg"
          viewBox={`0 0 ${Math.max(n, 1)} 100`}
          preserveAspectRatio="none"
          style={{ height }}
          role="img"
          aria-label={label}
          aria-describedby={readoutId}
          tabIndex={0}
          onKeyDown={onKey}
          onPointerMove={onPointer}
          onPointerDown={onPointer}
        >
          {Array.from({ length: n }, (_, i) => {
            const h = values[i] * scale;
            return <rect key={i} className={i === selected ? 'cmp-bar selected' : 'cmp-bar'} x={i + 0.08} width={0.84} y={100 - h} height={h} />;
          })}
          {selected !== undefined && <rect className="cmp-bar-cursor" x={selected} width={1} y={0} height={100} />}
          {guide && max > 0 && <line className="cmp-bar-guide" x1={0} x2={n} y1={100 - guide.value * scale} y2={100 - guide.value * scale} vectorEffect="non-scaling-stroke" />}
        </svg>
      </div>
      <div className="cmp-chart-x" aria-hidden="true">
        {xTicks.map((t) => {
          // The end ticks hug the plot's edges so long labels (dates) stay inside it.
          const style = t.at === 0 ? { left: 0 } : t.at === n - 1 ? { right: 0 } : { left: `${((t.at + 0.5) / Math.max(n, 1)) * 100}%`, transform: 'translateX(-50%)' };
          return (
            <span key={t.at} style={style}>
              {t.label}
            </span>
          );
        })}
      </div>
      <figcaption className="cmp-chart-readout" id={readoutId} aria-live="polite">
        {selected !== undefined ? describe(selected) : <span className="muted">Point at a bar, or focus the chart and use the arrow keys.{guide ? ` Dashed line: ${guide.label}.` : ''}</span>}
      </figcaption>
    </figure>
  );
}
