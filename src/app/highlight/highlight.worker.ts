/// <reference lib="webworker" />
import hljs from 'highlight.js/lib/core';
import type { LanguageFn } from 'highlight.js';
import type { Language } from './languages.ts';
import { LEAD_IN_LINES, MAX_HIGHLIGHT_LINE, SEGMENT_LINES, type FromHighlighter, type ToHighlighter } from './protocol.ts';
import { piecesToRuns, RunsEmitter, ScopeTable } from './runs.ts';

/**
 * The highlight worker: highlight.js over the documents the page opens, one segment at a time,
 * so a new "want" (the person scrolled) is heard between segments. Each grammar is its own
 * chunk, imported the first time a file needs it. The output is numbers (runs.ts), never HTML.
 */

declare const self: DedicatedWorkerGlobalScope;

type Loader = () => Promise<{ default: LanguageFn }>;

// Static import() calls, so the bundler makes one chunk per grammar and nothing else is loaded.
const LOADERS: Record<Language, Loader> = {
  apache: () => import('highlight.js/lib/languages/apache'),
  armasm: () => import('highlight.js/lib/languages/armasm'),
  asciidoc: () => import('highlight.js/lib/languages/asciidoc'),
  awk: () => import('highlight.js/lib/languages/awk'),
  bash: () => import('highlight.js/lib/languages/bash'),
  c: () => import('highlight.js/lib/languages/c'),
  cmake: () => import('highlight.js/lib/languages/cmake'),
  cpp: () => import('highlight.js/lib/languages/cpp'),
  csharp: () => import('highlight.js/lib/languages/csharp'),
  css: () => import('highlight.js/lib/languages/css'),
  dart: () => import('highlight.js/lib/languages/dart'),
  diff: () => import('highlight.js/lib/languages/diff'),
  dockerfile: () => import('highlight.js/lib/languages/dockerfile'),
  elixir: () => import('highlight.js/lib/languages/elixir'),
  erlang: () => import('highlight.js/lib/languages/erlang'),
  go: () => import('highlight.js/lib/languages/go'),
  graphql: () => import('highlight.js/lib/languages/graphql'),
  groovy: () => import('highlight.js/lib/languages/groovy'),
  haskell: () => import('highlight.js/lib/languages/haskell'),
  ini: () => import('highlight.js/lib/languages/ini'),
  java: () => import('highlight.js/lib/languages/java'),
  javascript: () => import('highlight.js/lib/languages/javascript'),
  json: () => import('highlight.js/lib/languages/json'),
  kotlin: () => import('highlight.js/lib/languages/kotlin'),
  latex: () => import('highlight.js/lib/languages/latex'),
  less: () => import('highlight.js/lib/languages/less'),
  lua: () => import('highlight.js/lib/languages/lua'),
  makefile: () => import('highlight.js/lib/languages/makefile'),
  markdown: () => import('highlight.js/lib/languages/markdown'),
  nginx: () => import('highlight.js/lib/languages/nginx'),
  nix: () => import('highlight.js/lib/languages/nix'),
  objectivec: () => import('highlight.js/lib/languages/objectivec'),
  ocaml: () => import('highlight.js/lib/languages/ocaml'),
  perl: () => import('highlight.js/lib/languages/perl'),
  php: () => import('highlight.js/lib/languages/php'),
  plaintext: () => import('highlight.js/lib/languages/plaintext'),
  powershell: () => import('highlight.js/lib/languages/powershell'),
  properties: () => import('highlight.js/lib/languages/properties'),
  protobuf: () => import('highlight.js/lib/languages/protobuf'),
  python: () => import('highlight.js/lib/languages/python'),
  r: () => import('highlight.js/lib/languages/r'),
  ruby: () => import('highlight.js/lib/languages/ruby'),
  rust: () => import('highlight.js/lib/languages/rust'),
  scala: () => import('highlight.js/lib/languages/scala'),
  scss: () => import('highlight.js/lib/languages/scss'),
  shell: () => import('highlight.js/lib/languages/shell'),
  sql: () => import('highlight.js/lib/languages/sql'),
  swift: () => import('highlight.js/lib/languages/swift'),
  tcl: () => import('highlight.js/lib/languages/tcl'),
  typescript: () => import('highlight.js/lib/languages/typescript'),
  vim: () => import('highlight.js/lib/languages/vim'),
  x86asm: () => import('highlight.js/lib/languages/x86asm'),
  xml: () => import('highlight.js/lib/languages/xml'),
  yaml: () => import('highlight.js/lib/languages/yaml'),
};

/** Grammars a grammar hands parts of its text to (HTML: CSS and JavaScript; Markdown: HTML). */
const SUB_LANGUAGES: Partial<Record<Language, Language[]>> = {
  xml: ['css', 'javascript'],
  markdown: ['xml'],
  php: ['xml'],
  shell: ['bash'],
};

hljs.configure({ __emitter: RunsEmitter as never, ignoreUnescapedHTML: true, throwUnescapedHTML: false });
const scopes = new ScopeTable();
let scopesSent = 1;
const loading = new Map<Language, Promise<void>>();

function load(language: Language): Promise<void> {
  let p = loading.get(language);
  if (!p) {
    p = Promise.all([LOADERS[language](), ...(SUB_LANGUAGES[language] ?? []).map((l) => LOADERS[l]().then((m) => [l, m] as const))]).then(([main, ...subs]) => {
      for (const [name, m] of subs) if (!hljs.getLanguage(name)) hljs.registerLanguage(name, m.default);
      hljs.registerLanguage(language, (main as { default: LanguageFn }).default);
      // Compiling a grammar's expressions is most of a first highlight's cost (cold: ~0.5 s for C
      // here, against ~60 ms for all 7,859 lines of git's diff.c after): done now, while the text is read.
      hljs.highlight('\n', { language, ignoreIllegals: true });
    });
    loading.set(language, p);
  }
  return p;
}

