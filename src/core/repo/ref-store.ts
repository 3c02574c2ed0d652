import { PackscopeError } from '../errors.ts';
import type { HashAlgo } from '../hash/algo.ts';
import type { FileEntry } from './discover.ts';
import { refnameIsSafe, refnameProblem } from './ref-names.ts';
import { hexIdAt } from './reflog.ts';

/**
 * The refs of a `.git` folder read the way git 2.39's files backend reads them, so that a check
 * can say what git will make of each one (refs/files-backend.c, refs/packed-backend.c, refs.c).
 * Everything here is hostile input: files are read up to a cap, names are checked before use,
 * and symbolic chains stop after git's five reads.
 *
 * A loose ref file (`refs/...`, `HEAD`), after trailing whitespace (SP, TAB, LF, CR) is cut:
 *
 * | content                           | git reads it as                                    |
 * |-----------------------------------|----------------------------------------------------|
 * | `ref:` [whitespace] `<name>`      | a symbolic ref to `<name>` (up to a NUL)           |
 * | 40 (64) hex digits, then end, NUL | an object id (either case)                         |
 * |   or whitespace, then anything    |                                                    |
 * | anything else                     | a broken ref: its id is the null id                |
 *
 * `packed-refs`:
 *
 * | line                                  | meaning                                        |
 * |---------------------------------------|------------------------------------------------|
 * | `# pack-refs with: <traits> ` (first) | header; trait `sorted` lets git binary-search  |
 * | `<id> SP <name> LF`                   | a ref                                          |
 * | `^<id> LF` (after a ref line)         | the object the tag above finally points to     |
 * git dies on the first line it cannot read ("unexpected line in …", "unterminated line in …"),
 * which makes every command that lists refs fail.
 */

/** git follows at most this many reads through symbolic refs (refs.h SYMREF_MAXDEPTH). */
export const SYMREF_MAX_DEPTH = 5;
/** Loose ref files are read up to this size: a longer one names nothing git could resolve. */
export const MAX_LOOSE_REF_BYTES = 64 << 10;
/** packed-refs files are read up to this size. */
export const MAX_PACKED_REFS_BYTES = 256 << 20;

const LF = 0x0a;
const NUL = 0;
const CARET = 0x5e;
const HASH = 0x23;

/** git's isspace: SP, TAB, LF, CR. */
function isGitSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d;
}

const utf8 = new TextDecoder();

/** The bytes [from, to) up to the first NUL, as C's `%s` prints them. */
function cText(bytes: Uint8Array, from: number, to: number): string {
  const nul = bytes.subarray(from, to).indexOf(NUL);
  return utf8.decode(bytes.subarray(from, nul < 0 ? to : from + nul));
}

/** What a loose ref file holds. */
export type LooseRefContent = { kind: 'oid'; oid: string } | { kind: 'symbolic'; target: string } | { kind: 'broken'; reason: string };

/** Reads a loose ref's bytes as git's parse_loose_ref_contents does; `size` is the whole file's. */
export function parseLooseRef(bytes: Uint8Array, size: number, hexSize: number): LooseRefContent {
  let end = bytes.length;
  while (end > 0 && isGitSpace(bytes[end - 1])) end--;
  const startsWithRef = end >= 4 && bytes[0] === 0x72 && bytes[1] === 0x65 && bytes[2] === 0x66 && bytes[3] === 0x3a;
  if (startsWithRef) {
    if (size > bytes.length) return { kind: 'broken', reason: `is a symbolic ref of ${size} bytes, longer than any name git can resolve` };
    let at = 4;
    while (at < end && isGitSpace(bytes[at])) at++;
    return { kind: 'symbolic', target: cText(bytes, at, end) };
  }
  if (end === 0) return { kind: 'broken', reason: size === 0 ? 'is empty' : 'holds only whitespace' };
  const oid = hexIdAt(bytes, 0, hexSize, end);
  if (oid !== undefined && (end === hexSize || bytes[hexSize] === NUL || isGitSpace(bytes[hexSize]))) return { kind: 'oid', oid };
  if (size > bytes.length) return { kind: 'broken', reason: `is ${size} bytes long, far more than an object id or "ref: <name>"` };
  let hexRun = 0;
  while (hexRun < end && hexIdAt(bytes, hexRun, 1) !== undefined) hexRun++;
  if (hexRun > 0 && hexRun !== hexSize && (hexRun === end || isGitSpace(bytes[hexRun]))) {
    return { kind: 'broken', reason: `holds a ${hexRun}-digit id; this repository's ids have ${hexSize} digits` };
  }
  return { kind: 'broken', reason: `holds neither a ${hexSize}-digit object id nor "ref: <name>" (it starts "${utf8.decode(bytes.subarray(0, Math.min(end, 24)))}")` };
}

