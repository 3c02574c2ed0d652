import { MODE_GITLINK, MODE_TREE } from '../diff/tree-diff.ts';
import type { CommitChange } from './commit-changes.ts';

/**
 * filter-repo's bookkeeping over the changes of each commit, in the walk's order (what its
 * `--analyze` derives from `diff-tree` output), in our own structures:
 * - a path is **deleted** when the last commit that mentions it deletes it; adding or modifying it
 *   (or any name of its rename group) later clears that. A deletion of a line whose parent side
 *   was a tree is a directory's deletion, any other a file's;
 * - a rename (status R of a file, not of a tree) joins the old and new names into one **rename
 *   group**, extended name by name as the file moves on; the group of a name is forgotten when
 *   the old name comes back in a commit that descends from the rename;
 * - every blob a file path (not a tree, not a submodule) is set to is a **version** of that path.
 *
 * Paths are interned to small numbers by the caller (`PathIds`); commits are walk indexes.
 */

/** Interned paths: raw bytes to dense ids, and back. */
export class PathIds {
  private readonly byKey = new Map<string, number>();
  readonly paths: Uint8Array[] = [];

  /** The id of a path, interning it. */
  id(path: Uint8Array): number {
    const key = binaryKey(path);
    let id = this.byKey.get(key);
    if (id === undefined) {
      id = this.paths.length;
      this.paths.push(path);
      this.byKey.set(key, id);
    }
    return id;
  }

  /** The id of a path already interned, or undefined. */
  find(path: Uint8Array): number | undefined {
    return this.byKey.get(binaryKey(path));
  }

  get count(): number {
    return this.paths.length;
  }
}

/** Bytes as a string of char codes 0-255: a map key that keeps every byte. */
export function binaryKey(bytes: Uint8Array): string {
  if (bytes.length < 64) {
    let s = '';
    for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
    return s;
  }
  let s = '';
  for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return s;
}

/** Ancestry over the walk's commits (parents always come first), for "does this commit descend from that rename?". */
export class Ancestry {
  private readonly depth: number[] = [];
  private readonly parents: number[][] = [];
  private readonly cache = new Map<number, boolean>();

  /** Records the next commit; its parents must already be recorded (unknown parents are left out). */
  add(parents: number[]): void {
    let d = 1;
    for (const p of parents) d = Math.max(d, this.depth[p] + 1);
    this.depth.push(d);
    this.parents.push(parents);
  }

  /** True when `ancestor` is `commit` or reachable from it through parents. */
  isAncestor(ancestor: number, commit: number): boolean {
    const key = ancestor * 0x4000000 + commit;
    const known = this.cache.get(key);
    if (known !== undefined) return known;
    const floor = this.depth[ancestor];
    const seen = new Set<number>();
    const stack = [commit];
    let found = false;
    while (stack.length > 0 && !found) {
      const c = stack.pop() as number;
      if (c === ancestor) found = true;
      else if (!seen.has(c) && this.depth[c] > floor) {
        seen.add(c);
        for (const p of this.parents[c]) stack.push(p);
      }
    }
    this.cache.set(key, found);
    return found;
  }
}

/** A version of a path: a blob set at a path, and the first commit that did it. */
export interface PathVersionSink {
  /** Called for every change that sets a file path to a blob (again or for the first time). */
  version(path: number, oid: Uint8Array, commit: number): void;
}

/** The state of filter-repo's rules after some commits. */
export class PathRules {
  /** File paths and the commit that last deleted them (cleared when they come back). */
  readonly fileDeletions = new Map<number, number>();
  /** Directory paths likewise. */
  readonly treeDeletions = new Map<number, number>();
  /** Rename groups by member: every member of a live group maps to the same array. */
  readonly groups = new Map<number, number[]>();
  /** Commits that renamed a path away, by old path. */
  private readonly renamedAway = new Map<number, Set<number>>();
  /** Changes of a kind filter-repo stops on (it exits; these are skipped and counted). */
  unhandled = 0;
  readonly ancestry = new Ancestry();

  constructor(
    private readonly ids: PathIds,
    private readonly sink: PathVersionSink,
  ) {}

  private groupOf(path: number): readonly number[] {
    return this.groups.get(path) ?? [path];
  }

  /** Applies one commit's changes; `commit` is its walk index, after `ancestry.add`. */
  commit(commit: number, changes: CommitChange[]): void {
    for (const change of changes) {
      if (change.mode === MODE_GITLINK) continue;
      const path = this.ids.id(change.path);
      if (change.mode === 0) {
        const fromTree = change.parentModes.some((m) => m === MODE_TREE);
        const target = fromTree ? this.treeDeletions : this.fileDeletions;
        for (const f of this.groupOf(path)) target.set(f, commit);
        continue;
      }
      const letters = change.status;
      const onlyOf = (allowed: string): boolean => {
        for (const c of letters) if (!allowed.includes(c)) return false;
        return true;
      };
      if (onlyOf('AMT')) this.setPath(commit, path, change);
      else if (change.mode === MODE_TREE && onlyOf('RAM')) this.setPath(commit, path, change);
      else if (onlyOf('RAMT')) {
        this.setPath(commit, path, change);
        for (let i = 0; i < letters.length; i++) {
          if (letters[i] !== 'R') continue;
          this.joinRename(commit, this.ids.id(change.parentPaths[i]), path);
        }
      } else this.unhandled++;
    }
  }

  /** A path set to a blob or tree: it exists again, and a stale rename group breaks. */
  private setPath(commit: number, path: number, change: CommitChange): void {
    const isTree = change.mode === MODE_TREE;
    if (!isTree) this.sink.version(path, change.oid as Uint8Array, commit);
    const deletions = isTree ? this.treeDeletions : this.fileDeletions;
    const group = this.groupOf(path);
    for (const f of group) deletions.delete(f);
    // The group's newest name is this one: nothing to break. An older name set again by a commit
    // that descends from its rename is a new file with an old name.
    if (group[group.length - 1] === path) return;
    const away = this.renamedAway.get(path);
    if (!away) return;
    let descends = false;
    for (const c of away) if (this.ancestry.isAncestor(c, commit)) descends = true;
    if (descends) for (const f of group) this.groups.delete(f);
  }

  private joinRename(commit: number, oldPath: number, newPath: number): void {
    const old = this.groups.get(oldPath);
    if (!old?.includes(newPath)) {
      const joined = old ? [...old, newPath] : [oldPath, newPath];
      for (const f of joined) this.groups.set(f, joined);
    }
    let away = this.renamedAway.get(oldPath);
    if (!away) this.renamedAway.set(oldPath, (away = new Set()));
    away.add(commit);
  }
}
