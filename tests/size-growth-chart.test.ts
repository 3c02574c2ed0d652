import { describe, expect, it } from 'vitest';
import { hashFor, parseHash } from '../src/app/lib/route.ts';
import { byteTicks, dateTicks, growthGeometry, nearestSample } from '../src/app/views/size/growth-chart.ts';

/** The size view's growth chart (axes and the step line drawn by hand in SVG) and its route. */

const DAY = 86_400;
const box = { width: 600, height: 200, left: 60, right: 10, top: 10, bottom: 30 };

describe('growth chart', () => {
  it('draws a step line through every sample, scaled to a round top', () => {
    const samples = [
      { day: Date.UTC(2005, 3, 7) / 1000, value: 1_000_000 },
      { day: Date.UTC(2005, 3, 9) / 1000, value: 1_500_000 },
      { day: Date.UTC(2006, 0, 1) / 1000, value: 7_300_000 },
    ];
    const g = growthGeometry(samples, box);
    // 7.3 MB in MiB units, steps of 2 MiB: top 8 MiB.
    expect(g.yMax).toBe(8 * 1024 * 1024);
    const bottom = box.height - box.bottom;
    const plotH = bottom - box.top;
    samples.forEach((s, i) => {
      expect(g.ys[i]).toBeCloseTo(bottom - (s.value / g.yMax) * plotH, 6);
      expect(g.line).toContain(`V${Math.round(g.ys[i] * 10) / 10}`);
    });
    expect([...g.xs]).toEqual([...g.xs].sort((a, b) => a - b));
    expect(g.xs[0]).toBeGreaterThan(box.left);
    expect(g.xs[2]).toBeLessThan(box.width - box.right);
    expect(g.line.startsWith(`M${box.left},${bottom}`)).toBe(true);
    expect(g.area.endsWith('Z')).toBe(true);
    expect(g.yTicks.map((t) => t.label)).toEqual(['0 B', '2.0 MiB', '4.0 MiB', '6.0 MiB', '8.0 MiB']);
    expect(g.yTicks[0].at).toBe(bottom);
    expect(g.yTicks[g.yTicks.length - 1].at).toBeCloseTo(box.top, 6);
  });

  it('ticks bytes in round binary units', () => {
    expect(byteTicks(496 * 1024 * 1024).ticks.map((t) => t.label)).toEqual(['0 B', '100 MiB', '200 MiB', '300 MiB', '400 MiB', '500 MiB']);
    expect(byteTicks(900).top).toBe(1000);
    expect(byteTicks(0).ticks).toHaveLength(1);
  });

  it('ticks dates in years, months or days as the span needs', () => {
    const y2005 = Date.UTC(2005, 3, 7) / 1000;
    const years = dateTicks(y2005, Date.UTC(2026, 10, 1) / 1000);
    expect(years.length).toBeGreaterThan(2);
    expect(years.length).toBeLessThanOrEqual(8);
    expect(years.every((t) => /^\d{4}$/.test(t.label))).toBe(true);
    const months = dateTicks(y2005, y2005 + 200 * DAY);
    expect(months.every((t) => /^\d{4}-\d{2}$/.test(t.label))).toBe(true);
    expect(months.length).toBeGreaterThan(2);
    const days = dateTicks(y2005, y2005 + 3 * DAY);
    expect(days.map((t) => t.label)).toEqual(['2005-04-07', '2005-04-08', '2005-04-09', '2005-04-10']);
  });

  it('finds the sample nearest to the pointer', () => {
    const xs = Float64Array.from([10, 20, 40]);
    expect(nearestSample(xs, 0)).toBe(0);
    expect(nearestSample(xs, 16)).toBe(1);
    expect(nearestSample(xs, 31)).toBe(2);
    expect(nearestSample(xs, 99)).toBe(2);
    expect(nearestSample(new Float64Array(0), 5)).toBe(-1);
  });

  it('draws a single day and no samples', () => {
    const one = growthGeometry([{ day: 1_700_000_000, value: 5 }], box);
    expect(one.xs[0]).toBeCloseTo(box.left + (box.width - box.left - box.right) / 2, 6);
    expect(growthGeometry([], box).line).toBe('');
  });
});

describe('size route', () => {
  it('round-trips the folder, measure, commit and selected path, and ignores what is not an id', () => {
    const route = { view: 'size' as const, folder: 12, measure: 'deletedStored' as const, rev: 'refs/tags/v1.0', path: 40 };
    const hash = hashFor('demo', route);
    expect(hash).toBe('#/demo/size?folder=12&measure=deletedStored&rev=refs%2Ftags%2Fv1.0&path=40');
    expect(parseHash(hash)).toEqual({ repo: 'demo', route });
    expect(hashFor('demo', { view: 'size' })).toBe('#/demo/size');
    expect(parseHash('#/demo/size?folder=-1&path=1e3&measure=huge').route).toEqual({ view: 'size' });
  });
});
