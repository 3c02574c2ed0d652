import { loadCommitGraph, commitGraphFilesFrom, type CommitGraph } from '../format/commit-graph-chain.ts';
import { commitGraphSettings } from '../format/commit-graph-config.ts';
import type { ObjectDatabase } from '../odb/database.ts';
import type { RefMap } from '../repo/refs.ts';

/**
 * The commit-graph, when git 2.39 has generation numbers for this repository (commit-graph.c,
 * generation_numbers_enabled): a commit-graph loads, holds commits, and its top layer's first
 * commit has a topological level; and the graph may be used at all (commit_graph_compatible: no
 * replace refs; see repositoryCommitGraph for the config). It changes what `git log --graph --first-parent` prints: with generation
 * numbers git streams the topological order (revision.c, init_topo_walk) and counts only
 * first-parent edges; without them it sorts the whole walk (sort_in_topological_order), where a
 * merge's other parents count as children too.
 */
export function generationGraph(db: ObjectDatabase, refs: RefMap): CommitGraph | undefined {
  const graph = repositoryCommitGraph(db, refs);
  if (!graph) return undefined;
  const top = graph.layers[graph.layers.length - 1];
  return top.count > 0 && top.commitData(0).topoLevel !== 0 ? graph : undefined;
}

/**
 * The commit-graph as git would read it for this repository, whatever it is then used for
 * (parents and trees in a walk, changed-path Bloom filters): none when the config turns it off
 * (`core.commitGraph`), when replace refs exist, or when it does not load; its generations and
 * Bloom filters read as `commitGraph.generationVersion` and `commitGraph.readChangedPaths` say
 * (commit-graph-config.ts). Loaded once per database.
 */
export function repositoryCommitGraph(db: ObjectDatabase, refs: RefMap): CommitGraph | undefined {
  const files = db.files.commitGraphFiles ?? [];
  if (files.length === 0) return undefined;
  for (const name of refs.keys()) if (name.startsWith('refs/replace/')) return undefined;
  const cached = loaded.get(db);
  if (cached) return cached.graph;
  let graph: CommitGraph | undefined;
  try {
    const config = db.files.config;
    const settings = commitGraphSettings(config ? config.source.read(0, Math.min(config.source.size, 1 << 20)) : undefined);
    if (settings.enabled) {
      const load = loadCommitGraph(commitGraphFilesFrom(files), {
        expectedAlgo: db.algo,
        generationVersion: settings.generationVersion,
        readChangedPaths: settings.readChangedPaths,
      });
      if (load.graph && load.graph.count > 0) graph = load.graph;
    }
  } catch {
    // A graph git cannot load (or a config that cannot be read) is one git does not use.
    graph = undefined;
  }
  loaded.set(db, { graph });
  return graph;
}

const loaded = new WeakMap<ObjectDatabase, { graph: CommitGraph | undefined }>();
