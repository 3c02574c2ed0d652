import type { ByteSource } from '../bytes/source.ts';
import { PackscopeError, fail } from '../errors.ts';
import type { HashAlgo } from '../hash/algo.ts';
import { fromHex, toHex } from '../hash/hex.ts';
import { CommitGraphFile, EXTRA_EDGES_NEEDED, GENERATION_OVERFLOW, LAST_EDGE, PARENT_NONE, type CommitGraphOpenOptions } from './commit-graph.ts';

/**
 * The commit-graph of an object folder as git 2.39 loads it: `objects/info/commit-graph` when
 * that file exists, otherwise the split chain `objects/info/commit-graphs/commit-graph-chain`
 * whose lines name `graph-<hash>.graph` layers, base first. Loading a chain stops at the first
 * layer that is missing or does not fit (git keeps the layers below it, with a warning).
 *
 * Positions are global: layer k's commits are numbered after those of layers 0..k-1.
 */

/** A line git prints while loading (`error: …` or `warning: …`). */
export interface GraphLoadMessage {
  level: 'error' | 'warning';
  text: string;
  /** The file concerned, for the app. */
  file?: string;
  offset?: number;
}

/** Where the files are: the flat file, the chain file, and a lookup of layers by hash. */
export interface CommitGraphFiles {
  flat?: ByteSource;
  chain?: ByteSource;
  /** The layer file `graph-<line>.graph` named by a chain line (the line as written). */
  layer?: (line: string) => ByteSource | undefined;
}

export interface CommitGraphLoad {
  kind: 'flat' | 'chain' | 'none';
  /** The loaded graph, or undefined when nothing loaded. */
  graph: CommitGraph | undefined;
  /** True when the flat file exists (git's `open_ok`: a flat file that fails to load is an error). */
  flatExists: boolean;
  /** The chain file's lines (chains), as written. */
  chainLines: string[];
  messages: GraphLoadMessage[];
}

/** A loaded graph: one flat file, or the layers of a chain, base first. */
export class CommitGraph {
  readonly layers: readonly CommitGraphFile[];
  /** Commits in the layers below each layer (git's `num_commits_in_base`). */
  readonly bases: readonly number[];
  /**
   * Whether each layer's generations are corrected commit dates (GDA2) or topological levels.
   * In a chain, one layer without GDA2 turns it off for all (git's validate_mixed_generation_chain).
   */
  readonly readGenerationData: readonly boolean[];
  readonly count: number;
  readonly algo: HashAlgo;

  constructor(layers: readonly CommitGraphFile[], mixedRule: boolean) {
    if (layers.length === 0) fail('NotFound', 'no commit-graph layers');
    this.layers = layers;
    const bases: number[] = [];
    let total = 0;
    for (const l of layers) {
      bases.push(total);
      total += l.count;
    }
    this.bases = bases;
    this.count = total;
    this.algo = layers[0].algo;
    const all = layers.every((l) => l.gda2 !== undefined);
    this.readGenerationData = layers.map((l) => (mixedRule ? all : l.gda2 !== undefined));
  }

  /** The layer holding a global position (git walks down from the top the same way). */
  layerOf(pos: number): number {
    if (pos < 0 || pos >= this.count) fail('OutOfRange', `commit position ${pos} is outside the commit-graph's ${this.count} commits`);
    let k = this.layers.length - 1;
    while (pos < this.bases[k]) k--;
    return k;
  }

  oidHexAt(pos: number): string {
    const k = this.layerOf(pos);
    return this.layers[k].oidHexAt(pos - this.bases[k]);
  }

  /** Global position of a commit, searching the top layer first (git's search_commit_pos_in_graph); -1 when absent. */
  find(oid: Uint8Array): number {
    for (let k = this.layers.length - 1; k >= 0; k--) {
      const i = this.layers[k].find(oid);
      if (i >= 0) return this.bases[k] + i;
    }
    return -1;
  }

