import { fail, toWire } from '../errors.ts';
import { comparePrefix, parsePrefix, type HexPrefix } from '../hash/hex.ts';
import type { ObjectType } from '../objects/types.ts';
import type { ObjectDatabase, ObjectLocation } from '../odb/database.ts';
import { DEFAULT_CAPS, ObjectScan, type Candidate, type ScanCaps, type Triage } from './scan.ts';
import type { ObjectMatch } from './types.ts';

/**
 * Objects whose id starts with a hex prefix of any length, across the multi-pack-index, the
 * packs and the loose objects. The candidates come in id order (`ObjectDatabase.allObjects`
 * or the object table), so the scan stops at the first id past the prefix.
 */

/** Checks and normalises a typed prefix; throws BadName with the reason. */
export function normalisePrefix(text: string, hexSize: number): string {
  const clean = text.trim().toLowerCase();
  if (clean === '') fail('BadName', 'type the first hex digits of an object id');
  if (!/^[0-9a-f]+$/.test(clean)) fail('BadName', `"${text.trim()}" is not hexadecimal: an object id uses only 0-9 and a-f`);
  if (clean.length > hexSize) fail('BadName', `"${clean}" is longer than an object id (${hexSize} hex digits)`);
  return clean;
}

/** Lists objects by id prefix. */
export class OidPrefixSearch extends ObjectScan {
  private readonly prefix: HexPrefix;
  private started = false;

  constructor(db: ObjectDatabase, candidates: Iterator<Candidate>, total: number, prefix: string, caps: ScanCaps = DEFAULT_CAPS) {
    super(db, candidates, total, caps);
    this.prefix = parsePrefix(normalisePrefix(prefix, db.algo.hexSize));
  }

  protected override triage(oid: Uint8Array): Triage {
    const d = comparePrefix(oid, 0, this.prefix);
    if (d === 0) {
      this.started = true;
      return 'visit';
    }
    // Sorted input: past the prefix nothing more can match.
    return d > 0 || this.started ? 'stop' : 'skip';
  }

  protected wants(): boolean {
    return true;
  }

  protected visit(oid: string, _location: ObjectLocation, type: ObjectType, size: number): ObjectMatch {
    return { kind: 'object', oid, type, size };
  }

  /** An id whose header cannot be read still matches: list it with the reason. */
  protected override unreadable(oid: string, err: unknown): ObjectMatch {
    return { kind: 'object', oid, error: toWire(err) };
  }
}
