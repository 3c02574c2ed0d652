import { Blame } from '../../core/history/blame.ts';
import { repositoryCommitGraph } from '../../core/history/generation-numbers.ts';
import { writeBlamePorcelain } from '../../core/history/blame-porcelain.ts';
import { Mailmap } from '../../core/history/mailmap.ts';
import { resolveName } from '../../core/odb/names.ts';
import type { ObjectDatabase } from '../../core/odb/database.ts';
import type { RefMap } from '../../core/repo/refs.ts';
import { UsageError } from '../errors.ts';
import { lstatSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Output } from '../output.ts';
import { openRepository } from '../repository.ts';

/**
 * `blame --porcelain [<rev>] -- <file> <repo>`: git blame's porcelain output for the file at
 * the commit (HEAD when no revision is given), byte for byte.
 */
export async function blame(args: string[]): Promise<number> {
  const dashes = args.indexOf('--');
  const repo = args[args.length - 1];
  const before = dashes < 0 ? args.slice(0, -2) : args.slice(0, dashes);
  const files = dashes < 0 ? args.slice(-2, -1) : args.slice(dashes + 1, -1);
  if (args.length < 2 || files.length !== 1 || repo.startsWith('-')) throw new UsageError('blame: give --porcelain [<rev>] -- <file> <repo>');
  const revs = before.filter((a) => !a.startsWith('-'));
  const unknown = before.filter((a) => a.startsWith('-') && a !== '--porcelain' && a !== '-p');
  if (unknown.length > 0 || !before.some((a) => a === '--porcelain' || a === '-p')) throw new UsageError('blame: only --porcelain output is supported');
  if (revs.length > 1) throw new UsageError('blame: give at most one revision');
  const { db, refs } = await openRepository(repo);
  const rev = revs[0] ?? 'HEAD';
  const r = resolveName(db, refs, `${rev}^{commit}`);
  if (r.kind !== 'found') throw new UsageError(`blame: bad revision '${rev}'${r.kind === 'missing' ? `: ${r.reason}` : ''}`);
  // The commit-graph, when git would read it: commits from it, and its Bloom filters for the path.
  const job = new Blame(db, r.oid, new TextEncoder().encode(files[0]), { graph: repositoryCommitGraph(db, refs) });
  job.step();
  const out = new Output();
  writeBlamePorcelain(db, job, (bytes) => out.bytes(bytes), readMailmap(db, refs, repo));
  out.flush();
  for (const m of job.missingParents) process.stderr.write(`warning: parent ${m} is not in this repository; its lines stay with its child\n`);
  return 0;
}

/**
 * The mailmap git blame would read (mailmap.c read_mailmap, no mailmap.file or mailmap.blob
 * configured): a working tree's `.mailmap` file (not through a symbolic link), or in a bare
 * repository the `.mailmap` of HEAD's tree.
 */
function readMailmap(db: ObjectDatabase, refs: RefMap, repo: string): Mailmap {
  const map = new Mailmap();
  if (db.files.rootKind === 'worktree') {
    const file = join(repo, '.mailmap');
    const stat = lstatSync(file, { throwIfNoEntry: false });
    if (stat?.isFile()) map.addText(readFileSync(file));
  } else if (db.files.rootKind === 'gitdir') {
    const r = resolveName(db, refs, 'HEAD:.mailmap');
    if (r.kind === 'found' && db.has(r.oid)) {
      const obj = db.read(r.oid);
      if (obj.type === 'blob') map.addText(obj.data);
    }
  }
  return map;
}
