import { fail } from '../core/errors.ts';
import { toHex } from '../core/hash/hex.ts';
import { generationGraph, repositoryCommitGraph } from '../core/history/generation-numbers.ts';
import { HistoryGraph } from '../core/history/history-graph.ts';
import { allRefStarts, labelsByCommit, peelToCommit, type RefLabel } from '../core/history/log-starts.ts';
import type { GraphPage, GraphQuery, GraphRowInfo } from '../protocol/history-graph.ts';
import { GRAPH_PAGE_LIMIT } from '../protocol/history-graph.ts';
import type { HandlerContext } from '../protocol/rpc.ts';
import { resolveToOid } from '../core/browse/browse.ts';
import { reachability } from './forensics/find/reachability.ts';
import type { Session } from './session.ts';

/**
 * Adapts the history graph (core/history/history-graph.ts) to pages: one graph per query and
 * session, the last few kept, produced in short slices so lookups and cancels get through.
 */

/** Graphs kept per session (each holds its rows' cells: a few MB for git.git). */
const KEPT = 4;
/** Milliseconds of work between yields. */
const SLICE_MS = 12;

interface Kept {
  graph: HistoryGraph;
  labels: Map<string, RefLabel[]>;
  unreachable: Set<string> | undefined;
}

const graphs = new WeakMap<Session, Map<string, Kept>>();
const labelCache = new WeakMap<Session, Map<string, RefLabel[]>>();

/** Rows [start, start + count) of the query's graph. */
export async function historyGraphPage(session: Session, query: GraphQuery, start: number, count: number, ctx: HandlerContext): Promise<GraphPage> {
  const began = performance.now();
  const kept = await graphFor(session, query, ctx);
  const { graph } = kept;
  const end = start + Math.max(0, Math.min(count, GRAPH_PAGE_LIMIT));
  for (;;) {
    if (graph.rows.length >= end || graph.done) break;
    if (graph.allOut) graph.confirm(SLICE_MS);
    else graph.produce(end, performance.now() + SLICE_MS);
    ctx.progress(graph.rows.length, end, graph.allOut ? 'Confirming the order (walking the rest)' : 'Walking history', { unit: 'commits' });
    await ctx.pause();
  }
  const rows: GraphRowInfo[] = [];
  for (let i = start; i < Math.min(end, graph.rows.length); i++) {
    const r = graph.rows[i];
    const oid = graph.oidOf(r.commit);
    const d = graph.details(r.commit);
    const row: GraphRowInfo = {
      oid,
      lines: r.lines,
      commitLine: r.commitLine,
      cut: r.cut,
      subject: d.subject,
      authorName: d.authorName,
      authorEmail: d.authorEmail,
      authorTime: d.authorTime,
      authorZone: d.authorZone,
      parentCount: graph.parentCountOf(r.commit),
      shownParents: r.shownParents,
      labels: kept.labels.get(oid) ?? [],
    };
    if (kept.unreachable?.has(oid)) row.unreachable = true;
    if (d.error !== undefined || graph.unreadable(r.commit)) row.error = d.error ?? 'the commit could not be read';
    rows.push(row);
  }
  return {
    generation: graph.generation,
    start,
    rows,
    produced: graph.rows.length,
    done: graph.done,
    walked: graph.commitsRead,
    unreachableCommits: kept.unreachable?.size,
    ms: performance.now() - began,
  };
}

async function graphFor(session: Session, query: GraphQuery, ctx: HandlerContext): Promise<Kept> {
  let perSession = graphs.get(session);
  if (!perSession) graphs.set(session, (perSession = new Map()));
  const key = JSON.stringify([query.scope, query.firstParent, query.unreachable, query.author ?? '', query.since ?? null, query.until ?? null, query.path ?? '']);
  const hit = perSession.get(key);
  if (hit) {
    perSession.delete(key);
    perSession.set(key, hit);
    return hit;
  }
  const starts: string[] = [];
  if (query.scope.kind === 'all-refs') starts.push(...allRefStarts(session.refs));
  else {
    const oid = toHex(resolveToOid(session.db, session.refs, query.scope.rev));
    const commit = peelToCommit(session.db, oid);
    if (commit === undefined) fail('BadName', `${query.scope.rev} does not lead to a commit`);
    starts.push(commit);
  }
  let unreachable: Set<string> | undefined;
  if (query.unreachable) {
    // git fsck --unreachable --no-reflogs: computed once per session, shared with the Unreachable view.
    const reach = await reachability(session, false, ctx);
    unreachable = new Set(reach.unreachable.filter((u) => u.type === 'commit').map((u) => u.oid));
    // Named after the refs, by id: the same graph as `git log --all <those ids, sorted>`.
    starts.push(...[...unreachable].sort());
  }
  // A path is taken from the top of the tree: '', '.' and slashes around it are spelling.
  const path = (query.path ?? '')
    .split('/')
    .filter((p) => p !== '' && p !== '.')
    .join('/');
  const graph = new HistoryGraph(session.db, starts, {
    firstParent: query.firstParent,
    graph: generationGraph(session.db, session.refs),
    author: query.author,
    since: query.since,
    until: query.until,
    ...(path !== '' ? { paths: [new TextEncoder().encode(path)], pathGraph: repositoryCommitGraph(session.db, session.refs) } : {}),
  });
  const kept: Kept = { graph, labels: labelsOf(session), unreachable };
  perSession.set(key, kept);
  if (perSession.size > KEPT) perSession.delete(perSession.keys().next().value as string);
  return kept;
}

function labelsOf(session: Session): Map<string, RefLabel[]> {
  let labels = labelCache.get(session);
  if (!labels) labelCache.set(session, (labels = labelsByCommit(session.db, session.refs)));
  return labels;
}
