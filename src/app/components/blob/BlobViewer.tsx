import { useEffect, useMemo, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { useHighlight } from '../../highlight/highlighter.ts';
import { languageFor } from '../../highlight/languages.ts';
import type { LineRange } from '../../lib/route.ts';
import type { ObjectContent } from '../../../protocol/messages.ts';
import { formatBytes, formatCount, shortOid } from '../../lib/format.ts';
import { ErrorBox } from '../ErrorBox.tsx';
import { saveBytes } from './download.ts';
import { HexView, type ByteTarget } from './HexView.tsx';
import { ImagePreview, imageLabel } from './ImagePreview.tsx';
import { indexLines } from './lines.ts';
import { TextView } from './TextView.tsx';
import { useWorkerOnDemand } from '../../lib/request.ts';
import type { RowTarget } from './VirtualRows.tsx';
import './blob.css';

/** The blob part of an object's decoded content. */
export type BlobContent = Extract<ObjectContent, { kind: 'blob' }>;

/** Larger blobs wait for a click before their whole bytes or text are read. */
const AUTO_LOAD_BYTES = 64 << 20;

type View = 'rendered' | 'preview' | 'text' | 'hex';
const VIEW_LABELS: Record<View, string> = { rendered: 'Rendered', preview: 'Preview', text: 'Text', hex: 'Hex' };

let wrapPreference = false;

export interface BlobViewerProps {
  oid: string;
  content: BlobContent;
  /** The file's name: the download's name (the object id when absent). */
  name?: string | undefined;
  /** What heads the viewer, e.g. the file's path. */
  title?: ReactNode;
  /** Buttons and links beside Download (Copy permalink, History, Blame). */
  actions?: ReactNode;
  /** A rendered form of the text (Markdown), offered as "Rendered" with the text as "Source". */
  renderText?: ((text: string) => ReactNode) | undefined;
  /** Open on the source rather than the rendered form (an object page examines the bytes). */
  sourceFirst?: boolean;
  /** Selected lines (1-based); the view opens scrolled to them. */
  selection?: LineRange | undefined;
  /** A click on a line number; `extend` with Shift (a range). */
  onLineClick?: ((line: number, extend: boolean) => void) | undefined;
  /** The link of a line number. */
  lineHref?: ((line: number) => string) | undefined;
}

/** Parses an offset typed by a person: `0x1f3a` or `1f3a` (hex), `8000` (decimal). */
function parseOffset(input: string): number | undefined {
  const s = input.trim().toLowerCase();
  if (/^0x[0-9a-f]+$/.test(s)) return parseInt(s.slice(2), 16);
  if (/^\d+$/.test(s)) return Number(s);
  if (/^[0-9a-f]+$/.test(s)) return parseInt(s, 16);
  return undefined;
}

/**
 * A blob, shown the way it reads best: text with line numbers (virtualized, the whole file even
 * when it is 20 MB), images as a preview, anything else as a hex dump; and a Download button.
 * Text is rendered as React text nodes only; images only through a blob: URL on an <img>.
 */
export function BlobViewer({ oid, content, name, title, actions, renderText, sourceFirst = false, selection, onLineClick, lineHref }: BlobViewerProps) {
  const [bytesLoad, loadBytes] = useWorkerOnDemand<'blobBytes'>();
  const [textLoad, loadText] = useWorkerOnDemand<'blobText'>();
  const image = content.image;
  const isText = content.text !== undefined;
  const views: View[] = [...(isText && renderText ? (['rendered'] as const) : []), ...(image ? (['preview'] as const) : []), ...(isText ? (['text'] as const) : []), 'hex'];
  // A link to lines opens the text itself, not its rendered form.
  // `sourceFirst` trades only the rendered Markdown for its source: an image still opens on its preview.
  const [view, setView] = useState<View>(isText && (selection || (sourceFirst && views[0] === 'rendered')) ? 'text' : views[0]);
  const [wrap, setWrap] = useState(wrapPreference);
  const [gotoInput, setGotoInput] = useState('');
  const [gotoMessage, setGotoMessage] = useState<string | undefined>();
  const [lineTarget, setLineTarget] = useState<RowTarget | undefined>(selection ? { row: selection.from - 1, seq: 0 } : undefined);
  const [byteTarget, setByteTarget] = useState<ByteTarget | undefined>();

  const bytes = bytesLoad.status === 'done' ? bytesLoad.data.bytes : undefined;
  const text = textLoad.status === 'done' ? textLoad.data.text : content.text;
  const textPartial = isText && content.truncated && textLoad.status !== 'done';
  const lines = useMemo(() => (text === undefined ? undefined : indexLines(text)), [text]);
  const label = name ?? shortOid(oid);
  const language = useMemo(() => (content.text === undefined ? undefined : languageFor(name ?? '', content.text.slice(0, Math.max(0, content.text.indexOf('\n')) || 200))), [name, content.text]);
  // The start of a long text is not coloured while the rest is on its way: the whole text would
  // be sent and coloured again a moment later.
  const highlight = useHighlight(view === 'text' && !(textPartial && textLoad.status === 'loading') ? text : undefined, language);

  const fetchBytes = () => loadBytes(`Reading ${label}`, 'blobBytes', { oid }).then((r) => r?.bytes);
  const fetchText = () => loadText(`Reading ${label}`, 'blobText', { oid }).then((r) => r?.text);

  // What the first view needs: the rest of a long text, the bytes of an image.
  // biome-ignore lint/correctness/useExhaustiveDependencies: once per blob: the parent remounts the viewer for another one.
  useEffect(() => {
    if (content.size > AUTO_LOAD_BYTES) return;
    if (isText && content.truncated) void fetchText();
    if (image) void fetchBytes();
  }, []);

  // The hex view of a text blob needs its bytes (the worker sends bytes only for binary ones).
  // biome-ignore lint/correctness/useExhaustiveDependencies: when the view turns to hex; the blob is fixed for the viewer's life (a new blob remounts it).
  useEffect(() => {
    if (view === 'hex' && !content.head && content.size > 0 && content.size <= AUTO_LOAD_BYTES) void fetchBytes();
  }, [view]);

  const download = async () => {
    const b = bytes ?? (await fetchBytes());
    if (b) saveBytes(b, name ?? oid);
  };

  // A clicked selection replaces the line gone to (its mark would linger otherwise) and stays
  // where it is; a selection from elsewhere (a link, back and forward) is scrolled to.
  const clicked = useRef(false);
  const clickLine = onLineClick
    ? (line: number, extend: boolean) => {
        clicked.current = true;
        setLineTarget(undefined);
        onLineClick(line, extend);
      }
    : undefined;
  const selectionFrom = selection?.from;
  const selectionKey = selection ? `${selection.from}-${selection.to}` : '';
  const firstSelection = useRef(selectionKey);
  useEffect(() => {
    if (selectionKey === firstSelection.current) return;
    firstSelection.current = selectionKey;
    if (clicked.current) {
      clicked.current = false;
      return;
    }
    if (selectionFrom === undefined) return;
    if (isText) setView('text');
    setLineTarget({ row: selectionFrom - 1, seq: Date.now() });
  }, [selectionKey, selectionFrom, isText]);

  const hexBytes = bytes ?? content.head;
  const hexPartial = !bytes && content.head !== undefined && content.truncated;

  const goTo = (e: FormEvent) => {
    e.preventDefault();
    setGotoMessage(undefined);
    if (view === 'text' && lines) {
      const n = Number(gotoInput.trim());
      if (!Number.isInteger(n) || n < 1 || n > lines.count) {
        setGotoMessage(`Lines go from 1 to ${formatCount(lines.count)}.`);
        return;
      }
      setLineTarget({ row: n - 1, seq: Date.now() });
    } else if (view === 'hex') {
      const offset = parseOffset(gotoInput);
      if (offset === undefined || offset >= content.size) {
        setGotoMessage(`Offsets go from 0 to 0x${Math.max(0, content.size - 1).toString(16)} (${formatCount(Math.max(0, content.size - 1))}).`);
        return;
      }
      if (hexBytes && offset < hexBytes.length) {
        setByteTarget({ offset, seq: Date.now() });
        return;
      }
      void fetchBytes().then((b) => {
        if (b) setByteTarget({ offset, seq: Date.now() });
      });
    }
  };

  const meta: string[] = [];
  if (image) meta.push(`${imageLabel(image)} image`);
  else meta.push(isText ? 'text' : 'binary');
  if (lines && isText && view === 'text') meta.push(`${formatCount(lines.count)} line${lines.count === 1 ? '' : 's'}${textPartial ? ' so far' : ''}`);
  meta.push(content.size < 1024 ? `${formatCount(content.size)} bytes` : `${formatBytes(content.size)} (${formatCount(content.size)} bytes)`);
  if (language && view === 'text') meta.push(highlight?.status === 'working' ? `${LANGUAGE_LABELS[language] ?? language} (colouring…)` : (LANGUAGE_LABELS[language] ?? language));
  if (lines && lines.crlf > 0 && view === 'text') meta.push(lines.crlf === lines.count || lines.crlf === lines.count - 1 ? 'CRLF line endings' : `${formatCount(lines.crlf)} CRLF line endings`);

  return (
    <section className="blob-viewer" tabIndex={-1} data-testid="blob-viewer" aria-label={name ? `Contents of ${name}` : `Contents of blob ${shortOid(oid)}`}>
      <header className="blob-head">
        <div className="blob-title">{title ?? <span className="muted">Contents</span>}</div>
        <div className="blob-meta muted">{meta.join(' · ')}</div>
        {actions}
        <button type="button" className="small" onClick={() => void download()} disabled={bytesLoad.status === 'loading'} data-testid="download">
          <DownloadGlyph />
          Download
        </button>
      </header>

      {content.size > 0 && (
        <div className="blob-tools">
          {views.length > 1 && (
            <div className="blob-modes" role="group" aria-label="Show as">
              {views.map((v) => (
                <button key={v} type="button" className="small" aria-pressed={view === v} onClick={() => setView(v)}>
                  {v === 'text' && renderText ? 'Source' : VIEW_LABELS[v]}
                </button>
              ))}
            </div>
          )}
          {view === 'text' && (
            <label className="blob-wrap">
              <input
                type="checkbox"
                checked={wrap}
                onChange={(e) => {
                  wrapPreference = e.target.checked;
                  setWrap(e.target.checked);
                }}
              />
              Wrap lines
            </label>
          )}
          {(view === 'text' || view === 'hex') && (
            <form className="blob-goto" onSubmit={goTo}>
              <label>
                <span>{view === 'text' ? 'Line' : 'Offset'}</span>
                <input type="text" value={gotoInput} onChange={(e) => setGotoInput(e.target.value)} size={10} placeholder={view === 'text' ? '1' : '0x0'} spellCheck={false} autoComplete="off" />
              </label>
              <button type="submit" className="small">
                Go
              </button>
              {gotoMessage && (
                <span className="blob-goto-message warn" role="status">
                  {gotoMessage}
                </span>
              )}
            </form>
          )}
        </div>
      )}

      {bytesLoad.status === 'error' && <ErrorBox error={bytesLoad.error} title="The blob could not be read" />}
      {textLoad.status === 'error' && <ErrorBox error={textLoad.error} title="The whole text could not be read" />}

      {view === 'text' && highlight?.status === 'failed' && (
        <p className="blob-note" role="status">
          {highlight.message}
        </p>
      )}

      {content.size === 0 ? (
        <p className="blob-empty muted">This file is empty (0 bytes).</p>
      ) : view === 'rendered' && renderText && text !== undefined ? (
        <>
          {textPartial && (
            <p className="blob-note" role="status">
              {textLoad.status === 'loading' ? <>Reading the rest of the {formatBytes(content.size)}…</> : <>Showing the start of {formatBytes(content.size)}.</>}
            </p>
          )}
          {renderText(text)}
        </>
      ) : view === 'preview' && image ? (
        bytes ? (
          <ImagePreview bytes={bytes} type={image} alt={name ?? `blob ${oid}`} />
        ) : bytesLoad.status === 'loading' ? (
          <p className="blob-loading muted">Reading the image…</p>
        ) : (
          <p className="blob-note">
            This image is {formatBytes(content.size)}.{' '}
            <button type="button" className="small" onClick={() => void fetchBytes()}>
              Show the preview
            </button>
          </p>
        )
      ) : view === 'text' && lines ? (
        <>
          {textPartial && (
            <p className="blob-note" role="status">
              {textLoad.status === 'loading' ? (
                <>
                  Showing the first {formatCount(lines.count)} lines; reading the rest of the {formatBytes(content.size)}…
                </>
              ) : (
                <>
                  Showing the first {formatCount(lines.count)} lines of {formatBytes(content.size)}.{' '}
                  <button type="button" className="small" onClick={() => void fetchText()}>
                    Load the whole file
                  </button>
                </>
              )}
            </p>
          )}
          <TextView lines={lines} wrap={wrap} target={lineTarget} highlight={highlight} selection={selection} onLineClick={clickLine} lineHref={lineHref} />
        </>
      ) : hexBytes ? (
        <>
          {hexPartial && (
            <p className="blob-note" role="status">
              Showing only the first {formatBytes(hexBytes.length)} of {formatBytes(content.size)}.{' '}
              <button type="button" className="small" onClick={() => void fetchBytes()} disabled={bytesLoad.status === 'loading'}>
                {bytesLoad.status === 'loading' ? 'Reading…' : `Load all ${formatBytes(content.size)}`}
              </button>
            </p>
          )}
          <HexView bytes={hexBytes} totalSize={content.size} target={byteTarget} />
        </>
      ) : bytesLoad.status === 'loading' ? (
        <p className="blob-loading muted">Reading the bytes…</p>
      ) : (
        <p className="blob-note">
          The hex view needs all {formatBytes(content.size)} of this file.{' '}
          <button type="button" className="small" onClick={() => void fetchBytes()}>
            Read them
          </button>
        </p>
      )}
    </section>
  );
}

/** How the meta line names a language. */
const LANGUAGE_LABELS: Partial<Record<string, string>> = {
  c: 'C',
  cpp: 'C++',
  csharp: 'C#',
  javascript: 'JavaScript',
  typescript: 'TypeScript',
  python: 'Python',
  rust: 'Rust',
  go: 'Go',
  java: 'Java',
  json: 'JSON',
  xml: 'HTML/XML',
  css: 'CSS',
  scss: 'SCSS',
  markdown: 'Markdown',
  bash: 'Shell',
  shell: 'Shell session',
  yaml: 'YAML',
  ini: 'INI/TOML',
  makefile: 'Makefile',
  diff: 'Diff',
  perl: 'Perl',
  ruby: 'Ruby',
  php: 'PHP',
  sql: 'SQL',
  tcl: 'Tcl',
  objectivec: 'Objective-C',
  asciidoc: 'AsciiDoc',
  dockerfile: 'Dockerfile',
  cmake: 'CMake',
  lua: 'Lua',
};

function DownloadGlyph() {
  return (
    <svg width="14" height="14" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      <path d="M8 1.5v8.5M4.5 6.5 8 10l3.5-3.5M2.5 12.5v2h11v-2" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}
