import type { Timeline } from '../../../protocol/search.ts';
import { formatCount } from '../../lib/format.ts';
import { periodLabel } from './query.ts';

/**
 * Commits by date as a bar chart whose bars are buttons: pressing one filters the list to that
 * period, pressing it again (or "All dates") shows everything. Bars are real buttons, so the
 * keyboard and screen readers reach every period.
 */
export function TimelineChart({ timeline, selected, onSelect, what }: { timeline: Timeline; selected: number | undefined; onSelect: (bucket: number | undefined) => void; what: string }) {
  const { buckets, unit, step } = timeline;
  let max = 0;
  for (const b of buckets) if (b.count > max) max = b.count;
  if (buckets.length === 0) return null;
  const total = buckets.reduce((s, b) => s + b.count, 0);
  const per = unit === 'year' && step > 1 ? `${step} years` : unit;
  return (
    <figure className="sr-timeline" data-testid="search-timeline" data-unit={unit}>
      <figcaption className="sr-timeline-caption">
        <span>
          {formatCount(total)} {what} by {per}
          {timeline.undated > 0 && <span className="muted"> · {formatCount(timeline.undated)} without a date</span>}
        </span>
        {selected !== undefined && (
          <button type="button" className="small" onClick={() => onSelect(undefined)}>
            All dates
          </button>
        )}
      </figcaption>
      <div className="sr-timeline-plot">
        <div className="sr-timeline-y muted" aria-hidden="true">
          <span>{formatCount(max)}</span>
          <span>0</span>
        </div>
        <div className="sr-bars" role="group" aria-label={`${what} by ${per}; press a bar to show only that period`}>
          {buckets.map((b, i) => {
            const label = `${periodLabel(b.start, unit, step)}: ${formatCount(b.count)} ${what}`;
            return (
              <button
                key={b.start}
                type="button"
                className={`sr-bar${i === selected ? ' selected' : ''}`}
                aria-pressed={i === selected}
                aria-label={label}
                title={label}
                disabled={b.count === 0}
                data-testid="timeline-bucket"
                data-count={b.count}
                onClick={() => onSelect(i === selected ? undefined : i)}
              >
                <span className="sr-bar-fill" style={{ height: `${max > 0 ? Math.max(b.count > 0 ? 3 : 0, (b.count / max) * 100) : 0}%` }} />
              </button>
            );
          })}
        </div>
      </div>
      <div className="sr-timeline-x muted" aria-hidden="true">
        <span>{periodLabel(buckets[0].start, unit, step)}</span>
        {buckets.length > 1 && <span>{periodLabel(buckets[buckets.length - 1].start, unit, step)}</span>}
      </div>
    </figure>
  );
}
