import { u32 } from '../../bytes/be.ts';
import type { ByteSource } from '../../bytes/source.ts';
import { PackscopeError } from '../../errors.ts';
import {
  BLOOM_HEADER_SIZE,
  CHUNK_BASE,
  CHUNK_BDAT,
  CHUNK_BIDX,
  CHUNK_CDAT,
  CHUNK_EDGE,
  CHUNK_GDA2,
  CHUNK_GDO2,
  CHUNK_OIDF,
  CHUNK_OIDL,
  CommitGraphFile,
  EXTRA_EDGES_NEEDED,
  GENERATION_OVERFLOW,
  LAST_EDGE,
  PARENT_NONE,
} from '../../format/commit-graph.ts';
import type { CommitGraphLoad } from '../../format/commit-graph-chain.ts';
import type { HashAlgo } from '../../hash/algo.ts';
import { isHex, toHex } from '../../hash/hex.ts';
import type { RepositoryFiles } from '../../repo/discover.ts';
import { annotateFanout } from './fanout.ts';
import { type AnnotationSink, at, hashName } from './sink.ts';

/**
 * Annotates a commit-graph file (flat, or one layer of a chain) as format/commit-graph.ts reads
 * it: header, chunk table, fanout, ids, CDAT rows (tree, parents, level + time), GDA2/GDO2,
 * EDGE, BIDX/BDAT (settings and each commit's filter), BASE and the checksum.
 *
 * | offset | bytes        | field                                                   |
 * |--------|--------------|---------------------------------------------------------|
 * | 0      | 4            | signature "CGPH"                                        |
 * | 4      | 1            | version 1                                               |
 * | 5      | 1            | hash version                                            |
 * | 6      | 1            | number of chunks                                        |
 * | 7      | 1            | number of base graphs                                   |
 * | 8      | (C + 1) x 12 | chunk table                                             |
 * | end - H| H            | checksum                                                |
 */

const MEANING: Record<string, string> = {
  OIDF: 'commit id fanout',
  OIDL: 'commit ids, sorted',
  CDAT: 'commit data: tree, parents, level and time',
  GDA2: 'corrected commit date offsets',
  GDO2: 'corrected commit date overflow (64-bit)',
  EDGE: 'extra parents of octopus merges',
  BIDX: 'Bloom filter index (cumulative ends)',
  BDAT: 'Bloom filter settings and filters',
  BASE: 'checksums of the layers below',
};

/** The loaded layer of this name, or the file opened alone (a layer git did not load, a damaged file). */
export function graphFileFor(load: CommitGraphLoad, source: ByteSource, algo: HashAlgo): { file: CommitGraphFile; base: number; layer: number } {
  const layers = load.graph?.layers ?? [];
  const k = layers.findIndex((l) => l.name === source.name);
  if (k >= 0 && load.graph) return { file: layers[k], base: load.graph.bases[k], layer: k };
  return { file: CommitGraphFile.open(source, { expectedAlgo: algo }), base: 0, layer: -1 };
}

function date(seconds: number): string {
  const d = new Date(seconds * 1000);
  return Number.isNaN(d.getTime()) ? `${seconds}` : `${seconds} (${d.toISOString().replace('.000Z', 'Z')})`;
}

