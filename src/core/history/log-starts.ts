import { fromHex } from '../hash/hex.ts';
import { parseTag } from '../objects/tag.ts';
import type { ObjectDatabase } from '../odb/database.ts';
import { resolveRef, type RefMap } from '../repo/refs.ts';

/**
 * Where `git log` starts and what it writes beside a commit: the commits refs point to (tags
 * peeled), in the order git names them, and each commit's labels (`--decorate`).
 */

/** Tags followed at most, one after another (a tag of a tag of …). */
const MAX_TAG_HOPS = 100;

/** The commit an object id leads to through tags; undefined for a tree, a blob, or what cannot be read. */
export function peelToCommit(db: ObjectDatabase, oid: string): string | undefined {
  let current = oid;
  for (let hop = 0; hop < MAX_TAG_HOPS; hop++) {
    const id = fromHex(current);
    if (!db.has(id)) return undefined;
    let info: ReturnType<ObjectDatabase['info']>;
    try {
      info = db.info(id);
    } catch {
      return undefined;
    }
    if (info.type === 'commit') return current;
    if (info.type !== 'tag') return undefined;
    try {
      current = parseTag(db.read(id).data).object;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/**
 * `--all`'s starts: every ref under `refs/` in name order (git's for_each_ref), then HEAD, as
 * object ids (a packed tag's peeled commit when packed-refs records it). Nothing is read here: the
 * walk follows tags and leaves out what leads to no commit, so 4,000 refs cost no lookups.
 */
export function allRefStarts(refs: RefMap): string[] {
  const names = [...refs.keys()].filter((n) => n.startsWith('refs/')).sort(byteOrder);
  names.push('HEAD');
  const out: string[] = [];
  for (const name of names) {
    const v = refs.get(name);
    const oid = v?.kind === 'oid' ? (v.peeled ?? v.oid) : resolveRef(refs, name);
    if (oid !== undefined) out.push(oid);
  }
  return out;
}

/** A ref shown beside a commit. */
export interface RefLabel {
  kind: 'head' | 'branch' | 'remote' | 'tag' | 'other';
  /** The short name (`main`, `origin/main`, `v1.0`, `refs/notes/commits`). */
  name: string;
  /** For HEAD: the branch it names, when it is symbolic. */
  target?: string;
}

/** Labels per commit id (hex), in git's decoration order (HEAD, then refs by name). */
export function labelsByCommit(db: ObjectDatabase, refs: RefMap): Map<string, RefLabel[]> {
  const out = new Map<string, RefLabel[]>();
  const add = (commit: string, label: RefLabel) => {
    const list = out.get(commit);
    if (list) list.push(label);
    else out.set(commit, [label]);
  };
  const head = refs.get('HEAD');
  const headOid = resolveRef(refs, 'HEAD');
  const headCommit = headOid === undefined ? undefined : peelToCommit(db, headOid);
  if (headCommit !== undefined) add(headCommit, { kind: 'head', name: 'HEAD', target: head?.kind === 'symbolic' ? shortName(head.target) : undefined });
  for (const name of [...refs.keys()].filter((n) => n.startsWith('refs/')).sort(byteOrder)) {
    const v = refs.get(name);
    if (!v) continue;
    const oid = v.kind === 'oid' ? (v.peeled ?? v.oid) : resolveRef(refs, name);
    if (oid === undefined) continue;
    // Only a tag can name a tag object (git.git: 1,008 of 4,295 refs); packed ones come peeled.
    // Other refs name commits: a label on anything else matches no row and costs nothing.
    const commit = name.startsWith('refs/tags/') && !(v.kind === 'oid' && v.peeled) ? peelToCommit(db, oid) : oid;
    if (commit === undefined) continue;
    add(commit, { kind: kindOf(name), name: shortName(name) });
  }
  return out;
}

function kindOf(name: string): RefLabel['kind'] {
  if (name.startsWith('refs/heads/')) return 'branch';
  if (name.startsWith('refs/remotes/')) return 'remote';
  if (name.startsWith('refs/tags/')) return 'tag';
  return 'other';
}

/** git's shorten_unambiguous_ref for the common prefixes. */
export function shortName(name: string): string {
  for (const prefix of ['refs/heads/', 'refs/tags/', 'refs/remotes/']) if (name.startsWith(prefix)) return name.slice(prefix.length);
  return name;
}

/** Byte order of UTF-16 strings whose characters are all below U+D800 (ref names in practice); git sorts bytes. */
function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
