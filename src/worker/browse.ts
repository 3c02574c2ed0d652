import { fail } from '../core/errors.ts';
import { fromHex, toHex } from '../core/hash/hex.ts';
import { parseCommit } from '../core/objects/commit.ts';
import { parseTag } from '../core/objects/tag.ts';
import { treeEntryAt } from '../core/objects/tree-index.ts';
import { modeType } from '../core/objects/tree.ts';
import type { ObjectDatabase } from '../core/odb/database.ts';
import { resolveName } from '../core/odb/names.ts';
import type { RefMap } from '../core/repo/refs.ts';
import type { BrowseResult, CommitRow } from '../protocol/messages.ts';
import { DETAIL_LIMITS, person, treeEntriesAt } from '../core/objects/describe.ts';
import { browseOrderOf, findEntry, treeIndexOf } from '../core/odb/tree-listing.ts';

/** Walking a commit's tree by path, and listing history. */

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


/** A message's first line, cut for a one-line listing. */
function summaryOf(message: string): string {
  const nl = message.indexOf('\n');
  const line = nl < 0 ? message : message.slice(0, nl);
  return line.length > 1000 ? `${line.slice(0, 1000)}…` : line;
}
