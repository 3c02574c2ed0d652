/**
 * Requests of the index-pack tool (a .pack with no .idx). Plain data; see messages.ts for the rules.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface IndexPackRequests {}
