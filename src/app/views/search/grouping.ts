import type { BlobMatch, BlobPlace, BlobPlaces } from '../../../protocol/search.ts';

/**
 * Blob matches grouped by the path they appear at, as a code host groups search results by file:
 * one group per path, its versions (the matching blobs seen at that path) newest first. A blob
 * seen at two paths is in both groups. Blobs whose places are still being worked out, and blobs
 * no commit names, are groups of their own, last.
 */

/** One matching blob at a path: the newest commit that has it there. */
export interface PathVersion {
  match: BlobMatch;
  commit: string;
  time: number;
}

export type PathGroup = { kind: 'path'; key: string; path: string[]; versions: PathVersion[]; more: boolean } | { kind: 'pending' | 'nowhere'; key: string; blobs: BlobMatch[] };

/** Groups `matches`; `placesOf` gives a blob's places (from the match itself in a limited search, or the place index), undefined while unknown. */
export function groupByPath(matches: BlobMatch[], placesOf: (m: BlobMatch) => { places: BlobPlace[]; more: boolean } | undefined): PathGroup[] {
  const byPath = new Map<string, { path: string[]; versions: Map<string, PathVersion>; more: boolean }>();
  const pending: BlobMatch[] = [];
  const nowhere: BlobMatch[] = [];
  for (const m of matches) {
    const known = placesOf(m);
    if (!known) {
      pending.push(m);
      continue;
    }
    if (known.places.length === 0) {
      nowhere.push(m);
      continue;
    }
    for (const p of known.places) {
      const key = p.path.join('/');
      let g = byPath.get(key);
      if (!g) byPath.set(key, (g = { path: p.path, versions: new Map(), more: false }));
      if (known.more) g.more = true;
      const seen = g.versions.get(m.oid);
      if (!seen || seen.time < p.time) g.versions.set(m.oid, { match: m, commit: p.commit, time: p.time });
    }
  }
  const groups: PathGroup[] = [];
  for (const [key, g] of byPath) {
    const versions = [...g.versions.values()].sort((a, b) => b.time - a.time || (a.commit < b.commit ? -1 : 1));
    groups.push({ kind: 'path', key, path: g.path, versions, more: g.more });
  }
  const newest = (g: PathGroup) => (g.kind === 'path' ? g.versions[0].time : 0);
  groups.sort((a, b) => newest(b) - newest(a) || (a.key < b.key ? -1 : 1));
  if (pending.length > 0) groups.push({ kind: 'pending', key: '\u0000pending', blobs: pending });
  if (nowhere.length > 0) groups.push({ kind: 'nowhere', key: '\u0000nowhere', blobs: nowhere });
  return groups;
}

/** A blob's places for grouping: its own (limited search) or the place index's answer. */
export function placesFor(m: BlobMatch, index: Map<string, BlobPlaces>): { places: BlobPlace[]; more: boolean } | undefined {
  if (m.places) return { places: m.places, more: false };
  const p = index.get(m.oid);
  if (!p) return undefined;
  // The index lists each path's newest place before a second place of any path: only when every
  // place listed is a path of its own can paths be missing.
  const paths = new Set(p.places.map((x) => x.path.join('/'))).size;
  return { places: p.places, more: p.more && paths === p.places.length };
}
