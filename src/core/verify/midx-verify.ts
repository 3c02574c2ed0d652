import type { Finding } from '../finding.ts';
import { compareBytes, bytesEqual } from '../bytes/be.ts';
import type { ByteSource } from '../bytes/source.ts';
import { PackscopeError } from '../errors.ts';
import type { HashAlgo } from '../hash/algo.ts';
import type { HasherFactory } from '../hash/hasher.ts';
import { toHex } from '../hash/hex.ts';
import type { PackIndex } from '../format/idx.ts';
import { MultiPackIndex, type MidxHit, type MidxLike } from '../format/midx.ts';

/**
 * `git multi-pack-index verify`, after git's `verify_midx_file`, in its order:
 *   1. the trailing checksum                       "incorrect checksum"
 *   2. every named pack can be loaded              "failed to load pack in position %d"
 *   3. an empty midx stops here                    "the midx contains no oid"
 *   4. ids strictly ascending                      "oid lookup out of order: …"
 *   5. every entry, grouped by pack (highest pack id first, then by position, as git's sort
 *      leaves them), looked up again by id and compared with its pack's .idx:
 *                                                  "failed to load pack entry for oid[%d] = %s"
 *                                                  "incorrect object offset for oid[%d] = %s: %x != %x"
 * The fanout order git checks while loading (an unordered fanout does not open here either).
 *
 * Git prints these lines to stderr as they are, without an `error: ` prefix, and exits 1.
 * Where git dies instead (a pack-int-id or LOFF index out of range) the finding is `fatal`
 * and verification stops there, as git's does (git: `fatal: <message>`, exit 128).
 *
 * For a chain every layer's checksum and id order is checked (git 2.55 checks only the newest
 * layer's checksum, and checks the newest layer's order once per layer); positions in the
 * entry messages are global, as git's. Order messages use positions inside the layer named by
 * the finding's `file`.
 */

/** One problem as the checks below note it, in git's words; handed out as a Finding (`asFinding`). */
interface MidxProblem {
  /** `fatal`: git would die here; nothing after it was checked. */
  severity: 'error' | 'fatal';
  /** The file the problem is in (the midx or layer, or the pack's .idx). */
  file: string;
  offset?: number;
  /** The line git prints (without a prefix). */
  message: string;
  /** Why, when git's line does not say (e.g. the error that kept an .idx from loading). */
  cause?: string;
  /** The error's own kind, when a thrown error is the problem (else told from git's line). */
  kind?: Finding['kind'];
}

/** The error kind a git line stands for. */
function midxKind(message: string): Finding['kind'] {
  if (message.startsWith('oid lookup out of order')) return 'BadFanout';
  if (message.startsWith('failed to load pack')) return 'NotFound';
  if (message.startsWith('bad pack-int-id') || message.includes('out of bounds')) return 'OutOfRange';
  if (message === 'incorrect checksum') return 'BadChecksum';
  return 'Mismatch';
}

/** A problem as the one Finding shape (check `midx`; the object id when git's line names one). */
function asFinding(p: MidxProblem): Finding {
  const f: Finding = { severity: 'error', check: 'midx', kind: p.kind ?? midxKind(p.message), file: p.file, message: p.message };
  if (p.severity === 'fatal') f.fatal = true;
  if (p.offset !== undefined) f.offset = p.offset;
  if (p.cause !== undefined) f.reason = p.cause;
  const oid = /= ([0-9a-f]{40,64})/.exec(p.message);
  if (oid) f.oid = oid[1];
  return f;
}

/** What verification needs from its host. */
export interface MidxVerifyOptions {
  /** Makes the hasher for the checksum. */
  hasher: HasherFactory;
  /** Opens the .idx of a pack named as in PNAM (`pack-X.idx`); throws when it cannot. */
  openIdx: (packName: string) => PackIndex;
  /** Whether the pack's `.pack` file exists; git cannot load a pack without it. Default: yes. */
  packExists?: (packName: string) => boolean;
  /** Bytes hashed per read for the checksum (default 1 MiB). */
  windowSize?: number;
}

const DEFAULT_WINDOW = 1024 * 1024;
const LOFF_OUT_OF_BOUNDS = 'multi-pack-index large offset out of bounds';

/**
 * True when the last H bytes of the file are the hash of everything before them. Reads in
 * windows; never holds the whole file.
 */
