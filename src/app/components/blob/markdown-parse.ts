import MarkdownIt, { type Token } from 'markdown-it';

/**
 * Markdown from the repository parsed by markdown-it into tokens; the page draws them as React
 * elements (Markdown.tsx), never as an HTML string. Raw HTML is off, so `<script>` or
 * `<img onerror>` in a README stays text; linkify is off (a bare address stays text);
 * a link or image whose scheme is not http(s) or mailto is not made at all (it shows as
 * the text that was written). This module is loaded only when a Markdown file is shown.
 */

export type { Token };

/** Markdown larger than this is not rendered (its source view still shows it). */
export const MAX_MARKDOWN_CHARS = 1_000_000;

const md = new MarkdownIt('commonmark', { html: false, linkify: false, typographer: false });
md.enable(['table', 'strikethrough']);
md.validateLink = (url: string) => {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: browsers drop these inside a URL (`java\tscript:`), so they go before the scheme is read.
  const s = url.replace(/[\u0000-\u0020\u007f]+/g, '').toLowerCase();
  if (!/^[a-z][a-z0-9+.-]*:/.test(s)) return true;
  return /^(https?|mailto):/.test(s);
};

/** The block tokens of `text` (inline content in each `inline` token's children). */
export function parseMarkdown(text: string): Token[] {
  return md.parse(text, {});
}
