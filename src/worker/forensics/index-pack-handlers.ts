import type { Handlers } from '../../protocol/rpc.ts';
import type { IndexPackRequests } from '../../protocol/index-pack.ts';

export const indexPackHandlers: Pick<Handlers, keyof IndexPackRequests> = {};