interface Doc {
  text: string;
  language: Language;
  /** Where each line starts in `text`; lineStarts[lines] is past the end. */
  lineStarts: Uint32Array;
  lines: number;
  ready: boolean;
  done: Uint8Array;
  /** Segments asked for, most wanted first. */
  wanted: number[];
  /** Where the in-order pass over the remaining segments has got to. */
  next: number;
}

const docs = new Map<number, Doc>();
/** Docs in the order they were opened: the newest is worked on first. */
const order: number[] = [];

function indexLines(text: string): { lineStarts: Uint32Array; lines: number } {
  let newlines = 0;
  for (let p = text.indexOf('\n'); p !== -1; p = text.indexOf('\n', p + 1)) newlines++;
  const lines = text.length === 0 ? 0 : text.endsWith('\n') ? newlines : newlines + 1;
  const lineStarts = new Uint32Array(lines + 1);
  let i = 1;
  for (let p = text.indexOf('\n'); p !== -1 && i < lines; p = text.indexOf('\n', p + 1)) lineStarts[i++] = p + 1;
  lineStarts[lines] = text.length + 1;
  return { lineStarts, lines };
}

/** Line `i` without its line ending, as the page's text view cuts it (lines.ts). */
function lineOf(doc: Doc, i: number): string {
  const s = doc.text.slice(doc.lineStarts[i], doc.lineStarts[i + 1] - 1);
  const line = s.endsWith('\r') ? s.slice(0, -1) : s;
  return line.length > MAX_HIGHLIGHT_LINE ? '' : line;
}

function post(message: FromHighlighter, transfer: Transferable[] = []): void {
  self.postMessage(message, transfer);
}

function highlightSegment(id: number, doc: Doc, index: number): void {
  const t0 = performance.now();
  const first = index * SEGMENT_LINES;
  const end = Math.min(doc.lines, first + SEGMENT_LINES);
  let from = Math.max(0, first - LEAD_IN_LINES);
  // Start the lead-in after a blank line where there is one: more likely outside any construct.
  for (let i = from; i < first; i++) {
    if (lineOf(doc, i).trim() === '') {
      from = i + 1;
      break;
    }
  }
  const parts: string[] = [];
  for (let i = from; i < end; i++) parts.push(lineOf(doc, i));
  const result = hljs.highlight(parts.join('\n'), { language: doc.language, ignoreIllegals: true });
  const emitter = (result as unknown as { _emitter: RunsEmitter })._emitter;
  const { starts, runs } = piecesToRuns(emitter, scopes, end - from, first - from);
  doc.done[index] = 1;
  const scopeBase = scopesSent;
  const newScopes = scopes.names.slice(scopesSent);
  scopesSent = scopes.names.length;
  post({ type: 'segment', doc: id, index, firstLine: first, starts, runs, scopeBase, scopes: newScopes, ms: performance.now() - t0 }, [starts.buffer, runs.buffer]);
}

/** The next segment to do: a wanted one of the newest document, else its next in order, else an older document's. */
function pick(): { id: number; doc: Doc; index: number } | undefined {
  for (let k = order.length - 1; k >= 0; k--) {
    const id = order[k];
    const doc = docs.get(id);
    if (!doc?.ready) continue;
    while (doc.wanted.length > 0) {
      const index = doc.wanted.shift() as number;
      if (index >= 0 && index < doc.done.length && !doc.done[index]) return { id, doc, index };
    }
    while (doc.next < doc.done.length && doc.done[doc.next]) doc.next++;
    if (doc.next < doc.done.length) return { id, doc, index: doc.next };
  }
  return undefined;
}

let scheduled = false;
/** One segment a turn, through a macrotask, so messages that arrived meanwhile are read first. */
function schedule(): void {
  if (scheduled) return;
  scheduled = true;
  setTimeout(() => {
    scheduled = false;
    const job = pick();
    if (!job) return;
    try {
      highlightSegment(job.id, job.doc, job.index);
    } catch (err) {
      job.doc.done.fill(1);
      post({ type: 'failed', doc: job.id, message: err instanceof Error ? err.message : String(err) });
    }
    schedule();
  }, 0);
}

self.onmessage = (e: MessageEvent<ToHighlighter>) => {
  const m = e.data;
  if (m.type === 'prepare') {
    // A failure is reported when a document needs the grammar.
    load(m.language).catch(() => undefined);
  } else if (m.type === 'open') {
    const { lineStarts, lines } = indexLines(m.text);
    const segments = Math.ceil(lines / SEGMENT_LINES);
    const doc: Doc = { text: m.text, language: m.language, lineStarts, lines, ready: false, done: new Uint8Array(segments), wanted: [], next: 0 };
    docs.set(m.doc, doc);
    order.push(m.doc);
    post({ type: 'opened', doc: m.doc, lines, segments });
    load(m.language).then(
      () => {
        doc.ready = true;
        schedule();
      },
      (err: unknown) => {
        doc.done.fill(1);
        post({ type: 'failed', doc: m.doc, message: `The ${m.language} grammar could not be loaded: ${err instanceof Error ? err.message : String(err)}` });
      },
    );
  } else if (m.type === 'want') {
    const doc = docs.get(m.doc);
    if (!doc) return;
    doc.wanted = m.segments.slice();
    schedule();
  } else if (m.type === 'close') {
    docs.delete(m.doc);
    const at = order.indexOf(m.doc);
    if (at >= 0) order.splice(at, 1);
  }
};
