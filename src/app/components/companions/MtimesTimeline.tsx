import { useMemo } from 'react';
import { formatCount } from '../../lib/format.ts';
import { BarChart } from './BarChart.tsx';

/** Bars of the timeline when the times span more than one second. */
const BINS = 48;

function local(seconds: number): string {
  return new Date(seconds * 1000).toLocaleString(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

/** A shorter form for the axis (the year when the range spans years). */
function tick(seconds: number, withYear: boolean): string {
  return new Date(seconds * 1000).toLocaleString(undefined, { ...(withYear ? { year: 'numeric' } : {}), month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

/** A histogram of a cruft pack's object times over [min, max], in local time. */
export function MtimesTimeline({ times, min, max }: { times: Float64Array; min: number; max: number }) {
  const { counts, width, distinct } = useMemo(() => {
    const span = max - min;
    const bins = span > 0 ? BINS : 1;
    const w = span > 0 ? (span + 1) / bins : 1;
    const c = new Array<number>(bins).fill(0);
    const seen = new Set<number>();
    for (const t of times) {
      c[Math.min(bins - 1, Math.floor((t - min) / w))]++;
      seen.add(t);
    }
    return { counts: c, width: w, distinct: seen.size };
  }, [times, min, max]);
  const n = counts.length;
  const from = (i: number): number => min + i * width;
  const years = new Date(min * 1000).getFullYear() !== new Date(max * 1000).getFullYear();
  const ticks =
    n === 1
      ? [{ at: 0, label: local(min) }]
      : [
          { at: 0, label: tick(min, years) },
          { at: n - 1, label: tick(max, years) },
        ];
  return (
    <div className="cmp-timeline">
      <p className="muted cmp-timeline-note">
        {formatCount(times.length)} objects, {formatCount(distinct)} distinct {distinct === 1 ? 'time' : 'times'}
        {n > 1 ? `; each bar spans ${spanText(width)}` : ''}.
      </p>
      <BarChart
        values={counts}
        unit="objects"
        label={`Histogram of the .mtimes: ${formatCount(times.length)} objects between ${local(min)} and ${local(max)}`}
        xTicks={ticks}
        height={110}
        testId="mtimes-timeline"
        describe={(i) => (
          <>
            <strong>{formatCount(counts[i])}</strong> {counts[i] === 1 ? 'object' : 'objects'} last seen{' '}
            {n === 1 ? (
              <>at {local(min)}</>
            ) : (
              <>
                from {local(Math.floor(from(i)))} to {local(Math.ceil(from(i + 1)) - 1)}
              </>
            )}
          </>
        )}
      />
    </div>
  );
}

function spanText(seconds: number): string {
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172800) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86400).toFixed(1)} days`;
}
