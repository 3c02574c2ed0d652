import { toWire, type WireError } from '../errors.ts';
import { MultiPackIndexChain } from '../format/midx-chain.ts';
import { MultiPackIndex } from '../format/midx.ts';
import { toHex } from '../hash/hex.ts';
import { commitGraphPresence } from '../anatomy/commit-graph.ts';
import type { PackWithoutIdx } from '../index-pack/pack-index-run.ts';
import type { OpenRepository } from './open-repository.ts';
import { resolveRef, type RefMap } from './refs.ts';

/**
 * The overview of an opened repository: its packs (headers and fanouts, never a pack's
 * content), the multi-pack-index, loose objects, refs, HEAD and what failed to open.
 */

/** A pack of the opened folder. */
export interface PackSummary {
  name: string;
  objects: number;
  packBytes: number;
  idxBytes: number;
  idxVersion: 1 | 2;
  packVersion: number;
  largeOffsets: number;
  hasRev: boolean;
  hasBitmap: boolean;
  hasKeep: boolean;
  hasPromisor: boolean;
  hasMtimes: boolean;
  coveredByMidx: boolean;
  mtimeMs: number;
}

/** A multi-pack-index chunk. */
export interface ChunkSummary {
  id: string;
  offset: number;
  length: number;
}

/** The multi-pack-index, flat or chain. */
export interface MidxSummary {
  file: string;
  kind: 'flat' | 'chain';
  version: number;
  layers: number;
  objects: number;
  packs: string[];
  chunks: ChunkSummary[];
  checksum: string;
}

/** A reference. */
export interface RefSummary {
  name: string;
  oid?: string;
  target?: string;
  peeled?: string;
}

/** What the overview shows; built from headers and fanouts only. */
export interface RepoSummary {
  /** The folder's name, for the title bar. */
  title: string;
  rootKind: 'worktree' | 'gitdir' | 'objects' | 'pack';
  hashAlgo: 'sha1' | 'sha256';
  packs: PackSummary[];
  /** Pack-like files that could not be opened (no idx, no pack, damaged). */
  midx: MidxSummary | undefined;
  looseObjects: number;
  refs: RefSummary[];
  head: { symbolic?: string; oid?: string } | undefined;
  /** Objects over all sources, duplicates counted once per copy (exact count needs the index). */
  objectEntries: number;
  problems: WireError[];
  /** Milliseconds from receiving the folder to this summary, in the worker. */
  openMs: number;
  /** Packs with no `.idx` beside them (index-pack can index them; see protocol/index-pack.ts). */
  packsWithoutIdx?: PackWithoutIdx[];
  /** The commit-graph files in objects/info, when there are any (not loaded for the summary). */
  commitGraph?: { kind: 'flat' | 'chain'; files: number; bytes: number };
}

/** What the overview needs beyond the files and the database. */
export interface SummaryFacts {
  title: string;
  refs: RefMap;
  openMs: number;
  packsWithoutIdx: PackWithoutIdx[];
}

/** The overview: headers, fanouts, names; never a pack's content. */
export function repositorySummary(repo: OpenRepository, facts: SummaryFacts): RepoSummary {
  const db = repo.db;
  const coveredNames = new Set((db.midx?.packNames ?? []).map((n) => n.replace(/\.(idx|pack)$/, '')));
  const opened = new Map(db.packs.map((p) => [p.name, p]));
  const packs: PackSummary[] = [];
  for (const g of db.packFiles) {
    const p = opened.get(g.name);
    if (!p) continue;
    packs.push({
      name: g.name,
      objects: p.count,
      packBytes: p.data.size,
      idxBytes: p.idx.source.size,
      idxVersion: p.idx.version,
      packVersion: p.header.version,
      largeOffsets: p.idx.largeOffsetCount,
      hasRev: g.rev !== undefined,
      hasBitmap: g.bitmap !== undefined,
      hasKeep: g.keep !== undefined,
      hasPromisor: g.promisor !== undefined,
      hasMtimes: g.mtimes !== undefined,
      coveredByMidx: coveredNames.has(g.name),
      mtimeMs: g.pack?.mtimeMs ?? 0,
    });
  }
  const refs: RefSummary[] = [...facts.refs.entries()]
    .filter(([name]) => name !== 'HEAD')
    .map(([name, v]) =>
      v.kind === 'oid' ? { name, oid: v.oid, ...(v.peeled ? { peeled: v.peeled } : {}) } : { name, target: v.target, ...(resolveRef(facts.refs, name) ? { oid: resolveRef(facts.refs, name) } : {}) },
    )
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  const headValue = facts.refs.get('HEAD');
  const head = headValue ? (headValue.kind === 'symbolic' ? { symbolic: headValue.target, oid: resolveRef(facts.refs, 'HEAD') } : { oid: headValue.oid }) : undefined;
  return {
    title: facts.title,
    rootKind: repo.files.rootKind,
    hashAlgo: db.algo.name,
    packs,
    midx: midxSummary(repo),
    looseObjects: db.loose.size,
    refs,
    head,
    objectEntries: db.sourceObjectCount(),
    problems: db.problems.map(toWire),
    openMs: Math.round(facts.openMs),
    packsWithoutIdx: facts.packsWithoutIdx,
    ...commitGraphPresence(repo.files),
  };
}

function midxSummary(repo: OpenRepository): MidxSummary | undefined {
  const m = repo.db.midx;
  if (!m) return undefined;
  const midx = m.midx;
  const layers = midx.layers;
  const top = layers[layers.length - 1];
  return {
    file: m.file,
    kind: midx instanceof MultiPackIndexChain ? 'chain' : 'flat',
    version: midx instanceof MultiPackIndex ? midx.version : (top?.version ?? 1),
    layers: layers.length,
    objects: midx.count,
    packs: [...midx.packNames],
    chunks: (top?.chunks ?? []).map((c) => ({ id: c.id, offset: c.offset, length: c.length })),
    checksum: top ? toHex(top.checksum()) : '',
  };
}
