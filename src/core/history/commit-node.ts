import { fail } from '../errors.ts';
import { fromHex } from '../hash/hex.ts';
import { forEachCommitLink } from '../objects/commit.ts';
import type { ObjectDatabase } from '../odb/database.ts';

/**
 * What a history walk needs of a commit: its tree, its parents and its committer date, read
 * straight from the bytes (the message and the people are not decoded: a walk over git.git
 * reads 80,000 commits).
 */
export interface CommitNode {
  tree: Uint8Array;
  /** Parent ids in hex, in order. */
  parents: string[];
  /** Committer date, seconds (0 when the line does not parse, as git's parse_commit_date gives). */
  time: number;
}

const latin1 = (data: Uint8Array, start: number, end: number): string => {
  let s = '';
  for (let i = start; i < end; i++) s += String.fromCharCode(data[i]);
  return s;
};

/** Reads a commit's links and date; fails when the object is not a commit. */
export function readCommitNode(db: ObjectDatabase, hex: string): CommitNode {
  const obj = db.read(fromHex(hex));
  if (obj.type !== 'commit') fail('BadName', `${hex} is a ${obj.type}, not a commit`);
  const data = obj.data;
  let tree: Uint8Array | undefined;
  const parents: string[] = [];
  forEachCommitLink(data, (isParent, start, end) => {
    const id = latin1(data, start, end);
    if (!/^[0-9a-f]+$/.test(id) || id.length !== db.algo.hexSize) fail('CorruptObject', `commit ${hex} names ${isParent ? 'a parent' : 'a tree'} that is not an id: ${id.slice(0, 80)}`);
    if (isParent) parents.push(id);
    else tree = fromHex(id);
  });
  return { tree: tree as Uint8Array, parents, time: committerTime(data) };
}

/**
 * git's parse_commit_date: after the tree and parent lines, the next line must be the author's
 * and the one after it the committer's; the date is the number after the committer line's first
 * '>' (leading blanks skipped). Anything else gives 0, as in git (the commit then sorts last).
 */
function committerTime(data: Uint8Array): number {
  let pos = 0;
  const lineAt = (p: number) => {
    const eol = data.indexOf(0x0a, p);
    return eol < 0 ? data.length : eol;
  };
  const startsWith = (p: number, word: string) => p + word.length <= data.length && latin1(data, p, p + word.length) === word;
  while (pos < data.length && (startsWith(pos, 'tree ') || startsWith(pos, 'parent '))) pos = lineAt(pos) + 1;
  if (!startsWith(pos, 'author')) return 0;
  pos = lineAt(pos) + 1;
  if (!startsWith(pos, 'committer')) return 0;
  const gt = data.indexOf(0x3e, pos);
  if (gt < 0 || lineAt(gt) >= data.length) return 0;
  let p = gt + 1;
  while (p < data.length && (data[p] === 0x20 || (data[p] >= 0x09 && data[p] <= 0x0d))) p++;
  let t = 0;
  while (p < data.length && data[p] >= 0x30 && data[p] <= 0x39) t = t * 10 + (data[p++] - 0x30);
  return t;
}
