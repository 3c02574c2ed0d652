import type { PackMap } from '../../../protocol/anatomy.ts';
import type { RepoSummary } from '../../../protocol/messages.ts';
import { useEffect, useState } from 'react';
import { engine } from '../../client.ts';
import type { RequestState } from '../../lib/request.ts';
import { asWire } from '../../stores/repo.ts';
import { isCancelled } from '../../stores/tasks.ts';

/**
 * What the byte map keeps while the person looks elsewhere: the maps of the last few packs
 * (each a few typed arrays, 24 bytes an entry), where each was zoomed to, and the object ids
 * fetched for hovering. Tied to the summary, so another folder or a reload starts afresh.
 */

/** How many packs' maps are kept. */
const KEPT_MAPS = 4;

/** Where a map is zoomed and which entry the keyboard cursor is on. */
export interface MapView {
  /** First byte at the left edge. */
  start: number;
  /** Bytes per CSS pixel. */
  bytesPerPx: number;
  /** Keyboard cursor (pack-order rank), -1 for none. */
  cursor: number;
  /** Set once the view was fitted to a width. */
  fitted: boolean;
}

const maps = new WeakMap<RepoSummary, Map<string, PackMap>>();
const views = new WeakMap<PackMap, MapView>();
const oids = new WeakMap<PackMap, Map<number, Promise<string>>>();

/** The kept map of a pack, if any. */
export function keptMap(summary: RepoSummary, pack: string): PackMap | undefined {
  return maps.get(summary)?.get(pack);
}

/** Keeps a pack's map, dropping the oldest beyond KEPT_MAPS. */
export function keepMap(summary: RepoSummary, map: PackMap): void {
  let m = maps.get(summary);
  if (!m) maps.set(summary, (m = new Map()));
  m.delete(map.pack);
  m.set(map.pack, map);
  while (m.size > KEPT_MAPS) m.delete(m.keys().next().value as string);
}

/** The view state of a map (created on first use). */
export function viewOf(map: PackMap): MapView {
  let v = views.get(map);
  if (!v) views.set(map, (v = { start: 0, bytesPerPx: 1, cursor: -1, fitted: false }));
  return v;
}

/** The object id at idx `position` of the map's pack, fetched once. */
export function oidAt(map: PackMap, position: number): Promise<string> {
  let m = oids.get(map);
  if (!m) oids.set(map, (m = new Map()));
  let p = m.get(position);
  if (!p) {
    p = engine.call('idxEntries', { pack: map.pack, start: position, count: 1 }).then((r) => r.rows[0]?.oid ?? '');
    const cache = m;
    p.catch(() => cache.delete(position));
    m.set(position, p);
  }
  return p;
}

/**
 * The byte map's arrays of a pack: the kept ones, else asked of the worker (and kept). Not a
 * task of its own: the pack's scan, which the answer waits on, is already shown with its progress.
 */
export function usePackMap(summary: RepoSummary, pack: string): RequestState<PackMap> {
  const kept = keptMap(summary, pack);
  const [state, setState] = useState<RequestState<PackMap>>(kept ? { status: 'done', data: kept } : { status: 'loading', data: undefined });
  useEffect(() => {
    if (keptMap(summary, pack)) return;
    const controller = new AbortController();
    setState({ status: 'loading', data: undefined });
    engine.call('packMap', { pack }, { signal: controller.signal }).then(
      (map) => {
        keepMap(summary, map);
        setState({ status: 'done', data: map });
      },
      (err: unknown) => {
        if (!isCancelled(err)) setState({ status: 'error', error: asWire(err), data: undefined });
      },
    );
    return () => controller.abort();
  }, [pack, summary]);
  return kept ? { status: 'done', data: kept } : state;
}
