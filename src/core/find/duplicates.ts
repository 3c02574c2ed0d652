import { compareBytes } from '../bytes/be.ts';
import { looseObjectInfo } from '../format/loose.ts';
import { PACK_OFS_DELTA, PACK_REF_DELTA, typeName, type ObjectType } from '../objects/types.ts';
import { hashObject, type HasherFactory } from '../hash/hasher.ts';
import { fromHex, toHex } from '../hash/hex.ts';
import type { ObjectDatabase, ObjectLocation } from '../odb/database.ts';
import type { PackFile } from '../odb/pack-file.ts';
import type { FileEntry } from '../repo/discover.ts';

/**
 * Objects stored more than once: in several packs, or loose and packed. Every opened pack's idx
 * (covered by the multi-pack-index or not) and the loose objects are merged in id order, a
 * slice at a time; an id met in two or more sources is a duplicate.
 *
 * Which copy git reads (ObjectDatabase.locate, without its "pack of the last hit" shortcut,
 * which depends on the order of earlier lookups):
 * 1. the multi-pack-index, newest layer first: the pack it records;
 * 2. the packs it does not cover (all packs when there is none), newest `.pack` first;
 * 3. the loose object. So a packed copy always wins over a loose one.
 *
 * Copies of one id must hold the same bytes (the id is their hash); `compareCopies` reads every
 * copy and hashes it, so a copy whose content differs is named, not guessed.
 */

/** How a copy is stored. */
export type StoredKind = ObjectType | 'ofs-delta' | 'ref-delta';

/** One stored copy of a duplicated object. */
export interface StoredCopy {
  kind: 'packed' | 'loose';
  /** The `.pack` or loose file, relative to the opened folder. */
  file: string;
  /** Pack name (`pack-<hash>`) for packed copies. */
  pack?: string;
  /** Entry offset in the pack. */
  offset?: number;
  /** What the entry header (or loose header) says: a type, or a delta kind. */
  stored?: StoredKind;
  /** The header's size: the object's, or for a delta the delta data's. */
  storedSize?: number;
  /** Bytes the copy takes on disk (the whole pack entry, or the loose file). */
  diskBytes?: number;
  /** Why the header could not be read, when it could not. */
  error?: string;
  /** True for the copy git reads. */
  read: boolean;
}

/** A duplicated object and its copies (packs in the database's order, newest first, then loose). */
export interface DuplicateObject {
  oid: string;
  copies: StoredCopy[];
  /** Why git reads the copy marked `read`. */
  reason: string;
}

/** One copy after reading it whole. */
export interface CopyCheck {
  /** Type and size of the decoded object, when it decoded. */
  type?: ObjectType;
  size?: number;
  /** True when the content hashes to the object id. */
  idMatches?: boolean;
  error?: string;
}

/** The verdict over all copies of one object. */
export interface CopyComparison {
  /** True when every copy decoded, hashes to the id, and so holds the same bytes. */
  identical: boolean;
  checks: CopyCheck[];
}

interface Source {
  done: boolean;
  oid: Uint8Array;
  advance(): void;
  location(): ObjectLocation;
}

function packSource(pack: PackFile): Source {
  let i = 0;
  const source: Source = {
    done: pack.count === 0,
    oid: pack.count > 0 ? pack.idx.oidAt(0) : new Uint8Array(0),
    advance() {
      if (++i >= pack.count) source.done = true;
      else source.oid = pack.idx.oidAt(i);
    },
    location: () => ({ kind: 'packed', pack, offset: pack.idx.offsetAt(i), position: i }),
  };
  return source;
}

function looseSource(sorted: string[], files: Map<string, FileEntry>): Source {
  let i = 0;
  const source: Source = {
    done: sorted.length === 0,
    oid: sorted.length > 0 ? fromHex(sorted[0]) : new Uint8Array(0),
    advance() {
      if (++i >= sorted.length) source.done = true;
      else source.oid = fromHex(sorted[i]);
    },
    location: () => ({ kind: 'loose', file: files.get(sorted[i]) as FileEntry }),
  };
  return source;
}

/** Finds duplicated objects a slice at a time (`step`), for progress and cancellation. */
export class DuplicateFinder {
  private readonly sources: Source[];
  private readonly total: number;
  private visited = 0;
  private readonly found: DuplicateObject[] = [];
  private readonly midxPackByName = new Map<string, PackFile>();

  constructor(private readonly db: ObjectDatabase) {
    this.sources = db.packs.map(packSource);
    this.sources.push(looseSource([...db.loose.keys()].sort(), db.loose));
    this.total = db.packs.reduce((n, p) => n + p.count, 0) + db.loose.size;
    for (const p of db.packs) this.midxPackByName.set(p.name, p);
  }

  /** Stored copies looked at so far, of all there are. */
  get progress(): { done: number; total: number } {
    return { done: this.visited, total: this.total };
  }

  get done(): boolean {
    return this.sources.every((s) => s.done);
  }

  /** The duplicates found so far, in id order. */
  get duplicates(): readonly DuplicateObject[] {
    return this.found;
  }

