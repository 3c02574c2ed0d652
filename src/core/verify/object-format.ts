import { configEntries } from '../format/commit-graph-config.ts';
import { refnameProblem } from '../repo/ref-names.ts';
import type { ObjectType } from '../objects/types.ts';

/**
 * git's per-object format checks (fsck.c in git 2.39: fsck_commit, fsck_tag, fsck_tree), run on
 * an object's raw bytes as git runs them, with git's message ids, texts and default levels:
 *
 * | level  | ids                                                                               |
 * |--------|-----------------------------------------------------------------------------------|
 * | fatal  | nulInHeader, unterminatedHeader (printed as errors; cannot be lowered)            |
 * | error  | badDate, badDateOverflow, badEmail, badName, badObjectSha1, badParentSha1,         |
 * |        | badTimezone, badTree, badTreeSha1, badType, duplicateEntries, missingAuthor,       |
 * |        | missingCommitter, missingEmail, missingNameBeforeEmail, missingObject,             |
 * |        | missingSpaceBeforeDate, missingSpaceBeforeEmail, missingTag, missingTagEntry,      |
 * |        | missingTree, missingType, missingTypeEntry, multipleAuthors, treeNotSorted,        |
 * |        | zeroPaddedDate, gitmodulesSymlink                                                  |
 * | warn   | emptyName, fullPathname, hasDot, hasDotdot, hasDotgit, nullSha1,                   |
 * |        | zeroPaddedFilemode, nulInCommit                                                    |
 * | info   | badFilemode, gitignoreSymlink, gitattributesSymlink, mailmapSymlink, badTagName,   |
 * |        | missingTaggerEntry (info is printed as a warning)                                 |
 * | ignore | extraHeaderEntry                                                                  |
 *
 * git prints `<level> in <type> <oid>: <id>: <text>` on stderr. Each report returns 1 for an
 * error and 0 otherwise, and a commit or tag check stops at the first report that returned 1:
 * what follows a warning is still checked. `fsck.<id> = error|warn|ignore` in the config and
 * `fsck.skipList` change the levels and skip objects, as git_fsck_config does.
 *
 * git parses a commit or tag (parse_object_buffer) before fsck looks at it, and an object that
 * does not parse is never fsck'ed: `gitParses` says which objects git gets that far with, so
 * only those are checked here (the others are the object readers' to report).
 *
 * Work is bounded by the object's size: names are compared as byte ranges of the object, never
 * copied, and a tree keeps only a stack of entry offsets for its duplicate check.
 */

/** git's levels (fsck.h); `info` is printed as a warning, `fatal` as an error. */
export type FsckLevel = 'fatal' | 'error' | 'warn' | 'info' | 'ignore';

/** The message ids this module reports, with git 2.39's default levels. */
export const FSCK_DEFAULT_LEVELS = {
  nulInHeader: 'fatal',
  unterminatedHeader: 'fatal',
  badDate: 'error',
  badDateOverflow: 'error',
  badEmail: 'error',
  badName: 'error',
  badObjectSha1: 'error',
  badParentSha1: 'error',
  badTimezone: 'error',
  badTree: 'error',
  badTreeSha1: 'error',
  badType: 'error',
  duplicateEntries: 'error',
  missingAuthor: 'error',
  missingCommitter: 'error',
  missingEmail: 'error',
  missingNameBeforeEmail: 'error',
  missingObject: 'error',
  missingSpaceBeforeDate: 'error',
  missingSpaceBeforeEmail: 'error',
  missingTag: 'error',
  missingTagEntry: 'error',
  missingTree: 'error',
  missingType: 'error',
  missingTypeEntry: 'error',
  multipleAuthors: 'error',
  treeNotSorted: 'error',
  zeroPaddedDate: 'error',
  gitmodulesSymlink: 'error',
  emptyName: 'warn',
  fullPathname: 'warn',
  hasDot: 'warn',
  hasDotdot: 'warn',
  hasDotgit: 'warn',
  nullSha1: 'warn',
  zeroPaddedFilemode: 'warn',
  nulInCommit: 'warn',
  badFilemode: 'info',
  gitignoreSymlink: 'info',
  gitattributesSymlink: 'info',
  mailmapSymlink: 'info',
  badTagName: 'info',
  missingTaggerEntry: 'info',
  extraHeaderEntry: 'ignore',
} as const satisfies Record<string, FsckLevel>;

export type FsckMessageId = keyof typeof FSCK_DEFAULT_LEVELS;

/**
 * git's other message ids, which this module does not report (the .gitmodules blob checks and
 * what only other commands check), kept so `fsck.<id>` naming them is still a known id.
 */
const OTHER_GIT_IDS = ['unknownType', 'gitmodulesMissing', 'gitmodulesBlob', 'gitmodulesLarge', 'gitmodulesName', 'gitmodulesUrl', 'gitmodulesPath', 'gitmodulesUpdate', 'gitmodulesParse'];

