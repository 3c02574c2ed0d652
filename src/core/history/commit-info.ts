import type { Mailmap } from './mailmap.ts';

/**
 * What `git blame` shows of a commit (builtin/blame.c get_commit_info), read from the commit's
 * bytes as git reads them: the message re-encoded to UTF-8 when its `encoding` header names
 * another encoding (logmsg_reencode; kept as it is when that fails), the author and committer
 * split as split_ident_line does, and the subject as find_commit_subject finds it. Values stay
 * bytes, so what is printed is what git prints, valid UTF-8 or not.
 */

/** One person line, split. */
export interface IdentBytes {
  name: Uint8Array;
  /** The address with its angle brackets, as blame prints it (`<a@b>`), or `(unknown)`. */
  mail: Uint8Array;
  /** Seconds, as the digits say (0 when there are none); a string, so 64-bit values stay exact. */
  time: string;
  /** The zone as written (`+0100`), or `(unknown)`. */
  tz: Uint8Array;
}

/** A commit as blame shows it. */
export interface CommitInfo {
  author: IdentBytes;
  committer: IdentBytes;
  /** The first non-blank line of the message, or `(<id>)` when there is none. */
  summary: Uint8Array;
}

const enc = new TextEncoder();
const UNKNOWN = enc.encode('(unknown)');

/** Reads a commit's blame details from its raw bytes; names and addresses go through the mailmap when one is given. */
export function commitInfo(data: Uint8Array, oidHex: string, mailmap?: Mailmap): CommitInfo {
  const text = reencode(data);
  const author = mapped(acLine(text, 'author'), mailmap);
  const committer = mapped(acLine(text, 'committer'), mailmap);
  let summary = subjectOf(text);
  if (summary.length === 0) summary = enc.encode(`(${oidHex})`);
  return { author, committer, summary };
}

/** get_ac_line's map_user: a parsed line's name and address as the mailmap says (a line that did not parse is left alone). */
function mapped(ident: IdentBytes, mailmap: Mailmap | undefined): IdentBytes {
  if (!mailmap || mailmap.size === 0 || ident.mail === UNKNOWN) return ident;
  const email = latin1(ident.mail.subarray(1, ident.mail.length - 1));
  const m = mailmap.map(latin1(ident.name), email);
  return { ...ident, name: bytesOf(m.name), mail: bytesOf(`<${m.email}>`) };
}

