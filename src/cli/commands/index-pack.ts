import { UsageError } from '../errors.ts';

/** `index-pack [-o <idx>] <pack>`: builds the .idx git index-pack would write. Being built (issue 5). */
export async function indexPack(_args: string[]): Promise<number> {
  throw new UsageError('index-pack is not built yet');
}
