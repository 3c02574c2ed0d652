import { zipSync, type Zippable } from 'fflate';
import { toWire, type WireError } from '../errors.ts';
import type { HashAlgo } from '../hash/algo.ts';
import { parseCommit } from '../objects/commit.ts';
import { parseTag } from '../objects/tag.ts';
import { parseTree } from '../objects/tree.ts';
import type { ObjectTable } from '../odb/object-table.ts';
import type { Pacing } from '../pacing.ts';
import { parseDirCache, type DirCache } from '../reach/dircache.ts';
import { LinkPrefetch, type LinkPrefetchOptions } from '../reach/link-prefetch.ts';
import { lostFoundFiles } from '../reach/lost-found.ts';
import { ReachabilityWalk, type Reachability, type ReachInput } from '../reach/reachability.ts';
import type { RepositoryFiles } from '../repo/discover.ts';
import type { ReachabilityResult, UnreachableRow } from './types.ts';

/**
 * What nothing reaches, as the Unreachable page lists it: the stored bytes of every commit, tree
 * and tag prefetched in pack order, the reachability walk (core/reach/reachability.ts), then a row
 * per unreachable object; run a slice at a time by the caller (the worker's job queue). And git's
 * lost-found folder for the dangling objects, zipped.
 */

/** The staging index when there is one; a broken index is reported, not fatal. */
export function readStagingIndex(files: RepositoryFiles, algo: HashAlgo): { index?: DirCache; problem?: WireError } {
  const file = files.index;
  if (!file) return {};
  try {
    return { index: parseDirCache(file.source.read(0, file.source.size), algo, file.path) };
  } catch (err) {
    return { problem: toWire(err) };
  }
}

/** The prefetch, the walk, then the rows of what it left unreachable: one resumable run. */
export class UnreachableRun {
  private readonly walker: ReachabilityWalk;
  /**
   * Made by the first step, not before: a caller that joins a run already going must not pin
   * anything. Released when the walk ends (or by `release`, when the run is dropped).
   */
  private prefetch: LinkPrefetch | undefined;
  private reach: Reachability | undefined;
  private unreadableOids: Set<string> | undefined;
  private readonly rows: UnreachableRow[] = [];

  constructor(
    private readonly table: ObjectTable,
    roots: ReachInput,
    private readonly prefetchOptions: LinkPrefetchOptions,
  ) {
    this.walker = new ReachabilityWalk(table, roots);
  }

  /** Works for about `ms` milliseconds; true once every unreachable object has its row. */
  step(ms: number): boolean {
    const end = performance.now() + ms;
    const { table, walker, rows } = this;
    const prefetch = (this.prefetch ??= new LinkPrefetch(table, this.prefetchOptions));
    while (!prefetch.done) {
      prefetch.step();
      if (performance.now() >= end && !prefetch.done) return false;
    }
    while (!this.reach) {
      if (walker.step(64)) {
        this.reach = walker.result();
        prefetch.release();
      } else if (performance.now() >= end) return false;
    }
    const reach = this.reach;
    const n = reach.unreachableRows.length;
    const unreadableOids = (this.unreadableOids ??= new Set(reach.unreadable.map((u) => u.oid)));
    while (rows.length < n) {
      rows.push(describeUnreachable(table, reach, reach.unreachableRows[rows.length], unreadableOids));
      if (performance.now() >= end && rows.length < n) return false;
    }
    return true;
  }

  /** Where the run is, in the unit of its phase (bytes prefetched, objects walked, rows described). */
  progress(): { done: number; total: number; label: string; unit: string } {
    const { prefetch, reach } = this;
    if (!prefetch?.done) return { done: prefetch?.loadedBytes ?? 0, total: prefetch?.plannedBytes ?? 0, label: 'Reading commits and trees', unit: 'bytes' };
    if (reach) return { done: this.rows.length, total: reach.unreachableRows.length, label: 'Describing unreachable objects', unit: 'objects' };
    return { ...this.walker.progress, unit: 'objects' };
  }

  /** Unpins the prefetched bytes (the run is finished or dropped). */
  release(): void {
    this.prefetch?.release();
  }

  /** The walk and the rows (once `step` returned true). */
  finish(): { reach: Reachability; rows: UnreachableRow[] } {
    return { reach: this.reach as Reachability, rows: this.rows };
  }
}

