import { zlibSync } from 'fflate';
import type { HashAlgo } from '../hash/algo.ts';
import { formatTreeListing } from '../objects/ls-tree.ts';
import { parseTree } from '../objects/tree.ts';
import type { GitObject } from '../objects/types.ts';

/**
 * One object saved as a file, in the forms an examiner asks for:
 *
 * | form      | bytes                                              | name                 |
 * |-----------|----------------------------------------------------|----------------------|
 * | `loose`   | zlib(`<type> <size>\0<content>`): a loose object   | `<oid>`              |
 * | `header`  | `<type> <size>\0<content>`: the bytes git hashes   | `<oid>.<type>.raw`   |
 * | `content` | the content alone (a blob is the file itself)      | the path, or `<oid>.<type>` |
 * | `pretty`  | `git cat-file -p` output (trees listed as ls-tree) | `<oid>.<type>.txt`   |
 *
 * A `loose` file dropped into `objects/<first 2 hex>/<other hex>` of any repository is read
 * by git as that object; inflating it and hashing the result gives the object id back.
 */

/** The forms an object can be exported in. */
export type ObjectExportForm = 'loose' | 'header' | 'content' | 'pretty';

/** An exported object: the bytes and the file name to offer. */
export interface ExportedObject {
  bytes: Uint8Array;
  name: string;
}

/** git writes loose objects at `core.looseCompression`, whose default is zlib level 1 (best speed). */
const LOOSE_LEVEL = 1;

/** `<type> <size>\0<content>`: what git hashes to get the id, and what a loose file inflates to. */
export function objectWithHeader(obj: GitObject): Uint8Array {
  const head = new TextEncoder().encode(`${obj.type} ${obj.data.length}\0`);
  const out = new Uint8Array(head.length + obj.data.length);
  out.set(head, 0);
  out.set(obj.data, head.length);
  return out;
}

/** The object as a loose-object file (zlib-compressed header and content). */
export function looseObjectFile(obj: GitObject): Uint8Array {
  return zlibSync(objectWithHeader(obj), { level: LOOSE_LEVEL });
}

/** What `git cat-file -p` prints: trees as `<mode> <type> <id>\t<name>` lines, everything else raw. */
export function prettyText(obj: GitObject, algo: HashAlgo): Uint8Array {
  return obj.type === 'tree' ? formatTreeListing(parseTree(obj.data, algo)) : obj.data;
}

/** The object in the chosen form. `fileName` (a blob's name in the browsed tree) names the `content` form. */
export function exportObject(oidHex: string, obj: GitObject, form: ObjectExportForm, algo: HashAlgo, fileName?: string): ExportedObject {
  switch (form) {
    case 'loose':
      return { bytes: looseObjectFile(obj), name: oidHex };
    case 'header':
      return { bytes: objectWithHeader(obj), name: `${oidHex}.${obj.type}.raw` };
    case 'content':
      return { bytes: obj.data, name: fileName && fileName !== '' ? fileName : `${oidHex}.${obj.type}` };
    case 'pretty':
      return { bytes: prettyText(obj, algo), name: obj.type === 'blob' && fileName ? fileName : `${oidHex}.${obj.type}.txt` };
  }
}