/** One ref line of packed-refs. */
export interface PackedRecord {
  name: string;
  /** Lower-case hex, as written. */
  oid: string;
  /** Why git refuses the name (git then treats the ref as broken), when it does. */
  nameProblem?: string;
  /** The id of the `^` line after it, when there is one. */
  peeled?: string;
  /** 1-based line number and byte offset of the ref line. */
  line: number;
  offset: number;
}

/** A line of packed-refs that does not parse. */
export interface PackedLineProblem {
  line: number;
  offset: number;
  reason: string;
}

/** A ref as git's packed-refs iterator yields it: its id is undefined when git treats it as broken. */
export interface GitPackedRef {
  name: string;
  oid: string | undefined;
}

/** What git does when it reads the whole file (every `git fsck`, `for-each-ref`, …). */
export interface GitPackedRun {
  /** The refs it yields, in its order, before it stops. */
  refs: GitPackedRef[];
  /** git's `die()` message (without `fatal: `) when it stops on a line it cannot read. */
  fatal?: string;
}

/** A packed-refs file, parsed line by line (every problem found) and as git would run over it. */
export interface PackedRefs {
  file: FileEntry;
  /** The header line, when the file has one. */
  header: string | undefined;
  /** The header promises sorted names (git then binary-searches the file as it is). */
  sorted: boolean;
  /** Every ref line that parses, in file order. */
  records: PackedRecord[];
  /** Every line that does not, in file order. */
  problems: PackedLineProblem[];
  git: GitPackedRun;
}

/** Parses packed-refs; `gitPath` is the path git names in its messages (`.git/packed-refs`). */
export function parsePackedRefs(file: FileEntry, bytes: Uint8Array, hexSize: number, gitPath: string): PackedRefs {
  const records: PackedRecord[] = [];
  const problems: PackedLineProblem[] = [];
  let header: string | undefined;
  let sorted = false;
  let line = 0;
  let last: PackedRecord | undefined;
  for (let start = 0; start < bytes.length; ) {
    line++;
    const lf = bytes.indexOf(LF, start);
    const end = lf < 0 ? bytes.length : lf;
    const problem = (reason: string): void => {
      problems.push({ line, offset: start, reason });
      last = undefined;
    };
    if (lf < 0) problem('the last line has no newline at its end');
    else if (line === 1 && bytes[start] === HASH) {
      header = utf8.decode(bytes.subarray(start, end));
      if (!header.startsWith('# pack-refs with:')) problem('the first line starts with "#" but is not git\'s header ("# pack-refs with: …")');
      else sorted = header.slice('# pack-refs with:'.length).split(' ').includes('sorted');
    } else if (end === start) problem('an empty line');
    else if (bytes[start] === CARET) {
      const peeled = hexIdAt(bytes, start + 1, hexSize, end);
      if (peeled === undefined || end - start !== hexSize + 1) problem(`a peeled line that is not "^" and a ${hexSize}-digit id`);
      else if (!last || last.peeled !== undefined) problem('a peeled line ("^<id>") with no ref line before it');
      else last.peeled = peeled;
    } else if (bytes[start] === HASH) problem('a "#" line after the first line (only the first line may be the header)');
    else {
      const oid = hexIdAt(bytes, start, hexSize, end);
      if (oid === undefined) problem(`it does not start with a ${hexSize}-digit object id`);
      else if (end === start + hexSize || !isGitSpace(bytes[start + hexSize])) problem('no space and ref name after the id');
      else if (end === start + hexSize + 1) problem('no ref name after the id');
      else {
        const name = cText(bytes, start + hexSize + 1, end);
        const record: PackedRecord = { name, oid, line, offset: start };
        const nameProblem = refnameProblem(name);
        if (nameProblem !== undefined) record.nameProblem = nameProblem;
        records.push(record);
        last = record;
      }
    }
    start = end + 1;
  }
  return { file, header, sorted, records, problems, git: gitPackedRun(bytes, hexSize, gitPath) };
}

