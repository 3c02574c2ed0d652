import type { Handlers } from '../../protocol/rpc.ts';
import type { SearchRequests } from '../../protocol/search.ts';
import { current } from '../state.ts';
import { blobPlaces } from './search/places.ts';
import { runSearch } from './search/run-search.ts';

/** Search: streamed matches (ids, messages, people, dates, blob text) and where blobs appear. */
export const searchHandlers: Pick<Handlers, keyof SearchRequests> = {
  search: ({ query, scope }, ctx) => runSearch(current(), query, ctx, {}, scope),
  blobPlaces: ({ oids, limit }, ctx) => blobPlaces(current(), oids, limit, ctx),
};
