import { compareBytes } from '../bytes/be.ts';
import type { ObjectSizes } from './object-sizes.ts';
import { OBJ_BLOB, OBJ_COMMIT, OBJ_TAG, OBJ_TREE } from './object-sizes.ts';
import { binaryKey, type PathIds, type PathRules } from './path-rules.ts';
import { lastComponent, pythonDirname, pythonExtension } from './python-path.ts';
import {
  type BlobTable,
  type CommitTable,
  type DirStats,
  type ExtensionStats,
  type FileStats,
  type GrowthSeries,
  LARGEST_VERSIONS,
  PACK_TOP_PATHS,
  type PackFill,
  type PathNode,
  type RenameGroup,
  type SizeAnalysis,
  type VersionOrigin,
} from './types.ts';

/**
 * Turns what the walk recorded into the analysis: the path tree with sums per file, directory
 * and extension (each blob once, and filter-repo's once-per-path sums beside), the blob table,
 * rename groups in filter-repo's order, growth by day and what fills each pack.
 */

/** The walk's record, as the summary reads it. */
export interface HistoryFacts {
  refs: string[];
  hashSize: number;
  sizes: ObjectSizes;
  /** Blobs named but absent: slot `sizes.count + i`. */
  missingIds: Uint8Array[];
  paths: PathIds;
  rules: PathRules;
  /** Versions per blob slot: linked lists of (path, first commit). */
  versions: { head: Int32Array; first: Int32Array; path: Int32Array; commit: Int32Array; next: Int32Array };
  commits: CommitTable;
  /** Stored bytes of each commit and the trees it named first. */
  commitOwnStored: Float64Array;
  isBlob(row: number): boolean;
}

function emptySums(): { versions: number; inflated: number; stored: number; reportInflated: number; reportStored: number } {
  return { versions: 0, inflated: 0, stored: 0, reportInflated: 0, reportStored: 0 };
}

const DAY = 86400;

