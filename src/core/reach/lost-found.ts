import type { ObjectTable } from '../odb/object-table.ts';
import type { Reachability } from './reachability.ts';

/**
 * What `git fsck --lost-found` writes into `.git/lost-found/` for every dangling object
 * (builtin/fsck.c, check_unreachable_object):
 *
 * | path              | for                     | content                    |
 * |-------------------|-------------------------|----------------------------|
 * | `commit/<oid>`    | a dangling commit       | `<oid>\n`                  |
 * | `other/<oid>`     | a dangling blob         | the blob's bytes, as-is    |
 * | `other/<oid>`     | a dangling tree or tag  | `<oid>\n`                  |
 *
 * Produced here as (path, bytes) pairs; the caller decides where they go (a folder the person
 * named, or a zip), never the opened repository.
 */

/** One lost-found file. */
export interface LostFoundFile {
  /** `commit/<oid>` or `other/<oid>`. */
  path: string;
  data: Uint8Array;
}

const encoder = new TextEncoder();

/** The lost-found files of every dangling object, in id order; unreadable blobs are skipped and reported through `onError`. */
export function* lostFoundFiles(reach: Reachability, table: ObjectTable, onError: (oid: string, err: unknown) => void = () => {}): Generator<LostFoundFile> {
  for (const row of reach.unreachableRows) {
    if (!reach.isDangling(row)) continue;
    const type = reach.typeOf(row);
    if (!type) continue; // unreadable: git cannot say what it is either
    const oid = table.oidHexAt(row);
    if (type === 'blob') {
      let data: Uint8Array;
      try {
        data = table.db.readAt(table.locationAt(row)).data;
      } catch (err) {
        onError(oid, err);
        continue;
      }
      yield { path: `other/${oid}`, data };
    } else {
      yield { path: `${type === 'commit' ? 'commit' : 'other'}/${oid}`, data: encoder.encode(`${oid}\n`) };
    }
  }
}
