import { PackscopeError } from '../core/errors.ts';

/** A command line that cannot be run as given (exit 2). */
export class UsageError extends Error {}

/** Writes an error to stderr in git's `error:` style, with the kind, file and offset. */
export function reportError(err: unknown, context?: string): void {
  const message = err instanceof PackscopeError ? err.message : err instanceof Error ? `Internal: ${err.message}` : String(err);
  process.stderr.write(`error: ${context ? context + ': ' : ''}${message}\n`);
}

/**
 * A file the CLI will not write: the name is taken by something other than a regular file (a
 * link, FIFO, device, folder) or another writer holds its lock. Reported in git's `fatal:`
 * style with git's exit status for it, 128.
 */
export class RefusedWrite extends Error {
  readonly file: string;

  constructor(file: string, message: string) {
    super(message);
    this.name = 'RefusedWrite';
    this.file = file;
  }
}
