import { GraphLayout } from '../../core/history/commit-graph-layout.ts';
import { onelineSubject } from '../../core/history/commit-subject.ts';
import { generationGraph } from '../../core/history/generation-numbers.ts';
import { wholeGraphOrder } from '../../core/history/graph-order.ts';
import { allRefStarts, peelToCommit } from '../../core/history/log-starts.ts';
import { LogWalk } from '../../core/history/log-walk.ts';
import { Abbreviator } from '../../core/diff/diff-format.ts';
import { fromHex, toHex } from '../../core/hash/hex.ts';
import { resolveName } from '../../core/odb/names.ts';
import { UsageError } from '../errors.ts';
import { Output } from '../output.ts';
import { openRepository } from '../repository.ts';

const USAGE = 'log --graph --oneline [--all] [--first-parent] [<rev>...] <path>';

/**
 * `log --graph --oneline [--all] [--first-parent] [<rev>…] <path>`: git's graph, byte for byte
 * (no colour, no decorations: what git writes to a pipe). The order comes from the streaming
 * graph order, checked against the exact sort once the walk is over: where a skewed clock broke
 * the stream's assumption, the exact order is printed instead (nothing is printed before).
 */
export async function logGraph(args: string[]): Promise<number> {
  const repoPath = args[args.length - 1];
  if (args.length === 0 || repoPath.startsWith('-')) throw new UsageError(`log: give the repository path last\nusage: ${USAGE}`);
  let graph = false;
  let oneline = false;
  let firstParent = false;
  const named: ({ all: true } | { rev: string })[] = [];
  for (const a of args.slice(0, -1)) {
    if (a === '--graph') graph = true;
    else if (a === '--oneline') oneline = true;
    else if (a === '--all') named.push({ all: true });
    else if (a === '--first-parent') firstParent = true;
    else if (a.startsWith('-')) throw new UsageError(`log: unknown option ${a}\nusage: ${USAGE}`);
    else named.push({ rev: a });
  }
  if (!graph || !oneline) throw new UsageError(`log: the graph is printed with --graph --oneline\nusage: ${USAGE}`);
  const { db, refs } = await openRepository(repoPath);
  const starts: string[] = [];
  if (named.length === 0) named.push({ rev: 'HEAD' });
  for (const n of named) {
    if ('all' in n) {
      starts.push(...allRefStarts(refs));
      continue;
    }
    const r = resolveName(db, refs, n.rev);
    if (r.kind !== 'found') {
      process.stderr.write(`fatal: ambiguous argument '${n.rev}': unknown revision or path not in the working tree.\n`);
      return 128;
    }
    const commit = peelToCommit(db, toHex(r.oid));
    if (commit === undefined) {
      process.stderr.write(`fatal: '${n.rev}' does not name a commit\n`);
      return 128;
    }
    starts.push(commit);
  }

  const walk = new LogWalk(db, starts, { firstParent, graph: generationGraph(db, refs) });
  const { order } = wholeGraphOrder(walk);

  const abbrev = new Abbreviator(db);
  const layout = new GraphLayout();
  const out = new Output();
  const encoder = new TextEncoder();
  for (const n of order) {
    const parents = firstParent ? walk.parents[n].slice(0, 1) : walk.parents[n];
    const row = layout.next(n, parents);
    row.lines.forEach((line, i) => {
      out.bytes(line.codes);
      if (i === row.commitLine) {
        const oid = walk.oids[n];
        out.text(`${abbrev.abbrev(fromHex(oid))} `);
        out.bytes(subjectOf(db, oid, encoder));
      }
      out.text('\n');
    });
  }
  out.flush();
  return 0;
}

function subjectOf(db: Parameters<typeof peelToCommit>[0], oid: string, encoder: TextEncoder): Uint8Array {
  try {
    return onelineSubject(db.read(fromHex(oid)).data);
  } catch (err) {
    return encoder.encode(`(unreadable: ${err instanceof Error ? err.message : String(err)})`);
  }
}
