import type { Handlers } from '../protocol/rpc.ts';
import type { BrowseExtrasRequests } from '../protocol/browse-extras.ts';
import { current } from './state.ts';
import { filterTree } from '../core/browse/file-finder.ts';
import { findFiles } from './browse-extras/file-finder.ts';
import { runLastChanges } from './browse-extras/last-change.ts';
import { startPoints } from './browse-extras/start-points.ts';

/** Finding one's way in Browse and History: start points, last commits per entry, folder filter, file finder. */
export const browseExtrasHandlers: Pick<Handlers, keyof BrowseExtrasRequests> = {
  startPoints: ({ limit }, ctx) => startPoints(current(), limit, ctx),
  lastChanges: ({ commit, path }, ctx) => runLastChanges(current(), commit, path, ctx),
  filterTree: ({ oid, query, limit }) => filterTree(current().db, oid, query, limit),
  findFiles: ({ commit, query, limit }, ctx) => findFiles(current(), commit, query, limit, ctx),
};
