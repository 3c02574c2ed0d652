import type { ReactNode } from 'react';
import type { DiffFileInfo, DiffStatus } from '../../../protocol/diff.ts';
import { Link } from '../../components/Link.tsx';
import { MarkedText } from '../../components/MarkedText.tsx';
import { formatCount } from '../../lib/format.ts';

/**
 * A changed file's header: status, path (old → new for a rename or copy), similarity, mode
 * and type changes, line counts with a small bar. Paths are repository text: MarkedText only.
 */

const STATUS_WORDS: Record<DiffStatus, string> = { A: 'added', D: 'deleted', M: 'modified', T: 'type changed', R: 'renamed', C: 'copied' };

/** What a mode means, in a word. */
export function modeWord(mode: string): string {
  switch (mode) {
    case '100644':
      return 'file';
    case '100755':
      return 'executable';
    case '120000':
      return 'symlink';
    case '160000':
      return 'submodule';
    case '040000':
      return 'folder';
    default:
      return mode;
  }
}

/** A status badge: `M`, `R 86%`, with the word in its title. */
export function StatusBadge({ status, similarity }: { status: DiffStatus; similarity?: number | undefined }) {
  const word = STATUS_WORDS[status];
  return (
    <span className={`df-status df-status-${status}`} title={similarity !== undefined ? `${word}, ${similarity}% similar` : word} data-testid="diff-status">
      {status}
      {similarity !== undefined && (status === 'R' || status === 'C') && <span className="df-sim">{similarity}%</span>}
    </span>
  );
}

/** The file's path as shown: the new path, or old → new when it moved; the folder part quieter. */
export function FilePath({ file }: { file: DiffFileInfo }) {
  const moved = (file.status === 'R' || file.status === 'C') && file.old.path !== file.new.path;
  const path = file.status === 'D' ? file.old.path : file.new.path;
  if (moved) {
    return (
      <span className="df-path" title={`${file.old.quoted ?? file.old.path} → ${file.new.quoted ?? file.new.path}`}>
        <PathText path={file.old.path} />
        <span className="df-arrow" role="img" aria-label="to">
          {' → '}
        </span>
        <PathText path={file.new.path} />
      </span>
    );
  }
  const quoted = file.status === 'D' ? file.old.quoted : file.new.quoted;
  return (
    <span className="df-path" title={quoted ?? path}>
      <PathText path={path} />
    </span>
  );
}

function PathText({ path }: { path: string }) {
  const slash = path.lastIndexOf('/');
  return (
    <>
      {slash >= 0 && (
        <span className="df-dir">
          <MarkedText text={path.slice(0, slash + 1)} />
        </span>
      )}
      <span className="df-base">
        <MarkedText text={path.slice(slash + 1)} />
      </span>
    </>
  );
}

/** Five blocks, green for added and red for removed lines in proportion, as code hosts draw it. */
export function ChangeBar({ added, deleted }: { added: number; deleted: number }) {
  const total = added + deleted;
  const blocks = 5;
  const filled = Math.min(blocks, total);
  const green = total === 0 ? 0 : Math.round((added / total) * filled);
  return (
    <span className="df-bar" aria-hidden="true">
      {Array.from({ length: blocks }, (_, i) => (
        <span key={i} className={i < green ? 'df-bar-add' : i < filled ? 'df-bar-del' : 'df-bar-none'} />
      ))}
    </span>
  );
}

/** +12 −3 and the bar; `binary` or nothing when there are no line counts. */
export function LineCounts({ file }: { file: DiffFileInfo }) {
  if (file.binary) return <span className="df-counts muted">binary</span>;
  // A pure rename or a mode change has no line counts worth showing.
  if (file.added === undefined || file.deleted === undefined || file.added + file.deleted === 0) return null;
  return (
    <span className="df-counts" data-testid="diff-counts">
      <span className="df-plus">+{formatCount(file.added)}</span> <span className="df-minus">−{formatCount(file.deleted)}</span> <ChangeBar added={file.added} deleted={file.deleted} />
    </span>
  );
}

/** What changed besides the content: mode (+x) and type (file → symlink). */
export function ModeChange({ file }: { file: DiffFileInfo }) {
  if (file.status === 'A' || file.status === 'D' || file.old.mode === file.new.mode) return null;
  return (
    <span className="df-mode" title={`mode ${file.old.mode} → ${file.new.mode}`}>
      {modeWord(file.old.mode)} → {modeWord(file.new.mode)}
    </span>
  );
}

/** The header row of one file in the diff list. */
export function FileHeader({ file, open, onToggle, actions }: { file: DiffFileInfo; open: boolean; onToggle: () => void; actions?: ReactNode }) {
  const blob = file.status === 'D' ? file.old : file.new;
  return (
    <div
      className={open ? 'df-file-head open' : 'df-file-head'}
      data-testid="diff-file"
      data-index={file.index}
      data-status={file.status}
      data-path={blob.path}
      data-old-path={file.old.path}
      data-new-path={file.new.path}
      data-added={file.added ?? ''}
      data-deleted={file.deleted ?? ''}
      data-binary={file.binary ? '1' : ''}
    >
      <button type="button" className="df-toggle" aria-expanded={open} aria-label={open ? 'Collapse this file' : 'Show this file'} onClick={onToggle}>
        <span aria-hidden="true">{open ? '▾' : '▸'}</span>
      </button>
      <StatusBadge status={file.status} similarity={file.similarity} />
      <FilePath file={file} />
      <ModeChange file={file} />
      <span className="spacer" />
      <LineCounts file={file} />
      {actions}
      {!/^0+$/.test(blob.oid) && blob.mode !== '160000' && (
        <Link to={{ view: 'object', oid: blob.oid }} className="df-view small-link" title={`The ${file.status === 'D' ? 'deleted' : 'new'} blob ${blob.oid}`}>
          View file
        </Link>
      )}
    </div>
  );
}
