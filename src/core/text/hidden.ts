/**
 * Characters that hide what a text says: controls, invisible characters and the bidirectional
 * controls that reorder what follows them (`invoice\u202Efdp.exe` displays as `invoiceexe.pdf`).
 * Text from a repository is hostile, so every view of names, headers and file text shows these
 * as visible marks instead of letting them act. The HTML report escapes them (report/escape.ts)
 * and the app marks them (components/MarkedText.tsx), both from this one list:
 *   U+0000–U+001F  C0 controls (tab and newline too: a name must not span lines)
 *   U+007F–U+009F  DEL and C1 controls
 *   U+00AD         soft hyphen (invisible)
 *   U+061C         Arabic letter mark (bidi)
 *   U+180E         Mongolian vowel separator (invisible)
 *   U+200B–U+200F  zero-width characters, LRM, RLM
 *   U+2028–U+202E  line/paragraph separators, bidi embeddings and overrides
 *   U+2060–U+2064  word joiner, invisible operators
 *   U+2066–U+206F  bidi isolates, deprecated format characters
 *   U+FEFF         zero-width no-break space (byte order mark)
 *   U+FFF9–U+FFFB  interlinear annotation controls
 *   U+D800–U+DFFF  lone surrogates (not text at all)
 */

const SET = '\\u0000-\\u001f\\u007f-\\u009f\\u00ad\\u061c\\u180e\\u200b-\\u200f\\u2028-\\u202e\\u2060-\\u2064\\u2066-\\u206f\\ufeff\\ufff9-\\ufffb';
const LONE = '[\\ud800-\\udbff](?![\\udc00-\\udfff])|(?<![\\ud800-\\udbff])[\\udc00-\\udfff]';

/** Every hidden character (global: use with `replace`, or reset `lastIndex`). */
export const HIDDEN = new RegExp(`[${SET}]|${LONE}`, 'g');

/** The same, but tab, newline and CR LF pass: for multi-line text (messages, file contents). */
export const HIDDEN_IN_TEXT = new RegExp(`(?![\\t\\n]|\\r\\n)[${SET}]|${LONE}`, 'g');

/** The visible escape of one hidden character: `\x1b` below U+0100, else `\u202e`. */
export function visibleEscape(ch: string): string {
  const code = ch.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** `U+202E` for a character (its first UTF-16 unit: hidden characters are all one unit). */
export function codePointLabel(ch: string): string {
  return `U+${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
}

const NAMES: Record<number, string> = {
  0x00: 'NULL',
  0x07: 'BELL',
  0x08: 'BACKSPACE',
  0x09: 'TAB',
  0x0a: 'LINE FEED',
  0x0b: 'VERTICAL TAB',
  0x0c: 'FORM FEED',
  0x0d: 'CARRIAGE RETURN',
  0x1b: 'ESCAPE',
  0x7f: 'DELETE',
  0x85: 'NEXT LINE',
  0xad: 'SOFT HYPHEN',
  0x61c: 'ARABIC LETTER MARK',
  0x180e: 'MONGOLIAN VOWEL SEPARATOR',
  0x200b: 'ZERO WIDTH SPACE',
  0x200c: 'ZERO WIDTH NON-JOINER',
  0x200d: 'ZERO WIDTH JOINER',
  0x200e: 'LEFT-TO-RIGHT MARK',
  0x200f: 'RIGHT-TO-LEFT MARK',
  0x2028: 'LINE SEPARATOR',
  0x2029: 'PARAGRAPH SEPARATOR',
  0x202a: 'LEFT-TO-RIGHT EMBEDDING',
  0x202b: 'RIGHT-TO-LEFT EMBEDDING',
  0x202c: 'POP DIRECTIONAL FORMATTING',
  0x202d: 'LEFT-TO-RIGHT OVERRIDE',
  0x202e: 'RIGHT-TO-LEFT OVERRIDE',
  0x2060: 'WORD JOINER',
  0x2061: 'FUNCTION APPLICATION',
  0x2062: 'INVISIBLE TIMES',
  0x2063: 'INVISIBLE SEPARATOR',
  0x2064: 'INVISIBLE PLUS',
  0x2066: 'LEFT-TO-RIGHT ISOLATE',
  0x2067: 'RIGHT-TO-LEFT ISOLATE',
  0x2068: 'FIRST STRONG ISOLATE',
  0x2069: 'POP DIRECTIONAL ISOLATE',
  0xfeff: 'ZERO WIDTH NO-BREAK SPACE (byte order mark)',
};

/** What a hidden character is and does, in a sentence for a tooltip. */
export function describeHidden(ch: string): string {
  const code = ch.charCodeAt(0);
  const label = codePointLabel(ch);
  const name = NAMES[code];
  if (code >= 0xd800 && code <= 0xdfff) return `${label}: a lone surrogate, not a character (the bytes are not valid text)`;
  if ((code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069) || code === 0x200e || code === 0x200f || code === 0x61c) {
    return `${label} ${name ?? ''}: a bidirectional control that reorders the text around it; shown here instead of applied`;
  }
  if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return `${label} ${name ?? 'CONTROL CHARACTER'}: a control character, shown here instead of applied`;
  return `${label} ${name ?? 'INVISIBLE CHARACTER'}: an invisible character, shown here so it cannot pass for nothing`;
}

/** One piece of a text: plain text, or one hidden character. */
export type TextPiece = { text: string; hidden?: undefined } | { hidden: string; text?: undefined };

/**
 * Splits `text` into plain runs and hidden characters (`HIDDEN`, or `HIDDEN_IN_TEXT` when
 * `multiline`: tab, newline and CR LF pass). At most `maxMarks` hidden characters become pieces of their own; after that the
 * rest of the text is one run with each hidden character written as its visible escape, so a
 * text made of nothing but hidden characters still costs one piece per mark shown.
 */
export function splitHidden(text: string, multiline = false, maxMarks = 1000): TextPiece[] {
  const re = multiline ? HIDDEN_IN_TEXT : HIDDEN;
  re.lastIndex = 0;
  const out: TextPiece[] = [];
  let last = 0;
  let marks = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (marks === maxMarks) {
      out.push({ text: text.slice(last).replace(re, visibleEscape) });
      re.lastIndex = 0;
      return out;
    }
    if (m.index > last) out.push({ text: text.slice(last, m.index) });
    out.push({ hidden: m[0] });
    marks++;
    last = m.index + m[0].length;
  }
  re.lastIndex = 0;
  if (last < text.length) out.push({ text: text.slice(last) });
  return out;
}

/** True when `text` holds a hidden character. */
export function hasHidden(text: string, multiline = false): boolean {
  const re = multiline ? HIDDEN_IN_TEXT : HIDDEN;
  re.lastIndex = 0;
  const found = re.test(text);
  re.lastIndex = 0;
  return found;
}
