import type { Handlers } from '../../protocol/rpc.ts';
import type { SearchRequests } from '../../protocol/search.ts';

export const searchHandlers: Pick<Handlers, keyof SearchRequests> = {};
