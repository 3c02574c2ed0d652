import { GraphLayout } from '../../core/history/commit-graph-layout.ts';
import { onelineSubject } from '../../core/history/commit-subject.ts';
import { generationGraph, repositoryCommitGraph } from '../../core/history/generation-numbers.ts';
import { wholeGraphOrder } from '../../core/history/graph-order.ts';
import { allRefStarts, peelToCommit } from '../../core/history/log-starts.ts';
import { LogWalk } from '../../core/history/log-walk.ts';
import { HistoryGraph } from '../../core/history/history-graph.ts';
import { PathGraph } from '../../core/history/path-graph.ts';
import { Abbreviator } from '../../core/diff/diff-format.ts';
import { fromHex, toHex } from '../../core/hash/hex.ts';
import { resolveName } from '../../core/odb/names.ts';
import { UsageError } from '../errors.ts';
import { Output } from '../output.ts';
import { openRepository } from '../repository.ts';

const USAGE = 'log --graph --oneline [--all] [--first-parent] [--since=<date>] [--until=<date>] [--author=<pattern>]... [-i] [<rev>...] [-- <path>...] <path>';

/** What the graph is limited to. */
interface GraphFilters {
  since?: number;
  until?: number;
  authors: string[];
  ignoreCase: boolean;
  paths: Uint8Array[];
}

/**
 * `log --graph --oneline [--all] [--first-parent] [<rev>…] <path>`: git's graph, byte for byte
 * (no colour, no decorations: what git writes to a pipe). The order comes from the streaming
 * graph order, checked against the exact sort once the walk is over: where a skewed clock broke
 * the stream's assumption, the exact order is printed instead (nothing is printed before).
 *
 * Limits as git's: `--since`/`--after` and `--until`/`--before` (committer dates; the walk stops
 * at `--since`, see history-graph.ts), `--author` (a basic regular expression, any of several;
 * `-i` ignores case), and paths after `--`: the graph of the simplified history
 * (path-graph.ts). Dates are `<seconds>`, `@<seconds>` or `YYYY-MM-DD[T ]HH:MM[:SS] <zone>`.
 */
