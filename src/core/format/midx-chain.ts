import type { ByteSource } from '../bytes/source.ts';
import { bytesEqual, compareBytes } from '../bytes/be.ts';
import { PackscopeError, fail } from '../errors.ts';
import { SHA1, SHA256, type HashAlgo } from '../hash/algo.ts';
import { fromHex, isHex, toHex, type HexPrefix } from '../hash/hex.ts';
import { MultiPackIndex, type MidxEntry, type MidxHit, type MidxLike, type MidxPosition, type MidxPrefixMatch, type PackId } from './midx.ts';

/**
 * An incremental multi-pack-index: `pack/multi-pack-index.d/multi-pack-index-chain` lists layer
 * hashes one per line, base (oldest) first; each names `multi-pack-index-<hash>.midx` in the same
 * folder, a midx file whose trailing checksum is that hash. Git reads the chain only when there
 * is no flat `pack/multi-pack-index`.
 *
 *   chain file                layers                        global numbering
 *   9905f1…\n   (base)   ->   layer 0: P0 packs, N0 objects   packs [0, P0),      objects [0, N0)
 *   c5adf6…\n            ->   layer 1: P1 packs, N1 objects   packs [P0, P0+P1),  objects [N0, N0+N1)
 *   …                         …
 *
 * Reading follows git's `load_midx_chain_fd_st`: it reads size / (hexsz + 1) lines, stops at the
 * first line that is not a hash or layer that does not load, and keeps the layers loaded before
 * it. We do the same and keep the reason as a value (`error`), with the names not used
 * (`unusedLayers`); the packs of those layers are simply not covered, so the object database
 * reaches them as plain packs and nothing readable is lost.
 *
 * One check is ours, not git's (git names a layer by its checksum when writing but does not
 * compare them when reading): a layer whose trailer differs from its name ends the chain too,
 * unless `checkLayerNames` is false.
 *
 * Lookups search the newest layer first and stop at the first hit, as git's `bsearch_midx`.
 * Git's writer leaves out of a new layer every object a lower layer already has, so an id is in
 * one layer only; in a hand-made chain with duplicates the newest layer's copy wins.
 */

/** Path of the chain file relative to the pack folder. */
export const CHAIN_FILE = 'multi-pack-index.d/multi-pack-index-chain';

/** Path of a layer relative to the pack folder. */
export function layerFileName(hexName: string): string {
  return `multi-pack-index.d/multi-pack-index-${hexName}.midx`;
}

/** Options for opening a chain. */
export interface MidxChainOptions {
  /** The repository's hash; without it, the length of the first line decides (40 or 64). */
  expectedAlgo?: HashAlgo;
  /** Stop at a layer whose trailing checksum is not its name (default true). */
  checkLayerNames?: boolean;
}

/** Chain files larger than this are refused (about 100 000 layers of SHA-1). */
const MAX_CHAIN_BYTES = 4 * 1024 * 1024;
const U32_MAX = 0xffffffff;

/** A chain of midx layers seen as one midx. */
export class MultiPackIndexChain implements MidxLike {
  readonly algo: HashAlgo;
  /** Every layer hash the chain file lists (those git reads), base first. */
  readonly layerNames: readonly string[];
  /** The usable layers: the longest prefix of the chain that loads. */
  readonly layers: readonly MultiPackIndex[];
  /** Why the chain stops before its end (undefined when every listed layer loaded). */
  readonly error: PackscopeError | undefined;
  /** Names listed after the usable prefix (the failing layer first). */
  readonly unusedLayers: readonly string[];
  /** Entries over the usable layers. */
  readonly count: number;
  /** Packs over the usable layers. */
  readonly packCount: number;
  readonly packNames: readonly string[];
  private readonly objectBases: number[];
  private readonly packBases: number[];

