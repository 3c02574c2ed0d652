import { useSyncExternalStore } from 'react';
import type { TypeFilter } from '../../protocol/messages.ts';

/**
 * Every view has a URL hash, so back/forward work and a reload comes back to the same place:
 *
 *   #/<repo>/overview
 *   #/<repo>/objects?type=blob&at=<prefix>
 *   #/<repo>/object/<oid>?commit=<c>&path=<p>   (commit and path: where the blob was reached from)
 *   #/<repo>/browse/<rev>/<path…>#L10-L20   (lines selected in a file)
 *   #/<repo>/history/<rev>?mode=all&refs=all&unreachable=1&author=…&since=YYYY-MM-DD&until=…
 *   #/<repo>/path-history/<rev>/<path…>?follow=1   the commits that changed a file or folder (git log -- <path>)
 *   #/<repo>/blame/<rev>/<path…>          who last changed each line of a file (git blame)
 *   #/<repo>/midx                        the multi-pack-index anatomy
 *   #/<repo>/commit-graph                the commit-graph file (or split chain) anatomy and git's verify
 *   #/<repo>/packs                       every pack, with its statistics
 *   #/<repo>/pack/<name>?map=depth       one pack: statistics, byte map, idx, companions
 *   #/<repo>/files                       the folder's files and the window cache
 *   #/<repo>/hex/<file path>?at=<offset> annotated hex of any file
 *   #/<repo>/delta/<oid>                 a delta chain with its instructions
 *   #/<repo>/verify                      verify everything: findings, cross-check, report
 *   #/<repo>/search?kind=text&q=<query>&case=1&binary=1&ref=<ref>&path=<prefix>&since=<date>&until=<date>  streamed search, timeline
 *   #/<repo>/unreachable                 reachability: unreachable and dangling objects
 *   #/<repo>/duplicates                  objects stored more than once (packs, loose)
 *   #/<repo>/index-pack/<pack name>      index a .pack that has no .idx, as git index-pack does
 *   #/<repo>/compare/<a>..<b>            what changed from a to b (commits, trees, refs or blobs)
 *   #/<repo>/size?folder=<id>&measure=inflated&rev=<rev>&path=<id>   why the repository is big: the size analysis
 *                                        (folder: the treemap's zoom, path: the selected path, both the analysis's path ids)
 *
 * `<repo>` names the open repository: `demo`, `recent-<id>` (a remembered folder), or
 * `local` (a folder given by input or drop, which cannot be reopened without the person).
 */

export type Route =
  | { view: 'home' }
  | { view: 'overview' }
  | { view: 'objects'; filter: TypeFilter; at?: string }
  | { view: 'object'; oid: string; at?: BlobPlaceRef }
  | { view: 'browse'; rev: string; path: string[]; lines?: LineRange }
  | { view: 'history'; rev: string; mode: 'first-parent' | 'all'; graph?: HistoryGraphParams }
  | { view: 'path-history'; rev: string; path: string[]; follow: boolean }
  | { view: 'blame'; rev: string; path: string[] }
  | { view: 'midx' }
  | { view: 'commit-graph' }
  | { view: 'packs' }
  | { view: 'pack'; name: string; map?: 'type' | 'depth' }
  | { view: 'files' }
  | { view: 'hex'; file: string; at?: number }
  | { view: 'delta'; oid: string }
  | { view: 'verify' }
  | { view: 'search'; kind: SearchKind; q: string; caseSensitive?: boolean; binary?: boolean; ref?: string; path?: string; since?: string; until?: string }
  | { view: 'unreachable' }
  | { view: 'duplicates' }
  | { view: 'index-pack'; name: string }
  | { view: 'compare'; a: string; b: string }
  | ({ view: 'size' } & SizeParams);

/** The size view's choices: the treemap's folder and measure, one commit's tree instead of all history, the selected path. */
export interface SizeParams {
  folder?: number;
  measure?: 'inflated' | 'deletedStored';
  rev?: string;
  path?: number;
}

