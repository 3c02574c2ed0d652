/** Display formatting shared by the views. */

import { formatBytes as bytes, formatCount as count } from '../../core/text/units.ts';

/** 1536 -> "1.5 KiB"; '' for an unknown size. */
export function formatBytes(n: number | undefined): string {
  return n === undefined ? '' : bytes(n);
}

/** 1234567 -> "1,234,567"; '' for an unknown count. */
export function formatCount(n: number | undefined): string {
  return n === undefined ? '' : count(n);
}

/** A git date in the viewer's local time, with the original zone git recorded. */
export function formatGitDate(time: number, zone: string): { local: string; original: string } {
  const d = new Date(time * 1000);
  const local = d.toLocaleString(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
  const sign = zone.startsWith('-') ? -1 : 1;
  const minutes = sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3, 5)));
  const shifted = new Date((time + minutes * 60) * 1000);
  const original = `${shifted.toISOString().slice(0, 16).replace('T', ' ')} ${zone}`;
  return { local, original };
}

/** The short form of an object id. */
export function shortOid(oid: string): string {
  return oid.slice(0, 12);
}