  /**
   * Parent positions of the commit at `pos`, as git's fill_commit_in_graph reads them. A
   * position outside the layer's reach, an EDGE index without EDGE, or an EDGE list running
   * off the file raises a PackscopeError.
   */
  parentPositions(pos: number): number[] {
    const k = this.layerOf(pos);
    const layer = this.layers[k];
    const limit = this.bases[k] + layer.count;
    const i = pos - this.bases[k];
    const data = layer.commitData(i);
    const out: number[] = [];
    const push = (p: number) => {
      if (p >= limit) fail('OutOfRange', `invalid parent position ${p}`, { file: layer.name, offset: layer.dataOffset(i) + layer.algo.size });
      out.push(p);
    };
    if (data.parent1 === PARENT_NONE) return out;
    push(data.parent1);
    if (data.parent2 === PARENT_NONE) return out;
    if ((data.parent2 & EXTRA_EDGES_NEEDED) === 0) {
      push(data.parent2);
      return out;
    }
    if (layer.edge === undefined) fail('BadChunk', `commit ${layer.oidHexAt(i)} needs the EDGE chunk, which is missing`, { file: layer.name, offset: layer.dataOffset(i) + layer.algo.size + 4 });
    let e = data.parent2 & 0x7fffffff;
    for (;;) {
      const word = layer.edgeWord(e) as number;
      push(word & 0x7fffffff);
      if ((word & LAST_EDGE) !== 0) break;
      e++;
    }
    return out;
  }

  /**
   * The generation git uses for the commit at `pos` (git's fill_commit_graph_info): the corrected
   * commit date (time + GDA2 offset, or + GDO2 entry) when the layer's generations are read,
   * else the topological level. A BigInt: hostile GDO2 values go past 2^53.
   */
  generation(pos: number): bigint {
    const k = this.layerOf(pos);
    const layer = this.layers[k];
    const i = pos - this.bases[k];
    const data = layer.commitData(i);
    if (!this.readGenerationData[k]) return BigInt(data.topoLevel);
    const word = layer.generationWord(i) as number;
    if ((word & GENERATION_OVERFLOW) === 0) return BigInt(data.time) + BigInt(word);
    const overflow = layer.generationOverflow(word & 0x7fffffff);
    if (overflow === undefined) fail('BadChunk', 'commit-graph requires overflow generation data but has none', { file: layer.name, offset: (layer.gda2?.offset ?? 0) + 4 * i });
    return BigInt.asUintN(64, BigInt(data.time) + overflow);
  }

  /**
   * What the graph says about one commit, by id: for callers that want parents and generations
   * without parsing commits. Undefined when the graph does not hold the commit.
   */
  commit(oidHex: string): GraphCommit | undefined {
    const pos = this.find(fromHex(oidHex));
    if (pos < 0) return undefined;
    const k = this.layerOf(pos);
    const data = this.layers[k].commitData(pos - this.bases[k]);
    const generation = this.generation(pos);
    return {
      position: pos,
      tree: toHex(data.tree),
      parents: this.parentPositions(pos).map((p) => this.oidHexAt(p)),
      time: data.time,
      topoLevel: data.topoLevel,
      generation: Number(generation),
      correctedDate: this.readGenerationData[k],
    };
  }
}

/** One commit as the graph records it. */
export interface GraphCommit {
  position: number;
  tree: string;
  parents: string[];
  time: number;
  topoLevel: number;
  /** The generation git compares: corrected commit date when `correctedDate`, else the topological level. */
  generation: number;
  correctedDate: boolean;
}

function loadMessage(err: PackscopeError): GraphLoadMessage {
  const m: GraphLoadMessage = { level: 'error', text: err.detail };
  if (err.file !== undefined) m.file = err.file;
  if (err.offset !== undefined) m.offset = err.offset;
  return m;
}

/** Opens one file as git's load_commit_graph_one does; a failure becomes git's `error:` line. */
function openLayer(source: ByteSource, options: CommitGraphOpenOptions, messages: GraphLoadMessage[]): CommitGraphFile | undefined {
  try {
    return CommitGraphFile.open(source, options);
  } catch (err) {
    if (!(err instanceof PackscopeError)) throw err;
    messages.push(loadMessage(err));
    return undefined;
  }
}

