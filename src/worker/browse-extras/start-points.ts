import { fromHex, toHex } from '../../core/hash/hex.ts';
import { forEachCommitLink, parseCommit } from '../../core/objects/commit.ts';
import { parseTag } from '../../core/objects/tag.ts';
import type { ObjectDatabase } from '../../core/odb/database.ts';
import { dwimRef, resolveRef, type RefMap } from '../../core/repo/refs.ts';
import type { HandlerContext } from '../../protocol/rpc.ts';
import type { StartPoint, StartPoints } from '../../protocol/browse-extras.ts';
import type { Session } from '../session.ts';
import { jobs, ownerKey } from '../jobs.ts';

/**
 * Where Browse and History can start when HEAD leads nowhere (a copied or bare repository whose
 * HEAD names a branch that is not there, or no refs at all): the refs' commits, newest first, and
 * without refs the tip commits (commits no other commit names as parent), found once per session
 * by reading every commit.
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

/** Tip commits, per session (reading every commit is done once). */
const tipCache = new WeakMap<Session, StartPoint[]>();

async function tipCommits(session: Session, ctx: HandlerContext): Promise<StartPoint[]> {
  const known = tipCache.get(session);
  if (known) return known;
  const db = session.db;
  const table = await session.scanTypes(ctx);
  const rows = table.rowsOfType('commit');
  const named = new Set<string>();
  const times = new Map<string, number>();
  let next = 0;
  const tips = await jobs.run(
    {
      key: `${ownerKey(session)}:tip-commits`,
      step: (ms) => {
        const end = performance.now() + ms;
        while (next < rows.length) {
          const oid = table.oidAt(rows[next++]);
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
          if ((next & 63) === 0 && performance.now() > end) return false;
        }
        return true;
      },
      progress: () => ({ done: next, total: rows.length, label: 'Looking for tip commits', unit: 'commits' }),
      finish: () => {
        const out: StartPoint[] = [];
        for (const [oid, time] of times) if (!named.has(oid)) out.push({ kind: 'tip', rev: oid, commit: oid, summary: '', time });
        out.sort((a, b) => b.time - a.time || (a.commit < b.commit ? -1 : 1));
        return out;
      },
    },
    ctx,
    'browse',
  );
  tipCache.set(session, tips);
  return tips;
}

/** See the file comment. */
export async function startPoints(session: Session, limit: number, ctx: HandlerContext): Promise<StartPoints> {
  const db = session.db;
  const refs = session.refs;
  const cap = Math.max(1, Math.min(limit, 500));
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
  const answer: StartPoints = { head: headState(db, refs), refs: points.slice(0, cap), refCount: points.length, tips: [], tipCount: 0 };
  if (points.length === 0 && !answer.head.resolves) {
    const tips = await tipCommits(session, ctx);
    answer.tipCount = tips.length;
    answer.tips = tips.slice(0, cap).map((t) => ({ ...t, ...describe(db, t.commit) }));
  }
  return answer;
}
