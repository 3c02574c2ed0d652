import { useMemo, useState, type PointerEvent } from 'react';
import type { SizeGrowthPoint } from '../../../protocol/analysis.ts';
import { formatBytes } from '../../lib/format.ts';
import { useWidth } from '../pack/useWidth.ts';
import { growthGeometry, nearestSample } from './growth-chart.ts';

const BOX = { height: 240, left: 72, right: 16, top: 12, bottom: 28 };

/**
 * Stored bytes over commit dates: blobs, and all objects (blobs plus the commits and trees that
 * history first named that day), as step lines in SVG. The pointer shows a day's totals.
 */
export function GrowthChart({ growth }: { growth: SizeGrowthPoint[] }) {
  const [ref, width] = useWidth<HTMLDivElement>(800);
  const box = useMemo(() => ({ ...BOX, width }), [width]);
  const all = useMemo(
    () =>
      growthGeometry(
        growth.map((g) => ({ day: g.day, value: g.storedBlobs + g.storedCommitsAndTrees })),
        box,
      ),
    [growth, box],
  );
  // Blobs on the same scale as the total.
  const blobs = useMemo(() => {
    const g = growthGeometry(
      growth.map((p) => ({ day: p.day, value: p.storedBlobs })),
      box,
    );
    const scale = all.yMax > 0 ? g.yMax / all.yMax : 1;
    const bottom = box.height - box.bottom;
    return g.line.replace(/V([\d.]+)/g, (_, y: string) => `V${Math.round((bottom - (bottom - Number(y)) * scale) * 10) / 10}`);
  }, [growth, box, all.yMax]);
  const [hover, setHover] = useState<number | undefined>(undefined);
  if (growth.length === 0) return <p className="muted">No commit brought any object.</p>;
  const onMove = (e: PointerEvent<SVGSVGElement>) => {
    const rect = e.currentTarget.getBoundingClientRect();
    const i = nearestSample(all.xs, e.clientX - rect.left);
    setHover(i >= 0 ? i : undefined);
  };
  const h = hover !== undefined ? growth[hover] : undefined;
  return (
    <figure className="sz-growth" data-testid="size-growth">
      <figcaption>
        Stored bytes as history grew, by commit date
        <span className="sz-legend">
          <span className="sz-key all" /> all objects <span className="sz-key blobs" /> blobs
        </span>
      </figcaption>
      <div ref={ref}>
        <svg
          width={width}
          height={box.height}
          onPointerMove={onMove}
          onPointerLeave={() => setHover(undefined)}
          role="img"
          aria-label={`Stored bytes grew to ${formatBytes(all.yMax && growth[growth.length - 1].storedBlobs + growth[growth.length - 1].storedCommitsAndTrees)}`}
        >
          {all.yTicks.map((t) => (
            <g key={t.label} className="sz-axis">
              <line x1={box.left} x2={width - box.right} y1={t.at} y2={t.at} />
              <text x={box.left - 6} y={t.at + 4} textAnchor="end">
                {t.label}
              </text>
            </g>
          ))}
          {all.xTicks.map((t) => (
            <g key={t.label} className="sz-axis">
              <text x={t.at} y={box.height - 8} textAnchor="middle">
                {t.label}
              </text>
            </g>
          ))}
          <path d={all.area} className="sz-growth-area" />
          <path d={all.line} className="sz-growth-line all" />
          <path d={blobs} className="sz-growth-line blobs" />
          {hover !== undefined && <line className="sz-growth-cursor" x1={all.xs[hover]} x2={all.xs[hover]} y1={box.top} y2={box.height - box.bottom} />}
        </svg>
      </div>
      <p className="sz-growth-readout" aria-live="polite">
        {h ? (
          <>
            {new Date(h.day * 1000).toISOString().slice(0, 10)}: {formatBytes(h.storedBlobs + h.storedCommitsAndTrees)} stored ({formatBytes(h.storedBlobs)} blobs,{' '}
            {formatBytes(h.storedCommitsAndTrees)} commits and trees), {formatBytes(h.inflatedBlobs)} of blobs inflated
          </>
        ) : (
          <span className="muted">Point at the chart to read a day.</span>
        )}
      </p>
    </figure>
  );
}
