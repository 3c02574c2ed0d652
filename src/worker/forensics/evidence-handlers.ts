import type { Handlers } from '../../protocol/rpc.ts';
import type { EvidenceRequests } from '../../protocol/evidence.ts';

export const evidenceHandlers: Pick<Handlers, keyof EvidenceRequests> = {};
