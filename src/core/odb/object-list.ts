import { fail } from '../errors.ts';
import type { ObjectRow } from '../objects/detail-types.ts';
import type { ObjectType } from '../objects/types.ts';
import type { ObjectDatabase } from './database.ts';
import { objectRow } from './object-detail.ts';
import type { ObjectTable } from './object-table.ts';

/**
 * The objects list: pages of rows in id order, all objects or one type, from the object table
 * (built and typed by its caller, in slices), and where an id prefix falls in that list.
 */

/** All objects, or those of one type. */
export type ObjectFilter = ObjectType | 'all';

/** Most rows one page holds. */
export const MAX_PAGE_ROWS = 1000;

/** Rows [start, start + count) of the list (at most MAX_PAGE_ROWS), and how many the list holds. */
export function objectListPage(db: ObjectDatabase, table: ObjectTable, filter: ObjectFilter, start: number, count: number): { rows: ObjectRow[]; total: number } {
  const rowsOf = filter === 'all' ? undefined : table.rowsOfType(filter);
  const total = rowsOf ? rowsOf.length : table.count;
  const rows: ObjectRow[] = [];
  const end = Math.min(total, start + Math.min(count, MAX_PAGE_ROWS));
  for (let i = Math.max(0, start); i < end; i++) {
    const r = rowsOf ? rowsOf[i] : i;
    rows.push(objectRow(db, i, table.oidAt(r), table.locationAt(r)));
  }
  return { rows, total };
}

/** Where an id prefix falls in the list: its one object's place, the candidates when several match, or none. */
export function locateInObjectList(
  table: ObjectTable,
  prefix: string,
  filter: ObjectFilter,
): { kind: 'found'; index: number; oid: string } | { kind: 'ambiguous'; candidates: string[] } | { kind: 'none' } {
  const clean = prefix.trim().toLowerCase();
  if (!/^[0-9a-f]{1,64}$/.test(clean)) fail('BadName', `"${prefix}" is not a hex object id or prefix`);
  const rows = table.rowsWithPrefix(clean, 50);
  const rowsOf = filter === 'all' ? undefined : table.rowsOfType(filter);
  const visible = rowsOf ? rows.filter((r) => indexOf(rowsOf, r) >= 0) : rows;
  if (visible.length === 0) return { kind: 'none' };
  if (visible.length > 1) return { kind: 'ambiguous', candidates: visible.map((r) => table.oidHexAt(r)) };
  const r = visible[0];
  return { kind: 'found', index: rowsOf ? indexOf(rowsOf, r) : r, oid: table.oidHexAt(r) };
}

/** The index of `value` in the ascending `sorted`, or -1. */
function indexOf(sorted: Uint32Array, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo < sorted.length && sorted[lo] === value ? lo : -1;
}
