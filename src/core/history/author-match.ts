import { fail } from '../errors.ts';

/**
 * `git log --author=<pattern>` (git 2.39, grep.c): the pattern is a POSIX basic regular
 * expression, matched case-sensitively (unless `-i`) anywhere in the author line's value with its
 * timestamp stripped, i.e. in `Name <email>`. Several `--author` options match when any does.
 * (git rewrites the identity through the mailmap first when log.mailmap is on; the walk here
 * matches the identity as the commit records it.)
 *
 * A basic expression becomes a JavaScript one: `\(` `\)` `\{` `\}` `\|` `\+` `\?` are the
 * operators (GNU's extensions included) and the same characters unescaped are literal; `.`, `*`,
 * `^`, `$` and bracket expressions mean what they mean in both. The pattern is the user's, never
 * the repository's; the text it runs on is capped.
 */

/** Characters of an author line matched at most (a hostile commit's author line can be huge). */
const MAX_AUTHOR_CHARS = 4096;
/** Longest pattern accepted. */
const MAX_PATTERN_CHARS = 1024;

/** A compiled `--author` filter. */
export type AuthorMatcher = (author: string) => boolean;

/** Compiles `--author` patterns (any may match); throws BadName for a pattern that does not compile. */
export function authorMatcher(patterns: readonly string[], ignoreCase = false): AuthorMatcher {
  const res = patterns.map((p) => {
    if (p.length > MAX_PATTERN_CHARS) fail('BadName', `--author pattern longer than ${MAX_PATTERN_CHARS} characters`);
    try {
      return new RegExp(basicToJs(ignoreCase ? asciiLower(p, true) : p));
    } catch (err) {
      return fail('BadName', `--author pattern ${JSON.stringify(p)} does not compile: ${err instanceof Error ? err.message : String(err)}`);
    }
  });
  return (author) => {
    let text = author.length > MAX_AUTHOR_CHARS ? author.slice(0, MAX_AUTHOR_CHARS) : author;
    if (ignoreCase) text = asciiLower(text, false);
    return res.some((re) => re.test(text));
  };
}

/** A POSIX basic regular expression (with GNU's `\|`, `\+`, `\?`) as a JavaScript one. */
export function basicToJs(pattern: string): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\' && i + 1 < pattern.length) {
      const e = pattern[++i];
      if ('(){}|+?'.includes(e)) out += e;
      else if (/[A-Za-z0-9]/.test(e) && !'wWsSbB'.includes(e) && !/[1-9]/.test(e))
        out += e; // `\a` is `a` in a BRE
      else out += `\\${e}`;
      continue;
    }
    if ('(){}|+?/'.includes(c)) {
      out += `\\${c}`;
      continue;
    }
    if (c === '[') {
      // A bracket expression, copied to its closing ']' (a ']' first inside is literal).
      let j = i + 1;
      if (pattern[j] === '^') j++;
      if (pattern[j] === ']') j++;
      while (j < pattern.length && pattern[j] !== ']') j++;
      if (j >= pattern.length) {
        out += '\\[';
        continue;
      }
      const body = pattern
        .slice(i + 1, j)
        .replace(/\\/g, '\\\\')
        .replace(/^(\^?)\]/, '$1\\]');
      out += `[${body}]`;
      i = j;
      continue;
    }
    if (c === '*' && (out === '' || out === '^')) {
      out += '\\*'; // a leading '*' is literal in a BRE
      continue;
    }
    out += c;
  }
  return out;
}

/**
 * ASCII letters lower-cased: git's `-i` (REG_ICASE in the C locale git's tests and pipes run in)
 * folds A-Z only, so `É` does not match `é`. In a pattern, the letter after a backslash is an
 * operator (`\W`, `\S`) and keeps its case.
 */
function asciiLower(text: string, pattern: boolean): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (pattern && c === 0x5c && i + 1 < text.length) {
      out += text[i] + text[i + 1];
      i++;
      continue;
    }
    out += c >= 0x41 && c <= 0x5a ? String.fromCharCode(c + 32) : text[i];
  }
  return out;
}
