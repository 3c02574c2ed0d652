import { fail } from '../core/errors.ts';
import { fromHex, toHex } from '../core/hash/hex.ts';
import { treeEntryAt } from '../core/objects/tree-index.ts';
import { parseCommit } from '../core/objects/commit.ts';
import { Blame } from '../core/history/blame.ts';
import { repositoryCommitGraph } from '../core/history/generation-numbers.ts';
import { Mailmap } from '../core/history/mailmap.ts';
import type { PersonInfo } from '../protocol/messages.ts';
import { PathLog, type PathLogEntry } from '../core/history/path-log.ts';
import { TreePathLookup, isFolderMode, joinPath, splitPath } from '../core/history/tree-path.ts';
import { isBinaryBlob } from '../core/diff/binary.ts';
import type { ObjectDatabase } from '../core/odb/database.ts';
import type { BlameCommit, BlameGroup, BlameRequests, PathCommitRow } from '../protocol/blame.ts';
import type { Handlers } from '../protocol/rpc.ts';
import { resolveToOid } from '../core/browse/browse.ts';
import { DETAIL_LIMITS, person } from '../core/objects/describe.ts';
import type { Session } from './session.ts';
import { current } from './state.ts';
import { findEntry, treeIndexOf } from '../core/odb/tree-listing.ts';

/**
 * Path history and blame: the worker's side of protocol/blame.ts. The walks are core's
 * (history/path-log.ts, history/blame.ts); here they are paged, paused between slices so
 * lookups are answered meanwhile, cancelled on request, and their answers cut for display.
 */

/** What one answer may carry. */
const LIMITS = {
  /** Lines of a blamed file sent to the page (the groups cover them all). */
  blameLines: 200_000,
  /** Characters of one line sent. */
  lineChars: 4000,
  summaryChars: 1000,
  personChars: 500,
  pathChars: 4096,
  /** Commits read between pauses. */
  walkSlice: 200,
  /** Path-history walks kept for paging. */
  walksKept: 8,
};