  private constructor(
    readonly source: ByteSource,
    openLayer: (hexName: string) => ByteSource | undefined,
    options: MidxChainOptions,
  ) {
    const file = source.name;
    const names: string[] = [];
    const layers: MultiPackIndex[] = [];
    let error: PackscopeError | undefined;
    let unused: string[] = [];
    let algo = options.expectedAlgo ?? SHA1;

    const stop = (err: PackscopeError, from: number): void => {
      error = err;
      unused = names.slice(from);
    };

    const parsed = readChainLines(source, options.expectedAlgo);
    if (parsed instanceof PackscopeError) {
      error = parsed;
    } else {
      algo = parsed.algo;
      names.push(...parsed.names);
      const checkNames = options.checkLayerNames ?? true;
      let objects = 0;
      let packs = 0;
      const seen = new Map<string, number>();
      for (let i = 0; i < names.length; i++) {
        const name = names[i];
        const lineAt = parsed.lineOffsets[i];
        // A layer is built on the ones before it, so it cannot appear twice (a chain naming one
        // layer 10,000 times made every lookup walk 10,000 layers: found by fuzzing).
        const first = seen.get(name);
        if (first !== undefined) {
          stop(
            new PackscopeError('CorruptObject', `multi-pack-index layer ${name} is listed twice in the chain (lines ${first + 1} and ${i + 1}): a layer cannot be built on itself`, {
              file,
              offset: lineAt,
            }),
            i,
          );
          break;
        }
        seen.set(name, i);
        let layer: MultiPackIndex;
        try {
          const layerSource = openLayer(name);
          if (layerSource === undefined) {
            fail('NotFound', `unable to find all multi-pack index files: ${layerFileName(name)} (line ${i + 1}) is missing`, { file, offset: lineAt });
          }
          layer = MultiPackIndex.open(layerSource, { expectedAlgo: algo });
          if (checkNames && !bytesEqual(layer.checksum(), fromHex(name))) {
            fail('Mismatch', `multi-pack-index layer checksum ${toHex(layer.checksum())} does not match its name ${name} in the chain`, {
              file: layerSource.name,
              offset: layerSource.size - algo.size,
            });
          }
        } catch (err) {
          if (!(err instanceof PackscopeError)) throw err;
          stop(err, i);
          break;
        }
        if (packs + layer.packCount > U32_MAX) {
          stop(new PackscopeError('TooLarge', `pack count in base MIDX too high: ${packs}`, { file, offset: lineAt }), i);
          break;
        }
        if (objects + layer.count > U32_MAX) {
          stop(new PackscopeError('TooLarge', `object count in base MIDX too high: ${objects}`, { file, offset: lineAt }), i);
          break;
        }
        layers.push(layer);
        objects += layer.count;
        packs += layer.packCount;
      }
      if (error === undefined && parsed.stopError !== undefined) {
        error = parsed.stopError;
        unused = parsed.unread;
      }
    }

    this.algo = algo;
    this.layerNames = names;
    this.layers = layers;
    this.error = error;
    this.unusedLayers = unused;
    this.objectBases = [];
    this.packBases = [];
    const packNames: string[] = [];
    let objects = 0;
    for (const layer of layers) {
      this.objectBases.push(objects);
      this.packBases.push(packNames.length);
      objects += layer.count;
      packNames.push(...layer.packNames);
    }
    this.count = objects;
    this.packCount = packNames.length;
    this.packNames = packNames;
  }

  /**
   * Reads the chain file and opens its layers through `openLayer` (given the lower-case hex
   * name; return undefined when `multi-pack-index.d/multi-pack-index-<hex>.midx` does not exist).
   * Never throws for a damaged chain or layer: see `error` and `unusedLayers`.
   */
  static open(chainFile: ByteSource, openLayer: (hexName: string) => ByteSource | undefined, options: MidxChainOptions = {}): MultiPackIndexChain {
    return new MultiPackIndexChain(chainFile, openLayer, options);
  }

  /** True when every layer the chain file lists loaded. */
  get complete(): boolean {
    return this.error === undefined;
  }

  /** Objects and packs of all layers below `layer`. */
  layerBase(layer: number): { objects: number; packs: number } {
    this.checkLayer(layer);
    return { objects: this.objectBases[layer], packs: this.packBases[layer] };
  }

