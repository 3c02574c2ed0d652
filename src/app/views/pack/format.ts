/** Display helpers of the pack views. */

/** "pack-1a2b3c4d5e6f…" for a long pack name. */
export function shortPackName(name: string): string {
  const m = /^pack-([0-9a-f]{16,})$/.exec(name);
  return m ? `pack-${m[1].slice(0, 12)}…` : name;
}

export { hex } from '../../components/HexLink.tsx';

/** A CRC32 as 8 hex digits. */
export function hex8(n: number): string {
  return n.toString(16).padStart(8, '0');
}

/** "1.23x" — how many times larger the objects are than what stores them. */
export function ratio(inflated: number, stored: number): string {
  if (stored === 0) return '—';
  const r = inflated / stored;
  return `${r < 10 ? r.toFixed(2) : r < 100 ? r.toFixed(1) : Math.round(r)}×`;
}

/** "12.3%" of a whole. */
export function percent(part: number, whole: number): string {
  if (whole === 0) return '—';
  const p = (part / whole) * 100;
  return `${p === 0 || p >= 10 ? p.toFixed(0) : p.toFixed(1)}%`;
}
