import type { Handlers } from '../../protocol/rpc.ts';
import type { FindRequests } from '../../protocol/find.ts';

export const findHandlers: Pick<Handlers, keyof FindRequests> = {};
