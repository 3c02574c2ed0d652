import { useEffect, useMemo, useRef, useState, type CSSProperties, type MouseEvent, type ReactNode } from 'react';
import { useHighlight } from '../../highlight/highlighter.ts';
import { HighlightedLine } from '../../highlight/HighlightedLine.tsx';
import { LANGUAGES, languageFor, type Language } from '../../highlight/languages.ts';
import { formatCount } from '../../lib/format.ts';
import { useHref, type Route } from '../../lib/route.ts';
import { MarkedText } from '../MarkedText.tsx';
import { headingSlug, resolveMarkdownTarget } from './markdown-links.ts';
import type { Token } from './markdown-parse.ts';
import { RepoImage } from './RepoImage.tsx';
import './markdown.css';

type Parser = typeof import('./markdown-parse.ts');

/** Images read from the repository per document; later ones show as labelled boxes. */
const MAX_REPO_IMAGES = 50;

/** markdown-it, loaded the first time a Markdown file is shown. */
let parserLoad: Promise<Parser> | undefined;
function loadParser(): Promise<Parser> {
  parserLoad ??= import('./markdown-parse.ts');
  return parserLoad;
}

/** A Markdown text and where it lives in the repository. */
export interface MarkdownProps {
  text: string;
  /** The commit (or ref) the file was read at: relative links and images resolve in its tree. */
  rev: string;
  /** The folder holding the Markdown file (path components). */
  folder: string[];
}

/** A node of the token tree: an opening token with what it holds, or a leaf. */
interface Node {
  token: Token;
  children: Node[];
}

/** markdown-it's flat open/close tokens as a tree. */
function toTree(tokens: Token[]): Node[] {
  const root: Node[] = [];
  const stack: Node[][] = [root];
  for (const token of tokens) {
    const top = stack[stack.length - 1];
    if (token.nesting === 1) {
      const node: Node = { token, children: [] };
      top.push(node);
      stack.push(node.children);
    } else if (token.nesting === -1) {
      if (stack.length > 1) stack.pop();
    } else {
      top.push({ token, children: token.children ? toTree(token.children) : [] });
    }
  }
  return root;
}

/** Text of a node's inline content (a heading's words, for its anchor). */
function plainText(nodes: Node[]): string {
  let s = '';
  for (const n of nodes) {
    if (n.token.type === 'text' || n.token.type === 'code_inline') s += n.token.content;
    s += plainText(n.children);
  }
  return s;
}

interface RenderContext {
  rev: string;
  folder: string[];
  href: (route: Route) => string;
  slugs: Map<string, number>;
  images: number;
  onHeadingLink: (e: MouseEvent, slug: string) => void;
}

const BLOCK_TAGS = new Set(['p', 'blockquote', 'ul', 'ol', 'li', 'table', 'thead', 'tbody', 'tr', 'hr']);
const INLINE_TAGS = new Set(['em', 'strong', 's']);
const ALIGN = new Set(['left', 'center', 'right']);

/** An attribute of a token as text (markdown-it types them as string or number). */
function attr(token: Token, name: string): string | undefined {
  const v = token.attrGet(name);
  return v === null ? undefined : String(v);
}

function alignOf(token: Token): CSSProperties | undefined {
  const m = /text-align:\s*(\w+)/.exec(attr(token, 'style') ?? '');
  return m && ALIGN.has(m[1]) ? { textAlign: m[1] as CSSProperties['textAlign'] } : undefined;
}

function renderNodes(nodes: Node[], ctx: RenderContext): ReactNode[] {
  return nodes.map((n, i) => renderNode(n, i, ctx));
}

