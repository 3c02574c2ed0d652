/**
 * Requests of the verify part of the forensics tools. Plain data; see messages.ts for the rules.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface VerifyRequests {}
