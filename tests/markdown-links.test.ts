import { describe, expect, it } from 'vitest';
import { headingSlug, resolveMarkdownTarget } from '../src/app/components/blob/markdown-links.ts';
import { parseMarkdown, type Token } from '../src/app/components/blob/markdown-parse.ts';

/** Every token, inline children included, in document order. */
function flat(tokens: Token[]): Token[] {
  return tokens.flatMap((t) => [t, ...(t.children ? flat(t.children) : [])]);
}

describe('markdown links', () => {
  it('resolves relative links in the folder of the file, and from the root with a leading slash', () => {
    expect(resolveMarkdownTarget('guide.md', ['docs'])).toEqual({ kind: 'repo', path: ['docs', 'guide.md'] });
    expect(resolveMarkdownTarget('./a/../b/c.txt', ['docs'])).toEqual({ kind: 'repo', path: ['docs', 'b', 'c.txt'] });
    expect(resolveMarkdownTarget('../src/main.c#L3-L5', ['docs'])).toEqual({ kind: 'repo', path: ['src', 'main.c'], lines: { from: 3, to: 5 } });
    expect(resolveMarkdownTarget('/lib/helpers.py', ['docs', 'deep'])).toEqual({ kind: 'repo', path: ['lib', 'helpers.py'] });
    expect(resolveMarkdownTarget('docs/', [])).toEqual({ kind: 'repo', path: ['docs'] });
    expect(resolveMarkdownTarget('../../../../etc/passwd', ['docs'])).toEqual({ kind: 'repo', path: ['etc', 'passwd'] });
    expect(resolveMarkdownTarget('na%C3%AFve%20file.txt', [])).toEqual({ kind: 'repo', path: ['naïve file.txt'] });
    expect(resolveMarkdownTarget('#Install', [])).toEqual({ kind: 'heading', slug: 'install' });
  });

  it('keeps http(s) and mailto as external addresses and drops every other scheme', () => {
    expect(resolveMarkdownTarget('https://example.com/x', [])).toEqual({ kind: 'external', url: 'https://example.com/x' });
    expect(resolveMarkdownTarget('//example.com/x', [])).toEqual({ kind: 'external', url: 'https://example.com/x' });
    expect(resolveMarkdownTarget('mailto:a@example.com', []).kind).toBe('external');
    for (const bad of [
      'javascript:alert(1)',
      'JaVaScRiPt:alert(1)',
      'java\tscript:alert(1)',
      ' javascript:alert(1)',
      'data:text/html,<script>',
      'data:image/png;base64,AAAA',
      'vbscript:x',
      'file:///etc/passwd',
      'blob:http://x/y',
    ]) {
      expect(resolveMarkdownTarget(bad, []).kind, bad).toBe('dropped');
    }
  });

  it('makes heading anchors as a code host does', () => {
    const taken = new Map<string, number>();
    expect(headingSlug('Install & Use!', taken)).toBe('install--use');
    expect(headingSlug('Install & Use!', taken)).toBe('install--use-1');
    expect(headingSlug('Café ünïcode', taken)).toBe('café-ünïcode');
  });
});

describe('markdown parsing', () => {
  it('keeps raw HTML as text and makes no link of a javascript: or data: address', () => {
    const text = [
      '# Title',
      '',
      "<script>document.title = 'pwned'</script>",
      '<img src="x" onerror="alert(1)">',
      '',
      'Inline <b onmouseover="x()">bold</b> and [js](javascript:alert(1)) and [data](data:text/html,hi) and ![img](data:image/png;base64,AAAA)',
      '',
      'See [guide](docs/guide.md) and <https://example.com/auto> and https://example.com/bare',
    ].join('\n');
    const tokens = flat(parseMarkdown(text));
    expect(tokens.filter((t) => t.type.startsWith('html'))).toEqual([]);
    const links = tokens.filter((t) => t.type === 'link_open').map((t) => t.attrGet('href'));
    // The autolink <https://…> is CommonMark; a bare address is not turned into a link (linkify off).
    expect(links).toEqual(['docs/guide.md', 'https://example.com/auto']);
    expect(tokens.filter((t) => t.type === 'image')).toEqual([]);
    const texts = tokens
      .filter((t) => t.type === 'text')
      .map((t) => t.content)
      .join('');
    expect(texts).toContain("<script>document.title = 'pwned'</script>");
    expect(texts).toContain('<img src="x" onerror="alert(1)">');
    expect(texts).toContain('[js](javascript:alert(1))');
  });

  it('parses tables, fences and headings', () => {
    const types = new Set(flat(parseMarkdown('## Install\n\n```sh\nmake\n```\n\n| a | b |\n|---|--:|\n| 1 | 2 |\n\n~~gone~~\n')).map((t) => t.type));
    for (const t of ['heading_open', 'fence', 'table_open', 'th_open', 'td_open', 's_open']) expect(types.has(t), t).toBe(true);
  });
});
