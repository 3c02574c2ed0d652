import { concatBytes } from '../bytes/concat.ts';
import { toHex } from '../hash/hex.ts';
import { quotePathBytes } from '../objects/quote.ts';
import type { ObjectDatabase } from '../odb/database.ts';
import { MAX_SCORE, modeOctal, type FilePair } from './tree-diff.ts';

/**
 * The pieces of git's diff output that do not need a line diff (diff.c): `--raw` lines, path
 * quoting (quote_c_style, with and without the surrounding quotes), numstat's `a => b` rename
 * names (pprint_rename), the abbreviated ids of `index` lines (find_unique_abbrev) and the
 * header block of a patch (`diff --git`, modes, similarity, rename/copy, `index`).
 * Everything is bytes: path names need not be UTF-8.
 */

const encoder = new TextEncoder();

/**
 * Gathers output bytes in 64 KiB blocks (a diff of 500,000 files writes millions of small
 * pieces; an array each would cost more than the text).
 */
export class ByteSink {
  private readonly parts: Uint8Array[] = [];
  // Blocks start small (a patch header is a few hundred bytes) and double up to BLOCK.
  private block = new Uint8Array(1024);
  private used = 0;
  length = 0;

  /** Text: ASCII goes straight into the block, anything else through UTF-8. */
  text(s: string): void {
    if (s.length > this.block.length - this.used) this.seal(s.length);
    if (s.length <= this.block.length - this.used) {
      let ascii = true;
      for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i);
        if (c > 0x7f) {
          ascii = false;
          break;
        }
        this.block[this.used + i] = c;
      }
      if (ascii) {
        this.used += s.length;
        this.length += s.length;
        return;
      }
    }
    this.bytes(encoder.encode(s));
  }

  bytes(b: Uint8Array): void {
    if (b.length === 0) return;
    if (b.length > BLOCK / 4) {
      this.seal();
      this.parts.push(b);
    } else {
      if (b.length > this.block.length - this.used) this.seal(b.length);
      this.block.set(b, this.used);
      this.used += b.length;
    }
    this.length += b.length;
  }

  /** Closes the block; the next holds at least `room` bytes (when that is at most BLOCK). */
  private seal(room = 0): void {
    if (this.used > 0) this.parts.push(this.block.subarray(0, this.used));
    this.block = new Uint8Array(Math.min(BLOCK, Math.max(this.block.length * 2, room)));
    this.used = 0;
  }

  /** Everything written, as one array. */
  concat(): Uint8Array {
    this.seal();
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const p of this.parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
}

const BLOCK = 64 * 1024;

/** git's quote_c_style with the quotes: the name as is when it needs no quoting. */
export function quoted(name: Uint8Array): Uint8Array {
  return quotePathBytes(name);
}

/** True when git would quote the name. */
export function needsQuoting(name: Uint8Array): boolean {
  return quotePathBytes(name) !== name;
}

/** git's quote_two: prefix and name, quoted together when either needs it (`"a/t\303\251"`). */
export function quoteTwo(prefix: string, name: Uint8Array): Uint8Array {
  const joined = concatBytes([encoder.encode(prefix), name]);
  return quotePathBytes(joined);
}

/** git's similarity_index: the score in whole percent. */
export function similarityPercent(score: number): number {
  return Math.floor((score * 100) / MAX_SCORE);
}

const ZERO_CACHE = new Map<number, Uint8Array>();
/** The all-zero id of an absent side. */
export function zeroOid(size: number): Uint8Array {
  let z = ZERO_CACHE.get(size);
  if (!z) ZERO_CACHE.set(size, (z = new Uint8Array(size)));
  return z;
}

/** One `--raw` line (full ids, as diff-tree prints without --abbrev). */
export function writeRawLine(out: ByteSink, pair: FilePair, hashSize: number): void {
  const zero = zeroOid(hashSize);
  const oldMode = pair.old ? pair.old.mode : 0;
  const newMode = pair.new ? pair.new.mode : 0;
  out.text(`:${modeOctal(oldMode)} ${modeOctal(newMode)} ${toHex(pair.old ? pair.old.oid : zero)} ${toHex(pair.new ? pair.new.oid : zero)} `);
  out.text(pair.score ? `${pair.status}${String(similarityPercent(pair.score)).padStart(3, '0')}\t` : `${pair.status}\t`);
  if (pair.status === 'R' || pair.status === 'C') {
    out.bytes(quoted((pair.old as NonNullable<FilePair['old']>).path));
    out.text('\t');
    out.bytes(quoted((pair.new as NonNullable<FilePair['new']>).path));
  } else {
    out.bytes(quoted(pair.old ? pair.old.path : (pair.new as NonNullable<FilePair['new']>).path));
  }
  out.text('\n');
}

/**
 * git's pprint_rename: `common/{old => new}/tail`, or both names quoted in full with ` => `
 * between them when either needs quoting.
 */
export function renameName(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (needsQuoting(a) || needsQuoting(b)) return concatBytes([quoted(a), encoder.encode(' => '), quoted(b)]);
  let prefix = 0;
  for (let i = 0; i < a.length && i < b.length && a[i] === b[i]; i++) if (a[i] === 0x2f) prefix = i + 1;
  // The common tail ends at a '/' too; with a common prefix, the search may reach the
  // prefix's own slash (so `a/b` -> `a/c/b` keeps `a/{ => c}/b`).
  let suffix = 0;
  const adjust = prefix ? 1 : 0;
  let i = a.length;
  let j = b.length;
  // git compares from the terminating NUL, which always matches.
  while (prefix - adjust <= i && prefix - adjust <= j && (i === a.length ? 0 : a[i]) === (j === b.length ? 0 : b[j])) {
    if (i < a.length && a[i] === 0x2f) suffix = a.length - i;
    i--;
    j--;
  }
  const aMid = Math.max(0, a.length - prefix - suffix);
  const bMid = Math.max(0, b.length - prefix - suffix);
  const parts: Uint8Array[] = [];
  const framed = prefix + suffix > 0;
  if (framed) parts.push(a.subarray(0, prefix), encoder.encode('{'));
  parts.push(a.subarray(prefix, prefix + aMid), encoder.encode(' => '), b.subarray(prefix, prefix + bMid));
  if (framed) parts.push(encoder.encode('}'), a.subarray(a.length - suffix));
  return concatBytes(parts);
}

