import { zipSync, type Zippable } from 'fflate';
import { toWire } from '../../../core/errors.ts';
import { parseCommit } from '../../../core/objects/commit.ts';
import { parseTag } from '../../../core/objects/tag.ts';
import { parseTree } from '../../../core/objects/tree.ts';
import type { ObjectTable } from '../../../core/odb/object-table.ts';
import { parseDirCache, type DirCache } from '../../../core/reach/dircache.ts';
import { lostFoundFiles } from '../../../core/reach/lost-found.ts';
import { LinkPrefetch } from '../../../core/reach/link-prefetch.ts';
import { ReachabilityWalk, type Reachability } from '../../../core/reach/reachability.ts';
import { readReflogs } from '../../../core/repo/reflog.ts';
import type { ReachabilityResult, UnreachableRow } from '../../../protocol/find.ts';
import type { WireError } from '../../../protocol/messages.ts';
import type { HandlerContext } from '../../../protocol/rpc.ts';
import type { Session } from '../../session.ts';
import { LINK_PREFETCH_OPTIONS } from '../../database-options.ts';
import { jobs, ownerKey } from '../../jobs.ts';

/**
 * Reachability for the open session: the walk runs as one job of the worker's queue (slices,
 * shared by concurrent requests, cancellable per request), and its answer is kept per session;
 * lost-found is zipped from the kept walk.
 */

interface Kept {
  table: ObjectTable;
  reach: Reachability;
  result: ReachabilityResult;
}

/** Per session, one walk without reflogs as roots (git fsck --no-reflogs) and one with. */
const kept = new WeakMap<Session, Map<boolean, Kept>>();
const SLICE_MS = 10;

/** Parses the staging index when there is one; a broken index is reported, not fatal. */
function readIndex(session: Session): { index?: DirCache; problem?: WireError } {
  const file = session.files.index;
  if (!file) return {};
  try {
    return { index: parseDirCache(file.source.read(0, file.source.size), session.db.algo, file.path) };
  } catch (err) {
    return { problem: toWire(err) };
  }
}

async function walk(session: Session, withReflogs: boolean, ctx: HandlerContext): Promise<Kept> {
  const done = kept.get(session)?.get(withReflogs);
  if (done) return done;
  const started = performance.now();
  // Every type first, from the shared pack-order scans (the type filter's job, done once): the
  // walk then reads only what it must parse, never a header per object (16 s of 122 on git.git).
  const table = await session.scanTypes(ctx);
  const { index, problem } = readIndex(session);
  const logs = withReflogs ? readReflogs(session.files.reflogFiles ?? [], session.files.gitDir ?? '', session.db.algo).reflogs : undefined;
  const walker = new ReachabilityWalk(table, { refs: session.refs, ...(index ? { index } : {}), ...(logs ? { reflogs: logs } : {}) });
  // The stored bytes of every commit, tree and tag, read once in pack order and pinned for the
  // walk (which then reads nothing from the files); released when the walk ends or is cancelled.
  // Made by the job's first step: a request that joins a running job must not pin anything.
  let prefetch: LinkPrefetch | undefined;
  // One job through the worker's queue: the prefetch, the walk, then the rows of what it left unreachable.
  const rows: UnreachableRow[] = [];
  let reach: Reachability | undefined;
  let unreadableOids: Set<string> | undefined;
  let walked: { reach: Reachability; rows: UnreachableRow[] };
  try {
    walked = await jobs.run(
      {
        key: `${ownerKey(session)}:reachability:${withReflogs}`,
        step: (ms) => {
          const end = performance.now() + ms;
          prefetch ??= new LinkPrefetch(table, LINK_PREFETCH_OPTIONS);
          while (!prefetch.done) {
            prefetch.step();
            if (performance.now() >= end && !prefetch.done) return false;
          }
          while (!reach) {
            if (walker.step(64)) {
              reach = walker.result();
              prefetch.release();
            } else if (performance.now() >= end) return false;
          }
          const n = reach.unreachableRows.length;
          unreadableOids ??= new Set(reach.unreadable.map((u) => u.oid));
          while (rows.length < n) {
            rows.push(describe(table, reach, reach.unreachableRows[rows.length], unreadableOids));
            if (performance.now() >= end && rows.length < n) return false;
          }
          return true;
        },
        progress: () =>
          !prefetch?.done
            ? { done: prefetch?.loadedBytes ?? 0, total: prefetch?.plannedBytes ?? 0, label: 'Reading commits and trees', unit: 'bytes' }
            : reach
              ? { done: rows.length, total: reach.unreachableRows.length, label: 'Describing unreachable objects', unit: 'objects' }
              : { ...walker.progress, unit: 'objects' },
        finish: () => ({ reach: reach as Reachability, rows }),
      },
      ctx,
    );
  } finally {
    prefetch?.release();
  }
  // A request that joined an earlier one's job gets that job's walk.
  const joined = kept.get(session)?.get(withReflogs);
  if (joined) return joined;
  return keep(session, withReflogs, table, walked.reach, walked.rows, problem, started);
}

function keep(session: Session, withReflogs: boolean, table: ObjectTable, reach: Reachability, rows: UnreachableRow[], problem: WireError | undefined, started: number): Kept {
  const result: ReachabilityResult = {
    mode: reach.mode,
    roots: reach.roots,
    indexEntries: reach.indexEntries,
    reflogFiles: session.files.reflogFiles?.length ?? 0,
    reflogsAreRoots: withReflogs,
    reflogEntries: reach.reflogEntries,
    invalidReflogEntries: reach.invalidReflogEntries,
    ...(problem ? { indexProblem: problem } : {}),
    objects: reach.objectCount,
    reachable: reach.reachableCount,
    unreachable: rows,
    missing: reach.missing,
    brokenRoots: reach.brokenRoots,
    unreadable: reach.unreadable.map((u) => ({ oid: u.oid, error: toWire(u.error) })),
    ms: Math.round(performance.now() - started),
  };
  const entry = { table, reach, result };
  const forSession = kept.get(session) ?? new Map<boolean, Kept>();
  forSession.set(withReflogs, entry);
  kept.set(session, forSession);
  return entry;
}

/**
 * One row: type, dangling, and per type what identifies it (a commit's summary, a tag's name...).
 * An object the walk could not read is `unreadable` with the walk's reason, never dangling.
 */
function describe(table: ObjectTable, reach: Reachability, r: number, unreadableOids: Set<string>): UnreachableRow {
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

/** Walks (or returns the kept walk). */
export async function reachability(session: Session, withReflogs: boolean, ctx: HandlerContext): Promise<ReachabilityResult> {
  const had = kept.get(session)?.has(withReflogs) === true;
  const { result } = await walk(session, withReflogs, ctx);
  return had ? { ...result, ms: 0 } : result;
}

/** git's lost-found folder for every dangling object, zipped (entries under `lost-found/`). */
export async function lostFoundZip(session: Session, withReflogs: boolean, ctx: HandlerContext): Promise<{ bytes: Uint8Array; files: number; skipped: number }> {
  const { table, reach } = await walk(session, withReflogs, ctx);
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
      ctx.progress(files, total, 'Collecting lost-found');
      await ctx.pause();
      slice = performance.now();
    }
  }
  ctx.progress(total, total, 'Zipping');
  await ctx.pause();
  const bytes = zipSync(entries, { level: 6 });
  return { bytes, files, skipped };
}
