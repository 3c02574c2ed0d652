import type { ByteSource } from '../bytes/source.ts';
import { PackscopeError } from '../errors.ts';
import type { HashAlgo } from '../hash/algo.ts';
import { comparePrefix, type HexPrefix } from '../hash/hex.ts';
import { MultiPackIndex, type MidxLike } from '../format/midx.ts';
import { MultiPackIndexChain } from '../format/midx-chain.ts';
import type { RepositoryFiles } from '../repo/discover.ts';

/**
 * The database's view of a multi-pack-index: one sorted layer per file (a flat midx is one
 * layer; a chain's layers are listed newest first, the copy git prefers), with pack ids that
 * already count the packs of the layers below.
 */

/** One sorted list of (id, pack, offset). */
export interface MidxLayer {
  readonly count: number;
  oidAt(i: number): Uint8Array;
  /** Global pack id (index into OpenedMidx.packNames). */
  packIdAt(i: number): number;
  offsetAt(i: number): number;
  /** Position of `oid`, or -1. */
  find(oid: Uint8Array): number;
  /** Positions whose ids start with `prefix`, at most `limit`. */
  positionsWithPrefix(prefix: HexPrefix, limit: number): number[];
}

/** A loaded multi-pack-index (flat or chain). */
export interface OpenedMidx {
  /** The file to name in messages (the midx, or the chain file). */
  file: string;
  midx: MidxLike;
  packNames: readonly string[];
  /** Newest first. */
  layers: MidxLayer[];
}

function layerView(file: MultiPackIndex, packBase: number): MidxLayer {
  return {
    count: file.count,
    oidAt: (i) => file.oidAt(i),
    packIdAt: (i) => packBase + file.packIdAt(i),
    offsetAt: (i) => file.offsetAt(i),
    find: (oid) => file.find(oid),
    positionsWithPrefix(prefix, limit) {
      const out: number[] = [];
      for (let i = file.lowerBound(prefix); i < file.count && out.length < limit; i++) {
        if (comparePrefix(file.oidAt(i), 0, prefix) !== 0) break;
        out.push(i);
      }
      return out;
    },
  };
}

/**
 * Opens the flat `multi-pack-index`, else the chain in `multi-pack-index.d/`. A midx that
 * fails to load goes into `problems` and undefined is returned: the packs are then read through
 * their own idx files. A chain whose later layers fail keeps the layers that loaded.
 */
export function openMidx(files: RepositoryFiles, algo: HashAlgo, wrap: (s: ByteSource) => ByteSource, problems: PackscopeError[]): OpenedMidx | undefined {
  const flat = files.packDirFiles.find((f) => f.path.replace(/^.*\//, '') === 'multi-pack-index');
  if (flat) {
    try {
      const midx = MultiPackIndex.open(wrap(flat.source), { expectedAlgo: algo });
      return { file: flat.path, midx, packNames: midx.packNames, layers: [layerView(midx, 0)] };
    } catch (err) {
      problems.push(asProblem(err, flat.path, 'the multi-pack-index could not be loaded; every pack is read through its own .idx instead'));
      return undefined;
    }
  }
  const chainFile = files.midxChainFiles.find((f) => f.path.endsWith('/multi-pack-index-chain'));
  if (!chainFile) return undefined;
  const layerFiles = new Map<string, ByteSource>();
  for (const f of files.midxChainFiles) {
    const m = /multi-pack-index-([0-9a-f]+)\.midx$/.exec(f.path);
    if (m) layerFiles.set(m[1], f.source);
  }
  const chain = MultiPackIndexChain.open(
    wrap(chainFile.source),
    (hex) => {
      const s = layerFiles.get(hex);
      return s ? wrap(s) : undefined;
    },
    { expectedAlgo: algo },
  );
  if (chain.error) {
    problems.push(
      asProblem(
        chain.error,
        chainFile.path,
        chain.layers.length > 0
          ? `the multi-pack-index chain is used up to layer ${chain.layers.length}; packs of later layers are read through their own .idx`
          : 'the multi-pack-index chain could not be loaded; every pack is read through its own .idx instead',
      ),
    );
  }
  if (chain.layers.length === 0) return undefined;
  const layers = chain.layers.map((layer, k) => layerView(layer, chain.layerBase(k).packs)).reverse();
  return { file: chainFile.path, midx: chain, packNames: chain.packNames, layers };
}

function asProblem(err: unknown, file: string, consequence: string): PackscopeError {
  if (err instanceof PackscopeError) return new PackscopeError(err.kind, `${err.detail} (${consequence})`, { file: err.file ?? file, offset: err.offset });
  return new PackscopeError('Io', `${err instanceof Error ? err.message : String(err)} (${consequence})`, { file });
}