/** The page's answer for a finished run. */
export function reachabilityResult(reach: Reachability, rows: UnreachableRow[], facts: { reflogFiles: number; reflogsAreRoots: boolean; indexProblem?: WireError; ms: number }): ReachabilityResult {
  return {
    mode: reach.mode,
    roots: reach.roots,
    indexEntries: reach.indexEntries,
    reflogFiles: facts.reflogFiles,
    reflogsAreRoots: facts.reflogsAreRoots,
    reflogEntries: reach.reflogEntries,
    invalidReflogEntries: reach.invalidReflogEntries,
    ...(facts.indexProblem ? { indexProblem: facts.indexProblem } : {}),
    objects: reach.objectCount,
    reachable: reach.reachableCount,
    unreachable: rows,
    missing: reach.missing,
    brokenRoots: reach.brokenRoots,
    unreadable: reach.unreadable.map((u) => ({ oid: u.oid, error: toWire(u.error) })),
    ms: facts.ms,
  };
}

/**
 * One row: type, dangling, and per type what identifies it (a commit's summary, a tag's name...).
 * An object the walk could not read is `unreadable` with the walk's reason, never dangling.
 */
export function describeUnreachable(table: ObjectTable, reach: Reachability, r: number, unreadableOids: Set<string>): UnreachableRow {
  const oid = table.oidHexAt(r);
  const loc = table.locationAt(r);
  const unreadable = unreadableOids.has(oid);
  const dangling = !unreadable && reach.isDangling(r);
  const row: UnreachableRow = loc.kind === 'loose' ? { oid, dangling, pack: 'loose', file: loc.file.path } : { oid, dangling, pack: loc.pack.name, file: loc.pack.data.name };
  if (loc.kind === 'packed') row.offset = loc.offset;
  if (unreadable) {
    row.unreadable = true;
    const problem = reach.unreadable.find((u) => u.oid === oid);
    if (problem) row.error = toWire(problem.error);
    const known = reach.typeOf(r);
    if (known) row.type = known;
    return row;
  }
  const type = reach.typeOf(r);
  if (!type) {
    const problem = reach.unreadable.find((u) => u.oid === oid);
    if (problem) row.error = toWire(problem.error);
    return row;
  }
  row.type = type;
  try {
    if (type === 'blob') {
      row.size = table.db.infoAt(loc).size;
      return row;
    }
    const object = table.db.readAt(loc);
    row.size = object.data.length;
    if (type === 'commit') {
      const c = parseCommit(object.data);
      row.summary = c.message.split('\n')[0];
      row.author = c.author.name;
      row.time = c.author.time;
      row.zone = c.author.zone;
      row.tree = c.tree;
    } else if (type === 'tag') {
      const t = parseTag(object.data);
      row.tagName = t.name;
      row.target = t.object;
      row.targetType = t.type;
      row.summary = t.message.split('\n')[0];
      if (t.tagger) {
        row.author = t.tagger.name;
        row.time = t.tagger.time;
        row.zone = t.tagger.zone;
      }
    } else {
      row.entries = parseTree(object.data, table.db.algo, oid).length;
    }
  } catch (err) {
    row.error = toWire(err);
  }
  return row;
}

/** Time between progress reports and yields while collecting lost-found. */
const SLICE_MS = 10;

/** git's lost-found folder for every dangling object, zipped (entries under `lost-found/`). */
export async function lostFoundZip(table: ObjectTable, reach: Reachability, pacing: Pacing): Promise<{ bytes: Uint8Array; files: number; skipped: number }> {
  const entries: Zippable = {};
  let files = 0;
  let skipped = 0;
  let slice = performance.now();
  const total = reach.unreachableRows.length;
  // A fixed time: the same repository gives the same zip.
  const mtime = new Date('2000-01-01T00:00:00Z');
  // What could not be read is not offered: its type and content are exactly what is in doubt.
  const unreadableOids = new Set(reach.unreadable.map((u) => u.oid));
  for (const f of lostFoundFiles(reach, table, () => skipped++)) {
    if (unreadableOids.has(f.path.slice(f.path.indexOf('/') + 1))) {
      skipped++;
      continue;
    }
    entries[`lost-found/${f.path}`] = [f.data, { mtime }];
    files++;
    if (performance.now() - slice >= SLICE_MS) {
      pacing.progress(files, total, 'Collecting lost-found');
      await pacing.pause();
      slice = performance.now();
    }
  }
  pacing.progress(total, total, 'Zipping');
  await pacing.pause();
  const bytes = zipSync(entries, { level: 6 });
  return { bytes, files, skipped };
}