/** git's die_unterminated_line. */
function unterminatedLine(path: string, bytes: Uint8Array, at: number, length: number): string {
  return length < 80 ? `unterminated line in ${path}: ${cText(bytes, at, at + length)}` : `unterminated line in ${path}: ${cText(bytes, at, at + 75)}...`;
}

/** git's die_invalid_line: the line at `at` (of the `length` bytes left). */
function invalidLine(path: string, bytes: Uint8Array, at: number, length: number): string {
  const lf = bytes.subarray(at, at + length).indexOf(LF);
  if (lf < 0) return unterminatedLine(path, bytes, at, length);
  return lf < 80 ? `unexpected line in ${path}: ${cText(bytes, at, at + lf)}` : `unexpected line in ${path}: ${cText(bytes, at, at + 75)}...`;
}

/** The die() git's verify_buffer_safe makes over [start, eof), if any. */
function verifyBufferSafe(path: string, bytes: Uint8Array, start: number, eof: number, hexSize: number): string | undefined {
  if (start === eof) return undefined;
  let last = eof - 1;
  while (last > start && (bytes[last - 1] !== LF || bytes[last] === CARET)) last--;
  if (bytes[eof - 1] !== LF || eof - last < hexSize + 2) return invalidLine(path, bytes, last, eof - last);
  return undefined;
}

/** git's cmp_packed_ref_records: the names after `<id> `, each up to its LF. */
function compareRecords(bytes: Uint8Array, a: number, b: number, hexSize: number): number {
  let r1 = a + hexSize + 1;
  let r2 = b + hexSize + 1;
  for (;;) {
    if (bytes[r1] === LF) return bytes[r2] === LF ? 0 : -1;
    if (bytes[r1] !== bytes[r2]) return bytes[r2] === LF ? 1 : bytes[r1] < bytes[r2] ? -1 : 1;
    r1++;
    r2++;
  }
}

/**
 * What git's packed-refs snapshot and iterator make of the file (create_snapshot,
 * sort_snapshot, next_record): the header, the safety check of the last line, a sort when the
 * header does not promise one, then record after record until a line it cannot read.
 */