export function annotateCommitGraph(sink: AnnotationSink, g: CommitGraphFile, base: number, layerIndex: number): void {
  const file = g.name;
  const H = g.algo.size;
  const b = g.bytes;
  const N = g.count;
  const where = layerIndex > 0 ? ` (chain layer ${layerIndex}: positions start at ${base})` : layerIndex === 0 ? ' (the base layer)' : '';
  sink.add(0, 4, 'header', 'signature', { detail: '"CGPH"' });
  sink.add(4, 5, 'header', 'version', { detail: `${g.version}` });
  sink.add(5, 6, 'header', 'hash version', { detail: `${g.hashVersion}: ${hashName(g.algo)}` });
  sink.add(6, 7, 'header', 'number of chunks', { detail: `${g.chunkCount}` });
  sink.add(7, 8, 'header', 'number of base graphs', { detail: `${g.baseCount}${where}` });
  g.chunks.forEach((c, i) => {
    const meaning = MEANING[c.id] ?? 'a chunk git 2.39 does not read';
    sink.add(c.tableOffset, c.tableOffset + 4, 'chunk-table', `chunk id: ${c.id}`, {
      detail: `chunk ${i + 1} of ${g.chunks.length}: ${c.id}, ${meaning}; ${c.length} bytes at ${at(c.offset)}`,
      target: { file, offset: c.offset },
    });
    sink.add(c.tableOffset + 4, c.tableOffset + 12, 'chunk-table', `chunk offset: ${c.id}`, {
      detail: `${c.id} starts at ${at(c.offset)} and runs to the next entry's offset, ${at(c.offset + c.length)}`,
      target: { file, offset: c.offset },
    });
  });
  const endAt = 8 + g.chunks.length * 12;
  sink.add(endAt, endAt + 4, 'chunk-table', 'terminating chunk id', { detail: '0: the table ends here' });
  sink.add(endAt + 4, endAt + 12, 'chunk-table', 'end of the last chunk', { detail: `where the last chunk ends (the checksum starts at ${at(g.size - H)})` });

  const inFile = (offset: number, length: number) => offset >= 0 && offset + length <= g.size;
  const chunk = (id: number) => g.chunks.find((c) => c.idValue === id);
  const oidf = chunk(CHUNK_OIDF);
  if (oidf && inFile(oidf.offset, 1024))
    annotateFanout(
      sink,
      oidf.offset,
      (i) => g.fanout(i),
      (p) => ({ file, offset: g.oidl.offset + H * p }),
      'fanout',
    );

  const oidl = chunk(CHUNK_OIDL);
  const ids = oidl ? sink.tableRange(oidl.offset, H, N) : undefined;
  if (ids && oidl)
    for (let i = ids[0]; i <= ids[1]; i++) {
      const oid = g.oidHexAt(i);
      sink.add(oidl.offset + H * i, oidl.offset + H * (i + 1), 'oid', `commit ${base + i}`, {
        detail: `${oid}; its data is CDAT row ${i}`,
        oid,
        target: { file, offset: g.cdat.offset + (H + 16) * i },
      });
    }

  const idOf = (position: number): string => {
    const local = position - base;
    return local >= 0 && local < N ? g.oidHexAt(local) : position < base ? 'a commit of a layer below' : 'beyond this layer';
  };
  const parentDetail = (word: number, slot: 1 | 2): string => {
    if (word === PARENT_NONE) return '0x70000000: no parent';
    if (slot === 2 && (word & EXTRA_EDGES_NEEDED) !== 0) return `octopus: parents 2.. start at EDGE entry ${word & 0x7fffffff}`;
    return `position ${word}: ${idOf(word)}`;
  };
  const cdat = chunk(CHUNK_CDAT);
  const rows = cdat ? sink.tableRange(cdat.offset, H + 16, Math.min(N, Math.floor((g.size - cdat.offset) / (H + 16)))) : undefined;
  if (rows && cdat)
    for (let i = rows[0]; i <= rows[1]; i++) {
      const r = cdat.offset + (H + 16) * i;
      const oid = g.oidHexAt(i);
      const tree = toHex(b, r, H);
      const p1 = u32(b, r + H);
      const p2 = u32(b, r + H + 4);
      const word = u32(b, r + H + 8);
      const time = (word & 3) * 0x100000000 + u32(b, r + H + 12);
      sink.add(r, r + H, 'oid', `tree of ${base + i}`, { detail: `root tree ${tree} of commit ${oid}`, oid: tree });
      const p1Target = p1 !== PARENT_NONE && p1 >= base && p1 - base < N ? { target: { file, offset: g.oidl.offset + H * (p1 - base) } } : {};
      sink.add(r + H, r + H + 4, 'offset', `parent 1 of ${base + i}`, { detail: parentDetail(p1, 1), ...p1Target });
      const edge = chunk(CHUNK_EDGE);
      const p2Target =
        p2 !== PARENT_NONE && (p2 & EXTRA_EDGES_NEEDED) !== 0 && edge
          ? { target: { file, offset: edge.offset + 4 * (p2 & 0x7fffffff) } }
          : p2 !== PARENT_NONE && p2 >= base && p2 - base < N
            ? { target: { file, offset: g.oidl.offset + H * (p2 - base) } }
            : {};
      sink.add(r + H + 4, r + H + 8, 'offset', `parent 2 of ${base + i}`, { detail: parentDetail(p2, 2), ...p2Target });
      sink.add(r + H + 8, r + H + 12, 'other', `level + time (high) of ${base + i}`, { detail: `topological level ${word >>> 2}; the 2 low bits are the commit time's bits 33-32 (${word & 3})` });
      sink.add(r + H + 12, r + H + 16, 'other', `time (low) of ${base + i}`, { detail: `commit time ${date(time)}` });
    }

  const gda2 = chunk(CHUNK_GDA2);
  const gens = gda2 ? sink.tableRange(gda2.offset, 4, Math.min(N, Math.floor((g.size - gda2.offset) / 4))) : undefined;
  if (gens && gda2)
    for (let i = gens[0]; i <= gens[1]; i++) {
      const w = u32(b, gda2.offset + 4 * i);
      const detail = (w & GENERATION_OVERFLOW) !== 0 ? `overflow: the offset is GDO2 entry ${w & 0x7fffffff}` : `corrected commit date = commit time + ${w}`;
      sink.add(gda2.offset + 4 * i, gda2.offset + 4 * i + 4, 'offset', `generation of ${base + i}`, { detail });
    }
  const gdo2 = chunk(CHUNK_GDO2);
  const overflow = gdo2 ? sink.tableRange(gdo2.offset, 8, Math.floor(gdo2.length / 8)) : undefined;
  if (overflow && gdo2)
    for (let k = overflow[0]; k <= overflow[1]; k++) sink.add(gdo2.offset + 8 * k, gdo2.offset + 8 * k + 8, 'offset', `overflow ${k}`, { detail: `corrected date offset ${g.generationOverflow(k)}` });

  const edge = chunk(CHUNK_EDGE);
  const edges = edge ? sink.tableRange(edge.offset, 4, Math.floor(edge.length / 4)) : undefined;
  if (edges && edge)
    for (let k = edges[0]; k <= edges[1]; k++) {
      const w = u32(b, edge.offset + 4 * k);
      const p = w & 0x7fffffff;
      sink.add(edge.offset + 4 * k, edge.offset + 4 * k + 4, 'offset', `edge ${k}`, { detail: `parent at position ${p}: ${idOf(p)}${(w & LAST_EDGE) !== 0 ? '; the last parent of its commit' : ''}` });
    }

  const bidx = chunk(CHUNK_BIDX);
  const bdat = chunk(CHUNK_BDAT);
  const ends = bidx ? sink.tableRange(bidx.offset, 4, Math.min(N, Math.floor((g.size - bidx.offset) / 4))) : undefined;
  if (ends && bidx)
    for (let i = ends[0]; i <= ends[1]; i++) {
      const end = u32(b, bidx.offset + 4 * i);
      const start = i === 0 ? 0 : u32(b, bidx.offset + 4 * (i - 1));
      sink.add(bidx.offset + 4 * i, bidx.offset + 4 * i + 4, 'offset', `filter end of ${base + i}`, {
        detail: `commit ${g.oidHexAt(i)}'s filter is BDAT bytes [${start}, ${end}) after the header: ${end - start} bytes`,
        ...(bdat ? { target: { file, offset: bdat.offset + BLOOM_HEADER_SIZE + start } } : {}),
      });
    }
  if (bdat && inFile(bdat.offset, BLOOM_HEADER_SIZE)) {
    sink.add(bdat.offset, bdat.offset + 4, 'header', 'Bloom hash version', {
      detail: `${u32(b, bdat.offset)}${u32(b, bdat.offset) === 1 ? ' (murmur3; git uses the filters)' : ' (git 2.39 ignores filters of another version)'}`,
    });
    sink.add(bdat.offset + 4, bdat.offset + 8, 'header', 'Bloom hashes per path', { detail: `${u32(b, bdat.offset + 4)}` });
    sink.add(bdat.offset + 8, bdat.offset + 12, 'header', 'Bloom bits per entry', { detail: `${u32(b, bdat.offset + 8)}` });
    // Each commit's filter: find the first commit whose filter ends inside the window (ends grow).
    if (bidx && inFile(bidx.offset, 4 * N)) {
      const dataAt = bdat.offset + BLOOM_HEADER_SIZE;
      let lo = 0;
      let hi = N;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (dataAt + u32(b, bidx.offset + 4 * mid) <= sink.start) lo = mid + 1;
        else hi = mid;
      }
      for (let i = lo; i < N; i++) {
        const start = i === 0 ? 0 : u32(b, bidx.offset + 4 * (i - 1));
        const end = u32(b, bidx.offset + 4 * i);
        if (dataAt + start >= sink.end) break;
        if (end <= start || dataAt + end > g.size) continue;
        const marker = end - start === 1 && b[dataAt + start] === 0xff ? ' (one 0xff byte: too many changed paths, git looks at the trees)' : '';
        sink.add(dataAt + start, dataAt + end, 'chunk', `filter of ${base + i}`, {
          detail: `${end - start} bytes for commit ${g.oidHexAt(i)}${marker}`,
          target: { file, offset: g.oidl.offset + H * i },
        });
      }
    }
  }

  const baseChunk = chunk(CHUNK_BASE);
  if (baseChunk)
    for (let k = 0; k < g.baseCount && inFile(baseChunk.offset + H * k, H); k++) {
      sink.add(baseChunk.offset + H * k, baseChunk.offset + H * (k + 1), 'oid', `base ${k}`, { detail: `layer ${k} below: graph-${g.baseId(k)}.graph` });
    }
  sink.add(g.size - H, g.size, 'trailer', 'checksum', { detail: `${g.checksum}: ${hashName(g.algo)} of everything before it${layerIndex >= 0 && where ? '; the layer is named by it' : ''}` });
}

