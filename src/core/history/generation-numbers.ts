import { loadCommitGraph, commitGraphFilesFrom, type CommitGraph } from '../format/commit-graph-chain.ts';
import type { ObjectDatabase } from '../odb/database.ts';
import type { RefMap } from '../repo/refs.ts';

/**
 * The commit-graph, when git 2.39 has generation numbers for this repository (commit-graph.c,
 * generation_numbers_enabled): a commit-graph loads, holds commits, and its top layer's first
 * commit has a topological level; and the graph may be used at all (commit_graph_compatible: no
 * replace refs). It changes what `git log --graph --first-parent` prints: with generation
 * numbers git streams the topological order (revision.c, init_topo_walk) and counts only
 * first-parent edges; without them it sorts the whole walk (sort_in_topological_order), where a
 * merge's other parents count as children too.
 */
export function generationGraph(db: ObjectDatabase, refs: RefMap): CommitGraph | undefined {
  const files = db.files.commitGraphFiles ?? [];
  if (files.length === 0) return undefined;
  for (const name of refs.keys()) if (name.startsWith('refs/replace/')) return undefined;
  try {
    const load = loadCommitGraph(commitGraphFilesFrom(files), { expectedAlgo: db.algo });
    const graph = load.graph;
    if (!graph || graph.count === 0) return undefined;
    const top = graph.layers[graph.layers.length - 1];
    return top.count > 0 && top.commitData(0).topoLevel !== 0 ? graph : undefined;
  } catch {
    // A graph git cannot load is one git does not use.
    return undefined;
  }
}
