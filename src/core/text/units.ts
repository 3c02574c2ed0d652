/** Sizes and counts as people read them; shared by the app and the reports the core writes. */

/** 1536 -> "1.5 KiB" (binary units, one decimal below 10). */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

/** One formatter for all counts: `toLocaleString` builds a new one per call (tens of µs; a list of thousands of rows felt it). */
const COUNT = new Intl.NumberFormat('en-US');

/** 1234567 -> "1,234,567". */
export function formatCount(n: number): string {
  return COUNT.format(n);
}