function renderNode(node: Node, key: number, ctx: RenderContext): ReactNode {
  const t = node.token;
  switch (t.type) {
    case 'inline':
      return <span key={key}>{renderNodes(node.children, ctx)}</span>;
    case 'text':
      return <MarkedText key={key} text={t.content} multiline />;
    case 'softbreak':
      return '\n';
    case 'hardbreak':
      return <br key={key} />;
    case 'code_inline':
      return (
        <code key={key}>
          <MarkedText text={t.content} multiline />
        </code>
      );
    // With raw HTML off these do not occur; were they to, they are text.
    case 'html_inline':
    case 'html_block':
      return <MarkedText key={key} text={t.content} multiline />;
    case 'fence':
    case 'code_block':
      return <CodeBlock key={key} code={t.content} info={t.type === 'fence' ? t.info : ''} />;
    case 'hr':
      return <hr key={key} />;
    case 'heading_open': {
      const slug = headingSlug(plainText(node.children), ctx.slugs);
      const level = Math.min(6, Math.max(1, Number(t.tag.slice(1)) || 1));
      const Tag = `h${level}` as 'h1';
      return (
        <Tag key={key} data-anchor={slug}>
          {renderNodes(node.children, ctx)}
        </Tag>
      );
    }
    case 'ordered_list_open': {
      const start = Number(attr(t, 'start') ?? 1);
      return (
        <ol key={key} start={Number.isFinite(start) ? start : 1}>
          {renderNodes(node.children, ctx)}
        </ol>
      );
    }
    case 'th_open':
    case 'td_open': {
      const Tag = t.type === 'th_open' ? 'th' : 'td';
      return (
        <Tag key={key} style={alignOf(t)}>
          {renderNodes(node.children, ctx)}
        </Tag>
      );
    }
    case 'link_open':
      return renderLink(node, key, ctx);
    case 'image':
      return renderImage(t, key, ctx);
  }
  if (t.nesting === 1 && BLOCK_TAGS.has(t.tag)) {
    const Tag = t.tag as 'p';
    // A tight list's paragraphs are hidden by markdown-it: their content goes straight in.
    if (t.tag === 'p' && t.hidden) return <span key={key}>{renderNodes(node.children, ctx)}</span>;
    if (t.tag === 'table') {
      return (
        <div key={key} className="md-table-box">
          <table>{renderNodes(node.children, ctx)}</table>
        </div>
      );
    }
    return <Tag key={key}>{renderNodes(node.children, ctx)}</Tag>;
  }
  if (t.nesting === 1 && INLINE_TAGS.has(t.tag)) {
    const Tag = t.tag as 'em';
    return <Tag key={key}>{renderNodes(node.children, ctx)}</Tag>;
  }
  return node.children.length ? <span key={key}>{renderNodes(node.children, ctx)}</span> : null;
}

function renderLink(node: Node, key: number, ctx: RenderContext): ReactNode {
  const target = resolveMarkdownTarget(attr(node.token, 'href') ?? '', ctx.folder);
  const title = attr(node.token, 'title');
  const inner = renderNodes(node.children, ctx);
  switch (target.kind) {
    case 'repo':
      return (
        <a key={key} href={ctx.href({ view: 'browse', rev: ctx.rev, path: target.path, ...(target.lines ? { lines: target.lines } : {}) })} title={title} data-testid="md-repo-link">
          {inner}
        </a>
      );
    case 'heading':
      return (
        <a key={key} href={`#${target.slug}`} title={title} onClick={(e) => ctx.onHeadingLink(e, target.slug)}>
          {inner}
        </a>
      );
    case 'external':
      // Shown with its address; the browser goes there only if the person clicks (a new tab, no referrer).
      return (
        <a
          key={key}
          href={target.url}
          title={title ? `${title} (${target.url})` : target.url}
          target="_blank"
          rel="noopener noreferrer nofollow"
          className="md-external"
          data-testid="md-external-link"
        >
          {inner}
        </a>
      );
    case 'dropped':
      return (
        <span key={key} className="md-dropped" title={`Link removed: ${target.reason}`}>
          {inner}
        </span>
      );
  }
}