function bytesOf(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** The `encoding` header's value, if the header part has one. */
function encodingOf(data: Uint8Array): string | undefined {
  let pos = 0;
  const end = headerEnd(data);
  while (pos < end) {
    let eol = data.indexOf(0x0a, pos);
    if (eol < 0 || eol > end) eol = end;
    if (startsWith(data, pos, 'encoding ')) return latin1(data.subarray(pos + 9, eol));
    pos = eol + 1;
  }
  return undefined;
}

function headerEnd(data: Uint8Array): number {
  for (let i = 0; i + 1 < data.length; i++) if (data[i] === 0x0a && data[i + 1] === 0x0a) return i;
  return data.length;
}

function isUtf8Name(name: string): boolean {
  const n = name.toLowerCase();
  return n === 'utf-8' || n === 'utf8';
}

/** logmsg_reencode to UTF-8: the whole buffer converted from the declared encoding, or the bytes as they are. */
function reencode(data: Uint8Array): Uint8Array {
  const declared = encodingOf(data);
  if (declared === undefined || isUtf8Name(declared)) return data;
  const label = declared.toLowerCase();
  // iconv's ISO-8859-1 maps every byte to the same code point; TextDecoder's 'latin1' is windows-1252.
  if (label === 'iso-8859-1' || label === 'iso8859-1' || label === 'latin1' || label === 'latin-1' || label === 'l1') return enc.encode(latin1(data));
  try {
    return enc.encode(new TextDecoder(label, { fatal: true }).decode(data));
  } catch {
    return data;
  }
}

function latin1(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
  return s;
}

function startsWith(data: Uint8Array, at: number, word: string): boolean {
  if (at + word.length > data.length) return false;
  for (let i = 0; i < word.length; i++) if (data[at + i] !== word.charCodeAt(i)) return false;
  return true;
}

/** The end of the C string git would see (a NUL ends it). */
function cEnd(data: Uint8Array): number {
  const nul = data.indexOf(0);
  return nul < 0 ? data.length : nul;
}

/** get_ac_line: the first "\n<what> " in the buffer, split as split_ident_line does. */
function acLine(data: Uint8Array, what: string): IdentBytes {
  const end = cEnd(data);
  const needle = `\n${what} `;
  let at = -1;
  for (let i = 0; i + needle.length <= end; i++) {
    if (data[i] === 0x0a && startsWith(data, i, needle)) {
      at = i + needle.length;
      break;
    }
  }
  const failed: IdentBytes = { name: UNKNOWN, mail: UNKNOWN, time: '0', tz: UNKNOWN };
  if (at < 0) return failed;
  let eol = data.indexOf(0x0a, at);
  if (eol < 0 || eol > end) eol = end;
  const line = data.subarray(at, eol);
  const len = line.length;
  const lt = line.indexOf(0x3c);
  if (lt < 0) return failed;
  const mailBegin = lt + 1;
  let nameEnd = 0;
  for (let cp = mailBegin - 2; cp >= 0; cp--) {
    if (!isSpace(line[cp])) {
      nameEnd = cp + 1;
      break;
    }
  }
  let mailEnd = -1;
  for (let cp = mailBegin; cp < len; cp++) {
    if (line[cp] === 0x3e) {
      mailEnd = cp;
      break;
    }
  }
  if (mailEnd < 0) return failed;
  const name = line.subarray(0, nameEnd);
  const mail = concat(Uint8Array.of(0x3c), line.subarray(mailBegin, mailEnd), Uint8Array.of(0x3e));
  let cp = len - 1;
  while (line[cp] !== 0x3e) cp--;
  for (cp = cp + 1; cp < len && isSpace(line[cp]); cp++);
  const personOnly = { name, mail, time: '0', tz: UNKNOWN };
  if (cp >= len) return personOnly;
  const dateBegin = cp;
  while (cp < len && line[cp] >= 0x30 && line[cp] <= 0x39) cp++;
  if (cp === dateBegin) return personOnly;
  const dateEnd = cp;
  for (; cp < len && isSpace(line[cp]); cp++);
  if (cp >= len || (line[cp] !== 0x2b && line[cp] !== 0x2d)) return personOnly;
  const tzBegin = cp;
  cp++;
  while (cp < len && line[cp] >= 0x30 && line[cp] <= 0x39) cp++;
  if (cp === tzBegin + 1) return personOnly;
  return { name, mail, time: strtoul(latin1(line.subarray(dateBegin, dateEnd))), tz: line.subarray(tzBegin, cp) };
}

/** strtoul on a run of digits: values past 2^64-1 saturate, as glibc's does. */
function strtoul(digits: string): string {
  const v = BigInt(digits);
  const max = 2n ** 64n - 1n;
  return (v > max ? max : v).toString();
}

/** isspace in the C locale. */
function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

/** find_commit_subject: after the first blank line, blank lines skipped, up to the line's end. */
function subjectOf(data: Uint8Array): Uint8Array {
  const end = cEnd(data);
  let p = 0;
  while (p < end && (data[p] !== 0x0a || data[p + 1] !== 0x0a)) p++;
  if (p >= end) return new Uint8Array(0);
  p += 2;
  // skip_blank_lines: lines of only whitespace.
  for (;;) {
    if (p >= end) break;
    let eol = data.indexOf(0x0a, p);
    if (eol < 0 || eol > end) eol = end;
    let blank = true;
    for (let i = p; i < eol; i++) if (!isSpace(data[i])) blank = false;
    if (!blank) break;
    p = eol < end ? eol + 1 : eol;
  }
  let eol = data.indexOf(0x0a, p);
  if (eol < 0 || eol > end) eol = end;
  return data.subarray(p, eol);
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
