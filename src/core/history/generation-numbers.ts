import { loadCommitGraph, commitGraphFilesFrom } from '../format/commit-graph-chain.ts';
import type { ObjectDatabase } from '../odb/database.ts';
import type { RefMap } from '../repo/refs.ts';

/**
 * Whether git 2.39 has generation numbers for this repository (commit-graph.c,
 * generation_numbers_enabled): a commit-graph loads, holds commits, and its top layer's first
 * commit has a topological level; and the graph may be used at all (commit_graph_compatible: no
 * replace refs). It changes what `git log --graph --first-parent` prints: with generation
 * numbers git streams the topological order (revision.c, init_topo_walk) and counts only
 * first-parent edges; without them it sorts the whole walk (sort_in_topological_order), where a
 * merge's other parents count as children too.
 */
export function gitHasGenerationNumbers(db: ObjectDatabase, refs: RefMap): boolean {
  const files = db.files.commitGraphFiles ?? [];
  if (files.length === 0) return false;
  for (const name of refs.keys()) if (name.startsWith('refs/replace/')) return false;
  try {
    const load = loadCommitGraph(commitGraphFilesFrom(files), { expectedAlgo: db.algo });
    const graph = load.graph;
    if (!graph || graph.count === 0) return false;
    const top = graph.layers[graph.layers.length - 1];
    return top.count > 0 && top.commitData(0).topoLevel !== 0;
  } catch {
    // A graph git cannot load is one git does not use.
    return false;
  }
}
