/** "3 days ago", "2 years ago": how long ago a time was, in the largest whole unit (as code hosts show commit dates). */
export function formatRelative(time: number, now = Date.now() / 1000): string {
  const seconds = Math.round(now - time);
  if (seconds < 0) return 'in the future';
  const units: [number, string][] = [
    [365 * 86_400, 'year'],
    [30 * 86_400, 'month'],
    [7 * 86_400, 'week'],
    [86_400, 'day'],
    [3_600, 'hour'],
    [60, 'minute'],
  ];
  for (const [size, name] of units) {
    const n = Math.floor(seconds / size);
    if (n >= 1) return `${n} ${name}${n === 1 ? '' : 's'} ago`;
  }
  return 'just now';
}
