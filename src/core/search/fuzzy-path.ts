/**
 * Fuzzy matching of file paths, as a code host's file finder does: the query's characters must
 * appear in the path in order (case ignored; spaces ignored); a match scores higher when its
 * characters run together, start words or path segments, and fall in the file name. Each path
 * is matched once left to right, then the match is pulled as far right as it goes and tightened
 * back (the shortest window ending at the last match), which finds the file-name match of
 * `src/app/App.tsx` for "app" rather than the folder's.
 */

/** One path that matched, with the positions of the matched characters (for highlighting). */
export interface PathMatch {
  path: string;
  score: number;
  positions: number[];
}

const SCORE_MATCH = 16;
const BONUS_CONSECUTIVE = 12;
const BONUS_BOUNDARY = 10;
const BONUS_FILE_NAME = 6;
const PENALTY_GAP = 1;

function isBoundary(path: string, i: number): boolean {
  if (i === 0) return true;
  const prev = path.charCodeAt(i - 1);
  // After a separator: / _ - . space
  if (prev === 0x2f || prev === 0x5f || prev === 0x2d || prev === 0x2e || prev === 0x20) return true;
  // camelCase: a capital after a small letter
  const c = path.charCodeAt(i);
  return c >= 0x41 && c <= 0x5a && prev >= 0x61 && prev <= 0x7a;
}

/** The query as the matcher reads it: lower case, no spaces. */
export function normaliseQuery(query: string): string {
  return query.replace(/\s+/g, '').toLowerCase();
}

/** Matches one path against a normalised query; undefined when the characters are not all there in order. */
export function matchPath(path: string, query: string, lower = path.toLowerCase()): PathMatch | undefined {
  if (query.length === 0) return { path, score: 0, positions: [] };
  // Forward: is there a match at all, and where does the leftmost one end?
  let q = 0;
  let end = -1;
  for (let i = 0; i < lower.length; i++) {
    if (lower.charCodeAt(i) === query.charCodeAt(q) && ++q === query.length) {
      end = i;
      break;
    }
  }
  if (end < 0) return undefined;
  // The last possible end: match backwards from the path's end, so a match in the file name wins.
  q = query.length - 1;
  let lastEnd = -1;
  for (let i = lower.length - 1; i >= 0 && q >= 0; i--) {
    if (lower.charCodeAt(i) === query.charCodeAt(q)) {
      if (q === query.length - 1) lastEnd = i;
      q--;
    }
  }
  const positions = new Array<number>(query.length);
  // Backwards from the last end: the shortest window that holds the query.
  q = query.length - 1;
  for (let i = lastEnd; i >= 0 && q >= 0; i--) {
    if (lower.charCodeAt(i) === query.charCodeAt(q)) positions[q--] = i;
  }
  const nameStart = path.lastIndexOf('/') + 1;
  let score = 0;
  for (let k = 0; k < positions.length; k++) {
    const at = positions[k];
    score += SCORE_MATCH;
    if (k > 0 && positions[k - 1] === at - 1) score += BONUS_CONSECUTIVE;
    else if (k > 0) score -= Math.min(8, (at - positions[k - 1] - 1) * PENALTY_GAP);
    if (isBoundary(path, at)) score += BONUS_BOUNDARY;
    if (at >= nameStart) score += BONUS_FILE_NAME;
  }
  // Shorter paths first among equals.
  score -= Math.min(20, Math.floor(path.length / 8));
  return { path, score, positions };
}

/** The best `limit` matches of `paths`, best first (ties in the list's order), and how many matched in all. */
export function findPaths(paths: readonly string[], query: string, limit: number, lowered?: readonly string[]): { matches: PathMatch[]; total: number } {
  const q = normaliseQuery(query);
  const found: PathMatch[] = [];
  let total = 0;
  for (let i = 0; i < paths.length; i++) {
    const m = matchPath(paths[i], q, lowered ? lowered[i] : undefined);
    if (!m) continue;
    total++;
    found.push(m);
  }
  found.sort((a, b) => b.score - a.score);
  return { matches: found.slice(0, limit), total };
}