const textDecoder = new TextDecoder('latin1');

/**
 * Loads the object folder's commit-graph as `git commit-graph verify` does (git 2.39): the flat
 * file when it exists (alone: a chain beside it is not read), else the chain.
 */
export function loadCommitGraph(files: CommitGraphFiles, options: CommitGraphOpenOptions): CommitGraphLoad {
  const messages: GraphLoadMessage[] = [];
  if (files.flat !== undefined) {
    const g = openLayer(files.flat, options, messages);
    return { kind: 'flat', graph: g ? new CommitGraph([g], false) : undefined, flatExists: true, chainLines: [], messages };
  }
  if (files.chain === undefined) return { kind: 'none', graph: undefined, flatExists: false, chainLines: [], messages };
  const hexSize = options.expectedAlgo.hexSize;
  const chainSource = files.chain;
  if (chainSource.size <= hexSize) return { kind: 'chain', graph: undefined, flatExists: false, chainLines: [], messages };
  if (chainSource.size > 1 << 24) fail('TooLarge', `commit-graph chain file of ${chainSource.size} bytes`, { file: chainSource.name });
  const text = textDecoder.decode(chainSource.read(0, chainSource.size));
  const lines = text.split('\n');
  if (text.endsWith('\n')) lines.pop();
  // git sizes its id array by the file size, and reads no more lines than that.
  const count = Math.floor(chainSource.size / (hexSize + 1));
  const ids: string[] = [];
  const layers: CommitGraphFile[] = [];
  const hexLine = new RegExp(`^[0-9a-fA-F]{${hexSize}}`);
  for (let i = 0; i < count && i < lines.length; i++) {
    const line = lines[i];
    if (!hexLine.test(line)) {
      messages.push({ level: 'warning', text: `invalid commit-graph chain: line '${line}' not a hash`, file: chainSource.name });
      break;
    }
    ids.push(line.slice(0, hexSize).toLowerCase());
    const source = files.layer?.(line);
    const g = source ? openLayer(source, options, messages) : undefined;
    let valid = false;
    if (g !== undefined) valid = fitsChain(g, layers, ids, i, messages);
    if (!valid) {
      messages.push({ level: 'warning', text: 'unable to find all commit-graph files', file: chainSource.name });
      break;
    }
    layers.push(g as CommitGraphFile);
  }
  return { kind: 'chain', graph: layers.length > 0 ? new CommitGraph(layers, true) : undefined, flatExists: false, chainLines: lines, messages };
}

/** git's add_graph_to_chain: the layer's BASE ids must be the chain's lines and the loaded layers' checksums. */
function fitsChain(g: CommitGraphFile, below: CommitGraphFile[], ids: string[], n: number, messages: GraphLoadMessage[]): boolean {
  if (n > 0 && g.base === undefined) {
    messages.push({ level: 'warning', text: 'commit-graph has no base graphs chunk', file: g.name });
    return false;
  }
  for (let k = n - 1; k >= 0; k--) {
    const layer = below[k];
    if (layer === undefined || ids[k] !== layer.checksum || g.baseId(k) !== ids[k]) {
      messages.push({ level: 'warning', text: 'commit-graph chain does not match', file: g.name });
      return false;
    }
  }
  return true;
}

/** Picks the commit-graph files out of the discovered `objects/info` files (see discover.ts). */
export function commitGraphFilesFrom(entries: readonly { path: string; source: ByteSource }[]): CommitGraphFiles {
  const isFlat = (p: string) => p === 'info/commit-graph' || p.endsWith('/info/commit-graph');
  const flat = entries.find((e) => isFlat(e.path));
  const chain = entries.find((e) => e.path.endsWith('commit-graphs/commit-graph-chain'));
  const files: CommitGraphFiles = {
    layer: (line) => entries.find((e) => e.path.endsWith(`commit-graphs/graph-${line}.graph`))?.source,
  };
  if (flat) files.flat = flat.source;
  if (chain) files.chain = chain.source;
  return files;
}