/** One report, as git prints it. */
export interface FormatFinding {
  oid: string;
  type: ObjectType;
  /** git's message id; undefined for the tree walk's own `error:` lines (see `checkTree`). */
  id?: FsckMessageId;
  severity: 'error' | 'warning';
  /** What git prints after the id (`invalid format - expected 'tagger' line`). */
  message: string;
  /** The whole stderr line. */
  line: string;
}

/** What one object's check found, and whether git's check returned non-zero (an exit bit). */
export interface FormatResult {
  findings: FormatFinding[];
  failed: boolean;
  /** git's walk could not read the tree's first entry (`broken links`: git's ERROR_OBJECT bit). */
  brokenLinks: boolean;
}

/** The levels in force: git's defaults, `fsck.<id>` from the config, and `fsck.skipList`. */
export class FsckPolicy {
  private readonly levels = new Map<string, FsckLevel>();
  /** Object ids (lower-case hex) never reported on. */
  readonly skip = new Set<string>();
  /** The `fsck.skipList` path as the config gives it (the host reads the file). */
  skipListPath: string | undefined;
  /** Config settings git would die on (an unknown id or level, a fatal id lowered). */
  readonly problems: string[] = [];
  /** `--strict`: warnings by default become errors, and mode 100664 is a bad file mode. */
  strict = false;

  /** Reads `[fsck]` settings from a config file's bytes. */
  static fromConfig(config: Uint8Array | undefined): FsckPolicy {
    const policy = new FsckPolicy();
    if (config === undefined) return policy;
    const known = new Map<string, string>();
    for (const id of [...Object.keys(FSCK_DEFAULT_LEVELS), ...OTHER_GIT_IDS]) known.set(id.toLowerCase(), id);
    for (const { section, key, value } of configEntries(config.subarray(0, 1 << 20))) {
      if (section !== 'fsck') continue;
      if (key === 'skiplist') {
        policy.skipListPath = value;
        continue;
      }
      const id = known.get(key);
      const level = value === 'error' ? 'error' : value === 'warn' ? 'warn' : value === 'ignore' ? 'ignore' : undefined;
      if (id === undefined) policy.problems.push(`Unhandled message id: ${key}`);
      else if (level === undefined) policy.problems.push(`Unknown fsck message type: '${value ?? ''}'`);
      else if (level !== 'error' && id in FSCK_DEFAULT_LEVELS && FSCK_DEFAULT_LEVELS[id as FsckMessageId] === 'fatal') policy.problems.push(`Cannot demote ${key} to ${level}`);
      else policy.levels.set(id, level);
    }
    return policy;
  }

  /**
   * Adds the ids of a skip list file (git's oidset_parse_file: one id a line, blank lines and
   * `#` comments allowed); returns what git dies saying at a line that is not an id.
   */
  addSkipList(text: string, hexLength: number): string | undefined {
    for (const raw of text.split('\n')) {
      const line = raw.replace(/#.*$/, '').trim();
      if (line === '') continue;
      if (line.length !== hexLength || !/^[0-9a-fA-F]+$/.test(line)) return `invalid object name: ${line}`;
      this.skip.add(line.toLowerCase());
    }
    return undefined;
  }

  /** What a report of `id` becomes: printed as an error, as a warning, or not at all. */
  severity(id: FsckMessageId): 'error' | 'warning' | 'ignore' {
    const byDefault: FsckLevel = FSCK_DEFAULT_LEVELS[id];
    const level = this.levels.get(id) ?? (this.strict && byDefault === 'warn' ? 'error' : byDefault);
    return level === 'ignore' ? 'ignore' : level === 'error' || level === 'fatal' ? 'error' : 'warning';
  }
}

const NL = 0x0a;
const SP = 0x20;

/** A report sink that behaves as git's report(): 1 for an error, 0 otherwise. */
class Reporter {
  readonly findings: FormatFinding[] = [];
  brokenLinks = false;
  constructor(
    readonly policy: FsckPolicy,
    readonly oid: string,
    readonly type: ObjectType,
  ) {}

  get strict(): boolean {
    return this.policy.strict;
  }

  report(id: FsckMessageId, message: string): number {
    const severity = this.policy.severity(id);
    if (severity === 'ignore' || this.policy.skip.has(this.oid)) return 0;
    const text = `${id}: ${message}`;
    this.findings.push({ oid: this.oid, type: this.type, id, severity, message, line: `${severity} in ${this.type} ${this.oid}: ${text}` });
    return severity === 'error' ? 1 : 0;
  }

  /** A plain `error: …` line git's tree walk prints (tree-walk.c), then maybe `broken links`. */
  plain(line: string): void {
    this.plainAt(this.findings.length, line);
  }

