import { UsageError } from '../errors.ts';

/** `fsck [--unreachable | --dangling] [--lost-found] <path>`: every finding, git fsck-style. Being built (issue 5). */
export async function fsck(_args: string[]): Promise<number> {
  throw new UsageError('fsck is not built yet');
}
