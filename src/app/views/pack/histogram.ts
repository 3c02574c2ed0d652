import type { PackStats } from '../../../protocol/anatomy.ts';

/** `git verify-pack -v`'s summary lines: `non delta: N objects`, `chain length = d: N objects` (lines with a zero count left out, as git does). */
export function histogramLines(stats: Pick<PackStats, 'nonDelta' | 'chainHistogram'>): string[] {
  const plural = (k: number) => (k === 1 ? 'object' : 'objects');
  const lines: string[] = [];
  if (stats.nonDelta > 0) lines.push(`non delta: ${stats.nonDelta} ${plural(stats.nonDelta)}`);
  stats.chainHistogram.forEach((k, i) => {
    if (k > 0) lines.push(`chain length = ${i + 1}: ${k} ${plural(k)}`);
  });
  return lines;
}