export function checksumMatches(source: ByteSource, algo: HashAlgo, hasher: HasherFactory, windowSize = DEFAULT_WINDOW): boolean {
  const H = algo.size;
  if (source.size < H) return false;
  const end = source.size - H;
  const h = hasher(algo);
  for (let at = 0; at < end; at += windowSize) h.update(source.read(at, Math.min(windowSize, end - at)));
  return bytesEqual(h.digest(), source.read(end, H));
}

/** Opens a midx and verifies it; a midx that does not open gives one `fatal` finding with the reason. */
export function verifyMidxSource(source: ByteSource, options: MidxVerifyOptions & { expectedAlgo?: HashAlgo }): Finding[] {
  let midx: MultiPackIndex;
  try {
    midx = MultiPackIndex.open(source, options.expectedAlgo ? { expectedAlgo: options.expectedAlgo } : {});
  } catch (err) {
    if (!(err instanceof PackscopeError)) throw err;
    return [loadFailure(err, source.name)];
  }
  return verifyMidx(midx, options);
}

/** The finding for a midx or layer that does not load. */
export function loadFailure(err: PackscopeError, file: string): Finding {
  const finding: MidxProblem = { severity: 'fatal', kind: err.kind, file: err.file ?? file, message: err.detail, cause: err.message };
  if (err.offset !== undefined) finding.offset = err.offset;
  return asFinding(finding);
}

interface PackState {
  idx: PackIndex | undefined;
  cause: string | undefined;
  causeFile: string | undefined;
}

/** Verifies a flat midx or a chain. Returns the findings in git's order; empty means clean. */
export function verifyMidx(midx: MidxLike, options: MidxVerifyOptions): Finding[] {
  return checkMidx(midx, options).map(asFinding);
}