/**
 * git's find_unique_abbrev for `index` lines: the default length grows with the number of
 * packed objects (7 up to 16,383 objects, 10 for git.git's 849k), and is extended while
 * another object shares the prefix.
 */
export class Abbreviator {
  readonly minLength: number;
  private readonly cache = new Map<string, string>();

  constructor(private readonly db: ObjectDatabase) {
    let count = 0;
    if (db.midx) count += db.midx.layers.reduce((s, l) => s + l.count, 0);
    for (const p of db.midx ? db.uncoveredPacks : db.packs) count += p.count;
    const bits = count > 0 ? Math.floor(Math.log2(count)) + 1 : 1;
    this.minLength = Math.max(7, Math.ceil(bits / 2));
  }

  abbrev(oid: Uint8Array): string {
    const hex = toHex(oid);
    let done = this.cache.get(hex);
    if (done !== undefined) return done;
    let len = this.minLength;
    if (oid.every((b) => b === 0)) done = hex.slice(0, len);
    else {
      while (len < hex.length) {
        const found = this.db.findPrefix(hex.slice(0, len), 1);
        if (found.kind === 'none' || (found.kind === 'found' && toHex(found.oid) === hex)) break;
        len++;
      }
      done = hex.slice(0, len);
    }
    this.cache.set(hex, done);
    return done;
  }
}

/** What a patch header needs to know about one half of a pair (a type change is split in two). */
export interface PatchHalf {
  /** Paths as they name the pair (`name` and `other` in git: `other` only when they differ). */
  oldPath: Uint8Array;
  newPath: Uint8Array;
  /** Sides; an absent side has mode 0 and the zero id. */
  oldMode: number;
  newMode: number;
  oldOid: Uint8Array;
  newOid: Uint8Array;
  /** git's status of the whole pair, and its score (R/C). */
  status: FilePair['status'];
  score: number;
}

/**
 * The header git writes before a file's hunks: `diff --git`, new/deleted file mode or
 * old/new mode, similarity and rename/copy lines, `index a..b [mode]`. `mustShow` tells whether
 * git prints it even when no hunk follows (added, deleted, renamed, mode change).
 */
export function patchHeader(half: PatchHalf, abbrev: Abbreviator): { header: ByteSink; mustShow: boolean; oldLabel: Uint8Array; newLabel: Uint8Array } {
  const header = new ByteSink();
  const oldValid = half.oldMode !== 0;
  const newValid = half.newMode !== 0;
  // "Never use a non-valid filename": an absent side takes the other's name.
  const nameA = oldValid ? half.oldPath : half.newPath;
  const nameB = newValid ? half.newPath : half.oldPath;
  const aOne = quoteTwo('a/', nameA);
  const bTwo = quoteTwo('b/', nameB);
  const devNull = encoder.encode('/dev/null');
  const oldLabel = oldValid ? aOne : devNull;
  const newLabel = newValid ? bTwo : devNull;

  // fill_metainfo
  const meta = new ByteSink();
  let mustShow = false;
  if (half.status === 'C' || half.status === 'R') {
    const word = half.status === 'C' ? 'copy' : 'rename';
    meta.text(`similarity index ${similarityPercent(half.score)}%\n${word} from `);
    meta.bytes(quoted(half.oldPath));
    meta.text(`\n${word} to `);
    meta.bytes(quoted(half.newPath));
    meta.text('\n');
    mustShow = true;
  }
  if (!sameBytes(half.oldOid, half.newOid)) {
    meta.text(`index ${abbrev.abbrev(half.oldOid)}..${abbrev.abbrev(half.newOid)}`);
    if (half.oldMode === half.newMode) meta.text(` ${modeOctal(half.oldMode)}`);
    meta.text('\n');
  }

  header.text('diff --git ');
  header.bytes(aOne);
  header.text(' ');
  header.bytes(bTwo);
  header.text('\n');
  if (!oldValid) {
    header.text(`new file mode ${modeOctal(half.newMode)}\n`);
    mustShow = true;
  } else if (!newValid) {
    header.text(`deleted file mode ${modeOctal(half.oldMode)}\n`);
    mustShow = true;
  } else if (half.oldMode !== half.newMode) {
    header.text(`old mode ${modeOctal(half.oldMode)}\nnew mode ${modeOctal(half.newMode)}\n`);
    mustShow = true;
  }
  header.bytes(meta.concat());
  return { header, mustShow, oldLabel, newLabel };
}

/** `--- a/x` and `+++ b/x` (git adds a tab after a label holding a space). */
export function fileLabels(out: ByteSink, oldLabel: Uint8Array, newLabel: Uint8Array): void {
  out.text('--- ');
  out.bytes(oldLabel);
  out.text(oldLabel.includes(0x20) ? '\t\n' : '\n');
  out.text('+++ ');
  out.bytes(newLabel);
  out.text(newLabel.includes(0x20) ? '\t\n' : '\n');
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
