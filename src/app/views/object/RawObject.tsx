import type { ObjectType } from '../../../protocol/messages.ts';
import { BlobViewer } from '../../components/blob/BlobViewer.tsx';
import { formatBytes, formatCount } from '../../lib/format.ts';

/**
 * The bytes of a commit, tag or tree as stored (after `<type> <size>\0`), read only when asked
 * for: the whole of what the page shows cut (a million parents, a long message or header).
 * Commits and tags read as text (virtualized lines, hidden characters marked), trees as hex.
 */
export function RawObject({ oid, type, size, open, onOpen }: { oid: string; type: ObjectType; size: number; open: boolean; onOpen: () => void }) {
  if (!open) {
    return (
      <p className="raw-object-closed">
        <button type="button" className="small" onClick={onOpen} data-testid="show-raw">
          Show the raw {type}
        </button>{' '}
        <span className="muted">
          {formatBytes(size)} ({formatCount(size)} bytes)
        </span>
      </p>
    );
  }
  const text = type !== 'tree';
  return (
    <BlobViewer
      key={oid}
      oid={oid}
      name={`${oid}.${type}`}
      title={<strong>Raw {type}</strong>}
      content={text ? { kind: 'blob', size, text: '', truncated: size > 0 } : { kind: 'blob', size, truncated: true }}
    />
  );
}
