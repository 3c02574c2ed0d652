import { fromHex, isHex, toHex } from '../hash/hex.ts';
import { parseCommit } from '../objects/commit.ts';
import { parseTag } from '../objects/tag.ts';
import { parseTree } from '../objects/tree.ts';
import type { ObjectType } from '../objects/types.ts';
import { dwimRef, type RefMap } from '../repo/refs.ts';
import type { ObjectDatabase } from './database.ts';

/**
 * Object names as `git cat-file --batch` accepts them: a full id, a unique prefix of at least
 * four hex digits, a ref (`HEAD`, `main`, `v1.0`, `refs/…`), followed by any of `~n`, `^n`,
 * `^{type}`, `^{}`, and finally `:path`.
 */

/** The outcome of resolving a name. */
export type NameResult = { kind: 'found'; oid: Uint8Array } | { kind: 'missing'; reason: string } | { kind: 'ambiguous'; candidates: string[] };

class Unresolved extends Error {
  constructor(readonly result: NameResult) {
    super('unresolved');
  }
}

function missing(reason: string): never {
  throw new Unresolved({ kind: 'missing', reason });
}

/** Resolves a name against the database and the refs. Corrupt objects on the way throw. */
export function resolveName(db: ObjectDatabase, refs: RefMap, name: string): NameResult {
  try {
    return { kind: 'found', oid: resolve(db, refs, name) };
  } catch (err) {
    if (err instanceof Unresolved) return err.result;
    throw err;
  }
}

function resolve(db: ObjectDatabase, refs: RefMap, name: string): Uint8Array {
  const colon = name.indexOf(':');
  if (colon > 0) {
    const tree = peel(db, resolveRev(db, refs, name.slice(0, colon)), 'tree');
    return walkPath(db, tree, name.slice(colon + 1));
  }
  return resolveRev(db, refs, name);
}

function resolveRev(db: ObjectDatabase, refs: RefMap, rev: string): Uint8Array {
  const m = /^(.*?)((?:~\d*|\^\d*|\^\{[a-z]*\})*)$/.exec(rev) as RegExpExecArray;
  let oid = resolveBase(db, refs, m[1]);
  const ops = m[2].match(/~\d*|\^\{[a-z]*\}|\^\d*/g) ?? [];
  for (const op of ops) {
    if (op.startsWith('^{')) {
      const want = op.slice(2, -1);
      if (want === '') oid = peelTags(db, oid);
      else if (want === 'object') continue;
      else if (want === 'commit' || want === 'tree' || want === 'blob' || want === 'tag') oid = peel(db, oid, want);
      else missing(`unknown peel ${op}`);
    } else if (op.startsWith('~')) {
      const n = op.length > 1 ? Number(op.slice(1)) : 1;
      for (let i = 0; i < n; i++) oid = parent(db, oid, 1);
    } else {
      const n = op.length > 1 ? Number(op.slice(1)) : 1;
      if (n > 0) oid = parent(db, oid, n);
      else oid = peel(db, oid, 'commit');
    }
  }
  return oid;
}

function resolveBase(db: ObjectDatabase, refs: RefMap, base: string): Uint8Array {
  const hexSize = db.algo.hexSize;
  if (base.length === hexSize && isHex(base)) return fromHex(base.toLowerCase());
  const ref = base === '' ? undefined : dwimRef(refs, base);
  if (ref) return fromHex(ref);
  if (base.length >= 4 && base.length <= hexSize && isHex(base)) {
    const found = db.findPrefix(base);
    if (found.kind === 'found') return found.oid;
    if (found.kind === 'ambiguous') throw new Unresolved({ kind: 'ambiguous', candidates: found.candidates });
  }
  return missing(`no object or ref named ${base}`);
}

function readTyped(db: ObjectDatabase, oid: Uint8Array): { type: ObjectType; data: Uint8Array } {
  if (!db.has(oid)) missing(`object ${toHex(oid)} is not in this repository`);
  return db.read(oid);
}

function peelTags(db: ObjectDatabase, oid: Uint8Array): Uint8Array {
  for (let hops = 0; hops < 100; hops++) {
    const obj = readTyped(db, oid);
    if (obj.type !== 'tag') return oid;
    oid = fromHex(parseTag(obj.data).object);
  }
  return missing('tag chain longer than 100');
}

function peel(db: ObjectDatabase, oid: Uint8Array, want: ObjectType): Uint8Array {
  for (let hops = 0; hops < 100; hops++) {
    const obj = readTyped(db, oid);
    if (obj.type === want) return oid;
    if (obj.type === 'tag') oid = fromHex(parseTag(obj.data).object);
    else if (obj.type === 'commit' && want === 'tree') oid = fromHex(parseCommit(obj.data).tree);
    else return missing(`${toHex(oid)} is a ${obj.type}, not a ${want}`);
  }
  return missing('tag chain longer than 100');
}

function parent(db: ObjectDatabase, oid: Uint8Array, n: number): Uint8Array {
  const commit = peel(db, oid, 'commit');
  const parents = parseCommit(db.read(commit).data).parents;
  const p = parents[n - 1];
  if (!p) missing(`${toHex(commit)} has no parent ${n}`);
  return fromHex(p);
}

function walkPath(db: ObjectDatabase, tree: Uint8Array, path: string): Uint8Array {
  let oid = tree;
  const parts = path.split('/').filter((p) => p !== '');
  if (parts.length === 0) return oid;
  const encoder = new TextEncoder();
  for (const part of parts) {
    const obj = readTyped(db, oid);
    if (obj.type !== 'tree') missing(`${path}: ${toHex(oid)} is not a tree`);
    const want = encoder.encode(part);
    const entry = parseTree(obj.data, db.algo).find((e) => e.name.length === want.length && e.name.every((b, i) => b === want[i]));
    if (!entry) missing(`path ${path} does not exist`);
    oid = entry.oid.slice();
  }
  return oid;
}
