import { bytesEqual } from '../bytes/be.ts';
import type { Finding } from '../finding.ts';
import type { HasherFactory } from '../hash/hasher.ts';
import { toHex } from '../hash/hex.ts';
import type { PackFile } from '../odb/pack-file.ts';
import { PackChecker, type PackEntryRow } from './pack-check.ts';

/**
 * Walks a pack in offset order the way `git index-pack --verify-stat` (behind
 * `git verify-pack -v`) does, producing one row per entry and the chain-length histogram,
 * and, when asked, checking every entry (see PackChecker, which does the work).
 */

export type { PackEntryRow };

/** What the walk produced. */
export interface PackWalk {
  /** One row per entry read, in pack order, made as they are iterated. */
  rows: Iterable<PackEntryRow>;
  nonDelta: number;
  /** chainHistogram[d - 1] = number of entries at depth d. */
  chainHistogram: number[];
  /** What the checks found, in the order found (the one Finding shape, core/finding.ts). */
  findings: Finding[];
}

/** Options: decode and hash every object (verify) or read headers only (stats). */
export interface PackWalkOptions {
  verifyObjects: boolean;
  hasher: HasherFactory;
  onProgress?: (done: number, total: number) => void;
}

/** Walks every entry of the pack to the end. Corrupt entries become findings; the walk goes on. */
export function walkPack(pack: PackFile, options: PackWalkOptions): PackWalk {
  const checker = new PackChecker(pack, { hasher: options.hasher, verifyObjects: options.verifyObjects, keepRows: true });
  for (const _ of checker.run()) options.onProgress?.(checker.entriesDone, checker.total);
  return { rows: checker.rows(), nonDelta: checker.nonDelta, chainHistogram: checker.chainHistogram, findings: checker.findings };
}

/** Hashes the pack (everything before the trailer) in 1 MiB steps and compares the trailer. */
export function checkPackChecksum(pack: PackFile, hasher: HasherFactory): Finding | undefined {
  const algo = pack.ctx.algo;
  const source = pack.data;
  const end = source.size - algo.size;
  const h = hasher(algo);
  const step = 1 << 20;
  for (let pos = 0; pos < end; pos += step) h.update(source.read(pos, Math.min(step, end - pos)));
  const actual = h.digest();
  const stored = source.read(end, algo.size);
  if (bytesEqual(actual, stored)) return undefined;
  return {
    severity: 'error',
    kind: 'BadChecksum',
    check: 'trailer',
    file: source.name,
    offset: end,
    message: `pack checksum mismatch: the content hashes to ${toHex(actual)}, the trailer says ${toHex(stored)}`,
  };
}
