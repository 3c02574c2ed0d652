import { useState } from 'react';
import type { DiffFileInfo } from '../../../protocol/diff.ts';
import { VirtualRows } from '../../components/blob/VirtualRows.tsx';
import { MarkedText } from '../../components/MarkedText.tsx';
import { formatCount } from '../../lib/format.ts';
import { StatusBadge } from './FileHeader.tsx';

const ROW_HEIGHT = 28;

/**
 * The changed files as a list to jump from, virtualized (a commit can touch thousands), with
 * a filter on the path. Each entry says its status and line counts; a click scrolls its diff
 * into view.
 */
export function FileList({ files, total, onJump, current }: { files: DiffFileInfo[]; total: number | undefined; onJump: (position: number) => void; current: number | undefined }) {
  const [filter, setFilter] = useState('');
  const needle = filter.trim().toLowerCase();
  const shown = needle === '' ? files.map((_, i) => i) : files.flatMap((f, i) => (`${f.old.path}\u0000${f.new.path}`.toLowerCase().includes(needle) ? [i] : []));
  return (
    <nav className="df-filelist" aria-label="Changed files" data-testid="diff-file-list">
      {files.length > 8 && (
        <input type="search" className="df-filter" placeholder="Filter changed files" aria-label="Filter changed files" value={filter} onChange={(e) => setFilter(e.target.value)} spellCheck={false} />
      )}
      {needle !== '' && (
        <p className="muted df-filter-count" role="status">
          {formatCount(shown.length)} of {formatCount(files.length)}
          {total !== undefined && total > files.length ? ` (${formatCount(total)} in all, more as you scroll the diffs)` : ''}
        </p>
      )}
      <VirtualRows
        count={shown.length}
        rowHeight={ROW_HEIGHT}
        className="df-filelist-rows"
        testId="diff-file-rows"
        label="Changed files"
        unit="Files"
        renderRow={(row) => {
          const position = shown[row];
          const f = files[position];
          const path = f.status === 'D' ? f.old.path : f.new.path;
          const slash = path.lastIndexOf('/');
          return (
            <button
              type="button"
              className={position === current ? 'df-filelist-item current' : 'df-filelist-item'}
              onClick={() => onJump(position)}
              title={f.status === 'R' || f.status === 'C' ? `${f.old.quoted ?? f.old.path} → ${f.new.quoted ?? f.new.path}` : (f.new.quoted ?? f.old.quoted ?? path)}
              data-testid="diff-file-item"
              data-index={f.index}
              data-status={f.status}
              data-old-path={f.old.path}
              data-new-path={f.new.path}
              data-added={f.added ?? ''}
              data-deleted={f.deleted ?? ''}
              data-binary={f.binary ? '1' : ''}
            >
              <StatusBadge status={f.status} similarity={f.similarity} />
              <span className="df-filelist-name">
                <span className="df-base">
                  <MarkedText text={path.slice(slash + 1)} />
                </span>
                {slash >= 0 && (
                  <span className="df-dir">
                    {' '}
                    <MarkedText text={path.slice(0, slash)} />
                  </span>
                )}
              </span>
              {f.binary ? (
                <span className="df-filelist-counts muted">bin</span>
              ) : f.added !== undefined && f.deleted !== undefined ? (
                <span className="df-filelist-counts">
                  {f.added > 0 && <span className="df-plus">+{formatCount(f.added)}</span>}
                  {f.deleted > 0 && <span className="df-minus">−{formatCount(f.deleted)}</span>}
                </span>
              ) : null}
            </button>
          );
        }}
      />
    </nav>
  );
}
