import { useId, useMemo, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { FolderFile } from '../../../protocol/anatomy.ts';
import { Link } from '../../components/Link.tsx';
import { formatBytes, formatCount } from '../../lib/format.ts';
import { FILE_KIND_LABELS } from '../hex/kinds.ts';

const ROW_HEIGHT = 34;

/** Every file of the folder: path, kind, size and a link to its bytes; filtered by kind and path, virtualized. */
export function FilesTable({ files }: { files: FolderFile[] }) {
  const [kind, setKind] = useState<FolderFile['kind'] | 'all'>('all');
  const [query, setQuery] = useState('');
  const kindId = useId();
  const queryId = useId();
  const counts = useMemo(() => {
    const m = new Map<FolderFile['kind'], { n: number; bytes: number }>();
    for (const f of files) {
      const c = m.get(f.kind) ?? { n: 0, bytes: 0 };
      c.n++;
      c.bytes += f.size;
      m.set(f.kind, c);
    }
    return m;
  }, [files]);
  const shown = useMemo(() => {
    const q = query.trim().toLowerCase();
    return files.filter((f) => (kind === 'all' || f.kind === kind) && (q === '' || f.path.toLowerCase().includes(q)));
  }, [files, kind, query]);
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: shown.length, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 12, useFlushSync: false });
  const total = files.reduce((s, f) => s + f.size, 0);

  return (
    <section className="hx-files" aria-labelledby="hx-files-title">
      <h2 id="hx-files-title">
        Files{' '}
        <span className="muted hx-files-total">
          {formatCount(files.length)} files, {formatBytes(total)}
        </span>
      </h2>
      <div className="toolbar">
        <label htmlFor={kindId}>Kind</label>
        <select id={kindId} value={kind} onChange={(e) => setKind(e.target.value as FolderFile['kind'] | 'all')}>
          <option value="all">all kinds ({formatCount(files.length)})</option>
          {[...counts.entries()].map(([k, c]) => (
            <option key={k} value={k}>
              {FILE_KIND_LABELS[k]} ({formatCount(c.n)}, {formatBytes(c.bytes)})
            </option>
          ))}
        </select>
        <label htmlFor={queryId}>Path contains</label>
        <input id={queryId} type="search" value={query} onChange={(e) => setQuery(e.target.value)} placeholder="pack-1a2b, refs/heads…" />
        <span className="muted" role="status">
          {shown.length === files.length ? '' : `${formatCount(shown.length)} shown`}
        </span>
      </div>
      {shown.length === 0 ? (
        <p className="muted">No file matches.</p>
      ) : (
        <div className="hx-ftable" role="table" aria-label="Files of the folder" aria-rowcount={shown.length + 1}>
          <div className="hx-frow hx-fhead" role="row">
            <span role="columnheader">Path</span>
            <span role="columnheader">Kind</span>
            <span role="columnheader" className="hx-fnum">
              Size
            </span>
            <span role="columnheader">
              <span className="visually-hidden">Bytes</span>
            </span>
          </div>
          <div ref={scrollRef} className="hx-fscroll" style={{ height: Math.min(virtualizer.getTotalSize() + 2, 520) }} role="rowgroup" tabIndex={-1}>
            <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
              {virtualizer.getVirtualItems().map((item) => {
                const f = shown[item.index];
                return (
                  <div
                    key={f.path}
                    ref={virtualizer.measureElement}
                    data-index={item.index}
                    className="hx-frow"
                    role="row"
                    aria-rowindex={item.index + 2}
                    style={{ transform: `translateY(${item.start}px)` }}
                    data-testid="file-row"
                    data-path={f.path}
                  >
                    <span role="cell" className="mono hx-fpath" title={f.path}>
                      {f.path}
                    </span>
                    <span role="cell">
                      <span className="badge">{FILE_KIND_LABELS[f.kind]}</span>
                    </span>
                    <span role="cell" className="hx-fnum" title={`${formatCount(f.size)} bytes`}>
                      {formatBytes(f.size)}
                    </span>
                    <span role="cell">
                      <Link to={{ view: 'hex', file: f.path }} title={`Annotated bytes of ${f.path}`}>
                        bytes
                      </Link>
                    </span>
                  </div>
                );
              })}
            </div>
          </div>
        </div>
      )}
    </section>
  );
}