export async function logGraph(args: string[]): Promise<number> {
  const repoPath = args[args.length - 1];
  if (args.length === 0 || repoPath.startsWith('-')) throw new UsageError(`log: give the repository path last\nusage: ${USAGE}`);
  const dashes = args.indexOf('--');
  const optionArgs = dashes < 0 ? args.slice(0, -1) : args.slice(0, dashes);
  const encoder = new TextEncoder();
  const filters: GraphFilters = { authors: [], ignoreCase: false, paths: dashes < 0 ? [] : args.slice(dashes + 1, -1).map((p) => encoder.encode(normalisePath(p))) };
  let graph = false;
  let oneline = false;
  let firstParent = false;
  const named: ({ all: true } | { rev: string })[] = [];
  for (const a of optionArgs) {
    const value = (name: string) => (a.startsWith(`${name}=`) ? a.slice(name.length + 1) : undefined);
    const since = value('--since') ?? value('--after') ?? value('--since-as-filter');
    const until = value('--until') ?? value('--before');
    const author = value('--author');
    if (a === '--graph') graph = true;
    else if (a === '--oneline') oneline = true;
    else if (a === '--all') named.push({ all: true });
    else if (a === '--first-parent') firstParent = true;
    else if (a === '-i' || a === '--regexp-ignore-case') filters.ignoreCase = true;
    else if (since !== undefined && !a.startsWith('--since-as-filter')) filters.since = parseGitDate(since);
    else if (until !== undefined) filters.until = parseGitDate(until);
    else if (author !== undefined) filters.authors.push(author);
    else if (a.startsWith('-')) throw new UsageError(`log: unknown option ${a}\nusage: ${USAGE}`);
    else named.push({ rev: a });
  }
  if (!graph || !oneline) throw new UsageError(`log: the graph is printed with --graph --oneline\nusage: ${USAGE}`);
  if (filters.paths.length > 0 && (firstParent || filters.since !== undefined || filters.until !== undefined || filters.authors.length > 0)) {
    throw new UsageError('log: paths are not combined with --first-parent, --since, --until or --author here');
  }
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

  const abbrev = new Abbreviator(db);
  const layout = new GraphLayout();
  const out = new Output();
  const print = (n: number, oid: string, parents: readonly number[]) => {
    const row = layout.next(n, parents);
    row.lines.forEach((line, i) => {
      out.bytes(line.codes);
      if (i === row.commitLine) {
        out.text(`${abbrev.abbrev(fromHex(oid))} `);
        out.bytes(subjectOf(db, oid, encoder));
      }
      out.text('\n');
    });
  };

  if (filters.paths.length > 0) {
    // git peels what it is given (--all names tags, some of trees or blobs: those lead nowhere).
    const commits = starts.map((s) => peelToCommit(db, s)).filter((c): c is string => c !== undefined);
    const pathGraph = new PathGraph(db, commits.map(fromHex), filters.paths, { graph: repositoryCommitGraph(db, refs) });
    const numberOf = new Map<string, number>();
    const number = (oid: string) => {
      let k = numberOf.get(oid);
      if (k === undefined) numberOf.set(oid, (k = numberOf.size));
      return k;
    };
    for (const c of pathGraph.commits()) print(number(c.oid), c.oid, c.parents.map(number));
  } else if (filters.since !== undefined || filters.until !== undefined || filters.authors.length > 0) {
    const history = new HistoryGraph(db, starts, {
      firstParent,
      graph: generationGraph(db, refs),
      since: filters.since,
      until: filters.until,
      author: filters.authors,
      authorIgnoreCase: filters.ignoreCase,
    });
    history.produce(Infinity);
    const walk = history.walk;
    for (const r of history.rows) {
      const parents = (firstParent ? walk.parents[r.commit].slice(0, 1) : walk.parents[r.commit]).filter((p) => history.shown(p));
      print(r.commit, walk.oids[r.commit], parents);
    }
  } else {
    const walk = new LogWalk(db, starts, { firstParent, graph: generationGraph(db, refs) });
    const { order } = wholeGraphOrder(walk);
    for (const n of order) print(n, walk.oids[n], firstParent ? walk.parents[n].slice(0, 1) : walk.parents[n]);
  }
  out.flush();
  return 0;
}

/** `./a//b/` -> `a/b`; `.` -> `` (the whole tree). */
function normalisePath(p: string): string {
  return p
    .split('/')
    .filter((part) => part !== '' && part !== '.')
    .join('/');
}

/**
 * The dates this command takes for --since/--until: seconds since the epoch (`1112911993` or
 * `@1112911993`) or an ISO 8601 date with its time and zone. git's approxidate takes far more
 * ("2 weeks ago"), but reads a date without a zone in the local zone: refused here, so an answer
 * never depends on the machine.
 */
function parseGitDate(text: string): number {
  const seconds = /^@?(\d{1,15})$/.exec(text);
  if (seconds) return Number(seconds[1]);
  const iso = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))? ?(Z|[+-]\d{2}:?\d{2})$/.exec(text);
  if (!iso) throw new UsageError(`log: give dates as <seconds>, @<seconds> or YYYY-MM-DD HH:MM[:SS] <zone>, not ${JSON.stringify(text)}`);
  const [, y, mo, d, h, mi, se, zone] = iso;
  const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(se ?? '0')) / 1000;
  if (zone === 'Z') return utc;
  const z = zone.replace(':', '');
  const offset = (Number(z.slice(1, 3)) * 60 + Number(z.slice(3, 5))) * 60;
  return z[0] === '+' ? utc - offset : utc + offset;
}

function subjectOf(db: Parameters<typeof peelToCommit>[0], oid: string, encoder: TextEncoder): Uint8Array {
  try {
    return onelineSubject(db.read(fromHex(oid)).data);
  } catch (err) {
    return encoder.encode(`(unreadable: ${err instanceof Error ? err.message : String(err)})`);
  }
}
