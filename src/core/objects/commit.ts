import { fail } from '../errors.ts';

/**
 * Commits and tags share one shape: header lines `<key> <value>`, continuation lines starting
 * with a space (multi-line values such as gpgsig), a blank line, then the message. Values are
 * kept as text decoded as UTF-8 (or latin-1 when the commit says so); the raw bytes stay with
 * the object for exact output.
 */

/** One header line (continuations joined with `\n`). */
export interface HeaderField {
  key: string;
  value: string;
}

/** A person line: `Name <email> 1700000000 +0100`. */
export interface Signature {
  name: string;
  email: string;
  /** Seconds since the epoch. */
  time: number;
  /** The zone as written, `+0100`. */
  zone: string;
  /** Offset from UTC in minutes. */
  zoneMinutes: number;
}

/** Splits header fields from the message. */
export function parseHeaders(data: Uint8Array, what: string): { fields: HeaderField[]; message: string; encoding: string } {
  const blank = findBlankLine(data);
  const headerBytes = data.subarray(0, blank < 0 ? data.length : blank);
  const headerText = new TextDecoder('utf-8').decode(headerBytes);
  const fields: HeaderField[] = [];
  for (const line of headerText.split('\n')) {
    if (line === '') continue;
    if (line.startsWith(' ')) {
      const lastField = fields[fields.length - 1];
      if (!lastField) fail('CorruptObject', `${what} starts with a continuation line`);
      lastField.value += '\n' + line.slice(1);
      continue;
    }
    const sp = line.indexOf(' ');
    fields.push(sp < 0 ? { key: line, value: '' } : { key: line.slice(0, sp), value: line.slice(sp + 1) });
  }
  const encoding = fields.find((f) => f.key === 'encoding')?.value ?? 'utf-8';
  const messageBytes = blank < 0 ? new Uint8Array(0) : data.subarray(blank + 2);
  let message: string;
  try {
    message = new TextDecoder(encoding).decode(messageBytes);
  } catch {
    message = new TextDecoder('utf-8').decode(messageBytes);
  }
  return { fields, message, encoding };
}

function findBlankLine(data: Uint8Array): number {
  for (let i = 0; i + 1 < data.length; i++) if (data[i] === 0x0a && data[i + 1] === 0x0a) return i;
  return -1;
}

/**
 * Parses `Name <email> time zone`; lenient like git for display. What the pattern
 * `^(.*?) ?<([^>]*)> (\d+) ([+-])(\d\d)(\d\d)$` finds, found by position instead: that pattern
 * backtracks quadratically (a 130 KB value of repeated `<` took 7 s; a hostile commit's larger
 * one froze Browse). The time and zone follow the last `>`; the email opens at the first `<`
 * after the `>` before it; the name (no line break in it) ends there, less one space.
 */
export function parseSignature(value: string): Signature {
  const unparsed: Signature = { name: value, email: '', time: 0, zone: '+0000', zoneMinutes: 0 };
  const gt = value.lastIndexOf('>');
  if (gt < 0) return unparsed;
  const tail = /^ (\d+) ([+-])(\d\d)(\d\d)$/.exec(value.slice(gt + 1));
  if (!tail) return unparsed;
  const lt = value.indexOf('<', gt === 0 ? 0 : value.lastIndexOf('>', gt - 1) + 1);
  if (lt < 0 || lt > gt || /[\n\r\u2028\u2029]/.test(value.slice(0, lt))) return unparsed;
  const name = value.slice(0, lt > 0 && value[lt - 1] === ' ' ? lt - 1 : lt);
  const minutes = (Number(tail[3]) * 60 + Number(tail[4])) * (tail[2] === '-' ? -1 : 1);
  return { name, email: value.slice(lt + 1, gt), time: Number(tail[1]), zone: `${tail[2]}${tail[3]}${tail[4]}`, zoneMinutes: minutes };
}

function firstLine(value: string): string {
  const nl = value.indexOf('\n');
  return nl < 0 ? value : value.slice(0, nl);
}

/** A parsed commit. */
export interface Commit {
  tree: string;
  parents: string[];
  author: Signature;
  committer: Signature;
  encoding: string;
  message: string;
  fields: HeaderField[];
}

/** Parses a commit; the tree line is required. */
export function parseCommit(data: Uint8Array): Commit {
  const { fields, message, encoding } = parseHeaders(data, 'commit');
  // The tree and parents are ids on their own line: a continuation line is no part of them
  // (git reads the id after "tree "; forEachCommitLink takes the same range).
  const tree = firstLine(fields.find((f) => f.key === 'tree')?.value ?? '');
  if (!tree) fail('CorruptObject', 'commit has no tree line');
  const author = fields.find((f) => f.key === 'author')?.value ?? '';
  const committer = fields.find((f) => f.key === 'committer')?.value ?? '';
  return {
    tree,
    parents: fields.filter((f) => f.key === 'parent').map((f) => firstLine(f.value)),
    author: parseSignature(author),
    committer: parseSignature(committer),
    encoding,
    message,
    fields,
  };
}

/**
 * The links of a commit straight from its bytes, as `parseCommit` would find them (its `tree`
 * and `parents`, with the same two failures), without decoding the header or the message:
 * reachability reads every commit (git.git: 203k) and needs nothing else. `visit` gets each
 * value's byte range, the tree first, then the parents in order.
 *
 *   tree <hex>\n          first `tree` field: the tree (an empty value is no tree)
 *   parent <hex>\n        every `parent` field, in order
 *   author ...\n          other fields and continuation lines (" ..."): skipped
 *   \n                    the header ends at the first blank line
 */
export function forEachCommitLink(data: Uint8Array, visit: (isParent: boolean, start: number, end: number) => void): void {
  const blank = findBlankLine(data);
  const end = blank < 0 ? data.length : blank;
  let treeStart = -1;
  let treeEnd = -1;
  let treeSeen = false;
  const parents: number[] = [];
  // parseHeaders' TextDecoder drops a leading byte-order mark; so does this.
  let pos = data.length >= 3 && data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf ? 3 : 0;
  let first = true;
  while (pos < end) {
    let eol = data.indexOf(0x0a, pos);
    if (eol < 0 || eol > end) eol = end;
    if (eol > pos) {
      if (data[pos] === 0x20) {
        if (first) fail('CorruptObject', 'commit starts with a continuation line');
      } else {
        const isTree = !treeSeen && keyIs(data, pos, eol, TREE);
        if (isTree || keyIs(data, pos, eol, PARENT)) {
          const key = isTree ? TREE : PARENT;
          const start = Math.min(pos + key.length + 1, eol);
          if (isTree) {
            treeSeen = true;
            treeStart = start;
            treeEnd = eol;
          } else parents.push(start, eol);
        }
      }
      first = false;
    }
    pos = eol + 1;
  }
  if (treeStart < 0 || treeEnd <= treeStart) fail('CorruptObject', 'commit has no tree line');
  visit(false, treeStart, treeEnd);
  for (let i = 0; i < parents.length; i += 2) visit(true, parents[i], parents[i + 1]);
}

const TREE = [0x74, 0x72, 0x65, 0x65]; // "tree"
const PARENT = [0x70, 0x61, 0x72, 0x65, 0x6e, 0x74]; // "parent"

/** True when the line [pos, eol) has the key `key`: the key, then a space or the line's end. */
function keyIs(data: Uint8Array, pos: number, eol: number, key: number[]): boolean {
  if (eol - pos < key.length) return false;
  for (let i = 0; i < key.length; i++) if (data[pos + i] !== key[i]) return false;
  return pos + key.length === eol || data[pos + key.length] === 0x20;
}
