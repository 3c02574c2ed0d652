import { fail } from '../errors.ts';
import { fromHex, toHex } from '../hash/hex.ts';
import { indexTree, type TreeIndex } from '../objects/tree-index.ts';
import type { ObjectDatabase } from '../odb/database.ts';
import { entryMode, entryNameRange } from './tree-compare.ts';

/**
 * Every file path of a tree (what a file finder searches): blobs, symbolic links and submodules,
 * below every folder, decoded as UTF-8 as Browse names them. Built a slice at a time and capped:
 * a hostile tree may hold millions of paths or nest without end.
 */

/** Caps of one list. */
export interface PathListCaps {
  maxPaths: number;
  maxTrees: number;
  maxDepth: number;
}

export const DEFAULT_PATH_LIST_CAPS: PathListCaps = { maxPaths: 200_000, maxTrees: 100_000, maxDepth: 64 };

/** The finished list. */
export interface PathList {
  paths: string[];
  /** Why the list stopped early, when it did. */
  capped?: string;
  /** Folders that could not be read (their files are missing from the list). */
  unreadable: number;
}

/** See the file comment. */
export class PathListBuilder {
  private readonly stack: { oid: string; prefix: string; depth: number }[];
  private readonly paths: string[] = [];
  private trees = 0;
  private unreadable = 0;
  private capped: string | undefined;
  private readonly utf8 = new TextDecoder('utf-8');

  constructor(
    private readonly db: ObjectDatabase,
    root: Uint8Array,
    private readonly caps: PathListCaps = DEFAULT_PATH_LIST_CAPS,
  ) {
    this.stack = [{ oid: toHex(root), prefix: '', depth: 0 }];
  }

  /** Reads folders for about `budgetMs`; true when the list is complete (or capped). */
  step(budgetMs: number): boolean {
    const deadline = performance.now() + budgetMs;
    while (this.stack.length > 0 && this.capped === undefined) {
      this.readFolder(this.stack.pop() as { oid: string; prefix: string; depth: number });
      if (performance.now() > deadline) break;
    }
    return this.stack.length === 0 || this.capped !== undefined;
  }

  get found(): number {
    return this.paths.length;
  }

  /** The list, in string order (the finder's order among equal scores). */
  finish(): PathList {
    this.paths.sort();
    return { paths: this.paths, unreadable: this.unreadable, ...(this.capped !== undefined ? { capped: this.capped } : {}) };
  }

  private readFolder(at: { oid: string; prefix: string; depth: number }): void {
    if (++this.trees > this.caps.maxTrees) {
      this.capped = `more than ${this.caps.maxTrees} folders`;
      return;
    }
    let index: TreeIndex;
    try {
      const obj = this.db.read(fromHex(at.oid));
      if (obj.type !== 'tree') fail('CorruptObject', `${at.oid} should be a tree but is a ${obj.type}`);
      index = indexTree(obj.data, this.db.algo);
    } catch {
      this.unreadable++;
      return;
    }
    for (let i = 0; i < index.count; i++) {
      const r = entryNameRange(index, i);
      const name = this.utf8.decode(index.data.subarray(r.start, r.end));
      const path = at.prefix + name;
      if (Math.floor(entryMode(index, i) / 0o10000) === 0o4) {
        if (at.depth + 1 >= this.caps.maxDepth) {
          this.capped = `folders nested more than ${this.caps.maxDepth} deep`;
          return;
        }
        this.stack.push({ oid: toHex(index.data, index.oidAt[i], index.algo.size), prefix: `${path}/`, depth: at.depth + 1 });
      } else {
        if (this.paths.length >= this.caps.maxPaths) {
          this.capped = `more than ${this.caps.maxPaths} files`;
          return;
        }
        this.paths.push(path);
      }
    }
  }
}