  private checkLayer(layer: number): void {
    if (!(layer >= 0 && layer < this.layers.length && Number.isInteger(layer))) {
      fail('OutOfRange', `layer ${layer} is outside [0, ${this.layers.length})`, { file: this.source.name });
    }
  }

  /** The layer and position inside it of a global position (git's `midx_for_object`). */
  layerOf(position: MidxPosition): { layer: number; layerPosition: number } {
    if (!(position >= 0 && position < this.count && Number.isInteger(position))) {
      fail('OutOfRange', `object position ${position} is outside [0, ${this.count})`, { file: this.source.name });
    }
    let layer = this.layers.length - 1;
    while (position < this.objectBases[layer]) layer--;
    return { layer, layerPosition: position - this.objectBases[layer] };
  }

  /** The layer holding a global pack id, and its id inside that layer (git's `midx_for_pack`). */
  packLayerOf(packId: PackId): { layer: number; layerPackId: number } {
    if (!(packId >= 0 && packId < this.packCount && Number.isInteger(packId))) {
      fail('OutOfRange', `bad pack-int-id: ${packId} (${this.packCount} total packs)`, { file: this.source.name });
    }
    let layer = this.layers.length - 1;
    while (packId < this.packBases[layer]) layer--;
    return { layer, layerPackId: packId - this.packBases[layer] };
  }

  /** The id at a position of a layer (a view: copy it to keep it). */
  oidAt(layer: number, layerPosition: number): Uint8Array {
    this.checkLayer(layer);
    return this.layers[layer].oidAt(layerPosition);
  }

  /** The global pack id of the entry at a position of a layer. */
  packIdAt(layer: number, layerPosition: number): PackId {
    this.checkLayer(layer);
    return this.packBases[layer] + this.layers[layer].packIdAt(layerPosition);
  }

  /** The pack offset of the entry at a position of a layer. */
  offsetAt(layer: number, layerPosition: number): number {
    this.checkLayer(layer);
    return this.layers[layer].offsetAt(layerPosition);
  }

  /** The entry at a global position. */
  entryAt(position: MidxPosition): MidxEntry {
    const { layer, layerPosition } = this.layerOf(position);
    const m = this.layers[layer];
    return {
      oid: m.oidAt(layerPosition).slice(),
      packId: this.packBases[layer] + m.packIdAt(layerPosition),
      offset: m.offsetAt(layerPosition),
      position,
      layer,
      layerPosition,
    };
  }

  /** Global position of `oid`, newest layer first, or -1. */
  find(oid: Uint8Array): MidxPosition {
    for (let k = this.layers.length - 1; k >= 0; k--) {
      const p = this.layers[k].find(oid);
      if (p >= 0) return this.objectBases[k] + p;
    }
    return -1;
  }

  /** Pack and offset of `oid` from the newest layer holding it, or undefined. */
  locate(oid: Uint8Array): MidxHit | undefined {
    for (let k = this.layers.length - 1; k >= 0; k--) {
      const m = this.layers[k];
      const p = m.find(oid);
      if (p >= 0) {
        return { packId: this.packBases[k] + m.packIdAt(p), offset: m.offsetAt(p), position: this.objectBases[k] + p, layer: k, layerPosition: p };
      }
    }
    return undefined;
  }