function sizeParams(params: URLSearchParams): SizeParams {
  const p: SizeParams = {};
  const id = (key: string) => {
    const v = params.get(key);
    return v !== null && /^\d{1,9}$/.test(v) ? Number(v) : undefined;
  };
  const folder = id('folder');
  if (folder !== undefined) p.folder = folder;
  const path = id('path');
  if (path !== undefined) p.path = path;
  const measure = params.get('measure');
  if (measure === 'inflated' || measure === 'deletedStored') p.measure = measure;
  const rev = params.get('rev');
  if (rev) p.rev = rev;
  return p;
}

/** History graph choices beyond the revision and mode: every ref, unreachable commits, author and date filters (YYYY-MM-DD). */
export interface HistoryGraphParams {
  allRefs?: boolean;
  unreachable?: boolean;
  author?: string;
  since?: string;
  until?: string;
  /** `git log --graph -- <path>`: the graph of the commits that changed a file or folder. */
  path?: string;
}

function historyGraphParams(params: URLSearchParams): HistoryGraphParams | undefined {
  const g: HistoryGraphParams = {};
  if (params.get('refs') === 'all') g.allRefs = true;
  if (params.get('unreachable') === '1') g.unreachable = true;
  for (const key of ['author', 'since', 'until', 'path'] as const) {
    const v = params.get(key);
    if (v) g[key] = v;
  }
  return Object.keys(g).length > 0 ? g : undefined;
}

/** Lines selected in a file, 1-based, `from` <= `to`. */
export interface LineRange {
  from: number;
  to: number;
}

/** A commit and the path a blob has in it (the object page offers "View at this commit"). */
export interface BlobPlaceRef {
  commit: string;
  path: string[];
}

/** The `#L10-L20` a file's URL ends with: `L10` alone selects one line. */
export function parseLineAnchor(anchor: string): LineRange | undefined {
  const m = /^L(\d{1,9})(?:-L?(\d{1,9}))?$/.exec(anchor);
  if (!m) return undefined;
  const a = Number(m[1]);
  const b = m[2] === undefined ? a : Number(m[2]);
  if (a < 1 || b < 1) return undefined;
  return { from: Math.min(a, b), to: Math.max(a, b) };
}

/** `L10` or `L10-L20`. */
export function lineAnchor(lines: LineRange): string {
  return lines.from === lines.to ? `L${lines.from}` : `L${lines.from}-L${lines.to}`;
}

/** What a search looks in. */
export type SearchKind = 'text' | 'regex' | 'message' | 'author' | 'oid' | 'timeline';
const SEARCH_KINDS = new Set<string>(['text', 'regex', 'message', 'author', 'oid', 'timeline']);

export interface Location {
  repo: string | undefined;
  route: Route;
}

const FILTERS = new Set(['all', 'commit', 'tree', 'blob', 'tag']);

