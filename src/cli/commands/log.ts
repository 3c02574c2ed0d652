import { repositoryCommitGraph } from '../../core/history/generation-numbers.ts';
import { PathLog } from '../../core/history/path-log.ts';
import { resolveName } from '../../core/odb/names.ts';
import type { ObjectDatabase } from '../../core/odb/database.ts';
import type { RefMap } from '../../core/repo/refs.ts';
import { UsageError } from '../errors.ts';
import { logGraph } from './log-graph.ts';
import { Output } from '../output.ts';
import { openRepository } from '../repository.ts';

/**
 * `log [--follow] [--format=%H] [<rev>…] [-- <path>…] <repo>`: the commits `git log` lists,
 * newest first, with git's history simplification when paths are given (a file or a folder)
 * and rename and copy following for one file with `--follow`. The only format is git's `%H`
 * (one full id a line), which is what the comparison with git needs.
 */
export async function log(args: string[]): Promise<number> {
  // The graph is its own command (commands/log-graph.ts): git's topological order and lanes.
  if (args.includes('--graph')) return logGraph(args);
  const dashes = args.indexOf('--');
  const before = dashes < 0 ? args.slice(0, -1) : args.slice(0, dashes);
  const after = dashes < 0 ? [] : args.slice(dashes + 1, -1);
  const repo = args[args.length - 1];
  if (args.length === 0 || repo === '--' || repo.startsWith('-')) throw new UsageError('log: give the repository path last');
  let follow = false;
  const revs: string[] = [];
  for (const a of before) {
    if (a === '--follow') follow = true;
    else if (a === '--format=%H' || a === '--pretty=format:%H' || a === '--format=tformat:%H') continue;
    else if (a.startsWith('-')) throw new UsageError(`log: unknown option ${a} (only --follow and --format=%H)`);
    else revs.push(a);
  }
  if (follow && after.length !== 1) throw new UsageError('log: --follow requires exactly one pathspec');
  const { db, refs } = await openRepository(repo);
  const starts = (revs.length ? revs : ['HEAD']).map((r) => commitOf(db, refs, r));
  const encoder = new TextEncoder();
  // A path is taken from the top of the tree: '.', './x' and a trailing '/' are spelling ('.' is the whole tree).
  const paths = after.map((p) => encoder.encode(normalisePath(p)));
  // The commit-graph, when git would read it: parents from it, and its Bloom filters for the paths.
  const walk = new PathLog(db, starts, paths, { follow, graph: repositoryCommitGraph(db, refs) });
  const out = new Output();
  for (;;) {
    const shown = walk.next();
    if (!shown) break;
    out.text(`${shown.oid}\n`);
  }
  out.flush();
  for (const m of walk.missingParents) process.stderr.write(`warning: parent ${m} is not in this repository; the history stops there\n`);
  return 0;
}

/** `./a//b/` -> `a/b`; `.` -> `` (the whole tree). */
function normalisePath(p: string): string {
  return p
    .split('/')
    .filter((part) => part !== '' && part !== '.')
    .join('/');
}

function commitOf(db: ObjectDatabase, refs: RefMap, rev: string): Uint8Array {
  const r = resolveName(db, refs, `${rev}^{commit}`);
  if (r.kind === 'found') return r.oid;
  if (r.kind === 'ambiguous') throw new UsageError(`log: ${rev} is ambiguous: ${r.candidates.slice(0, 5).join(', ')}`);
  throw new UsageError(`log: bad revision '${rev}': ${r.reason}`);
}
