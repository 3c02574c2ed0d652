import { fail } from '../errors.ts';
import type { TextRange } from './types.ts';

/**
 * Turns what a person typed into a matcher over text: a plain substring (case-sensitive or
 * not) or a JavaScript regular expression. Searches are line by line, as `git grep` is, so a
 * pattern may not contain a line break.
 *
 * A regular expression cannot be interrupted once it runs, so patterns whose backtracking can
 * grow exponentially — a quantified group that itself contains an unbounded quantifier, the
 * `(a+)+` shape — are refused before the search starts. The callers add a time box per blob.
 */

/** How to read the pattern. */
export interface MatchOptions {
  regex: boolean;
  caseSensitive: boolean;
}

/** A compiled pattern. */
export interface TextMatcher {
  /** True for a regular expression (matched line by line); false for a plain substring. */
  readonly regex: boolean;
  /** The next match in `text` at or after `from`, or undefined. */
  next(text: string, from: number): TextRange | undefined;
}

/** Compiles a pattern; throws BadName with a sentence a person can act on. */
export function compileMatcher(pattern: string, options: MatchOptions): TextMatcher {
  if (pattern === '') fail('BadName', 'type something to search for');
  if (/[\r\n]/.test(pattern)) fail('BadName', 'the search is line by line, so the text to find cannot contain a line break');
  if (!options.regex) {
    if (options.caseSensitive) return plainMatcher(pattern);
    return regexMatcher(new RegExp(escapeRegex(pattern), 'gi'), false);
  }
  let re: RegExp;
  try {
    re = new RegExp(pattern, options.caseSensitive ? 'g' : 'gi');
  } catch (err) {
    // V8 says `Invalid regular expression: /fo(o/g: Unterminated group`; keep the reason.
    const reason = err instanceof Error ? err.message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '') : String(err);
    return fail('BadName', `not a valid regular expression: ${reason}`);
  }
  const nested = nestedQuantifier(pattern);
  if (nested !== undefined) {
    fail(
      'BadName',
      `the group ending at character ${nested + 1} repeats something that already repeats (like (a+)+); such a pattern can take exponential time on some lines. Rewrite it without the nested repetition`,
    );
  }
  return regexMatcher(re, true);
}

function plainMatcher(needle: string): TextMatcher {
  return {
    regex: false,
    next(text, from) {
      const at = text.indexOf(needle, from);
      return at < 0 ? undefined : { start: at, length: needle.length };
    },
  };
}

function regexMatcher(re: RegExp, isRegex: boolean): TextMatcher {
  return {
    regex: isRegex,
    next(text, from) {
      if (from > text.length) return undefined;
      re.lastIndex = from;
      const m = re.exec(text);
      if (!m) return undefined;
      return { start: m.index, length: m[0].length };
    },
  };
}

/** Escapes a string for use inside a RegExp. */
export function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The index of the `)` of a group that contains an unbounded quantifier (`*`, `+`, `{n,}`)
 * and is itself followed by one, or undefined. Character classes and escapes are skipped.
 */
export function nestedQuantifier(pattern: string): number | undefined {
  // One frame per open group: does anything inside repeat without bound?
  const stack: boolean[] = [false];
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i];
    if (c === '(') {
      stack.push(false);
      i++;
      continue;
    }
    if (c === ')') {
      const inner = stack.length > 1 ? (stack.pop() as boolean) : false;
      const q = quantifierAt(pattern, i + 1);
      if (q.unbounded && inner) return i;
      if (inner || q.unbounded) stack[stack.length - 1] = true;
      i += 1 + q.length;
      continue;
    }
    // One atom: an escape, a character class, or a single character; then its quantifier.
    if (c === '\\') i += 2;
    else if (c === '[') {
      i++;
      if (pattern[i] === '^') i++;
      if (pattern[i] === ']') i++;
      while (i < pattern.length && pattern[i] !== ']') i += pattern[i] === '\\' ? 2 : 1;
      i++;
    } else i++;
    const q = quantifierAt(pattern, i);
    if (q.unbounded) stack[stack.length - 1] = true;
    i += q.length;
  }
  return undefined;
}

function quantifierAt(pattern: string, at: number): { unbounded: boolean; length: number } {
  const c = pattern[at];
  if (c === '*' || c === '+') return { unbounded: true, length: pattern[at + 1] === '?' ? 2 : 1 };
  if (c === '?') return { unbounded: false, length: pattern[at + 1] === '?' ? 2 : 1 };
  if (c === '{') {
    const m = /^\{(\d+)(,(\d*))?\}\??/.exec(pattern.slice(at));
    if (m) return { unbounded: m[2] !== undefined && (m[3] === '' || Number(m[3]) > 16), length: m[0].length };
  }
  return { unbounded: false, length: 0 };
}