/** Parses a hash. */
export function parseHash(hash: string): Location {
  const raw = hash.replace(/^#\/?/, '');
  // A second '#' ends the route with a line anchor (#L10-L20); encoded path parts never hold one.
  const anchorAt = raw.indexOf('#');
  const anchor = anchorAt < 0 ? '' : raw.slice(anchorAt + 1);
  const [pathPart, query = ''] = (anchorAt < 0 ? raw : raw.slice(0, anchorAt)).split('?');
  const params = new URLSearchParams(query);
  const parts = pathPart
    .split('/')
    .filter((p) => p !== '')
    .map(decodeURIComponent);
  if (parts.length === 0) return { repo: undefined, route: { view: 'home' } };
  const [repo, view, ...rest] = parts;
  switch (view) {
    case 'overview':
      return { repo, route: { view: 'overview' } };
    case 'objects': {
      const t = params.get('type') ?? 'all';
      const route: Route = { view: 'objects', filter: (FILTERS.has(t) ? t : 'all') as TypeFilter };
      const at = params.get('at');
      if (at) route.at = at;
      return { repo, route };
    }
    case 'object':
      if (rest[0]) {
        const commit = params.get('commit');
        const at = commit ? { commit, path: (params.get('path') ?? '').split('/').filter((p) => p !== '') } : undefined;
        return { repo, route: { view: 'object', oid: rest[0], ...(at ? { at } : {}) } };
      }
      break;
    case 'browse':
      if (rest[0]) {
        const lines = parseLineAnchor(anchor);
        return { repo, route: { view: 'browse', rev: rest[0], path: rest.slice(1), ...(lines ? { lines } : {}) } };
      }
      break;
    case 'history':
      if (rest[0]) {
        const graph = historyGraphParams(params);
        return { repo, route: { view: 'history', rev: rest[0], mode: params.get('mode') === 'all' ? 'all' : 'first-parent', ...(graph ? { graph } : {}) } };
      }
      break;
    case 'path-history':
      if (rest[0]) return { repo, route: { view: 'path-history', rev: rest[0], path: rest.slice(1), follow: params.get('follow') === '1' } };
      break;
    case 'blame':
      if (rest.length >= 2) return { repo, route: { view: 'blame', rev: rest[0], path: rest.slice(1) } };
      break;
    case 'midx':
      return { repo, route: { view: 'midx' } };
    case 'commit-graph':
      return { repo, route: { view: 'commit-graph' } };
    case 'packs':
      return { repo, route: { view: 'packs' } };
    case 'pack':
      if (rest[0]) return { repo, route: { view: 'pack', name: rest[0], ...(params.get('map') === 'depth' ? { map: 'depth' as const } : {}) } };
      break;
    case 'files':
      return { repo, route: { view: 'files' } };
    case 'hex':
      if (rest.length > 0) {
        const at = Number(params.get('at'));
        return { repo, route: { view: 'hex', file: rest.join('/'), ...(params.get('at') !== null && Number.isFinite(at) ? { at } : {}) } };
      }
      break;
    case 'delta':
      if (rest[0]) return { repo, route: { view: 'delta', oid: rest[0] } };
      break;
    case 'verify':
      return { repo, route: { view: 'verify' } };
    case 'search': {
      const kind = params.get('kind') ?? 'text';
      const route: Route = { view: 'search', kind: (SEARCH_KINDS.has(kind) ? kind : 'text') as SearchKind, q: params.get('q') ?? '' };
      if (params.get('case') === '1') route.caseSensitive = true;
      if (params.get('binary') === '1') route.binary = true;
      // The search's limits: a ref, a path prefix, a date range (YYYY-MM-DD, either end).
      for (const key of ['ref', 'path', 'since', 'until'] as const) {
        const value = params.get(key);
        if (value) route[key] = value;
      }
      return { repo, route };
    }
    case 'unreachable':
      return { repo, route: { view: 'unreachable' } };
    case 'duplicates':
      return { repo, route: { view: 'duplicates' } };
    case 'index-pack':
      if (rest[0]) return { repo, route: { view: 'index-pack', name: rest[0] } };
      break;
    case 'size':
      return { repo, route: { view: 'size', ...sizeParams(params) } };
    case 'compare': {
      // A ref name never holds '..' (git check-ref-format), so the first '..' splits the two sides;
      // a name typed with bare slashes (compare/main..topic/x) is joined back first.
      const spec = rest.join('/');
      const at = spec.indexOf('..');
      return { repo, route: at < 0 ? { view: 'compare', a: spec, b: '' } : { view: 'compare', a: spec.slice(0, at), b: spec.slice(at + 2) } };
    }
  }
  return { repo, route: { view: 'overview' } };
}

/** Builds the hash of a route for the given repository key. */
export function hashFor(repo: string | undefined, route: Route): string {
  if (route.view === 'home' || repo === undefined) return '#/';
  const base = `#/${encodeURIComponent(repo)}`;
  const enc = encodeURIComponent;
  switch (route.view) {
    case 'overview':
      return `${base}/overview`;
    case 'objects': {
      const params = new URLSearchParams();
      if (route.filter !== 'all') params.set('type', route.filter);
      if (route.at) params.set('at', route.at);
      const q = params.toString();
      return `${base}/objects${q ? `?${q}` : ''}`;
    }
    case 'object':
      return `${base}/object/${enc(route.oid)}${route.at ? `?${new URLSearchParams({ commit: route.at.commit, path: route.at.path.join('/') }).toString()}` : ''}`;
    case 'browse':
      return `${base}/browse/${[route.rev, ...route.path].map(enc).join('/')}${route.lines ? `#${lineAnchor(route.lines)}` : ''}`;
    case 'history': {
      const params = new URLSearchParams();
      if (route.mode === 'all') params.set('mode', 'all');
      const g = route.graph;
      if (g?.allRefs) params.set('refs', 'all');
      if (g?.unreachable) params.set('unreachable', '1');
      if (g?.author) params.set('author', g.author);
      if (g?.since) params.set('since', g.since);
      if (g?.path) params.set('path', g.path);
      if (g?.until) params.set('until', g.until);
      const q = params.toString();
      return `${base}/history/${enc(route.rev)}${q ? `?${q}` : ''}`;
    }
    case 'path-history':
      return `${base}/path-history/${[route.rev, ...route.path].map(enc).join('/')}${route.follow ? '?follow=1' : ''}`;
    case 'blame':
      return `${base}/blame/${[route.rev, ...route.path].map(enc).join('/')}`;
    case 'midx':
      return `${base}/midx`;
    case 'commit-graph':
      return `${base}/commit-graph`;
    case 'packs':
      return `${base}/packs`;
    case 'pack':
      return `${base}/pack/${enc(route.name)}${route.map === 'depth' ? '?map=depth' : ''}`;
    case 'files':
      return `${base}/files`;
    case 'hex':
      return `${base}/hex/${route.file.split('/').map(enc).join('/')}${route.at !== undefined ? `?at=${route.at}` : ''}`;
    case 'delta':
      return `${base}/delta/${enc(route.oid)}`;
    case 'verify':
      return `${base}/verify`;
    case 'search': {
      const params = new URLSearchParams();
      if (route.kind !== 'text') params.set('kind', route.kind);
      if (route.q) params.set('q', route.q);
      if (route.caseSensitive) params.set('case', '1');
      if (route.binary) params.set('binary', '1');
      for (const key of ['ref', 'path', 'since', 'until'] as const) if (route[key]) params.set(key, route[key] as string);
      const q = params.toString();
      return `${base}/search${q ? `?${q}` : ''}`;
    }
    case 'unreachable':
      return `${base}/unreachable`;
    case 'duplicates':
      return `${base}/duplicates`;
    case 'index-pack':
      return `${base}/index-pack/${enc(route.name)}`;
    case 'size': {
      const params = new URLSearchParams();
      if (route.folder !== undefined) params.set('folder', String(route.folder));
      if (route.measure) params.set('measure', route.measure);
      if (route.rev) params.set('rev', route.rev);
      if (route.path !== undefined) params.set('path', String(route.path));
      const q = params.toString();
      return `${base}/size${q ? `?${q}` : ''}`;
    }
    case 'compare':
      return route.a === '' && route.b === '' ? `${base}/compare` : `${base}/compare/${enc(route.a)}..${enc(route.b)}`;
  }
}

function subscribe(callback: () => void): () => void {
  window.addEventListener('hashchange', callback);
  return () => window.removeEventListener('hashchange', callback);
}

/** The current location, re-rendering on hash changes. */
export function useLocation(): Location {
  const hash = useSyncExternalStore(subscribe, () => window.location.hash);
  return parseHash(hash);
}

/** Goes to a route in the current repository (a new history entry). */
export function navigate(route: Route, options: { replace?: boolean } = {}): void {
  const repo = parseHash(window.location.hash).repo;
  const hash = hashFor(repo, route);
  if (options.replace) window.history.replaceState(null, '', hash);
  else window.location.hash = hash;
  if (options.replace) window.dispatchEvent(new HashChangeEvent('hashchange'));
}

/** The href of a route in the current repository, for <a> links. */
export function useHref(): (route: Route) => string {
  const { repo } = useLocation();
  return (route) => hashFor(repo, route);
}
