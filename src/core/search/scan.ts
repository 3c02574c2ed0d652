import { toWire } from '../errors.ts';
import { toHex } from '../hash/hex.ts';
import type { ObjectType } from '../objects/types.ts';
import type { ObjectDatabase, ObjectLocation } from '../odb/database.ts';
import { looksBinary } from './text-hits.ts';
import type { SearchMatch, SearchNote } from './types.ts';

/**
 * The loop every search shares: visit objects a slice at a time (`step(budgetMs)` returns
 * after about that long), so the caller can send what was found so far, yield to other work,
 * and stop when cancelled. Matches and notes wait in an outbox until `take()`.
 *
 * An object that cannot be read becomes a note naming it and why; the scan goes on.
 */

/** An object to look at: its id, where it lives, and its type when already known. */
export interface Candidate {
  oid: Uint8Array;
  location: ObjectLocation;
  type?: ObjectType;
}

/** Counters of a scan, for progress and the final summary. */
export interface ScanStats {
  /** Candidates looked at. */
  scanned: number;
  /** Candidates in all (an upper bound when the source cannot count exactly). */
  total: number;
  /** Objects that matched, the ones past the shown cap counted too. */
  matched: number;
  /** Matches sent (at most `maxMatches`). */
  shown: number;
  /** Binary blobs not searched (the option to include them was off). */
  binarySkipped: number;
  /** Notes produced (some may have been dropped past the cap; see `notesDropped`). */
  notes: number;
  notesDropped: number;
  /** True when more matched than were shown (past `maxMatches`), or the count stopped at `maxCounted`. */
  truncated: boolean;
  /** True when the scan stopped at `maxCounted` before visiting everything. */
  countStopped: boolean;
}

/** What happens with a candidate before it is read. */
export type Triage = 'visit' | 'skip' | 'stop';

/** Caps shared by every scan. */
export interface ScanCaps {
  /** Matching objects sent; past this many the scan only counts matches (truncated). */
  maxMatches: number;
  /** Matches counted at most: the scan stops there (absent: it counts to the end). */
  maxCounted?: number;
  /** Notes kept; the rest are counted. */
  maxNotes: number;
}

export const DEFAULT_CAPS: ScanCaps = { maxMatches: 2000, maxNotes: 500, maxCounted: 1_000_000 };

/** The shared slice loop. */
export abstract class ObjectScan {
  readonly stats: ScanStats;
  private outMatches: SearchMatch[] = [];
  private outNotes: SearchNote[] = [];
  private finished = false;

  protected constructor(
    protected readonly db: ObjectDatabase,
    private readonly candidates: Iterator<Candidate>,
    total: number,
    protected readonly caps: ScanCaps,
  ) {
    this.stats = { scanned: 0, total, matched: 0, shown: 0, binarySkipped: 0, notes: 0, notesDropped: 0, truncated: false, countStopped: false };
  }

  /** True once every candidate was visited (or the cap was reached). */
  get done(): boolean {
    return this.finished;
  }

  /** Visits candidates for about `budgetMs`; returns true when the scan is over. */
  step(budgetMs: number): boolean {
    if (this.finished) return true;
    const deadline = performance.now() + budgetMs;
    for (let k = 1; ; k++) {
      if (this.paused()) return false;
      const next = this.candidates.next();
      if (next.done) return this.finish();
      const { oid, location, type } = next.value;
      const triage = this.triage(oid);
      if (triage === 'stop') return this.finish();
      this.stats.scanned++;
      if (triage === 'visit') this.look(oid, location, type);
      if (this.countFull) {
        this.stats.countStopped = true;
        return this.finish();
      }
      if ((k & 7) === 0 && performance.now() > deadline) return false;
    }
  }

  /** Matches and notes found since the last call. */
  take(): { matches: SearchMatch[]; notes: SearchNote[] } {
    const out = { matches: this.outMatches, notes: this.outNotes };
    this.outMatches = [];
    this.outNotes = [];
    return out;
  }

  /** Decides from the id alone (an id search stops past its prefix). */
  protected triage(_oid: Uint8Array): Triage {
    return 'visit';
  }

  /** True while the scan must not read further (its reads wait to be consumed elsewhere): `step` returns at once. */
  protected paused(): boolean {
    return false;
  }

  /** True when the count of matches reached `maxCounted`: nothing more needs looking at. */
  protected get countFull(): boolean {
    return this.stats.matched >= (this.caps.maxCounted ?? Infinity);
  }

  /**
   * Records a match found now or later (a scan whose matching runs elsewhere reports them as they
   * come back). Past `maxMatches` a match is counted, not sent: the person learns how many matched.
   */
  protected found(match: SearchMatch): void {
    this.stats.matched++;
    if (this.stats.shown >= this.caps.maxMatches) {
      this.stats.truncated = true;
      return;
    }
    this.stats.shown++;
    this.outMatches.push(match);
  }

  /** The object types this scan reads. */
  protected abstract wants(type: ObjectType): boolean;

  /** Looks at one object of a wanted type; returns a match or undefined. */
  protected abstract visit(oid: string, location: ObjectLocation, type: ObjectType, size: number): SearchMatch | undefined;

  /**
   * A blob's bytes for a text search, or undefined when it is not searched: over `maxBlobBytes`
   * (not read; a note says so) or binary by git's rule (counted) unless binaries are wanted.
   * Shared by the in-process search and the one whose matching runs in a helper.
   */
  protected readSearchableBlob(oid: string, location: ObjectLocation, size: number, limits: { maxBlobBytes: number; includeBinary: boolean }): { data: Uint8Array; binary: boolean } | undefined {
    if (size > limits.maxBlobBytes) {
      this.note({ oid, reason: 'too-large', detail: `${size} bytes, over the ${limits.maxBlobBytes}-byte limit of a text search; not searched` });
      return undefined;
    }
    const data = this.db.readAt(location).data;
    const binary = looksBinary(data);
    if (binary && !limits.includeBinary) {
      this.stats.binarySkipped++;
      return undefined;
    }
    return { data, binary };
  }

  protected note(note: SearchNote): void {
    this.stats.notes++;
    if (this.stats.notes > this.caps.maxNotes) this.stats.notesDropped++;
    else this.outNotes.push(note);
  }

  private look(raw: Uint8Array, location: ObjectLocation, known: ObjectType | undefined): void {
    const oid = toHex(raw);
    try {
      if (known !== undefined && !this.wants(known)) return;
      const info = this.db.infoAt(location);
      if (!this.wants(info.type)) return;
      const match = this.visit(oid, location, info.type, info.size);
      if (match) this.found(match);
    } catch (err) {
      const match = this.unreadable(oid, err);
      if (match) this.found(match);
    }
  }

  /** An object that could not be read: a note by default; a scan may list it as a match. */
  protected unreadable(oid: string, err: unknown): SearchMatch | undefined {
    const error = toWire(err);
    this.note({ oid, reason: 'unreadable', detail: error.message, error });
    return undefined;
  }

  private finish(): true {
    this.finished = true;
    return true;
  }
}
