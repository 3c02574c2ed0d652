import { fail } from '../errors.ts';
import type { ObjectDatabase } from './database.ts';
import type { PackFile } from './pack-file.ts';

/** The opened pack named `name` (`pack-<hash>`), or the problem that kept it closed, or NotFound. */
export function requirePack(db: ObjectDatabase, name: string): PackFile {
  const pack = db.packs.find((p) => p.name === name);
  if (pack) return pack;
  const problem = db.problems.find((p) => p.file?.replace(/^.*\//, '').startsWith(`${name}.`));
  if (problem) throw problem;
  return fail('NotFound', `no pack named ${name} is open in this folder`);
}
