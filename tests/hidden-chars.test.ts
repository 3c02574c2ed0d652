import { describe, expect, it } from 'vitest';
import { escapeHtml } from '../src/core/report/escape.ts';
import { codePointLabel, describeHidden, hasHidden, splitHidden } from '../src/core/text/hidden.ts';

/**
 * The one list of hidden characters (controls, invisible, bidi) that the HTML report escapes and
 * the app marks (Browse, the object page, the text view): issue 10's low item, names shown raw.
 */
describe('hidden characters', () => {
  it('splits a right-to-left override out of a name', () => {
    expect(splitHidden('invoice\u202efdp.exe')).toEqual([{ text: 'invoice' }, { hidden: '\u202e' }, { text: 'fdp.exe' }]);
    expect(codePointLabel('\u202e')).toBe('U+202E');
    expect(describeHidden('\u202e')).toMatch(/^U\+202E RIGHT-TO-LEFT OVERRIDE: a bidirectional control/);
  });

  it('marks what the report escapes, the same characters', () => {
    const samples = ['\u0000', '\u001b', '\u007f', '\u0085', '\u00ad', '\u061c', '\u180e', '\u200b', '\u200f', '\u2028', '\u202a', '\u2066', '\u2069', '\ufeff', '\ufff9', '\ud800', '\t', '\n'];
    for (const ch of samples) {
      expect(hasHidden(`a${ch}b`), codePointLabel(ch)).toBe(true);
      expect(escapeHtml(`a${ch}b`)).toContain('<span class="ctl">');
    }
    for (const plain of ['plain.txt', 'café', 'עברית', '日本語', '😀']) {
      expect(hasHidden(plain)).toBe(false);
      expect(splitHidden(plain)).toEqual([{ text: plain }]);
    }
  });

  it('in multi-line text, tab, newline and CR LF pass; a lone CR does not', () => {
    expect(hasHidden('a\tb\nc\r\nd', true)).toBe(false);
    expect(splitHidden('a\rb', true)).toEqual([{ text: 'a' }, { hidden: '\r' }, { text: 'b' }]);
    expect(splitHidden('x\u202ey\n', true)).toEqual([{ text: 'x' }, { hidden: '\u202e' }, { text: 'y\n' }]);
  });

  it('a text of nothing but hidden characters costs at most maxMarks pieces', () => {
    const pieces = splitHidden('\u202e'.repeat(100_000), false, 1000);
    expect(pieces.length).toBe(1001);
    expect(pieces[1000].text).toBe('\\u202e'.repeat(99_000));
  });
});
