import { bloomFilterContains, bloomKeysOfPath, type BloomKey } from '../format/commit-graph-bloom.ts';
import type { CommitGraph } from '../format/commit-graph-chain.ts';
import type { BloomSettings } from '../format/commit-graph.ts';
import { fromHex } from '../hash/hex.ts';
import type { CommitNode } from './commit-node.ts';

/**
 * What history walks (path-log.ts, blame.ts) take from the commit-graph instead of reading
 * commits, as git does once a commit is found in the graph (parse_commit_in_graph): the tree,
 * the parents and the committer date; and the changed-path Bloom filters' answer to "did this
 * path change against the first parent?" (revision.c check_maybe_different_in_bloom_filter,
 * blame.c maybe_changed_path). A filter never says "no" for a path that changed, so using it
 * changes how much is read, never what is shown.
 */

/** How often the Bloom filters answered (git's trace2 bloom statistics). */
export interface BloomStats {
  /** The filter said the paths did not change: nothing more was read. */
  definitelyNot: number;
  /** The filter said maybe: the trees were compared. */
  maybe: number;
  /** No filter for the commit (not in the graph, a layer without filters, an empty filter). */
  notPresent: number;
}

/** A commit as the graph records it, with its place in the graph. */
export interface GraphNode extends CommitNode {
  position: number;
}

// WHATWG's latin1 (windows-1252) maps every byte to its own code point: a key for byte strings.
const byteNames = new TextDecoder('latin1');

/** See the file comment. */
export class GraphCommits {
  readonly bloom: BloomStats = { definitelyNot: 0, maybe: 0, notPresent: 0 };
  private readonly keys = new Map<BloomSettings, Map<string, BloomKey[]>>();

  constructor(readonly graph: CommitGraph) {}

  /** The commit's tree, parents and date from the graph; undefined when the graph does not hold it or cannot answer. */
  node(hex: string): GraphNode | undefined {
    const graph = this.graph;
    try {
      const position = graph.find(fromHex(hex));
      if (position < 0) return undefined;
      const k = graph.layerOf(position);
      const data = graph.layers[k].commitData(position - graph.bases[k]);
      const parents = graph.parentPositions(position).map((p) => graph.oidHexAt(p));
      return { tree: data.tree, parents, time: data.time, position };
    } catch {
      // A graph that cannot answer: the caller reads the commit itself.
      return undefined;
    }
  }

  /**
   * Whether any of `paths` may have changed between the commit at `position` and its first
   * parent: false only when the commit's filter says none did (each path checked with its
   * leading directories, as git's bloom_keyvec). An empty path (the whole tree) is always maybe.
   */
  mayHaveChanged(position: number, paths: readonly Uint8Array[]): boolean {
    const graph = this.graph;
    let settings: BloomSettings | undefined;
    try {
      settings = graph.layers[graph.layerOf(position)].bloom;
    } catch {
      settings = undefined;
    }
    if (!settings || paths.some((p) => p.length === 0)) {
      this.bloom.notPresent++;
      return true;
    }
    let answer: -1 | 0 | 1 = 0;
    for (const path of paths) {
      answer = bloomFilterContains(graph, position, this.keysOf(path, settings));
      if (answer !== 0) break;
    }
    if (answer === -1) this.bloom.notPresent++;
    else if (answer === 1) this.bloom.maybe++;
    else this.bloom.definitelyNot++;
    return answer !== 0;
  }

  private keysOf(path: Uint8Array, settings: BloomSettings): BloomKey[] {
    let bySettings = this.keys.get(settings);
    if (!bySettings) this.keys.set(settings, (bySettings = new Map()));
    const name = byteNames.decode(path);
    let keys = bySettings.get(name);
    if (!keys) bySettings.set(name, (keys = bloomKeysOfPath(path, settings)));
    return keys;
  }
}
