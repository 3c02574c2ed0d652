import { PackscopeError } from '../errors.ts';
import type { HashAlgo } from '../hash/algo.ts';
import type { FileEntry } from './discover.ts';

/**
 * Reflogs (`logs/HEAD`, `logs/refs/...`): one line per ref update. git fsck counts every id a
 * reflog names as reachable unless `--no-reflogs` is given, which is how an amended or
 * reset-away commit stays "reachable" for a while. An examiner wants them both ways: as roots
 * (what git would keep) and as evidence (what a ref used to point at).
 *
 *   <old-id> SP <new-id> SP <name> SP <<email>> SP <unix time> SP <zone> [TAB <message>] LF
 *
 * A line is read exactly as git's `show_one_reflog_ent` reads it, and a line git cannot read
 * is skipped by git without a word, so its ids keep nothing alive:
 *
 * | part            | git's rule                                                       |
 * |-----------------|------------------------------------------------------------------|
 * | old id, new id  | hex digits (either case), the repository's length, each then SP |
 * | name <email>    | anything up to the first `>` (a NUL ends the search), then SP    |
 * | unix time       | a decimal number (C whitespace and a sign allowed), not 0        |
 * | zone            | SP, `+` or `-`, four digits                                      |
 * | end             | LF (a last line without one is skipped)                          |
 *
 * The all-zero id stands for "no object" (a ref created or deleted) and names nothing.
 */

/** A reflog line git cannot read, and why. */
export interface ReflogLineProblem {
  /** 1-based line number. */
  line: number;
  /** Byte offset of the line's start. */
  offset: number;
  reason: string;
}

/** One reflog, with the ids its lines name (old and new, in file order, zero ids left out). */
export interface Reflog {
  /** The ref's name: `HEAD`, `refs/heads/main`. */
  ref: string;
  /** The file it was read from (relative to the opened folder). */
  file: string;
  oids: string[];
  /** The 1-based line each of `oids` is on, the id's byte offset, and whether it is the line's old (true) or new id. */
  oidLines: number[];
  oidOffsets: number[];
  oidIsOld: boolean[];
  /** Lines that do not parse (a damaged reflog): 1-based line numbers, the first MAX_LINE_PROBLEMS. */
  badLines: number[];
  /** The same lines with their offsets and what is wrong with each. */
  problems: ReflogLineProblem[];
  /** Every line that does not parse, listed or not. */
  badLineCount: number;
}

/**
 * Unparsable lines kept with their reasons, per file: a hostile reflog of 1.6 million empty lines
 * kept an object per line (found by fuzzing); the rest are counted.
 */
export const MAX_LINE_PROBLEMS = 100;

/** Reflogs larger than this are not read (a hostile file must not take the memory). */
export const MAX_REFLOG_BYTES = 256 << 20;

const LF = 0x0a;
const SP = 0x20;

function hexValue(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  const lower = byte | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}

/** git's parse_oid_hex: `hexSize` hex digits (either case) at `at`, as lower-case hex, or undefined. */
export function hexIdAt(bytes: Uint8Array, at: number, hexSize: number, end = bytes.length): string | undefined {
  if (end - at < hexSize) return undefined;
  let out = '';
  for (let i = 0; i < hexSize; i++) {
    const v = hexValue(bytes[at + i]);
    if (v < 0) return undefined;
    out += v.toString(16);
  }
  return out;
}

/** C's isspace in the C locale (strtoumax skips these). */
function isCSpace(byte: number): boolean {
  return byte === SP || (byte >= 0x09 && byte <= 0x0d);
}

function isDigit(byte: number): boolean {
  return byte >= 0x30 && byte <= 0x39;
}

