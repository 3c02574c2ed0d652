/**
 * Text from a repository (file names, messages that quote them) is hostile: it may hold markup,
 * quotes that end an attribute, control characters that corrupt a terminal or a printout, and
 * invisible or direction-changing characters that make one name look like another. In the
 * HTML report every such string goes through `escapeHtml`: markup characters become entities,
 * and every control, invisible or bidirectional character is shown as a visible escape
 * (`\x1b`, `\u202e`) marked with the class `ctl`, so the examiner sees exactly what is there.
 */

import { HIDDEN, visibleEscape } from '../text/hidden.ts';

// The characters shown as escapes are listed in text/hidden.ts, shared with the app's views.
export { visibleEscape };

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and quoted attribute values; see the file comment. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]).replace(HIDDEN, (c) => `<span class="ctl">${visibleEscape(c)}</span>`);
}

/** Escapes text for a quoted attribute value: markup characters as entities, hidden characters as plain escapes (no markup inside attributes). */
export function escapeAttribute(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]).replace(HIDDEN, visibleEscape);
}
