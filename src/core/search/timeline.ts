import type { Timeline, TimelineBucket } from './types.ts';

/**
 * Commits counted by date. The bucket size follows the span: days up to about three months,
 * weeks up to about two years, months up to thirty years, then years (several per bucket when
 * a forged date puts a commit centuries away). Buckets are UTC; weeks start on Monday.
 */

const DAY = 86_400;
/** Most buckets drawn; a longer span uses wider buckets. */
export const MAX_BUCKETS = 400;

/** Buckets `times` (seconds since the epoch); times <= 0 count as undated. */
export function buildTimeline(times: ArrayLike<number>): Timeline {
  let min = Infinity;
  let max = -Infinity;
  let undated = 0;
  for (let i = 0; i < times.length; i++) {
    const t = times[i];
    if (!(t > 0)) {
      undated++;
      continue;
    }
    if (t < min) min = t;
    if (t > max) max = t;
  }
  if (min === Infinity) return { unit: 'day', step: 1, buckets: [], undated };
  const span = max - min;
  const unit: Timeline['unit'] = span <= 92 * DAY ? 'day' : span <= 730 * DAY ? 'week' : span <= 30 * 366 * DAY ? 'month' : 'year';
  let step = 1;
  if (unit === 'year') {
    const years = new Date(max * 1000).getUTCFullYear() - new Date(min * 1000).getUTCFullYear() + 1;
    step = Math.max(1, Math.ceil(years / MAX_BUCKETS));
  }
  const buckets: TimelineBucket[] = [];
  let start = floorTo(min, unit, step);
  while (start <= max) {
    const end = advance(start, unit, step);
    buckets.push({ start, end, count: 0 });
    start = end;
  }
  for (let i = 0; i < times.length; i++) {
    const t = times[i];
    if (!(t > 0)) continue;
    // Buckets are sorted and contiguous: a binary search finds the one holding t.
    let lo = 0;
    let hi = buckets.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (buckets[mid].start <= t) lo = mid;
      else hi = mid - 1;
    }
    buckets[lo].count++;
  }
  return { unit, step, buckets, undated };
}

/** The start of the bucket holding `t`. */
function floorTo(t: number, unit: Timeline['unit'], step: number): number {
  const d = new Date(t * 1000);
  switch (unit) {
    case 'day':
      return Math.floor(t / DAY) * DAY;
    case 'week': {
      const day = Math.floor(t / DAY) * DAY;
      // 1970-01-01 was a Thursday; (weekday + 6) % 7 days back is the Monday.
      const weekday = new Date(day * 1000).getUTCDay();
      return day - ((weekday + 6) % 7) * DAY;
    }
    case 'month':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) / 1000;
    case 'year': {
      const y = d.getUTCFullYear();
      return Date.UTC(y - (((y % step) + step) % step), 0, 1) / 1000;
    }
  }
}

function advance(start: number, unit: Timeline['unit'], step: number): number {
  const d = new Date(start * 1000);
  switch (unit) {
    case 'day':
      return start + DAY;
    case 'week':
      return start + 7 * DAY;
    case 'month':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) / 1000;
    case 'year':
      return Date.UTC(d.getUTCFullYear() + step, 0, 1) / 1000;
  }
}