/** Builds the analysis. */
export function summarize(facts: HistoryFacts): SizeAnalysis {
  const { sizes, paths, rules, versions, commits } = facts;
  const nRows = sizes.count;
  const nSlots = nRows + facts.missingIds.length;
  const headOf = (slot: number): number => (slot < versions.head.length ? versions.head[slot] : -1);

  // The path tree: every path met, and its directories (Python's dirname, up to the top level).
  const parentOf: number[] = [];
  for (let id = 0; id < paths.count; id++) {
    const path = paths.paths[id];
    if (id === 0) {
      parentOf.push(-1);
      continue;
    }
    const dir = pythonDirname(path);
    // A hostile name can make dirname a fixed point ("/"): hang it under the top level.
    parentOf.push(dir.length === path.length ? 0 : paths.id(dir));
  }
  const nodes: PathNode[] = paths.paths.map((path, id) => ({ id, parent: parentOf[id], name: id === 0 ? path : lastComponent(path), path, children: [] }));
  for (const node of nodes) if (node.parent >= 0) nodes[node.parent].children.push(node.id);

  // Extensions, interned.
  const extIds = new Map<string, number>();
  const extensions: ExtensionStats[] = [];
  const extOf = new Int32Array(nodes.length).fill(-1);
  const extensionId = (p: number): number => {
    if (extOf[p] >= 0) return extOf[p];
    const ext = pythonExtension(nodes[p].path);
    const key = binaryKey(ext);
    let e = extIds.get(key);
    if (e === undefined) {
      e = extensions.length;
      extensions.push({ extension: ext, ...emptySums(), files: 0 });
      extIds.set(key, e);
    }
    extOf[p] = e;
    return e;
  };

  const fileStats = (p: number): FileStats => {
    const node = nodes[p];
    if (!node.file) {
      const e = extensionId(p);
      node.file = { ...emptySums(), largest: [], extension: extensions[e].extension };
      extensions[e].files++;
      for (let d = node.parent; d >= 0; d = nodes[d].parent) {
        nodes[d].dir ??= { ...emptySums(), files: 0 };
        (nodes[d].dir as DirStats).files++;
      }
    }
    return node.file;
  };

  const dirMark = new Int32Array(nodes.length).fill(-1);
  const extMark = new Int32Array(1024).fill(-1);
  let extMarks = extMark;
  const totals = { ...emptySums() };
  let missingBlobs = 0;
  const sizeOfSlot = (slot: number): number => (slot < nRows ? Math.max(0, sizes.sizes[slot]) : 0);
  const storedOfSlot = (slot: number): number => (slot < nRows ? Math.max(0, sizes.stored[slot]) : 0);

  // Blob indexes: every blob row, rows named though not blobs, then the missing.
  const blobOfSlot = new Int32Array(nSlots).fill(-1);
  let blobCount = 0;
  for (let r = 0; r < nRows; r++) if (facts.isBlob(r) || headOf(r) >= 0) blobOfSlot[r] = blobCount++;
  for (let m = 0; m < facts.missingIds.length; m++) blobOfSlot[nRows + m] = blobCount++;
  const slotOfBlob = new Int32Array(blobCount);
  for (let s = 0; s < nSlots; s++) if (blobOfSlot[s] >= 0) slotOfBlob[blobOfSlot[s]] = s;

  // Largest versions per path, kept sorted (at most LARGEST_VERSIONS each).
  const largerFirst = (a: VersionOrigin, b: VersionOrigin): number =>
    sizeOfSlot(slotOfBlob[b.blob]) - sizeOfSlot(slotOfBlob[a.blob]) || storedOfSlot(slotOfBlob[b.blob]) - storedOfSlot(slotOfBlob[a.blob]) || a.blob - b.blob;

  for (let slot = 0; slot < nSlots; slot++) {
    let e = headOf(slot);
    if (e < 0) continue;
    if (slot >= nRows) missingBlobs++;
    const inflated = sizeOfSlot(slot);
    const stored = storedOfSlot(slot);
    totals.versions++;
    totals.inflated += inflated;
    totals.stored += stored;
    for (; e >= 0; e = versions.next[e]) {
      const p = versions.path[e];
      const file = fileStats(p);
      file.versions++;
      file.inflated += inflated;
      file.stored += stored;
      file.reportInflated += inflated;
      file.reportStored += stored;
      totals.reportInflated += inflated;
      totals.reportStored += stored;
      const origin = { blob: blobOfSlot[slot], commit: versions.commit[e] };
      file.largest.push(origin);
      if (file.largest.length > LARGEST_VERSIONS) {
        file.largest.sort(largerFirst);
        file.largest.length = LARGEST_VERSIONS;
      }
      for (let d = nodes[p].parent; d >= 0; d = nodes[d].parent) {
        const dir = nodes[d].dir as DirStats;
        dir.reportInflated += inflated;
        dir.reportStored += stored;
        if (dirMark[d] !== slot) {
          dirMark[d] = slot;
          dir.versions++;
          dir.inflated += inflated;
          dir.stored += stored;
        }
      }
      const x = extOf[p];
      const ext = extensions[x];
      ext.reportInflated += inflated;
      ext.reportStored += stored;
      if (x >= extMarks.length) {
        const grown = new Int32Array(Math.max(x + 1, extMarks.length * 2)).fill(-1);
        grown.set(extMarks);
        extMarks = grown;
      }
      if (extMarks[x] !== slot) {
        extMarks[x] = slot;
        ext.versions++;
        ext.inflated += inflated;
        ext.stored += stored;
      }
    }
  }
  for (const node of nodes) if (node.file) node.file.largest.sort(largerFirst);

  // Deletions by filter-repo's rule; an extension is deleted when all its paths are.
  for (const [p, commit] of rules.fileDeletions) {
    const file = nodes[p]?.file;
    if (file) file.deleted = { date: commits.shortDate(commit), commit };
  }
  for (const [p, commit] of rules.treeDeletions) {
    const dir = nodes[p]?.dir;
    if (dir) dir.deleted = { date: commits.shortDate(commit), commit };
  }
  const extPresent = new Uint8Array(extensions.length);
  const extLatest: (string | undefined)[] = new Array(extensions.length).fill(undefined);
  for (const node of nodes) {
    if (!node.file) continue;
    const x = extOf[node.id];
    const when = node.file.deleted?.date;
    if (when === undefined) extPresent[x] = 1;
    else if (extLatest[x] === undefined || when > (extLatest[x] as string)) extLatest[x] = when;
  }
  extensions.forEach((ext, x) => {
    if (!extPresent[x] && extLatest[x] !== undefined) ext.deleted = extLatest[x];
  });

  const blobs = blobTable(facts, blobCount, slotOfBlob, nodes);
  const renames = renameGroups(rules, nodes);
  const growth = growthSeries(facts, nSlots, headOf, sizeOfSlot, storedOfSlot);
  const packs = packFills(facts, nSlots, headOf, storedOfSlot);

  let files = 0;
  let directories = 0;
  for (const node of nodes) {
    if (node.file) files++;
    if (node.dir) directories++;
  }
  let unnamedBlobs = 0;
  let unnamedStored = 0;
  let storedAll = 0;
  for (let r = 0; r < nRows; r++) {
    if (sizes.packIndex[r] < 0) storedAll += Math.max(0, sizes.stored[r]);
    if (sizes.types[r] === OBJ_BLOB && headOf(r) < 0) {
      unnamedBlobs++;
      unnamedStored += Math.max(0, sizes.stored[r]);
    }
  }
  for (const p of sizes.packs) for (let t = 0; t < 5; t++) storedAll += p.storedByType[t];

  return {
    refs: facts.refs,
    commits,
    paths: nodes,
    extensions: extensions.filter((e) => e.files > 0),
    blobs,
    renames,
    totals: {
      ...totals,
      commits: commits.count,
      files,
      directories,
      extensions: extensions.filter((e) => e.files > 0).length,
      missingBlobs,
      unnamedBlobs,
      unnamedStored,
      storedAllObjects: storedAll,
    },
    growth,
    packs,
    findPath: (path) => paths.find(path),
  };
}

function comparePathBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  const c = compareBytes(a, 0, b, 0, n);
  return c !== 0 ? c : a.length - b.length;
}

function blobTable(facts: HistoryFacts, count: number, slotOfBlob: Int32Array, nodes: PathNode[]): BlobTable {
  const { sizes, versions } = facts;
  const H = facts.hashSize;
  const nRows = sizes.count;
  const ids = new Uint8Array(count * H);
  const inflated = new Float64Array(count);
  const stored = new Float64Array(count);
  const pack = new Int32Array(count);
  const offset = new Float64Array(count);
  const deltaBase = new Int32Array(count).fill(-1);
  const firstCommit = new Int32Array(count).fill(-1);
  const pathStart = new Uint32Array(count + 1);
  const headOf = (slot: number): number => (slot < versions.head.length ? versions.head[slot] : -1);
  let pairs = 0;
  for (let b = 0; b < count; b++) for (let e = headOf(slotOfBlob[b]); e >= 0; e = versions.next[e]) pairs++;
  const pathIds = new Uint32Array(pairs);
  const pathCommits = new Uint32Array(pairs);
  const blobOfRow = new Int32Array(nRows).fill(-1);
  for (let b = 0; b < count; b++) if (slotOfBlob[b] < nRows) blobOfRow[slotOfBlob[b]] = b;
  let at = 0;
  const list: [number, number][] = [];
  for (let b = 0; b < count; b++) {
    const slot = slotOfBlob[b];
    pathStart[b] = at;
    if (slot < nRows) {
      ids.set(sizes.ids.subarray(slot * H, (slot + 1) * H), b * H);
      inflated[b] = sizes.sizes[slot];
      stored[b] = sizes.stored[slot];
      pack[b] = sizes.packIndex[slot];
      offset[b] = sizes.offsets[slot];
      const baseId = sizes.baseOffsets[slot] >= 0 ? sizes.baseId(slot) : undefined;
      if (baseId) {
        const baseRow = sizes.find(baseId);
        if (baseRow >= 0) deltaBase[b] = blobOfRow[baseRow];
      }
    } else {
      ids.set(facts.missingIds[slot - nRows], b * H);
      inflated[b] = -1;
      stored[b] = -1;
      pack[b] = -2;
      offset[b] = -1;
    }
    if (slot < versions.first.length) firstCommit[b] = versions.first[slot];
    list.length = 0;
    for (let e = headOf(slot); e >= 0; e = versions.next[e]) list.push([versions.path[e], versions.commit[e]]);
    list.sort((x, y) => comparePathBytes(nodes[x[0]].path, nodes[y[0]].path));
    for (const [p, c] of list) {
      pathIds[at] = p;
      pathCommits[at] = c;
      at++;
    }
  }
  pathStart[count] = at;
  const nPresent = count - facts.missingIds.length;
  return {
    count,
    hashSize: H,
    ids,
    inflated,
    stored,
    pack,
    offset,
    deltaBase,
    deltaBaseId: (b) => (b < nPresent && slotOfBlob[b] < nRows && sizes.baseOffsets[slotOfBlob[b]] >= 0 ? sizes.baseId(slotOfBlob[b]) : undefined),
    firstCommit,
    pathStart,
    pathIds,
    pathCommits,
    find(id) {
      // Present blobs are in id order; the missing follow in the order met.
      let lo = 0;
      let hi = nPresent;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        const c = compareBytes(ids, mid * H, id, 0, H);
        if (c === 0) return mid;
        if (c < 0) lo = mid + 1;
        else hi = mid;
      }
      for (let b = nPresent; b < count; b++) if (compareBytes(ids, b * H, id, 0, H) === 0) return b;
      return -1;
    },
  };
}

