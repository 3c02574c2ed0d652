import { formatBytes } from '../../lib/format.ts';

/**
 * The growth chart's geometry, apart from React so it can be tested: stored bytes over commit
 * dates as a step line (the total holds until the next day that adds objects), a y axis in round
 * byte steps from zero, and date ticks in years, months or days as the span needs.
 */

/** A day and the cumulative bytes at its end. */
export interface GrowthSample {
  /** Seconds since the epoch (UTC), start of the day. */
  day: number;
  value: number;
}

/** Where the plot sits inside the SVG. */
export interface ChartBox {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** A tick on an axis. */
export interface Tick {
  at: number;
  label: string;
}

/** What the component draws. */
export interface GrowthGeometry {
  /** The step line, and the same closed to the axis for the fill. */
  line: string;
  area: string;
  xTicks: Tick[];
  yTicks: Tick[];
  /** The y axis's top value (a round number at or above the largest sample). */
  yMax: number;
  /** Each sample's position, for hovering. */
  xs: Float64Array;
  ys: Float64Array;
}

const DAY = 86_400;

/** A round step near `span / count`: 1, 2 or 5 times a power of ten, in units of `unit`. */
function roundStep(span: number, count: number, unit: number): number {
  const raw = span / unit / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const m = raw / power;
  const nice = m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10;
  return nice * power * unit;
}

/** Round byte ticks from 0 to at least `max`: steps of 1, 2 or 5 × 10^k in the largest binary unit below max. */
export function byteTicks(max: number, count = 5): { ticks: Tick[]; top: number } {
  if (!(max > 0)) return { ticks: [{ at: 0, label: '0 B' }], top: 1 };
  let unit = 1;
  while (unit * 1024 <= max) unit *= 1024;
  const step = Math.max(1, roundStep(max, count, unit));
  const top = Math.ceil(max / step) * step;
  const ticks: Tick[] = [];
  for (let v = 0; v <= top + step / 2; v += step) ticks.push({ at: v, label: v === 0 ? '0 B' : formatBytes(v) });
  return { ticks, top };
}

/** Date ticks between two days: years, months or days, at most about `count` of them. */
export function dateTicks(first: number, last: number, count = 7): Tick[] {
  const span = Math.max(DAY, last - first);
  const start = new Date(first * 1000);
  const ticks: Tick[] = [];
  if (span > 3 * 365 * DAY) {
    const years = Math.max(1, Math.ceil(span / (365.25 * DAY) / count));
    const y0 = Math.ceil(start.getUTCFullYear() / years) * years;
    for (let y = y0; ; y += years) {
      const at = Date.UTC(y, 0, 1) / 1000;
      if (at > last) break;
      if (at >= first) ticks.push({ at, label: String(y) });
    }
  } else if (span > 60 * DAY) {
    const months = [1, 2, 3, 6, 12].find((m) => span / (30.4 * DAY) / m <= count) ?? 12;
    for (let i = 0; ; i++) {
      const y = start.getUTCFullYear();
      const m = start.getUTCMonth() + 1 + i;
      const at = Date.UTC(y, m, 1) / 1000;
      if (at > last) break;
      const d = new Date(at * 1000);
      if (d.getUTCMonth() % months === 0) ticks.push({ at, label: d.toISOString().slice(0, 7) });
    }
  } else {
    const days = Math.max(1, Math.ceil(span / DAY / count));
    for (let at = first; at <= last; at += days * DAY) ticks.push({ at, label: new Date(at * 1000).toISOString().slice(0, 10) });
  }
  return ticks;
}

/** The chart for `samples` (ascending days) in `box`. */
export function growthGeometry(samples: readonly GrowthSample[], box: ChartBox): GrowthGeometry {
  const n = samples.length;
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  const plotW = Math.max(1, box.width - box.left - box.right);
  const plotH = Math.max(1, box.height - box.top - box.bottom);
  const bottom = box.top + plotH;
  if (n === 0) return { line: '', area: '', xTicks: [], yTicks: [], yMax: 0, xs, ys };
  let max = 0;
  for (const s of samples) if (s.value > max) max = s.value;
  const { ticks, top } = byteTicks(max);
  // One day of room at each end, so a single day still has a width.
  const first = samples[0].day - DAY / 2;
  const last = samples[n - 1].day + DAY / 2;
  const x = (day: number) => box.left + ((day - first) / (last - first)) * plotW;
  const y = (value: number) => bottom - (value / top) * plotH;
  let line = '';
  for (let i = 0; i < n; i++) {
    xs[i] = x(samples[i].day);
    ys[i] = y(samples[i].value);
    // Step after: the total holds until the next day that adds objects.
    line += i === 0 ? `M${fixed(box.left)},${fixed(bottom)}H${fixed(xs[i])}V${fixed(ys[i])}` : `H${fixed(xs[i])}V${fixed(ys[i])}`;
  }
  line += `H${fixed(box.left + plotW)}`;
  const area = `${line}V${fixed(bottom)}H${fixed(box.left)}Z`;
  return {
    line,
    area,
    xTicks: dateTicks(samples[0].day, samples[n - 1].day).map((t) => ({ at: x(t.at), label: t.label })),
    yTicks: ticks.map((t) => ({ at: y(t.at), label: t.label })),
    yMax: top,
    xs,
    ys,
  };
}

/** The sample nearest to `px` (x pixels), by binary search over the sorted positions. */
export function nearestSample(xs: Float64Array, px: number): number {
  if (xs.length === 0) return -1;
  let lo = 0;
  let hi = xs.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid] < px) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 && px - xs[lo - 1] < xs[lo] - px ? lo - 1 : lo;
}

function fixed(v: number): string {
  return (Math.round(v * 10) / 10).toString();
}
