import type { SearchKind } from '../../lib/route.ts';
import type { SearchQuery, SearchScope } from '../../../protocol/search.ts';

/**
 * From what is in the URL (kind, text, options) to the request the worker runs. The timeline's
 * text is a date range `YYYY-MM-DD..YYYY-MM-DD` (either end may be empty), read as whole days
 * in UTC; an empty range is every commit.
 */

/** The kinds, in the order the selector shows them, with what the box asks for. */
export const KINDS: { kind: SearchKind; label: string; placeholder: string }[] = [
  { kind: 'text', label: 'Text in files', placeholder: 'Text to find in every blob' },
  { kind: 'regex', label: 'Regular expression', placeholder: 'JavaScript regular expression, matched line by line' },
  { kind: 'message', label: 'Commit messages', placeholder: 'Words in commit and tag messages' },
  { kind: 'author', label: 'People', placeholder: 'Name or email of an author, committer or tagger' },
  { kind: 'oid', label: 'Object id', placeholder: 'First hex digits of an object id' },
  { kind: 'timeline', label: 'Timeline', placeholder: '' },
];

/** True when the option applies to the kind. */
export const takesCase = (kind: SearchKind) => kind === 'text' || kind === 'regex' || kind === 'message' || kind === 'author';
export const takesBinary = (kind: SearchKind) => kind === 'text' || kind === 'regex';

/** A date range as the timeline form holds it. */
export interface DateRange {
  from: string;
  to: string;
}

export function parseRange(q: string): DateRange {
  const [from = '', to = ''] = q.split('..');
  return { from: from.trim(), to: to.trim() };
}

export function formatRange(r: DateRange): string {
  return r.from || r.to ? `${r.from}..${r.to}` : '';
}

const DAY = 86_400;

function dayStart(text: string, what: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const t = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / 1000 : NaN;
  if (!Number.isFinite(t)) throw new Error(`the ${what} date "${text}" is not a date like 2024-01-31`);
  return t;
}

/** The request for a route, or undefined when there is nothing to search yet. Throws a readable Error on a bad date. */
export function toQuery(kind: SearchKind, q: string, caseSensitive: boolean, binary: boolean): SearchQuery | undefined {
  if (kind === 'timeline') {
    const r = parseRange(q);
    const query: SearchQuery = { kind: 'date' };
    if (r.from) query.from = dayStart(r.from, 'start');
    if (r.to) query.to = dayStart(r.to, 'end') + DAY - 1;
    return query;
  }
  if (q === '') return undefined;
  switch (kind) {
    case 'text':
    case 'regex':
      return { kind: 'text', pattern: q, regex: kind === 'regex', caseSensitive, includeBinary: binary };
    case 'message':
    case 'author':
      return { kind, pattern: q, regex: false, caseSensitive };
    case 'oid':
      return { kind: 'oid', prefix: q };
  }
}

/** A bucket's period in words (`Jan 2, 2024`, `week of Jan 1, 2024`, `Jan 2024`, `2024`). */
export function periodLabel(start: number, unit: 'day' | 'week' | 'month' | 'year', step = 1): string {
  const d = new Date(start * 1000);
  const day = d.toLocaleDateString('en-US', { timeZone: 'UTC', year: 'numeric', month: 'short', day: 'numeric' });
  switch (unit) {
    case 'day':
      return day;
    case 'week':
      return `week of ${day}`;
    case 'month':
      return d.toLocaleDateString('en-US', { timeZone: 'UTC', year: 'numeric', month: 'short' });
    case 'year':
      return step > 1 ? `${d.getUTCFullYear()}–${d.getUTCFullYear() + step - 1}` : String(d.getUTCFullYear());
  }
}

/** A search's limits as the URL holds them. */
export interface SearchLimits {
  ref?: string;
  path?: string;
  /** YYYY-MM-DD, whole days in UTC. */
  since?: string;
  until?: string;
}

/** True when the limit applies to the kind: ids live outside commits; the timeline has its own dates; paths only hold blobs. */
export const takesRef = (kind: SearchKind) => kind !== 'oid';
export const takesPath = (kind: SearchKind) => kind === 'text' || kind === 'regex';
export const takesDates = (kind: SearchKind) => kind !== 'oid' && kind !== 'timeline';

/** The scope for the worker, or undefined when nothing limits the search. Throws a readable Error on a bad date. */
export function toScope(kind: SearchKind, limits: SearchLimits): SearchScope | undefined {
  const scope: SearchScope = {};
  if (takesRef(kind) && limits.ref?.trim()) scope.ref = limits.ref.trim();
  if (takesPath(kind) && limits.path?.trim()) scope.path = limits.path.trim().replace(/^\/+/, '');
  if (takesDates(kind) && limits.since) scope.from = dayStart(limits.since, 'since');
  if (takesDates(kind) && limits.until) scope.to = dayStart(limits.until, 'until') + DAY - 1;
  if (scope.from !== undefined && scope.to !== undefined && scope.from > scope.to) throw new Error('the "since" date is after the "until" date');
  return Object.keys(scope).length > 0 ? scope : undefined;
}
