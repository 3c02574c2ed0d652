/** Display formatting shared by the views. */

/** 1536 -> "1.5 KiB". */
export function formatBytes(n: number | undefined): string {
  if (n === undefined) return '';
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

/** 1234567 -> "1,234,567". */
export function formatCount(n: number | undefined): string {
  return n === undefined ? '' : n.toLocaleString('en-US');
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
