import { fail } from '../core/errors.ts';
import type { Session } from './session.ts';

/** The worker's one open repository, shared by every handler module. */
let session: Session | undefined;

/** The open session, or NotFound when nothing is open. */
export function current(): Session {
  return session ?? fail('NotFound', 'no repository is open');
}

/** Replaces the open session (open, reload). */
export function setSession(next: Session): Session {
  session = next;
  return next;
}
