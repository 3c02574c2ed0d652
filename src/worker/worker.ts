/// <reference lib="webworker" />
import { serve } from '../protocol/rpc.ts';
import { handlers } from './handlers.ts';

serve(self as unknown as DedicatedWorkerGlobalScope, handlers);