function gitPackedRun(bytes: Uint8Array, hexSize: number, path: string): GitPackedRun {
  const refs: GitPackedRef[] = [];
  let buf = bytes;
  let start = 0;
  let eof = bytes.length;
  if (eof === 0) return { refs };
  let sorted = false;
  if (buf[0] === HASH) {
    const lf = buf.indexOf(LF);
    if (lf < 0) return { refs, fatal: unterminatedLine(path, buf, 0, eof) };
    const header = utf8.decode(buf.subarray(0, lf));
    if (!header.startsWith('# pack-refs with:')) return { refs, fatal: invalidLine(path, buf, 0, eof) };
    sorted = header.slice('# pack-refs with:'.length).split(' ').includes('sorted');
    start = lf + 1;
  }
  const unsafe = verifyBufferSafe(path, buf, start, eof, hexSize);
  if (unsafe !== undefined) return { refs, fatal: unsafe };
  if (!sorted) {
    const ranges: [number, number][] = [];
    let inOrder = true;
    for (let pos = start; pos < eof; ) {
      let lf = buf.indexOf(LF, pos);
      if (lf - pos < hexSize + 2) return { refs, fatal: invalidLine(path, buf, pos, eof - pos) };
      let next = lf + 1;
      if (next < eof && buf[next] === CARET) {
        lf = buf.indexOf(LF, next);
        next = lf + 1;
      }
      ranges.push([pos, next]);
      if (inOrder && ranges.length > 1 && compareRecords(buf, ranges[ranges.length - 2][0], pos, hexSize) >= 0) inOrder = false;
      pos = next;
    }
    if (!inOrder) {
      const source = buf;
      ranges.sort((a, b) => compareRecords(source, a[0], b[0], hexSize));
      const copy = new Uint8Array(eof - start);
      let at = 0;
      for (const [from, to] of ranges) {
        copy.set(source.subarray(from, to), at);
        at += to - from;
      }
      buf = copy;
      start = 0;
      eof = copy.length;
    }
  }
  for (let pos = start; pos < eof; ) {
    const oid = hexIdAt(buf, pos, hexSize, eof);
    if (eof - pos < hexSize + 2 || oid === undefined || !isGitSpace(buf[pos + hexSize])) return { refs, fatal: invalidLine(path, buf, pos, eof - pos) };
    const nameAt = pos + hexSize + 1;
    const lf = buf.indexOf(LF, nameAt);
    if (lf < 0) return { refs, fatal: unterminatedLine(path, buf, pos, eof - pos) };
    const name = cText(buf, nameAt, lf);
    let value: string | undefined = oid;
    if (refnameProblem(name) !== undefined) {
      if (!refnameIsSafe(name)) return { refs, fatal: `packed refname is dangerous: ${name}` };
      value = undefined;
    }
    pos = lf + 1;
    if (pos < eof && buf[pos] === CARET) {
      const p = pos + 1;
      if (eof - p < hexSize + 1 || hexIdAt(buf, p, hexSize, eof) === undefined || buf[p + hexSize] !== LF) return { refs, fatal: invalidLine(path, buf, pos, eof - pos) };
      pos = p + hexSize + 1;
    }
    refs.push({ name, oid: value });
  }
  return { refs };
}

/** One loose ref file. */
export interface LooseRef {
  /** Its name: `HEAD`, `refs/heads/main`. */
  name: string;
  file: FileEntry;
  content: LooseRefContent;
}

/** What `readRaw` finds for a name: git's refs_read_raw_ref. */
export type RawRef = { kind: 'oid'; oid: string; packed: boolean } | { kind: 'symbolic'; target: string } | { kind: 'broken'; reason: string } | { kind: 'missing' };

/** A name followed through symbolic refs, as git's refs_resolve_ref_unsafe follows it. */
export type Resolution =
  | {
      ok: true;
      /** The names read, the asked one first: the last is the ref that holds the id. */
      chain: string[];
      /** The id (possibly the null id); undefined when the last name does not exist (an unborn branch). */
      oid: string | undefined;
    }
  | { ok: false; chain: string[]; reason: string };

/** The refs of one git directory. */
export class RefStore {
  /** Every loose ref file by name (HEAD included), whether or not git's listing shows it. */
  readonly loose = new Map<string, LooseRef>();
  readonly packed: PackedRefs | undefined;
  /** The first 255 bytes of HEAD, which decide whether git takes the folder for a repository. */
  readonly headStart: Uint8Array | undefined;
  /** Files that could not be read at all (too large, I/O). */
  readonly problems: PackscopeError[] = [];
  private readonly packedByName = new Map<string, PackedRecord>();

