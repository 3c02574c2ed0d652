import { useEffect, useState, useSyncExternalStore } from 'react';
import type { HexWindow } from '../../protocol/anatomy.ts';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { Link } from '../components/Link.tsx';
import { formatBytes, formatCount } from '../lib/format.ts';
import { navigate } from '../lib/route.ts';
import { AnnotationPanel } from './hex/AnnotationPanel.tsx';
import { CHUNK_BYTES } from './hex/chunks.ts';
import { FilePicker } from './hex/FilePicker.tsx';
import { HexGrid, type Jump } from './hex/HexGrid.tsx';
import { FILE_KIND_LABELS } from './hex/kinds.ts';
import { Legend } from './hex/Legend.tsx';
import { OffsetBox } from './hex/OffsetBox.tsx';
import { hex } from './hex/offsets.ts';
import { useWorkerRequest } from '../lib/request.ts';
import { useFirstHexWindow, useHexChunks } from './hex/hex-requests.ts';
import './hex/hex.css';
import { RequestStatus } from '../components/RequestStatus.tsx';

/**
 * Annotated bytes of any file of the folder (#/<repo>/hex/<file>?at=<offset>): the whole file
 * as a virtualized hex grid, each byte coloured by the structure git's format gives it, and
 * beside it what the byte under the cursor belongs to.
 */
export function HexView({ file, at }: { file: string; at?: number | undefined }) {
  const listing = useWorkerRequest('Listing the folder', 'folderFiles', {}, []);
  const start = at !== undefined && at > 0 ? Math.floor(at / CHUNK_BYTES) * CHUNK_BYTES : 0;
  // The first window tells the file's size and kind; the grid fetches the rest.
  const first = useFirstHexWindow(file, start);
  const head = first.status === 'done' ? first.data : undefined;

  // A link may name a file by its name alone: show it under its path in the folder.
  useEffect(() => {
    if (head && head.file !== file) navigate({ view: 'hex', file: head.file, ...(at !== undefined ? { at } : {}) }, { replace: true });
  }, [head, file, at]);

  const files = listing.data?.files ?? [];
  return (
    <div className="hx-page" data-testid="hex-view">
      <header className="hx-head">
        <h1>
          Bytes <span className="mono hx-title-file">{head?.file ?? file}</span>
        </h1>
        {head && (
          <span className="hx-head-facts">
            <span className="badge">{FILE_KIND_LABELS[head.kind]}</span> {formatBytes(head.fileSize)} <span className="muted">({formatCount(head.fileSize)} bytes)</span>
          </span>
        )}
        <Link to={{ view: 'files' }} className="hx-head-link">
          All files and the window cache
        </Link>
      </header>
      <div className="toolbar hx-toolbar">
        {files.length > 0 && <FilePicker files={files} value={head?.file ?? file} onPick={(path) => navigate({ view: 'hex', file: path })} />}
        {listing.status === 'error' && <ErrorBox error={listing.error} title="The folder's files could not be listed" />}
      </div>
      <RequestStatus req={first} loading={`Reading ${file}…`} failed={`${file} could not be read`} />
      {head && head.file === file && <Workspace key={head.file} first={head} at={at} />}
    </div>
  );
}

/** The grid and the side panel over one file. */
function Workspace({ first, at }: { first: HexWindow; at: number | undefined }) {
  const file = first.file;
  const size = first.fileSize;
  const chunks = useHexChunks(first);
  useSyncExternalStore(chunks.subscribe, chunks.version);

  const initial = Math.max(0, Math.min(at ?? 0, size - 1));
  const [jump, setJump] = useState<Jump>({ offset: initial, seq: 0 });
  const [cursor, setCursor] = useState(initial);
  const [hover, setHover] = useState<number | undefined>(undefined);
  const [status, setStatus] = useState<string | undefined>(undefined);

  // The URL's offset changed (back/forward, a link): go there.
  useEffect(() => {
    if (at === undefined) return;
    setJump((j) => ({ offset: Math.max(0, Math.min(at, size - 1)), seq: j.seq + 1 }));
  }, [at, size]);

  const go = (offset: number) => {
    setJump((j) => ({ offset, seq: j.seq + 1 }));
    navigate({ view: 'hex', file, at: offset });
  };

  const shown = hover ?? cursor;
  const annotation = chunks.annotationAt(shown);
  const structureError = chunks.firstError();

  if (size === 0) return <p className="muted">This file is empty: 0 bytes.</p>;
  return (
    <>
      <div className="toolbar hx-toolbar">
        <OffsetBox size={size} onGo={go} />
        {at !== undefined && at >= size && (
          <span className="warn" role="alert">
            {hex(at)} is past the end of the file ({formatCount(size)} bytes); showing its last byte.
          </span>
        )}
        {status && (
          <span className="muted hx-status" role="status">
            {status}
          </span>
        )}
      </div>
      {structureError && <ErrorBox error={structureError} title="Part of this file's structure could not be read; its bytes are shown as they are" />}
      <div className="hx-main">
        <HexGrid chunks={chunks} file={file} jump={jump} cursor={cursor} onCursor={setCursor} onHover={setHover} highlighted={annotation} onStatus={setStatus} />
        <aside className="hx-side" aria-label="Annotation">
          <AnnotationPanel
            file={file}
            kind={first.kind}
            offset={shown}
            byte={chunks.byteAt(shown)}
            annotation={annotation}
            hovering={hover !== undefined}
            loading={chunks.chunk(Math.floor(shown / CHUNK_BYTES)) === undefined && chunks.error(Math.floor(shown / CHUNK_BYTES)) === undefined}
            onGo={go}
          />
          <h2 className="hx-side-title">Colours</h2>
          <Legend kind={first.kind} />
          <h2 className="hx-side-title">Keys</h2>
          <dl className="hx-keys" id="hx-keys">
            <dt>Arrows</dt>
            <dd>move the cursor a byte or a row</dd>
            <dt>PgUp / PgDn</dt>
            <dd>a screen up or down</dd>
            <dt>Home / End</dt>
            <dd>start or end of the row (with Ctrl: of the file)</dd>
            <dt>Tab / Shift+Tab</dt>
            <dd>next or previous annotation</dd>
            <dt>Esc, then Tab</dt>
            <dd>leave the grid</dd>
          </dl>
        </aside>
      </div>
    </>
  );
}
