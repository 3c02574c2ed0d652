import { fail } from '../errors.ts';
import { fromHex, toHex } from '../hash/hex.ts';
import { parseCommit } from '../objects/commit.ts';
import { parseTag } from '../objects/tag.ts';
import { treeEntryAt } from '../objects/tree-index.ts';
import { modeType } from '../objects/tree.ts';
import type { ObjectDatabase } from '../odb/database.ts';
import { resolveName } from '../odb/names.ts';
import type { RefMap } from '../repo/refs.ts';
import type { BrowseResult } from './types.ts';
import { DETAIL_LIMITS, treeEntriesAt } from '../objects/describe.ts';
import { browseOrderOf, findEntry, treeIndexOf } from '../odb/tree-listing.ts';

/** Walking a commit's (or tree's) tree by path, for Browse. */

/** Resolves a name to an object id in hex, or fails with a readable reason. */
export function resolveToOid(db: ObjectDatabase, refs: RefMap, name: string): Uint8Array {
  const r = resolveName(db, refs, name);
  if (r.kind === 'found') return r.oid;
  if (r.kind === 'ambiguous') fail('Ambiguous', `"${name}" matches ${r.candidates.length} objects: ${r.candidates.slice(0, 5).join(', ')}${r.candidates.length > 5 ? ', …' : ''}`);
  return fail('NotFound', r.reason);
}

/** Peels tags; returns the commit (or tree, when a tag names a tree) to browse. */
function peelToTreeish(db: ObjectDatabase, oid: Uint8Array): { commit: Uint8Array | undefined; tree: Uint8Array } {
  for (let hops = 0; hops < 100; hops++) {
    const obj = db.read(oid);
    if (obj.type === 'tag') oid = fromHex(parseTag(obj.data).object);
    else if (obj.type === 'commit') return { commit: oid, tree: fromHex(parseCommit(obj.data).tree) };
    else if (obj.type === 'tree') return { commit: undefined, tree: oid };
    else fail('BadName', `${toHex(oid)} is a blob: there is no tree to browse`);
  }
  return fail('BadName', 'tag chain longer than 100');
}

/** The tree or blob at `path` below the commit (or tree) `rev` names; a tree's first entries in browse order. */
export function browse(db: ObjectDatabase, refs: RefMap, rev: string, path: string[]): BrowseResult {
  const start = peelToTreeish(db, resolveToOid(db, refs, rev));
  let oid = toHex(start.tree);
  for (let i = 0; i < path.length; i++) {
    const obj = db.info(fromHex(oid));
    if (obj.type !== 'tree') fail('NotFound', `${path.slice(0, i).join('/')} is not a folder`);
    const index = treeIndexOf(db, oid);
    const at = findEntry(index, path[i]);
    if (at < 0) fail('NotFound', `${path.slice(0, i + 1).join('/')} does not exist in this tree`);
    const entry = treeEntryAt(index, at);
    const type = modeType(entry.mode);
    if (i === path.length - 1 && type !== 'tree') {
      return { commit: start.commit ? toHex(start.commit) : '', rootTree: toHex(start.tree), path, target: { kind: 'blob', oid: toHex(entry.oid), mode: entry.mode } };
    }
    if (type !== 'tree') fail('NotFound', `${path.slice(0, i + 1).join('/')} is not a folder`);
    oid = toHex(entry.oid);
  }
  const type = db.info(fromHex(oid)).type;
  if (type !== 'tree') fail('CorruptObject', `${oid} should be a tree but is a ${type}`);
  const index = treeIndexOf(db, oid);
  return {
    commit: start.commit ? toHex(start.commit) : '',
    rootTree: toHex(start.tree),
    path,
    target: { kind: 'tree', oid, entries: treeEntriesAt(index, browseOrderOf(db, oid), 0, DETAIL_LIMITS.firstEntries), total: index.count },
  };
}