  /** The same, put before the findings from `index` on (the walk runs before fsck_tree). */
  plainAt(index: number, line: string): void {
    this.findings.splice(index, 0, { oid: this.oid, type: this.type, severity: 'error', message: line, line });
  }
}

/**
 * Checks one object as `git fsck` does and returns what git prints for it, in git's order.
 * `hexLength` is the repository's id length in hex (40 or 64). Blobs have nothing to check here.
 */
export function checkObjectFormat(oid: string, type: ObjectType, data: Uint8Array, hexLength: number, policy: FsckPolicy): FormatResult {
  const r = new Reporter(policy, oid, type);
  let status = 0;
  if (type === 'commit') {
    if (!gitParsesCommit(data, hexLength)) return { findings: [], failed: false, brokenLinks: false };
    status = checkCommit(data, hexLength, r);
  } else if (type === 'tag') {
    if (!gitParsesTag(data, hexLength)) return { findings: [], failed: false, brokenLinks: false };
    status = checkTag(data, hexLength, r);
  } else if (type === 'tree') {
    status = checkTree(data, hexLength / 2, r);
  }
  return { findings: r.findings, failed: status !== 0, brokenLinks: r.brokenLinks };
}

/** The byte at `i`, or 0 past the end: git's buffers end with a NUL its C string code stops at. */
function at(b: Uint8Array, i: number): number {
  return i < b.length ? b[i] : 0;
}

function startsWith(b: Uint8Array, i: number, prefix: string): boolean {
  for (let k = 0; k < prefix.length; k++) if (at(b, i + k) !== prefix.charCodeAt(k)) return false;
  return true;
}

function isHexDigit(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
}

/** get_oid_hex / parse_oid_hex: `hexLength` hex digits (either case) at `i`. */
function hexAt(b: Uint8Array, i: number, hexLength: number): boolean {
  for (let k = 0; k < hexLength; k++) if (!isHexDigit(at(b, i + k))) return false;
  return true;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** strchr(b + i, '\n') on a C string: the LF's index, or -1 at a NUL or the end first. */
function lineEnd(b: Uint8Array, i: number): number {
  for (let k = i; k < b.length; k++) {
    if (b[k] === NL) return k;
    if (b[k] === 0) return -1;
  }
  return -1;
}

/** parse_commit_buffer's refusals (commit.c): the tree line, then each full-length parent line. */
function gitParsesCommit(b: Uint8Array, hexLength: number): boolean {
  const treeLine = hexLength + 5;
  if (b.length <= treeLine + 1 || !startsWith(b, 0, 'tree ') || b[treeLine] !== NL || !hexAt(b, 5, hexLength)) return false;
  const parentLine = hexLength + 7;
  let i = treeLine + 1;
  while (i + parentLine < b.length && startsWith(b, i, 'parent ')) {
    if (b.length <= i + parentLine + 1 || !hexAt(b, i + 7, hexLength) || b[i + parentLine] !== NL) return false;
    i += parentLine + 1;
  }
  return true;
}

/** parse_tag_buffer's refusals (tag.c): object line, a known type, a tag line ending in LF. */
function gitParsesTag(b: Uint8Array, hexLength: number): boolean {
  if (b.length < hexLength + 24) return false;
  if (!startsWith(b, 0, 'object ') || !hexAt(b, 7, hexLength) || b[7 + hexLength] !== NL) return false;
  let i = 8 + hexLength;
  if (!startsWith(b, i, 'type ')) return false;
  i += 5;
  const nl = b.indexOf(NL, i);
  if (nl < 0 || nl - i >= 20) return false;
  if (typeFromBytes(b, i, nl) === undefined) return false;
  i = nl + 1;
  if (!(i + 4 < b.length && startsWith(b, i, 'tag '))) return false;
  return b.indexOf(NL, i + 4) >= 0;
}

/** type_from_string_gently: the four type names, exactly. */
function typeFromBytes(b: Uint8Array, start: number, end: number): ObjectType | undefined {
  for (const name of ['commit', 'tree', 'blob', 'tag'] as const) if (end - start === name.length && startsWith(b, start, name)) return name;
  return undefined;
}

/** verify_headers: no NUL before the blank line that ends the header, and a last LF. */
function verifyHeaders(b: Uint8Array, r: Reporter): number {
  for (let i = 0; i < b.length; i++) {
    if (b[i] === 0) return r.report('nulInHeader', `unterminated header: NUL at offset ${i}`);
    if (b[i] === NL && i + 1 < b.length && b[i + 1] === NL) return 0;
  }
  if (b.length > 0 && b[b.length - 1] === NL) return 0;
  return r.report('unterminatedHeader', 'unterminated header');
}

/** strcspn(p, "<>\n") from `i`. */
function toAngleOrLf(b: Uint8Array, i: number): number {
  for (;;) {
    const c = at(b, i);
    if (c === 0 || c === 0x3c || c === 0x3e || c === NL) return i;
    i++;
  }
}

/** 2^63: a date at or past it does not fit git's signed time_t (date_overflows). */
const TIME_LIMIT = 1n << 63n;
const U64 = 1n << 64n;

/**
 * fsck_ident on the identity starting at `start`; returns [report result, where the next line starts].
 * The date is read as strtoumax reads it: leading blanks, a sign, digits.
 */
function checkIdent(b: Uint8Array, start: number, r: Reporter): [number, number] {
  let next = lineEnd(b, start);
  if (next < 0) {
    next = start;
    while (next < b.length && b[next] !== 0) next++;
  } else next++;
  let p = start;
  const msg = 'invalid author/committer line - ';
  if (at(b, p) === 0x3c) return [r.report('missingNameBeforeEmail', `${msg}missing space before email`), next];
  p = toAngleOrLf(b, p);
  if (at(b, p) === 0x3e) return [r.report('badName', `${msg}bad name`), next];
  if (at(b, p) !== 0x3c) return [r.report('missingEmail', `${msg}missing email`), next];
  if (at(b, p - 1) !== SP) return [r.report('missingSpaceBeforeEmail', `${msg}missing space before email`), next];
  p = toAngleOrLf(b, p + 1);
  if (at(b, p) !== 0x3e) return [r.report('badEmail', `${msg}bad email`), next];
  p++;
  if (at(b, p) !== SP) return [r.report('missingSpaceBeforeDate', `${msg}missing space before date`), next];
  p++;
  if (at(b, p) === 0x30 && at(b, p + 1) !== SP) return [r.report('zeroPaddedDate', `${msg}zero-padded date`), next];
  // strtoumax: blanks, one sign, digits; `end` stays at `p` when there is no digit.
  let q = p;
  while (q < b.length && (b[q] === SP || (b[q] >= 0x09 && b[q] <= 0x0d))) q++;
  let negative = false;
  if (at(b, q) === 0x2b || at(b, q) === 0x2d) {
    negative = at(b, q) === 0x2d;
    q++;
  }
  const digits = q;
  while (isDigit(at(b, q))) q++;
  let end = p;
  if (q > digits) {
    end = q;
    // Digits are bounded by the object; past 20 the value has already saturated.
    let value = 0n;
    for (let k = digits; k < q && value < U64; k++) value = value * 10n + BigInt(b[k] - 0x30);
    if (value >= U64) value = U64 - 1n;
    else if (negative && value !== 0n) value = U64 - value;
    if (value >= TIME_LIMIT) return [r.report('badDateOverflow', `${msg}date causes integer overflow`), next];
  }
  if (end === p || at(b, end) !== SP) return [r.report('badDate', `${msg}bad date`), next];
  p = end + 1;
  const sign = at(b, p);
  if ((sign !== 0x2b && sign !== 0x2d) || !isDigit(at(b, p + 1)) || !isDigit(at(b, p + 2)) || !isDigit(at(b, p + 3)) || !isDigit(at(b, p + 4)) || at(b, p + 5) !== NL) {
    return [r.report('badTimezone', `${msg}bad time zone`), next];
  }
  return [0, next];
}

/** fsck_commit. */
function checkCommit(b: Uint8Array, hexLength: number, r: Reporter): number {
  if (verifyHeaders(b, r) !== 0) return -1;
  if (!startsWith(b, 0, 'tree ')) return r.report('missingTree', "invalid format - expected 'tree' line");
  let i = 5;
  if (!hexAt(b, i, hexLength) || at(b, i + hexLength) !== NL) {
    // git goes on from an unset pointer when this is not an error; stopping is the safe reading.
    return r.report('badTreeSha1', "invalid 'tree' line format - bad sha1");
  }
  i += hexLength + 1;
  while (startsWith(b, i, 'parent ')) {
    i += 7;
    if (!hexAt(b, i, hexLength) || at(b, i + hexLength) !== NL) return r.report('badParentSha1', "invalid 'parent' line format - bad sha1");
    i += hexLength + 1;
  }
  let authors = 0;
  let err = 0;
  while (startsWith(b, i, 'author ')) {
    authors++;
    [err, i] = checkIdent(b, i + 7, r);
    if (err) return err;
  }
  if (authors < 1) err = r.report('missingAuthor', "invalid format - expected 'author' line");
  else if (authors > 1) err = r.report('multipleAuthors', "invalid format - multiple 'author' lines");
  if (err) return err;
  if (!startsWith(b, i, 'committer ')) return r.report('missingCommitter', "invalid format - expected 'committer' line");
  [err, i] = checkIdent(b, i + 10, r);
  if (err) return err;
  if (b.indexOf(0) >= 0) {
    err = r.report('nulInCommit', 'NUL byte in the commit object body');
    if (err) return err;
  }
  return 0;
}

/** fsck_tag_standalone. */
function checkTag(b: Uint8Array, hexLength: number, r: Reporter): number {
  let ret = verifyHeaders(b, r);
  if (ret) return ret;
  if (!startsWith(b, 0, 'object ')) return r.report('missingObject', "invalid format - expected 'object' line");
  let i = 7;
  if (!hexAt(b, i, hexLength) || at(b, i + hexLength) !== NL) return r.report('badObjectSha1', "invalid 'object' line format - bad sha1");
  i += hexLength + 1;
  if (!startsWith(b, i, 'type ')) return r.report('missingTypeEntry', "invalid format - expected 'type' line");
  i += 5;
  let eol = lineEnd(b, i);
  if (eol < 0) return r.report('missingType', "invalid format - unexpected end after 'type' line");
  if (typeFromBytes(b, i, eol) === undefined) ret = r.report('badType', "invalid 'type' value");
  if (ret) return ret;
  i = eol + 1;
  if (!startsWith(b, i, 'tag ')) return r.report('missingTagEntry', "invalid format - expected 'tag' line");
  i += 4;
  eol = lineEnd(b, i);
  if (eol < 0) return r.report('missingTag', "invalid format - unexpected end after 'type' line");
  let name = '';
  for (let k = i; k < eol; k++) name += String.fromCharCode(b[k]);
  if (refnameProblem(`refs/tags/${name}`) !== undefined) {
    ret = r.report('badTagName', `invalid 'tag' name: ${name}`);
    if (ret) return ret;
  }
  i = eol + 1;
  if (!startsWith(b, i, 'tagger ')) {
    // Early tags have no tagger line.
    ret = r.report('missingTaggerEntry', "invalid format - expected 'tagger' line");
    if (ret) return ret;
  } else [ret, i] = checkIdent(b, i + 7, r);
  if (at(b, i) === 0) return ret;
  if (b[i] !== NL) ret = r.report('extraHeaderEntry', "invalid format - extra header(s) after 'tagger'");
  return ret;
}

const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;

/**
 * One tree entry as decode_tree_entry reads it (`mode SP name NUL id`): the mode as git's
 * unsigned int, where the name starts and ends, and where the next entry starts. Two objects per
 * tree are reused for every entry (no allocation per entry).
 */
interface TreeEntry {
  mode: number;
  name: number;
  nameEnd: number;
  next: number;
}

/** Reads the entry at `pos` into `out`; undefined, or the reason git gives when it cannot. */
function decodeEntry(b: Uint8Array, pos: number, hashSize: number, out: TreeEntry): string | undefined {
  const size = b.length - pos;
  // The NUL before the last id: every name below ends at a NUL inside the tree.
  if (size < hashSize + 3 || b[b.length - (hashSize + 1)] !== 0) return 'too-short tree object';
  let i = pos;
  if (b[i] === SP) return 'malformed mode in tree entry';
  let mode = 0;
  for (;;) {
    const c = b[i++];
    if (c === SP) break;
    if (c < 0x30 || c > 0x37) return 'malformed mode in tree entry';
    mode = ((mode << 3) + (c - 0x30)) >>> 0;
  }
  if (b[i] === 0) return 'empty filename in tree entry';
  let nameEnd = i;
  while (b[nameEnd] !== 0) nameEnd++;
  out.mode = mode;
  out.name = i;
  out.nameEnd = nameEnd;
  out.next = nameEnd + 1 + hashSize;
  return undefined;
}

/** Compares the names [a, aEnd) and [c, cEnd) of `b` as memcmp over the shorter length. */
function compareNames(b: Uint8Array, a: number, aEnd: number, c: number, cEnd: number): number {
  const n = Math.min(aEnd - a, cEnd - c);
  for (let k = 0; k < n; k++) if (b[a + k] !== b[c + k]) return b[a + k] - b[c + k];
  return 0;
}

function isLessThanSlash(c: number): boolean {
  return c > 0 && c < 0x2f;
}

const TREE_UNORDERED = -1;
const TREE_HAS_DUPS = -2;

/** verify_ordered (fsck.c), with the stack of file names a later directory may duplicate. */
function verifyOrdered(b: Uint8Array, mode1: number, n1: number, e1: number, mode2: number, n2: number, e2: number, stack: number[]): number {
  const cmp = compareNames(b, n1, e1, n2, e2);
  if (cmp < 0) return 0;
  if (cmp > 0) return TREE_UNORDERED;
  const len = Math.min(e1 - n1, e2 - n2);
  let c1 = n1 + len < e1 ? b[n1 + len] : 0;
  let c2 = n2 + len < e2 ? b[n2 + len] : 0;
  if (c1 === 0 && c2 === 0) return TREE_HAS_DUPS;
  if (c1 === 0 && (mode1 & S_IFMT) === S_IFDIR) c1 = 0x2f;
  if (c2 === 0 && (mode2 & S_IFMT) === S_IFDIR) c2 = 0x2f;
  if (c1 === 0 && isLessThanSlash(c2)) {
    stack.push(n1, e1);
  } else if (c2 === 0x2f && isLessThanSlash(c1)) {
    while (stack.length > 0) {
      const fEnd = stack.pop() as number;
      const f = stack.pop() as number;
      // Is the candidate a prefix of name2?
      const fLen = fEnd - f;
      if (fLen > e2 - n2 || compareNames(b, f, fEnd, n2, n2 + fLen) !== 0) continue;
      const p = n2 + fLen < e2 ? b[n2 + fLen] : 0;
      if (p === 0) return TREE_HAS_DUPS;
      if (isLessThanSlash(p)) {
        stack.push(f, fEnd);
        break;
      }
    }
  }
  return c1 < c2 ? 0 : TREE_UNORDERED;
}

/**
 * Whether a name can be one of the special names (`.git`, `.gitmodules`, `.gitignore`,
 * `.gitattributes`, `.mailmap`, their NTFS short names, or an HFS+ spelling that starts with an
 * ignored zero-width character, whose UTF-8 starts with 0xe2 or 0xef): most names are not, and
 * skip the slower checks.
 */
function maybeSpecial(c: number): boolean {
  const lower = asciiLower(c);
  return c === 0x2e || lower === 0x67 || lower === 0x6d || c === 0xe2 || c === 0xef;
}

/**
 * fsck_tree: every entry read with its raw mode; each problem reported once per tree. git walks
 * the tree first (fsck_walk_tree, to mark what it names) and that walk prints its own lines,
 * before any of fsck_tree's: a first entry it cannot read is `error: <why>` and `error in tree
 * <oid>: broken links`, a later one `error: <why>` (the walk stops there). The walk reads modes
 * through canon_mode, which makes every mode a blob, tree, link or gitlink: no bad-mode line.
 */
function checkTree(b: Uint8Array, hashSize: number, r: Reporter): number {
  let retval = 0;
  let hasNullSha1 = false;
  let hasFullPath = false;
  let hasEmptyName = false;
  let hasDot = false;
  let hasDotdot = false;
  let hasDotgit = false;
  let hasZeroPad = false;
  let hasBadModes = false;
  let hasDupEntries = false;
  let notSorted = false;
  if (b.length === 0) return 0;
  let entry: TreeEntry = { mode: 0, name: 0, nameEnd: 0, next: 0 };
  let spare: TreeEntry = { mode: 0, name: 0, nameEnd: 0, next: 0 };
  const firstProblem = decodeEntry(b, 0, hashSize, entry);
  if (firstProblem !== undefined) {
    r.plain(`error: ${firstProblem}`);
    r.plain(`error in tree ${r.oid}: broken links`);
    r.brokenLinks = true;
    r.plain(`error: ${firstProblem}`);
    return r.report('badTree', 'cannot be parsed as a tree');
  }
  // Where the walk's line goes if a later entry cannot be read: before fsck_tree's own lines.
  const walkLineAt = r.findings.length;
  const stack: number[] = [];
  let oMode = 0;
  let oName = -1;
  let oEnd = -1;
  let start = 0;
  for (;;) {
    const name = entry.name;
    const nameEnd = entry.nameEnd;
    // tree_entry_extract hands fsck_tree an unsigned short.
    const mode = entry.mode & 0xffff;
    if (!hasNullSha1) {
      let k = 0;
      while (k < hashSize && b[nameEnd + 1 + k] === 0) k++;
      hasNullSha1 = k === hashSize;
    }
    const nameLen = nameEnd - name;
    let backslash = -1;
    for (let k = name; k < nameEnd; k++) {
      const c = b[k];
      if (c === 0x2f) hasFullPath = true;
      else if (c === 0x5c && backslash < 0) backslash = k;
    }
    hasEmptyName ||= nameLen === 0;
    hasDot ||= nameLen === 1 && b[name] === 0x2e;
    hasDotdot ||= nameLen === 2 && b[name] === 0x2e && b[name + 1] === 0x2e;
    hasZeroPad ||= b[start] === 0x30;
    const isLink = (mode & S_IFMT) === S_IFLNK;
    if (maybeSpecial(b[name])) {
      hasDotgit ||= isHfsDot(b, name, nameEnd, 'git') || isNtfsDotgit(b, name, nameEnd);
      if ((isHfsDot(b, name, nameEnd, 'gitmodules') || isNtfsDot(b, name, nameEnd, 'gitmodules', 'gi7eba')) && isLink) {
        retval += r.report('gitmodulesSymlink', '.gitmodules is a symbolic link');
      }
      if (isLink) {
        if (isHfsDot(b, name, nameEnd, 'gitignore') || isNtfsDot(b, name, nameEnd, 'gitignore', 'gi250a')) retval += r.report('gitignoreSymlink', '.gitignore is a symlink');
        if (isHfsDot(b, name, nameEnd, 'gitattributes') || isNtfsDot(b, name, nameEnd, 'gitattributes', 'gi7d29')) retval += r.report('gitattributesSymlink', '.gitattributes is a symlink');
        if (isHfsDot(b, name, nameEnd, 'mailmap') || isNtfsDot(b, name, nameEnd, 'mailmap', 'maba30')) retval += r.report('mailmapSymlink', '.mailmap is a symlink');
      }
    }
    // Each part after a backslash, as Windows would split the name.
    while (backslash >= 0) {
      const part = backslash + 1;
      hasDotgit ||= isNtfsDotgit(b, part, nameEnd);
      if (isLink && isNtfsDot(b, part, nameEnd, 'gitmodules', 'gi7eba')) retval += r.report('gitmodulesSymlink', '.gitmodules is a symbolic link');
      backslash = -1;
      for (let k = part; k < nameEnd; k++) {
        if (b[k] === 0x5c) {
          backslash = k;
          break;
        }
      }
    }
    const last = entry.next >= b.length;
    if (!last) {
      const problem = decodeEntry(b, entry.next, hashSize, spare);
      if (problem !== undefined) {
        r.plainAt(walkLineAt, `error: ${problem}`);
        r.plain(`error: ${problem}`);
        retval += r.report('badTree', 'cannot be parsed as a tree');
        break;
      }
    }
    switch (mode) {
      case 0o100755:
      case 0o100644:
      case S_IFLNK:
      case S_IFDIR:
      case 0o160000:
        break;
      case 0o100664:
        // Early git wrote these; only --strict calls them bad.
        if (r.strict) hasBadModes = true;
        break;
      default:
        hasBadModes = true;
    }
    if (oName >= 0) {
      const order = verifyOrdered(b, oMode, oName, oEnd, mode, name, nameEnd, stack);
      if (order === TREE_UNORDERED) notSorted = true;
      else if (order === TREE_HAS_DUPS) hasDupEntries = true;
    }
    oMode = mode;
    oName = name;
    oEnd = nameEnd;
    if (last) break;
    start = entry.next;
    const done = entry;
    entry = spare;
    spare = done;
  }
  if (hasNullSha1) retval += r.report('nullSha1', 'contains entries pointing to null sha1');
  if (hasFullPath) retval += r.report('fullPathname', 'contains full pathnames');
  if (hasEmptyName) retval += r.report('emptyName', 'contains empty pathname');
  if (hasDot) retval += r.report('hasDot', "contains '.'");
  if (hasDotdot) retval += r.report('hasDotdot', "contains '..'");
  if (hasDotgit) retval += r.report('hasDotgit', "contains '.git'");
  if (hasZeroPad) retval += r.report('zeroPaddedFilemode', 'contains zero-padded file modes');
  if (hasBadModes) retval += r.report('badFilemode', 'contains bad file modes');
  if (hasDupEntries) retval += r.report('duplicateEntries', 'contains duplicate file entries');
  if (notSorted) retval += r.report('treeNotSorted', 'not properly sorted');
  return retval;
}

/** Code points HFS+ ignores in names (utf8.c next_hfs_char). */
function hfsIgnored(c: number): boolean {
  return (c >= 0x200c && c <= 0x200f) || (c >= 0x202a && c <= 0x202e) || (c >= 0x206a && c <= 0x206f) || c === 0xfeff;
}

/** The byte `k` into the name [start, end), or 0 past its end (the NUL git's C string has there). */
function nameByte(b: Uint8Array, start: number, end: number, k: number): number {
  return start + k < end ? b[start + k] : 0;
}

/** Where the HFS+ reading of a name is (one object per check, not per character). */
interface HfsCursor {
  i: number;
  end: number;
}

/**
 * The next character HFS+ would compare at `at.i` (pick_one_utf8_char), skipping ignored
 * ones; 0 at the end of the name, -1 when the bytes are not valid UTF-8.
 */
function nextHfsChar(b: Uint8Array, at: HfsCursor): number {
  for (;;) {
    const i = at.i;
    const end = at.end;
    const s0 = nameByte(b, i, end, 0);
    let ch: number;
    let incr: number;
    if (s0 < 0x80) {
      ch = s0;
      incr = 1;
    } else {
      const s1 = nameByte(b, i, end, 1);
      if ((s0 & 0xe0) === 0xc0) {
        if ((s1 & 0xc0) !== 0x80 || (s0 & 0xfe) === 0xc0) return -1;
        ch = ((s0 & 0x1f) << 6) | (s1 & 0x3f);
        incr = 2;
      } else if ((s0 & 0xf0) === 0xe0) {
        const s2 = nameByte(b, i, end, 2);
        if ((s1 & 0xc0) !== 0x80 || (s2 & 0xc0) !== 0x80 || (s0 === 0xe0 && (s1 & 0xe0) === 0x80) || (s0 === 0xed && (s1 & 0xe0) === 0xa0) || (s0 === 0xef && s1 === 0xbf && (s2 & 0xfe) === 0xbe))
          return -1;
        ch = ((s0 & 0x0f) << 12) | ((s1 & 0x3f) << 6) | (s2 & 0x3f);
        incr = 3;
      } else if ((s0 & 0xf8) === 0xf0) {
        const s2 = nameByte(b, i, end, 2);
        const s3 = nameByte(b, i, end, 3);
        if ((s1 & 0xc0) !== 0x80 || (s2 & 0xc0) !== 0x80 || (s3 & 0xc0) !== 0x80 || (s0 === 0xf0 && (s1 & 0xf0) === 0x80) || (s0 === 0xf4 && s1 > 0x8f) || s0 > 0xf4) return -1;
        ch = ((s0 & 0x07) << 18) | ((s1 & 0x3f) << 12) | ((s2 & 0x3f) << 6) | (s3 & 0x3f);
        incr = 4;
      } else return -1;
    }
    at.i = i + incr;
    if (!hfsIgnored(ch)) return ch;
  }
}

/** is_hfs_dot_generic: `.<needle>` case-folded, ignoring HFS+'s invisible characters. */
function isHfsDot(b: Uint8Array, start: number, end: number, needle: string): boolean {
  // Only a dot, or an ignored character (UTF-8 0xe2… or 0xef…) before it, can start a match.
  const first = nameByte(b, start, end, 0);
  if (first !== 0x2e && first !== 0xe2 && first !== 0xef) return false;
  const at: HfsCursor = { i: start, end };
  if (nextHfsChar(b, at) !== 0x2e) return false;
  for (let k = 0; k < needle.length; k++) {
    const c = nextHfsChar(b, at);
    if (c < 0 || c > 127) return false;
    if (asciiLower(c) !== needle.charCodeAt(k)) return false;
  }
  // A byte that is not UTF-8 reads as the end of the name here, as in git.
  const c = nextHfsChar(b, at);
  return c <= 0 || c === 0x2f;
}

function asciiLower(c: number): number {
  return c >= 0x41 && c <= 0x5a ? c + 0x20 : c;
}

/** is_ntfs_dotgit (path.c): `.git` or `git~1`, then only spaces and dots up to a separator or `:`. */
function isNtfsDotgit(b: Uint8Array, start: number, end: number): boolean {
  let i: number;
  const c0 = nameByte(b, start, end, 0);
  if (c0 === 0x2e) {
    if (asciiLower(nameByte(b, start, end, 1)) !== 0x67 || asciiLower(nameByte(b, start, end, 2)) !== 0x69 || asciiLower(nameByte(b, start, end, 3)) !== 0x74) return false;
    i = 4;
  } else if (asciiLower(c0) === 0x67) {
    if (asciiLower(nameByte(b, start, end, 1)) !== 0x69 || asciiLower(nameByte(b, start, end, 2)) !== 0x74 || nameByte(b, start, end, 3) !== 0x7e || nameByte(b, start, end, 4) !== 0x31) return false;
    i = 5;
  } else return false;
  for (; ; i++) {
    const ch = nameByte(b, start, end, i);
    if (ch === 0 || ch === 0x2f || ch === 0x5c || ch === 0x3a) return true;
    if (ch !== 0x2e && ch !== SP) return false;
  }
}

/** From `from` on: only spaces and dots up to the end or a `:` (NTFS drops them). */
function onlySpacesAndPeriods(b: Uint8Array, start: number, end: number, from: number): boolean {
  for (let i = from; ; i++) {
    const ch = nameByte(b, start, end, i);
    if (ch === 0 || ch === 0x3a) return true;
    if (ch !== SP && ch !== 0x2e) return false;
  }
}

/** strncasecmp of the name from `from` with the first `n` characters of `needle`. */
function caseEqual(b: Uint8Array, start: number, end: number, from: number, needle: string, n: number): boolean {
  for (let k = 0; k < n; k++) if (asciiLower(nameByte(b, start, end, from + k)) !== needle.charCodeAt(k)) return false;
  return true;
}

/** is_ntfs_dot_generic: `.<name>`, its 8.3 short name `<name6>~1..4`, or the hashed fallback. */
function isNtfsDot(b: Uint8Array, start: number, end: number, name: string, shortPrefix: string): boolean {
  const c0 = nameByte(b, start, end, 0);
  if (c0 === 0x2e && caseEqual(b, start, end, 1, name, name.length)) return onlySpacesAndPeriods(b, start, end, name.length + 1);
  if (caseEqual(b, start, end, 0, name, 6) && nameByte(b, start, end, 6) === 0x7e && nameByte(b, start, end, 7) >= 0x31 && nameByte(b, start, end, 7) <= 0x34)
    return onlySpacesAndPeriods(b, start, end, 8);
  let sawTilde = false;
  for (let i = 0; i < 8; i++) {
    const ch = nameByte(b, start, end, i);
    if (ch === 0) return false;
    if (sawTilde) {
      if (ch < 0x30 || ch > 0x39) return false;
    } else if (ch === 0x7e) {
      i++;
      const digit = nameByte(b, start, end, i);
      if (digit < 0x31 || digit > 0x39) return false;
      sawTilde = true;
    } else if (i >= 6) return false;
    else if (ch & 0x80) return false;
    else if (asciiLower(ch) !== shortPrefix.charCodeAt(i)) return false;
  }
  return onlySpacesAndPeriods(b, start, end, 8);
}
