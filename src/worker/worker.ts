/// <reference lib="webworker" />
import { serve } from '../protocol/rpc.ts';
import { handlers } from './handlers.ts';
import { hashersReady } from './hashing.ts';

serve(self as unknown as DedicatedWorkerGlobalScope, handlers);
// Instantiate the WASM hashers now, while the page is still choosing a folder; jobs that hash await it too.
void hashersReady();