  /**
   * `refFiles`: HEAD, packed-refs and every file under refs/ (paths relative to the opened
   * folder); `gitDir`: their prefix ('' when the git directory was opened); `gitDisplayDir`: the
   * git directory as git names it in messages (`.git`, or `.` when run inside it).
   */
  constructor(
    refFiles: FileEntry[],
    readonly gitDir: string,
    readonly algo: HashAlgo,
    readonly gitDisplayDir: string = gitDir === '' ? '.' : gitDir,
  ) {
    const prefix = gitDir === '' ? '' : `${gitDir}/`;
    let packed: PackedRefs | undefined;
    for (const file of refFiles) {
      if (!file.path.startsWith(prefix)) continue;
      const name = file.path.slice(prefix.length);
      const size = file.source.size;
      try {
        if (name === 'packed-refs') {
          if (size > MAX_PACKED_REFS_BYTES) throw new PackscopeError('TooLarge', `packed-refs of ${size} bytes; packscope reads it up to 256 MiB`, { file: file.path });
          packed = parsePackedRefs(file, file.source.read(0, size), algo.hexSize, `${this.gitDisplayDir}/packed-refs`);
          continue;
        }
        const bytes = file.source.read(0, Math.min(size, MAX_LOOSE_REF_BYTES));
        if (name === 'HEAD') this.headStart = bytes.slice(0, 255);
        this.loose.set(name, { name, file, content: parseLooseRef(bytes, size, algo.hexSize) });
      } catch (err) {
        this.problems.push(err instanceof PackscopeError ? err : new PackscopeError('Io', `cannot read: ${err instanceof Error ? err.message : String(err)}`, { file: file.path }));
      }
    }
    this.packed = packed;
    for (const r of packed?.records ?? []) if (!this.packedByName.has(r.name)) this.packedByName.set(r.name, r);
  }

  /** The packed record git's lookup finds for a name. */
  packedRecord(name: string): PackedRecord | undefined {
    return this.packedByName.get(name);
  }

  /**
   * git's refs_read_raw_ref: the loose file of that name, else the packed record. Only HEAD
   * and files under refs/ were opened: another pseudo-ref (ORIG_HEAD, …) reads as missing.
   */
  readRaw(name: string): RawRef {
    const loose = this.loose.get(name);
    if (loose) {
      const c = loose.content;
      return c.kind === 'oid' ? { kind: 'oid', oid: c.oid, packed: false } : c.kind === 'symbolic' ? { kind: 'symbolic', target: c.target } : { kind: 'broken', reason: c.reason };
    }
    const packed = this.packedByName.get(name);
    if (packed) return { kind: 'oid', oid: packed.oid, packed: true };
    return { kind: 'missing' };
  }

  /**
   * git's refs_resolve_ref_unsafe without RESOLVE_REF_ALLOW_BAD_NAME. `reading` (as when git
   * lists refs): a name that does not exist fails; otherwise it resolves to no id (unborn).
   */
  resolve(name: string, reading: boolean): Resolution {
    const chain = [name];
    const badName = refnameProblem(name);
    if (badName !== undefined) return { ok: false, chain, reason: `the name ${badName}` };
    let current = name;
    for (let read = 0; read < SYMREF_MAX_DEPTH; read++) {
      const raw = this.readRaw(current);
      if (raw.kind === 'broken') return { ok: false, chain, reason: `${current} ${raw.reason}` };
      if (raw.kind === 'missing') return reading ? { ok: false, chain, reason: `${current} does not exist` } : { ok: true, chain, oid: undefined };
      if (raw.kind === 'oid') return { ok: true, chain, oid: raw.oid };
      current = raw.target;
      chain.push(current);
      const badTarget = refnameProblem(current);
      if (badTarget !== undefined) return { ok: false, chain, reason: `the target's name ${badTarget}` };
    }
    const looped = new Set(chain).size < chain.length;
    return { ok: false, chain, reason: looped ? 'the symbolic refs loop' : `the chain of symbolic refs is longer than the ${SYMREF_MAX_DEPTH} reads git follows` };
  }

  /** The path git prints for a file of the git directory (`.git/logs/HEAD`). */
  gitPath(relative: string): string {
    return `${this.gitDisplayDir}/${relative}`;
  }
}