/** Why git's show_one_reflog_ent skips the line [start, end) (end is past its LF, if any), or undefined. */
function lineProblem(bytes: Uint8Array, start: number, end: number, hexSize: number): string | undefined {
  if (bytes[end - 1] !== LF) return 'the last line has no newline at its end';
  let p = start;
  if (hexIdAt(bytes, p, hexSize, end) === undefined) return `it does not start with a ${hexSize}-digit old id`;
  p += hexSize;
  if (bytes[p++] !== SP) return 'no space after the old id';
  if (hexIdAt(bytes, p, hexSize, end) === undefined) return `no ${hexSize}-digit new id after the old one`;
  p += hexSize;
  if (bytes[p++] !== SP) return 'no space after the new id';
  let emailEnd = -1;
  for (let i = p; i < end; i++) {
    if (bytes[i] === 0) break; // strchr stops at NUL
    if (bytes[i] === 0x3e) {
      emailEnd = i;
      break;
    }
  }
  if (emailEnd < 0) return 'no ">" closing the committer\'s email';
  if (bytes[emailEnd + 1] !== SP) return 'no space after the email';
  let t = emailEnd + 2;
  while (t < end && isCSpace(bytes[t])) t++;
  if (bytes[t] === 0x2b || bytes[t] === 0x2d) t++;
  const digitsAt = t;
  let nonZero = false;
  while (t < end && isDigit(bytes[t])) {
    if (bytes[t] !== 0x30) nonZero = true;
    t++;
  }
  if (t === digitsAt) return 'no time after the email';
  if (!nonZero) return 'the time is 0';
  if (bytes[t] !== SP || (bytes[t + 1] !== 0x2b && bytes[t + 1] !== 0x2d)) return 'no time zone (+hhmm or -hhmm) after the time';
  for (let i = t + 2; i < t + 6; i++) if (i >= end || !isDigit(bytes[i])) return 'the time zone is not four digits';
  return undefined;
}

/** Parses one reflog file. */
export function parseReflog(file: FileEntry, ref: string, algo: HashAlgo): Reflog {
  const size = file.source.size;
  if (size > MAX_REFLOG_BYTES) throw new PackscopeError('TooLarge', `reflog of ${size} bytes; packscope reads reflogs up to 256 MiB`, { file: file.path });
  const bytes = file.source.read(0, size);
  const hexSize = algo.hexSize;
  const zero = '0'.repeat(hexSize);
  const log: Reflog = { ref, file: file.path, oids: [], oidLines: [], oidOffsets: [], oidIsOld: [], badLines: [], problems: [], badLineCount: 0 };
  let line = 0;
  for (let start = 0; start < size; ) {
    line++;
    let end = bytes.indexOf(LF, start);
    end = end < 0 ? size : end + 1;
    const reason = lineProblem(bytes, start, end, hexSize);
    if (reason !== undefined) {
      if (log.badLineCount++ < MAX_LINE_PROBLEMS) {
        log.badLines.push(line);
        log.problems.push({ line, offset: start, reason });
      }
    } else {
      const oldId = hexIdAt(bytes, start, hexSize) as string;
      const newId = hexIdAt(bytes, start + hexSize + 1, hexSize) as string;
      if (oldId !== zero) {
        log.oids.push(oldId);
        log.oidLines.push(line);
        log.oidOffsets.push(start);
        log.oidIsOld.push(true);
      }
      if (newId !== zero) {
        log.oids.push(newId);
        log.oidLines.push(line);
        log.oidOffsets.push(start + hexSize + 1);
        log.oidIsOld.push(false);
      }
    }
    start = end;
  }
  return log;
}

/** Every reflog of the repository; `gitDir` is the prefix of the paths ('' when the root is the git dir). */
export function readReflogs(files: FileEntry[], gitDir: string, algo: HashAlgo): { reflogs: Reflog[]; problems: PackscopeError[] } {
  const prefix = `${gitDir === '' ? '' : `${gitDir}/`}logs/`;
  const reflogs: Reflog[] = [];
  const problems: PackscopeError[] = [];
  for (const f of files) {
    if (!f.path.startsWith(prefix)) continue;
    try {
      reflogs.push(parseReflog(f, f.path.slice(prefix.length), algo));
    } catch (err) {
      problems.push(err instanceof PackscopeError ? err : new PackscopeError('Io', String(err), { file: f.path }));
    }
  }
  reflogs.sort((a, b) => (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0));
  return { reflogs, problems };
}