const utf8 = new TextDecoder('utf-8');
const display = (bytes: Uint8Array) => cut(utf8.decode(bytes), LIMITS.pathChars);
const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n)}…` : s);

/** Peels a name to its commit. */
function commitOf(db: ObjectDatabase, session: Session, rev: string): Uint8Array {
  return resolveToOid(db, session.refs, `${rev}^{commit}`);
}

/**
 * The path's bytes below the commit's tree, found name by name as the views show names (a name
 * that is not UTF-8 is matched by its decoded form); the encoded names when the path is not in
 * this tree (a deleted file's history starts from a later commit).
 */
function pathBytes(db: ObjectDatabase, commit: Uint8Array, parts: string[]): Uint8Array {
  const enc = new TextEncoder();
  let tree = parseCommit(db.read(commit).data).tree;
  const names: Uint8Array[] = [];
  for (let i = 0; i < parts.length; i++) {
    const index = treeIndexOf(db, tree);
    const at = findEntry(index, parts[i]);
    if (at < 0) return joinPath([...names, ...parts.slice(i).map((p) => enc.encode(p))]);
    const entry = treeEntryAt(index, at);
    names.push(entry.name.slice());
    if (entry.mode !== '40000' && entry.mode !== '040000') return joinPath([...names, ...parts.slice(i + 1).map((p) => enc.encode(p))]);
    tree = toHex(entry.oid);
  }
  return joinPath(names);
}

/** The repository's mailmap as a code host applies it: the `.mailmap` of HEAD (kept per session). */
const mailmaps = new WeakMap<Session, Mailmap>();

function mailmapOf(s: Session): Mailmap {
  let map = mailmaps.get(s);
  if (map) return map;
  map = new Mailmap();
  try {
    const oid = resolveToOid(s.db, s.refs, 'HEAD:.mailmap');
    const obj = s.db.read(oid);
    if (obj.type === 'blob' && obj.data.length <= 4 << 20) map.addText(obj.data);
  } catch {
    // No HEAD, no .mailmap, or an unreadable one: people are shown as the commits name them.
  }
  mailmaps.set(s, map);
  return map;
}

const toLatin1 = (s: string) => Array.from(new TextEncoder().encode(s), (b) => String.fromCharCode(b)).join('');
const fromLatin1 = (s: string) => utf8.decode(Uint8Array.from(s, (c) => c.charCodeAt(0)));

/** A person as the mailmap names them (names and addresses are matched as git matches bytes). */
function mapped(p: PersonInfo, map: Mailmap): PersonInfo {
  const m = map.size === 0 ? p : map.map(toLatin1(p.name), toLatin1(p.email));
  const name = map.size === 0 ? p.name : fromLatin1(m.name);
  const email = map.size === 0 ? p.email : fromLatin1(m.email);
  // A hostile commit may name a person in megabytes: the page gets the start.
  return { ...p, name: cut(name, LIMITS.personChars), email: cut(email, LIMITS.personChars) };
}

interface KeptWalk {
  session: Session;
  walk: PathLog;
  rows: PathCommitRow[];
  folder: boolean;
}

const walks = new Map<string, KeptWalk>();

function row(db: ObjectDatabase, oid: string, path: Uint8Array, from: PathLogEntry['from'], map: Mailmap): PathCommitRow {
  const c = parseCommit(db.read(fromHex(oid)).data);
  const nl = c.message.indexOf('\n');
  const r: PathCommitRow = {
    oid,
    parents: c.parents.slice(0, DETAIL_LIMITS.parents),
    parentCount: c.parents.length,
    author: mapped(person(c.author), map),
    summary: cut(nl < 0 ? c.message : c.message.slice(0, nl), LIMITS.summaryChars),
    path: display(path),
  };
  if (from) r.renamedFrom = { path: display(from.path), status: from.status, similarity: Math.round((from.score * 100) / 60000) };
  return r;
}

export const blameHandlers: Pick<Handlers, keyof BlameRequests> = {
  async pathHistory({ rev, path, follow, skip, limit }, ctx) {
    const s = current();
    const start = commitOf(s.db, s, rev);
    const key = `${toHex(start)}\u0000${path.join('/')}\u0000${follow ? 1 : 0}`;
    let kept = walks.get(key);
    if (kept && kept.session !== s) kept = undefined;
    if (!kept) {
      if (follow && path.length === 0) fail('BadName', '--follow needs a file, not the whole tree');
      const bytes = pathBytes(s.db, start, path);
      const entry = new TreePathLookup(s.db, splitPath(bytes)).entryAt(fromHex(parseCommit(s.db.read(start).data).tree));
      kept = { session: s, walk: new PathLog(s.db, [start], [bytes], { follow, graph: repositoryCommitGraph(s.db, s.refs) }), rows: [], folder: entry !== undefined && isFolderMode(entry.mode) };
      walks.set(key, kept);
      while (walks.size > LIMITS.walksKept) walks.delete(walks.keys().next().value as string);
    }
    const { walk, rows } = kept;
    const want = skip + Math.min(limit, 500);
    while (rows.length < want && !walk.done) {
      const shown = walk.next(LIMITS.walkSlice);
      if (shown) rows.push(row(s.db, shown.oid, shown.path, shown.from, mailmapOf(s)));
      ctx.progress(walk.commitsRead, 0, 'Walking the history of the path', { unit: 'commits' });
      await ctx.pause();
    }
    return { commits: rows.slice(skip, want), done: walk.done && rows.length <= want, walked: walk.commitsRead, folder: kept.folder };
  },

  async blame({ rev, path }, ctx) {
    const started = Date.now();
    const s = current();
    const commit = commitOf(s.db, s, rev);
    const bytes = pathBytes(s.db, commit, path);
    const job = new Blame(s.db, commit, bytes, { graph: repositoryCommitGraph(s.db, s.refs) });
    const total = job.final.count;
    while (!job.done) {
      job.step(LIMITS.walkSlice / 4);
      ctx.progress(job.linesBlamed, total, 'Blaming lines', { unit: 'lines' });
      await ctx.pause();
    }
    const commitIndex = new Map<string, number>();
    const commits: BlameCommit[] = [];
    const groups: BlameGroup[] = [];
    for (const e of job.entries()) {
      const id = e.origin.commit;
      let at = commitIndex.get(id);
      if (at === undefined) {
        const c = parseCommit(s.db.read(fromHex(id)).data);
        const nl = c.message.indexOf('\n');
        at = commits.length;
        commitIndex.set(id, at);
        commits.push({
          oid: id,
          author: mapped(person(c.author), mailmapOf(s)),
          committer: mapped(person(c.committer), mailmapOf(s)),
          summary: cut(nl < 0 ? c.message : c.message.slice(0, nl), LIMITS.summaryChars),
          boundary: job.boundaries.has(id),
        });
      }
      const g: BlameGroup = { commit: at, start: e.finalStart, count: e.count, sourceStart: e.sourceStart, path: display(e.origin.path) };
      if (e.origin.previous) g.previous = { commit: e.origin.previous.commit, path: display(e.origin.previous.path) };
      groups.push(g);
    }
    const data = job.final.data;
    const binary = isBinaryBlob(data);
    const lines: string[] = [];
    if (!binary) {
      const n = Math.min(total, LIMITS.blameLines);
      for (let i = 0; i < n; i++) {
        let end = job.final.starts[i + 1];
        if (end > job.final.starts[i] && data[end - 1] === 0x0a) end--;
        lines.push(cut(utf8.decode(data.subarray(job.final.starts[i], end)), LIMITS.lineChars));
      }
    }
    return { commit: toHex(commit), path: display(bytes), lines, totalLines: total, binary, groups, commits, commitsVisited: job.commitsVisited, ms: Date.now() - started };
  },
};