function checkMidx(midx: MidxLike, options: MidxVerifyOptions): MidxProblem[] {
  const findings: MidxProblem[] = [];
  const layers = midx.layers;
  const windowSize = options.windowSize ?? DEFAULT_WINDOW;
  const H = midx.algo.size;

  for (const layer of layers) {
    if (!checksumMatches(layer.source, layer.algo, options.hasher, windowSize)) {
      findings.push({ severity: 'error', file: layer.name, offset: layer.source.size - H, message: 'incorrect checksum' });
    }
  }

  // Where each global pack id lives: its layer and its name's place in that layer's PNAM.
  const packLayer: number[] = [];
  const packPlace: number[] = [];
  layers.forEach((layer, k) => {
    const ranges = layer.layout().packNames;
    for (let p = 0; p < layer.packCount; p++) {
      packLayer.push(k);
      packPlace.push(ranges[p].offset);
    }
  });

  const loadable: boolean[] = [];
  midx.packNames.forEach((name, id) => {
    const ok = options.packExists ? options.packExists(name) : true;
    loadable.push(ok);
    if (!ok)
      findings.push({ severity: 'error', file: layers[packLayer[id]].name, offset: packPlace[id], message: `failed to load pack in position ${id}`, cause: `${name}: the .pack file is missing` });
  });

  const tip = layers[layers.length - 1];
  if (tip === undefined || tip.count === 0) {
    findings.push({ severity: 'error', file: tip?.name ?? '', message: 'the midx contains no oid' });
    return findings;
  }

  for (const layer of layers) checkOrder(layer, findings);

  // Global pack id of every position. git sorts by pack id, highest first, and dies on the
  // first out-of-range id it meets, so the highest bad id is the one it names.
  const total = midx.count;
  const packTotal = midx.packNames.length;
  const objectBases: number[] = [];
  const packIds = new Uint32Array(total);
  const buckets = new Uint32Array(packTotal);
  let worst: { id: number; layer: number; position: number } | undefined;
  let objectBase = 0;
  let packBase = 0;
  for (let k = 0; k < layers.length; k++) {
    const layer = layers[k];
    objectBases.push(objectBase);
    for (let p = 0; p < layer.count; p++) {
      const stored = layer.storedPackIdAt(p);
      if (stored >= layer.packCount) {
        if (worst === undefined || packBase + stored > worst.id) worst = { id: packBase + stored, layer: k, position: p };
        continue;
      }
      packIds[objectBase + p] = packBase + stored;
      buckets[packBase + stored]++;
    }
    objectBase += layer.count;
    packBase += layer.packCount;
  }
  if (worst !== undefined) {
    const layer = layers[worst.layer];
    findings.push({
      severity: 'fatal',
      file: layer.name,
      offset: layer.objectOffsetEntryAt(worst.position),
      message: `bad pack-int-id: ${worst.id} (${packBase} total packs)`,
    });
    return findings;
  }
  const starts = new Uint32Array(packTotal);
  let run = 0;
  for (let id = packTotal - 1; id >= 0; id--) {
    starts[id] = run;
    run += buckets[id];
  }
  const order = new Uint32Array(total);
  for (let pos = 0; pos < total; pos++) order[starts[packIds[pos]]++] = pos;

  const packs = new Map<number, PackState>();
  const packState = (id: number): PackState => {
    let state = packs.get(id);
    if (state === undefined) {
      state = { idx: undefined, cause: undefined, causeFile: undefined };
      if (!loadable[id]) {
        state.cause = `${midx.packNames[id]}: the .pack file is missing`;
      } else {
        try {
          state.idx = options.openIdx(midx.packNames[id]);
        } catch (err) {
          state.cause = err instanceof Error ? err.message : String(err);
          if (err instanceof PackscopeError) state.causeFile = err.file;
        }
      }
      packs.set(id, state);
    }
    return state;
  };

  let k = 0;
  for (let n = 0; n < total; n++) {
    const pos = order[n];
    while (k + 1 < layers.length && pos >= objectBases[k + 1]) k++;
    while (pos < objectBases[k]) k--;
    const layer = layers[k];
    const layerPosition = pos - objectBases[k];
    const oid = layer.oidAt(layerPosition).slice();
    const hex = toHex(oid);
    // git re-finds the entry by id (fill_midx_entry), so an id out of order may not be found.
    let hit: MidxHit | undefined;
    try {
      hit = midx.locate(oid);
    } catch (err) {
      if (!(err instanceof PackscopeError)) throw err;
      const message = err.detail.startsWith(LOFF_OUT_OF_BOUNDS) ? LOFF_OUT_OF_BOUNDS : err.detail;
      const finding: MidxProblem = { severity: 'fatal', file: err.file ?? layer.name, message, cause: err.message };
      if (err.offset !== undefined) finding.offset = err.offset;
      findings.push(finding);
      return findings;
    }
    if (hit === undefined) {
      findings.push({
        severity: 'error',
        file: layer.name,
        offset: layer.oidOffset(layerPosition),
        message: `failed to load pack entry for oid[${pos}] = ${hex}`,
        cause: 'binary search does not find the id (ids out of order)',
      });
      continue;
    }
    const state = packState(hit.packId);
    if (state.idx === undefined) {
      const finding: MidxProblem = { severity: 'error', file: state.causeFile ?? midx.packNames[hit.packId], message: `failed to load pack entry for oid[${pos}] = ${hex}` };
      if (state.cause !== undefined) finding.cause = state.cause;
      findings.push(finding);
      continue;
    }
    let packOffset = 0; // git's find_pack_entry_one answers 0 for an id the .idx lacks
    try {
      const i = state.idx.find(oid);
      if (i >= 0) packOffset = state.idx.offsetAt(i);
    } catch (err) {
      if (!(err instanceof PackscopeError)) throw err;
      findings.push({ severity: 'error', file: err.file ?? state.idx.name, message: `failed to load pack entry for oid[${pos}] = ${hex}`, cause: err.message });
      continue;
    }
    if (hit.offset !== packOffset) {
      const m = layers[hit.layer];
      findings.push({
        severity: 'error',
        file: m.name,
        offset: m.objectOffsetEntryAt(hit.layerPosition) + 4,
        message: `incorrect object offset for oid[${pos}] = ${hex}: ${hit.offset.toString(16)} != ${packOffset.toString(16)}`,
      });
    }
  }
  return findings;
}

/** Ids of one layer strictly ascending; read in blocks. */
function checkOrder(layer: MultiPackIndex, findings: MidxProblem[]): void {
  const H = layer.algo.size;
  const block = 4096;
  let previous: Uint8Array | undefined;
  for (let start = 0; start < layer.count; start += block) {
    const n = Math.min(block, layer.count - start);
    const ids = layer.source.read(layer.oidOffset(start), n * H).slice();
    for (let k = 0; k < n; k++) {
      const i = start + k;
      if (previous !== undefined && compareBytes(previous, 0, ids, k * H, H) >= 0) {
        findings.push({
          severity: 'error',
          file: layer.name,
          offset: layer.oidOffset(i),
          message: `oid lookup out of order: oid[${i - 1}] = ${toHex(previous)} >= ${toHex(ids, k * H, H)} = oid[${i}]`,
        });
      }
      previous = ids.slice(k * H, k * H + H);
    }
  }
}