/** Annotates `commit-graphs/commit-graph-chain`: one layer hash a line, base first. */
export function annotateCommitGraphChain(sink: AnnotationSink, source: ByteSource, algo: HashAlgo, files: RepositoryFiles): void {
  if (source.size > 1 << 20) throw new PackscopeError('TooLarge', `a commit-graph chain of ${source.size} bytes is not annotated`, { file: source.name });
  const text = new TextDecoder('latin1').decode(source.read(0, source.size));
  const readable = Math.floor(source.size / (algo.hexSize + 1));
  let lineAt = 0;
  for (let line = 0; lineAt < text.length; line++) {
    let end = text.indexOf('\n', lineAt);
    if (end < 0) end = text.length;
    const hash = text.slice(lineAt, lineAt + algo.hexSize);
    if (sink.overlaps(lineAt, end + 1)) {
      const layerPath = (files.commitGraphFiles ?? []).find((f) => f.path.endsWith(`commit-graphs/graph-${text.slice(lineAt, end)}.graph`))?.path;
      const isHash = hash.length === algo.hexSize && isHex(hash.toLowerCase());
      const detail = !isHash
        ? 'not a hash: git stops reading the chain here'
        : line >= readable
          ? 'git does not read this line (the file size holds fewer lines)'
          : `${line === 0 ? 'the base layer' : `layer ${line}`}: graph-${hash}.graph${layerPath ? '' : ', which is not in the folder'}`;
      sink.add(lineAt, end, 'other', `layer ${line}`, { detail, ...(layerPath ? { target: { file: layerPath, offset: 0 } } : {}) });
      if (end < text.length) sink.add(end, end + 1, 'other', 'newline', { detail: 'ends the line' });
    }
    lineAt = end + 1;
  }
}
