import { commitGraphFilesFrom } from '../../core/format/commit-graph-chain.ts';
import { ObjectDatabase } from '../../core/odb/database.ts';
import { prefetchedCommitReader, verifyCommitGraphFiles } from '../../core/verify/commit-graph-verify.ts';
import { UsageError } from '../errors.ts';
import { discover, nodeHasher } from '../node-host.ts';

const USAGE = 'commit-graph: `commit-graph verify [--shallow] <path>`';

/**
 * `commit-graph verify [--shallow] <path>`: git 2.39's `git commit-graph verify` — the flat
 * `objects/info/commit-graph`, else the split chain — with git's lines on stderr (nothing on
 * stdout) and git's exit code (0; 1 errors; 2 only the checksum; 3 both across layers; 128 fatal).
 */
export async function commitGraph(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'verify') throw new UsageError(USAGE);
  let shallow = false;
  let path: string | undefined;
  for (const a of rest) {
    if (a === '--shallow') shallow = true;
    else if (a === '--no-progress' || a === '--progress') continue;
    else if (a.startsWith('-') || path !== undefined) throw new UsageError(USAGE);
    else path = a;
  }
  if (path === undefined) throw new UsageError(USAGE);
  const files = await discover(path);
  const db = new ObjectDatabase(files);
  const result = verifyCommitGraphFiles(commitGraphFilesFrom(files.commitGraphFiles ?? []), {
    algo: db.algo,
    hasher: nodeHasher,
    readerFor: (graph) => prefetchedCommitReader(db, graph, { shallow }),
    shallow,
  });
  // Latin-1: a chain line git quotes is kept one byte a character, so git's bytes come out.
  for (const line of result.lines) process.stderr.write(Buffer.from(`${line.text}\n`, 'latin1'));
  return result.exitCode;
}
