import { PackscopeError } from '../core/errors.ts';

/** A command line that cannot be run as given (exit 2). */
export class UsageError extends Error {}

/** Writes an error to stderr in git's `error:` style, with the kind, file and offset. */
export function reportError(err: unknown, context?: string): void {
  const message = err instanceof PackscopeError ? err.message : err instanceof Error ? `Internal: ${err.message}` : String(err);
  process.stderr.write(`error: ${context ? context + ': ' : ''}${message}\n`);
}
