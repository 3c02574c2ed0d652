import { parseLineAnchor, type LineRange } from '../../lib/route.ts';

/**
 * Where a link or image of a Markdown file in the repository points, decided without fetching
 * anything: another path of the same commit (relative to the file's folder, or to the root
 * with a leading '/'), a heading of the same document, an address outside (shown, never
 * loaded), or nothing (a `javascript:`, `data:`, `file:` or other scheme, which is dropped).
 */
export type MarkdownTarget =
  | { kind: 'repo'; path: string[]; lines?: LineRange; heading?: string }
  | { kind: 'heading'; slug: string }
  | { kind: 'external'; url: string }
  | { kind: 'dropped'; reason: string };

/** Schemes a link may leave the app with (opened only when the person clicks). */
const EXTERNAL = /^(https?:|mailto:)/i;
const SCHEME = /^[a-z][a-z0-9+.-]*:/i;

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/** Resolves `href` (as markdown-it normalised it) written in a file in `folder` (path components). */
export function resolveMarkdownTarget(href: string, folder: string[]): MarkdownTarget {
  // Browsers strip tabs and newlines inside URLs and leading spaces: `java\tscript:` is javascript:.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this strips.
  const url = href.replace(/[\u0000-\u0020\u007f]+/g, '');
  if (url === '') return { kind: 'dropped', reason: 'an empty address' };
  if (url.startsWith('//')) return { kind: 'external', url: `https:${url}` };
  if (SCHEME.test(url)) {
    if (EXTERNAL.test(url)) return { kind: 'external', url };
    return { kind: 'dropped', reason: `a ${url.slice(0, url.indexOf(':') + 1).toLowerCase()} address` };
  }
  const hashAt = url.indexOf('#');
  const fragment = hashAt < 0 ? undefined : decode(url.slice(hashAt + 1));
  const pathPart = (hashAt < 0 ? url : url.slice(0, hashAt)).split('?')[0];
  if (pathPart === '') return fragment === undefined ? { kind: 'dropped', reason: 'an empty address' } : { kind: 'heading', slug: fragment.toLowerCase() };
  const out = pathPart.startsWith('/') ? [] : [...folder];
  for (const raw of pathPart.split('/')) {
    const part = decode(raw);
    if (part === '' || part === '.') continue;
    // Above the root stays at the root, as a code host resolves it.
    if (part === '..') out.pop();
    else out.push(part);
  }
  const lines = fragment !== undefined ? parseLineAnchor(fragment) : undefined;
  if (lines) return { kind: 'repo', path: out, lines };
  return fragment !== undefined && fragment !== '' ? { kind: 'repo', path: out, heading: fragment.toLowerCase() } : { kind: 'repo', path: out };
}

/**
 * A heading's anchor name as code hosts make it: lower case, punctuation dropped, spaces as
 * hyphens; `taken` counts the names used so far in the document (a repeat gets `-1`, `-2`…).
 */
export function headingSlug(text: string, taken: Map<string, number>): string {
  const base = text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M}\s_-]/gu, '')
    .replace(/\s/g, '-');
  const seen = taken.get(base);
  taken.set(base, (seen ?? 0) + 1);
  return seen === undefined ? base : `${base}-${seen}`;
}
