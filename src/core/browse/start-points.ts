import { fromHex, toHex } from '../hash/hex.ts';
import { forEachCommitLink, parseCommit } from '../objects/commit.ts';
import { parseTag } from '../objects/tag.ts';
import type { ObjectDatabase } from '../odb/database.ts';
import type { ObjectTable } from '../odb/object-table.ts';
import { dwimRef, resolveRef, type RefMap } from '../repo/refs.ts';
import type { StartPoint, StartPoints } from './types.ts';

/**
 * Where Browse and History can start when HEAD leads nowhere (a copied or bare repository whose
 * HEAD names a branch that is not there, or no refs at all): the refs' commits, newest first, and
 * without refs the tip commits (commits no other commit names as parent), found by reading every
 * commit (TipCommitScan, run in slices by its caller).
 */

const GROUPS: [StartPoint['kind'], string][] = [
  ['branch', 'refs/heads/'],
  ['remote', 'refs/remotes/'],
  ['tag', 'refs/tags/'],
];

/** The commit a ref's object leads to (tags peeled), or undefined when it leads to no readable commit. */
function commitOf(db: ObjectDatabase, oid: string): string | undefined {
  for (let hops = 0; hops < 20; hops++) {
    const raw = fromHex(oid);
    if (!db.has(raw)) return undefined;
    const obj = db.read(raw);
    if (obj.type === 'commit') return oid;
    if (obj.type !== 'tag') return undefined;
    oid = parseTag(obj.data).object;
  }
  return undefined;
}

function describe(db: ObjectDatabase, commit: string): { summary: string; time: number } {
  try {
    const c = parseCommit(db.read(fromHex(commit)).data);
    const nl = c.message.indexOf('\n');
    const line = nl < 0 ? c.message : c.message.slice(0, nl);
    return { summary: line.length > 300 ? `${line.slice(0, 300)}…` : line, time: c.committer.time };
  } catch {
    return { summary: '', time: 0 };
  }
}

/** HEAD's state in a sentence a person can act on, when it leads nowhere. */
function headState(db: ObjectDatabase, refs: RefMap): StartPoints['head'] {
  const value = refs.get('HEAD');
  if (!value) return { resolves: false, problem: 'There is no HEAD in this folder (a pack or objects folder, or a copy without it).' };
  const oid = resolveRef(refs, 'HEAD');
  const head: StartPoints['head'] = { resolves: false };
  if (value.kind === 'symbolic') head.symbolic = value.target;
  if (oid) head.oid = oid;
  if (!oid) head.problem = `HEAD names ${value.kind === 'symbolic' ? value.target : 'a ref'}, which is not in this repository (common in copied or bare repositories).`;
  else if (!commitOf(db, oid)) head.problem = `HEAD points at ${oid}, which is not a commit in this folder.`;
  else head.resolves = true;
  return head;
}

/** Finds the tip commits: reads every commit of the table once, a slice at a time. */
export class TipCommitScan {
  private readonly rows: Uint32Array;
  private readonly named = new Set<string>();
  private readonly times = new Map<string, number>();
  private next = 0;

  constructor(
    private readonly db: ObjectDatabase,
    private readonly table: ObjectTable,
  ) {
    this.rows = table.rowsOfType('commit');
  }

  /** Commits read so far, and in all. */
  get done(): number {
    return this.next;
  }
  get total(): number {
    return this.rows.length;
  }

  /** Reads commits for about `ms` milliseconds; true once every commit is read. */
  step(ms: number): boolean {
    const end = performance.now() + ms;
    const { rows, table, db, named, times } = this;
    while (this.next < rows.length) {
      const oid = table.oidAt(rows[this.next++]);
      try {
        const data = db.read(oid).data;
        forEachCommitLink(data, (isParent, start, stop) => {
          if (isParent) named.add(new TextDecoder().decode(data.subarray(start, stop)));
        });
        times.set(toHex(oid), parseCommit(data).committer.time);
      } catch {
        // An unreadable commit names no parents we can see; it is listed as a tip only if nothing names it.
        times.set(toHex(oid), 0);
      }
      if ((this.next & 63) === 0 && performance.now() > end) return false;
    }
    return true;
  }

  /** The tips, newest first (once `step` returned true). */
  finish(): StartPoint[] {
    const out: StartPoint[] = [];
    for (const [oid, time] of this.times) if (!this.named.has(oid)) out.push({ kind: 'tip', rev: oid, commit: oid, summary: '', time });
    out.sort((a, b) => b.time - a.time || (a.commit < b.commit ? -1 : 1));
    return out;
  }
}

/** How many start points an answer lists at most, for a caller's `limit`. */
function capOf(limit: number): number {
  return Math.max(1, Math.min(limit, 500));
}

/** HEAD's state and the refs' commits (newest first in each group); tips are left empty. */
export function refStartPoints(db: ObjectDatabase, refs: RefMap, limit: number): StartPoints {
  const cap = capOf(limit);
  const points: StartPoint[] = [];
  for (const [name] of refs) {
    if (name === 'HEAD') continue;
    const oid = resolveRef(refs, name);
    const commit = oid ? commitOf(db, oid) : undefined;
    if (!commit) continue;
    const group = GROUPS.find(([, prefix]) => name.startsWith(prefix));
    const short = group ? name.slice(group[1].length) : name;
    const rev = short !== 'HEAD' && dwimRef(refs, short) === oid ? short : name;
    points.push({ kind: group?.[0] ?? 'other', rev, ref: name, commit, ...describe(db, commit) });
  }
  const rank = (k: StartPoint['kind']) => ['branch', 'remote', 'tag', 'other', 'tip'].indexOf(k);
  points.sort((a, b) => rank(a.kind) - rank(b.kind) || b.time - a.time || (a.rev < b.rev ? -1 : 1));
  return { head: headState(db, refs), refs: points.slice(0, cap), refCount: points.length, tips: [], tipCount: 0 };
}

/** True when neither HEAD nor any ref leads to a commit: the tips are the only way in. */
export function needsTips(answer: StartPoints): boolean {
  return answer.refs.length === 0 && !answer.head.resolves;
}

/** Fills the answer's tips from a TipCommitScan's result, each described. */
export function addTips(answer: StartPoints, db: ObjectDatabase, tips: StartPoint[], limit: number): StartPoints {
  answer.tipCount = tips.length;
  answer.tips = tips.slice(0, capOf(limit)).map((t) => ({ ...t, ...describe(db, t.commit) }));
  return answer;
}
