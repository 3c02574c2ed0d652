import type { ObjectDatabase } from '../odb/database.ts';
import type { RepositoryFiles } from './discover.ts';

/**
 * An opened repository as the engine's views of it need it: the files found in the folder and
 * the object database over them. The worker's session and the CLI's repository both are one.
 */
export interface OpenRepository {
  readonly files: RepositoryFiles;
  readonly db: ObjectDatabase;
}