/** filter-repo's renames.txt order: groups sorted by their names (element by element), each once. */
function renameGroups(rules: PathRules, nodes: PathNode[]): RenameGroup[] {
  const seen = new Set<string>();
  const groups: number[][] = [];
  for (const group of rules.groups.values()) {
    const key = group.join(',');
    if (seen.has(key)) continue;
    seen.add(key);
    groups.push(group);
  }
  groups.sort((a, b) => {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
      const c = comparePathBytes(nodes[a[i]].path, nodes[b[i]].path);
      if (c !== 0) return c;
    }
    return a.length - b.length;
  });
  return groups.map((g) => ({ names: g.map((p) => nodes[p].path) }));
}

function growthSeries(facts: HistoryFacts, nSlots: number, headOf: (s: number) => number, sizeOf: (s: number) => number, storedOf: (s: number) => number): GrowthSeries {
  const { commits, versions } = facts;
  const n = commits.count;
  const blobStored = new Float64Array(n);
  const blobInflated = new Float64Array(n);
  for (let s = 0; s < nSlots; s++) {
    if (headOf(s) < 0) continue;
    const c = versions.first[s];
    blobStored[c] += storedOf(s);
    blobInflated[c] += sizeOf(s);
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => commits.times[a] - commits.times[b] || a - b);
  const days: number[] = [];
  const sb: number[] = [];
  const ib: number[] = [];
  const ct: number[] = [];
  let accS = 0;
  let accI = 0;
  let accC = 0;
  for (const c of order) {
    const day = Math.floor(commits.times[c] / DAY) * DAY;
    accS += blobStored[c];
    accI += blobInflated[c];
    accC += facts.commitOwnStored[c];
    if (days.length > 0 && days[days.length - 1] === day) {
      sb[sb.length - 1] = accS;
      ib[ib.length - 1] = accI;
      ct[ct.length - 1] = accC;
    } else {
      days.push(day);
      sb.push(accS);
      ib.push(accI);
      ct.push(accC);
    }
  }
  return { days: Float64Array.from(days), storedBlobs: Float64Array.from(sb), inflatedBlobs: Float64Array.from(ib), storedCommitsAndTrees: Float64Array.from(ct) };
}

function packFills(facts: HistoryFacts, nSlots: number, headOf: (s: number) => number, storedOf: (s: number) => number): PackFill[] {
  const { sizes, versions } = facts;
  const perPack = sizes.packs.map(() => new Map<number, { stored: number; blobs: number }>());
  const unnamed = new Float64Array(sizes.packs.length);
  for (let s = 0; s < Math.min(nSlots, sizes.count); s++) {
    const p = sizes.packIndex[s];
    if (p < 0 || sizes.types[s] !== OBJ_BLOB) continue;
    const e0 = headOf(s);
    if (e0 < 0) {
      unnamed[p] += storedOf(s);
      continue;
    }
    for (let e = e0; e >= 0; e = versions.next[e]) {
      const path = versions.path[e];
      const m = perPack[p];
      const entry = m.get(path);
      if (entry) {
        entry.stored += storedOf(s);
        entry.blobs++;
      } else m.set(path, { stored: storedOf(s), blobs: 1 });
    }
  }
  return sizes.packs.map((contents, i) => {
    const top = [...perPack[i]].map(([path, v]) => ({ path, stored: v.stored, blobs: v.blobs }));
    top.sort((a, b) => b.stored - a.stored || a.path - b.path);
    const t = contents.storedByType;
    return {
      name: `${contents.pack.name}.pack`,
      size: contents.pack.data.size,
      entries: contents.pack.count,
      storedByType: { commit: t[OBJ_COMMIT], tree: t[OBJ_TREE], blob: t[OBJ_BLOB], tag: t[OBJ_TAG] },
      storedUnnamedBlobs: unnamed[i],
      paths: top.slice(0, PACK_TOP_PATHS),
    };
  });
}