  /** Merges up to `limit` ids; true when every source is exhausted. */
  step(limit: number): boolean {
    const H = this.db.algo.size;
    const equal: Source[] = [];
    for (let k = 0; k < limit; k++) {
      let min: Source | undefined;
      equal.length = 0;
      for (const s of this.sources) {
        if (s.done) continue;
        const d = min ? compareBytes(s.oid, 0, min.oid, 0, H) : -1;
        if (d < 0) {
          min = s;
          equal.length = 0;
          equal.push(s);
        } else if (d === 0) equal.push(s);
      }
      if (!min) return true;
      if (equal.length > 1)
        this.found.push(
          this.describe(
            min.oid.slice(0, H),
            equal.map((s) => s.location()),
          ),
        );
      this.visited += equal.length;
      for (const s of equal) s.advance();
    }
    return this.done;
  }

  /** Runs to the end (the CLI and tests). */
  run(): DuplicateObject[] {
    while (!this.step(100_000));
    return [...this.found];
  }

  private describe(oid: Uint8Array, locations: ObjectLocation[]): DuplicateObject {
    const { location: chosen, reason } = this.gitReads(oid);
    const copies = locations.map((loc) => this.copy(loc, chosen));
    return { oid: toHex(oid), copies, reason };
  }

  /** The copy git reads and why: the midx's, else the first uncovered pack, else loose. */
  private gitReads(oid: Uint8Array): { location: ObjectLocation | undefined; reason: string } {
    const db = this.db;
    if (db.midx) {
      for (const layer of db.midx.layers) {
        const i = layer.find(oid);
        if (i < 0) continue;
        const name = db.midx.packNames[layer.packIdAt(i)].replace(/\.(idx|pack)$/, '');
        const pack = this.midxPackByName.get(name);
        if (pack) {
          const layers = db.midx.layers.length > 1 ? ' (the newest layer that has it)' : '';
          return { location: { kind: 'packed', pack, offset: layer.offsetAt(i), position: -1 }, reason: `the multi-pack-index records this copy${layers}, and git searches it before any pack` };
        }
      }
    }
    const order = db.midx ? db.uncoveredPacks : db.packs;
    for (const pack of order) {
      const pos = pack.idx.find(oid);
      if (pos >= 0) {
        const where = db.midx ? 'not in the multi-pack-index; of the packs it does not cover,' : 'no multi-pack-index; of the packs,';
        return { location: { kind: 'packed', pack, offset: pack.idx.offsetAt(pos), position: pos }, reason: `${where} this is the newest (packs are searched newest first)` };
      }
    }
    const file = db.loose.get(toHex(oid));
    if (file) return { location: { kind: 'loose', file }, reason: 'no pack that git searches has it, so the loose object is read' };
    return { location: undefined, reason: 'no copy is searched' };
  }

  private copy(loc: ObjectLocation, chosen: ObjectLocation | undefined): StoredCopy {
    const read = chosen !== undefined && (loc.kind === 'loose' ? chosen.kind === 'loose' : chosen.kind === 'packed' && chosen.pack === loc.pack && chosen.offset === loc.offset);
    if (loc.kind === 'loose') {
      const copy: StoredCopy = { kind: 'loose', file: loc.file.path, diskBytes: loc.file.source.size, read };
      try {
        const info = looseObjectInfo(loc.file.source, this.db.ctx.inflater);
        copy.stored = info.type;
        copy.storedSize = info.size;
      } catch (err) {
        copy.error = err instanceof Error ? err.message : String(err);
      }
      return copy;
    }
    const copy: StoredCopy = { kind: 'packed', file: loc.pack.data.name, pack: loc.pack.name, offset: loc.offset, read };
    try {
      const header = loc.pack.entryHeader(loc.offset);
      copy.stored = header.type === PACK_OFS_DELTA ? 'ofs-delta' : header.type === PACK_REF_DELTA ? 'ref-delta' : typeName(header.type);
      copy.storedSize = header.size;
      copy.diskBytes = loc.pack.entryEnd(loc.offset) - loc.offset;
    } catch (err) {
      copy.error = err instanceof Error ? err.message : String(err);
    }
    return copy;
  }
}

/** Where a copy lives, for reading it again. */
export function copyLocation(db: ObjectDatabase, copy: StoredCopy): ObjectLocation | undefined {
  if (copy.kind === 'loose') {
    for (const file of db.loose.values()) if (file.path === copy.file) return { kind: 'loose', file };
    return undefined;
  }
  const pack = db.packs.find((p) => p.name === copy.pack);
  return pack && copy.offset !== undefined ? { kind: 'packed', pack, offset: copy.offset, position: -1 } : undefined;
}

/** Reads every copy whole and hashes it: identical copies all hash to the object id. */
export function compareCopies(db: ObjectDatabase, dup: DuplicateObject, hasher: HasherFactory): CopyComparison {
  const want = dup.oid;
  const checks: CopyCheck[] = dup.copies.map((copy) => {
    const loc = copyLocation(db, copy);
    if (!loc) return { error: 'the copy is no longer in the database' };
    try {
      const object = db.readAt(loc);
      const id = toHex(hashObject(hasher, db.algo, object.type, object.data));
      return { type: object.type, size: object.data.length, idMatches: id === want, ...(id === want ? {} : { error: `its content hashes to ${id}, not to ${want}` }) };
    } catch (err) {
      return { error: err instanceof Error ? err.message : String(err) };
    }
  });
  return { identical: checks.every((c) => c.idMatches === true), checks };
}