function renderImage(t: Token, key: number, ctx: RenderContext): ReactNode {
  const target = resolveMarkdownTarget(attr(t, 'src') ?? '', ctx.folder);
  const alt = t.content;
  const title = attr(t, 'title');
  if (target.kind === 'repo' && target.path.length > 0) {
    ctx.images++;
    if (ctx.images <= MAX_REPO_IMAGES) return <RepoImage key={key} rev={ctx.rev} path={target.path} alt={alt} title={title} />;
  }
  const why =
    target.kind === 'external'
      ? `external image, not loaded: ${target.url}`
      : target.kind === 'dropped'
        ? `image removed: ${target.reason}`
        : target.kind === 'repo' && target.path.length > 0
          ? `not loaded: more than ${MAX_REPO_IMAGES} images in this file (${target.path.join('/')})`
          : 'no image';
  return (
    <span key={key} className="md-image-box" data-testid="md-image-placeholder" title={why}>
      <span className="md-image-alt">{alt || 'image'}</span> <span className="muted">({why})</span>
    </span>
  );
}

/** The grammar a fence's info string names (```c, ```sh, ```python3). */
function fenceLanguage(info: string): Language | undefined {
  const word = info.trim().split(/\s+/)[0]?.toLowerCase() ?? '';
  if (word === '') return undefined;
  if ((LANGUAGES as readonly string[]).includes(word)) return word as Language;
  if (word === 'sh' || word === 'shell' || word === 'console') return 'bash';
  return languageFor(`x.${word}`);
}

/** A code block, coloured by the highlight worker when its info string names a language. */
function CodeBlock({ code, info }: { code: string; info: string }) {
  const language = fenceLanguage(info);
  const text = code.endsWith('\n') ? code.slice(0, -1) : code;
  const highlight = useHighlight(language ? text : undefined, language);
  const lines = useMemo(() => text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l)), [text]);
  return (
    <pre className="md-code" data-language={language}>
      <code>
        {lines.map((line, i) => {
          const runs = highlight?.runsOf(i);
          return (
            <span key={i} className="md-code-line">
              {runs && runs.length > 0 && highlight ? <HighlightedLine text={line} runs={runs} classOf={highlight.classOf} /> : <MarkedText text={line} multiline />}
              {i < lines.length - 1 ? '\n' : ''}
            </span>
          );
        })}
      </code>
    </pre>
  );
}

/**
 * A Markdown file drawn as a code host draws a README: headings, lists, tables, code with
 * colour, links inside the repository to the Browse view at the same commit, images from the
 * repository through the safe image path. Every element is made by React from markdown-it's
 * tokens; no HTML string from the file reaches the page.
 */
export function Markdown({ text, rev, folder }: MarkdownProps) {
  const [parser, setParser] = useState<Parser | undefined>();
  const [failed, setFailed] = useState<string | undefined>();
  const href = useHref();
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let live = true;
    loadParser().then(
      (p) => live && setParser(p),
      (err: unknown) => live && setFailed(err instanceof Error ? err.message : String(err)),
    );
    return () => {
      live = false;
    };
  }, []);
  const tooLarge = parser !== undefined && text.length > parser.MAX_MARKDOWN_CHARS;
  const tree = useMemo(() => (parser && !tooLarge ? toTree(parser.parseMarkdown(text)) : undefined), [parser, tooLarge, text]);
  const folderKey = folder.join('\u0000');
  // biome-ignore lint/correctness/useExhaustiveDependencies: folderKey stands for folder (a new array on every render); href changes only with the repository.
  const body = useMemo(() => {
    if (!tree) return undefined;
    const ctx: RenderContext = {
      rev,
      folder,
      href,
      slugs: new Map(),
      images: 0,
      onHeadingLink: (e, slug) => {
        e.preventDefault();
        const el = box.current?.querySelector(`[data-anchor="${CSS.escape(slug)}"]`);
        el?.scrollIntoView({ block: 'start', behavior: 'smooth' });
      },
    };
    return renderNodes(tree, ctx);
  }, [tree, rev, folderKey]);

  if (failed) return <p className="blob-note warn">The Markdown renderer could not be loaded ({failed}); the Source view shows the text.</p>;
  if (tooLarge) return <p className="blob-note">This file has {formatCount(text.length)} characters, too many to render here; the Source view shows it.</p>;
  if (!body) return <p className="blob-loading muted">Rendering…</p>;
  return (
    <div ref={box} className="markdown-body" data-testid="markdown">
      {body}
    </div>
  );
}