  /**
   * The smallest id starting with `prefix` over all layers (its newest copy), ambiguous when a
   * different id also matches. The same id in two layers is one object, not an ambiguity.
   */
  findPrefix(prefix: HexPrefix): MidxPrefixMatch | undefined {
    const H = this.algo.size;
    let best: MidxPrefixMatch | undefined;
    let bestOid: Uint8Array | undefined;
    let ambiguous = false;
    for (let k = this.layers.length - 1; k >= 0; k--) {
      const m = this.layers[k];
      const match = m.findPrefix(prefix);
      if (match === undefined) continue;
      if (match.ambiguous) ambiguous = true;
      const oid = m.oidAt(match.layerPosition).slice();
      if (bestOid === undefined) {
        best = { position: this.objectBases[k] + match.layerPosition, layer: k, layerPosition: match.layerPosition, ambiguous: false };
        bestOid = oid;
        continue;
      }
      const d = compareBytes(oid, 0, bestOid, 0, H);
      if (d !== 0) ambiguous = true;
      if (d < 0) {
        best = { position: this.objectBases[k] + match.layerPosition, layer: k, layerPosition: match.layerPosition, ambiguous: false };
        bestOid = oid;
      }
    }
    if (best === undefined) return undefined;
    best.ambiguous = ambiguous;
    return best;
  }

  /** Every entry, layers base first, each in its id order. */
  *entries(): IterableIterator<MidxEntry> {
    for (let k = 0; k < this.layers.length; k++) {
      yield* this.layers[k].layerEntries(k, this.objectBases[k], this.packBases[k]);
    }
  }

  /** True when some usable layer lists the pack. */
  containsPack(name: string): boolean {
    return this.layers.some((m) => m.containsPack(name));
  }
}

interface ChainLines {
  algo: HashAlgo;
  /** Lower-case hashes of the lines git reads, base first. */
  names: string[];
  lineOffsets: number[];
  /** Why reading stopped early: a line that is not a hash, or lines git does not read. */
  stopError: PackscopeError | undefined;
  /** Hashes listed on lines git does not read (a last line without its newline). */
  unread: string[];
}

/**
 * The chain file's lines as git reads them: size / (hexsz + 1) lines (so a last line missing its
 * newline is not read), each starting with hexsz hex digits (anything after them on the line is
 * ignored, as `get_oid_hex` does). An empty file is no chain; one shorter than a hash is an error.
 */
function readChainLines(source: ByteSource, expectedAlgo: HashAlgo | undefined): ChainLines | PackscopeError {
  const file = source.name;
  if (source.size > MAX_CHAIN_BYTES) {
    return new PackscopeError('TooLarge', `multi-pack-index chain file is ${source.size} bytes, more than the ${MAX_CHAIN_BYTES} this reader accepts`, { file, offset: 0 });
  }
  const text = new TextDecoder('latin1').decode(source.read(0, source.size));
  let algo = expectedAlgo;
  if (algo === undefined) {
    let run = 0;
    while (run < text.length && run < SHA256.hexSize && isHex(text[run])) run++;
    algo = run >= SHA256.hexSize ? SHA256 : SHA1;
  }
  const result: ChainLines = { algo, names: [], lineOffsets: [], stopError: undefined, unread: [] };
  if (source.size === 0) return result;
  if (source.size < algo.hexSize) {
    return new PackscopeError('Truncated', `multi-pack-index chain file too small: ${source.size} bytes, a ${algo.name} hash is ${algo.hexSize}`, { file, offset: 0 });
  }
  const count = Math.floor(source.size / (algo.hexSize + 1));
  let at = 0;
  for (let line = 0; at < text.length; line++) {
    let end = text.indexOf('\n', at);
    if (end < 0) end = text.length;
    const content = text.slice(at, end);
    const head = content.slice(0, algo.hexSize);
    const isHash = head.length === algo.hexSize && isHex(head);
    if (line < count) {
      if (!isHash) {
        result.stopError = new PackscopeError('BadName', `invalid multi-pack-index chain: line '${content}' not a hash`, { file, offset: at });
        return result;
      }
      result.names.push(head.toLowerCase());
      result.lineOffsets.push(at);
    } else if (isHash) {
      result.unread.push(head.toLowerCase());
      result.stopError ??= new PackscopeError(
        'Truncated',
        `multi-pack-index chain file lists a layer on line ${line + 1} that git does not read: ${source.size} bytes hold only ${count} lines of ${algo.hexSize + 1} (is the last newline missing?)`,
        { file, offset: at },
      );
    }
    at = end + 1;
  }
  return result;
}
