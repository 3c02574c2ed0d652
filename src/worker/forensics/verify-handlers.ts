import type { Handlers } from '../../protocol/rpc.ts';
import type { VerifyRequests } from '../../protocol/verify.ts';

export const verifyHandlers: Pick<Handlers, keyof VerifyRequests> = {};
