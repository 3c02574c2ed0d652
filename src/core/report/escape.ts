/**
 * Text from a repository (file names, messages that quote them) is hostile: it may hold markup,
 * quotes that end an attribute, control characters that corrupt a terminal or a printout, and
 * invisible or direction-changing characters that make one name look like another. In the
 * HTML report every such string goes through `escapeHtml`: markup characters become entities,
 * and every control, invisible or bidirectional character is shown as a visible escape
 * (`\x1b`, `\u202e`) marked with the class `ctl`, so the examiner sees exactly what is there.
 */

/**
 * Characters shown as escapes rather than written:
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
const HIDDEN = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** The visible escape of one hidden character: `\x1b` below U+0100, else `\u202e`. */
export function visibleEscape(ch: string): string {
  const code = ch.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** Escapes text for HTML element content and quoted attribute values; see the file comment. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]).replace(HIDDEN, (c) => `<span class="ctl">${visibleEscape(c)}</span>`);
}

/** Escapes text for a quoted attribute value: markup characters as entities, hidden characters as plain escapes (no markup inside attributes). */
export function escapeAttribute(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]).replace(HIDDEN, visibleEscape);
}
