/**
 * Ref names as git judges them (refs.c: `check_refname_format` with REFNAME_ALLOW_ONELEVEL, and
 * `refname_is_safe`). A name git refuses is not an error git reports by itself: the files
 * backend treats such a ref as broken (its id becomes the null id, so `git fsck` says
 * "invalid sha1 pointer 0000…"), and dies outright when the name could escape `refs/`.
 *
 * The rules work on bytes; a JS string's code units above 0x7f stand for bytes git accepts, so
 * the string is checked as it is. Per character (git's refname_disposition):
 *
 * | byte                                  | rule                                        |
 * |---------------------------------------|---------------------------------------------|
 * | NUL, `/`                              | end of a component                          |
 * | 0x01-0x1f, 0x7f, SP : ? [ \ ^ ~       | never allowed                               |
 * | `*`                                   | only in refspec patterns: never here        |
 * | `.` after `.`                         | `..` is refused                             |
 * | `{` after `@`                         | `@{` is refused                             |
 * Per component: not empty, not starting with `.`, not ending with `.lock`. The whole name: not
 * `@`, not ending with `.`.
 */

/** Why git's check_refname_format refuses `name`, or undefined when git accepts it. */
export function refnameProblem(name: string): string | undefined {
  if (name === '@') return 'is the single character "@"';
  let start = 0;
  for (;;) {
    let end = start;
    let last = '';
    for (; end < name.length; end++) {
      const ch = name[end];
      const code = name.charCodeAt(end);
      if (ch === '/' || code === 0) break;
      if (ch === '.' && last === '.') return 'contains ".."';
      if (ch === '{' && last === '@') return 'contains "@{"';
      if (code < 0x20 || code === 0x7f) return 'contains a control character';
      if (' :?[\\^~'.includes(ch)) return ch === ' ' ? 'contains a space' : `contains "${ch}"`;
      if (ch === '*') return 'contains "*"';
      last = ch;
    }
    const component = name.slice(start, end);
    if (component === '') return name === '' ? 'is empty' : 'has an empty component (a leading, trailing or doubled "/")';
    if (component.startsWith('.')) return `has a component starting with "." ("${component}")`;
    if (component.endsWith('.lock')) return `has a component ending in ".lock" ("${component}")`;
    if (end >= name.length || name.charCodeAt(end) === 0) break;
    start = end + 1;
  }
  if (name.endsWith('.')) return 'ends with "."';
  return undefined;
}

/**
 * git's `refname_is_safe`: a name under `refs/` whose components are neither empty nor `.` nor
 * `..` (it cannot escape the refs folder), or an all-caps pseudo-ref name like `HEAD`. A broken
 * ref whose name is not even safe makes git die ("loose refname is dangerous").
 */
export function refnameIsSafe(name: string): boolean {
  if (name.startsWith('refs/')) {
    const rest = name.slice(5);
    if (rest === '' || rest.startsWith('/') || rest.endsWith('/')) return false;
    return rest.split('/').every((c) => c !== '' && c !== '.' && c !== '..');
  }
  return /^[A-Z_]+$/.test(name);
}

/** git's `is_branch`: HEAD and refs/heads/* must name commits. */
export function isBranchName(name: string): boolean {
  return name === 'HEAD' || name.startsWith('refs/heads/');
}

/** Compares two names by their UTF-8 bytes (code point order), as git's strcmp does. */
export function compareRefNames(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i) as number;
    const y = b.codePointAt(i) as number;
    if (x !== y) return x < y ? -1 : 1;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}

/** At most this many characters of a hostile name are shown. */
const SHOWN_NAME_CHARS = 200;

/**
 * A name or a piece of file content made safe to show: control characters, bidi controls and
 * invisible characters as `\u{…}`, at most 200 characters, then `…`.
 */
export function showRefText(text: string): string {
  let out = '';
  let shown = 0;
  for (const ch of text) {
    if (shown >= SHOWN_NAME_CHARS) return `${out}… (${text.length} characters)`;
    const code = ch.codePointAt(0) as number;
    const hidden =
      code < 0x20 ||
      (code >= 0x7f && code < 0xa0) ||
      (code >= 0x200b && code <= 0x200f) ||
      (code >= 0x202a && code <= 0x202e) ||
      (code >= 0x2066 && code <= 0x2069) ||
      code === 0xfeff ||
      code === 0xfffd;
    out += hidden ? `\\u{${code.toString(16)}}` : ch;
    shown++;
  }
  return out;
}
