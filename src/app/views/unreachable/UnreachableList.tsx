import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef } from 'react';
import type { ObjectType } from '../../../protocol/messages.ts';
import type { UnreachableRow } from '../../../protocol/find.ts';
import { HexLink } from '../../components/HexLink.tsx';
import { Link, OidLink } from '../../components/Link.tsx';
import { formatBytes, formatCount, formatGitDate } from '../../lib/format.ts';

/**
 * The unreachable objects, grouped by type (commits first: a lost commit is where a person
 * starts), dangling ones marked. Virtualized: a damaged repository can hold many thousands.
 */

const ROW_HEIGHT = 40;
const ORDER: (ObjectType | 'unknown')[] = ['commit', 'tag', 'tree', 'blob', 'unknown'];
const GROUP_LABEL: Record<ObjectType | 'unknown', string> = { commit: 'Commits', tag: 'Tags', tree: 'Trees', blob: 'Blobs', unknown: 'Unreadable' };

type Item = { kind: 'group'; type: ObjectType | 'unknown'; count: number; dangling: number } | { kind: 'row'; row: UnreachableRow };

/** Group headers and rows, in display order. */
export function groupRows(rows: UnreachableRow[]): Item[] {
  const items: Item[] = [];
  for (const type of ORDER) {
    const group = rows.filter((r) => (r.type ?? 'unknown') === type);
    if (group.length === 0) continue;
    items.push({ kind: 'group', type, count: group.length, dangling: group.filter((r) => r.dangling).length });
    for (const row of group) items.push({ kind: 'row', row });
  }
  return items;
}

function Detail({ row }: { row: UnreachableRow }) {
  if (row.error) return <span className="ur-error">{row.error.message}</span>;
  if (row.type === 'commit') {
    const date = row.time !== undefined && row.zone ? formatGitDate(row.time, row.zone) : undefined;
    return (
      <span className="ur-detail">
        <span className="ur-summary">{row.summary || <em className="muted">(no message)</em>}</span>
        <span className="muted">
          {row.author}
          {date && <time title={date.original}> · {date.local}</time>}
        </span>
      </span>
    );
  }
  if (row.type === 'tag') {
    return (
      <span className="ur-detail">
        <span className="ur-summary">
          <strong>{row.tagName}</strong> → {row.targetType} {row.target && <OidLink oid={row.target} />}
        </span>
        <span className="muted">{row.summary}</span>
      </span>
    );
  }
  if (row.type === 'tree')
    return (
      <span className="ur-detail muted">
        {formatCount(row.entries)} {row.entries === 1 ? 'entry' : 'entries'}
      </span>
    );
  return <span className="ur-detail muted">{formatBytes(row.size)}</span>;
}

/** Where the object is stored: its pack and a link into the hex view at the entry, or the loose file. */
function Place({ row }: { row: UnreachableRow }) {
  if (row.pack === 'loose') {
    return (
      <span className="ur-place">
        <HexLink file={row.file} at={0} title={`open the loose file ${row.file} in the hex view`}>
          loose
        </HexLink>
      </span>
    );
  }
  const short = row.pack.replace(/^pack-/, '').slice(0, 8);
  return (
    <span className="ur-place">
      <Link to={{ view: 'pack', name: row.pack }} className="mono" title={row.pack}>
        {short}
      </Link>{' '}
      {row.offset !== undefined ? <HexLink file={row.file} at={row.offset} label="entry" /> : null}
    </span>
  );
}

/** The list. */
export function UnreachableList({ rows }: { rows: UnreachableRow[] }) {
  const items = groupRows(rows);
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: items.length, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 12 });
  return (
    <div className="ur-list" ref={scrollRef} style={{ maxHeight: `min(${items.length * ROW_HEIGHT + 2}px, 75vh)` }} data-testid="unreachable-list" role="list" aria-label="Unreachable objects">
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {virtualizer.getVirtualItems().map((v) => {
          const item = items[v.index];
          const style = { transform: `translateY(${v.start}px)`, height: ROW_HEIGHT };
          if (item.kind === 'group') {
            return (
              <div key={`g-${item.type}`} className="ur-group" style={style} role="listitem">
                <span className={`type-${item.type}`}>{GROUP_LABEL[item.type]}</span>
                <span className="muted">
                  {formatCount(item.count)} unreachable{item.dangling > 0 ? `, ${formatCount(item.dangling)} dangling` : ''}
                </span>
              </div>
            );
          }
          const r = item.row;
          return (
            <div
              key={r.oid}
              className={`ur-row${r.dangling ? ' dangling' : ''}`}
              style={style}
              role="listitem"
              data-testid="unreachable-row"
              data-oid={r.oid}
              data-type={r.type ?? 'unknown'}
              data-dangling={r.dangling ? 'yes' : 'no'}
              data-unreadable={r.unreadable ? 'yes' : 'no'}
            >
              <span className="ur-mark">
                {r.unreadable ? (
                  <span className="badge ur-unreadable" title="It could not be read: what it names, and whether it is a tip, is unknown">
                    unreadable
                  </span>
                ) : r.dangling ? (
                  <span className="badge ur-dangling" title="No other object names it: a tip of what was lost">
                    dangling
                  </span>
                ) : (
                  <span className="badge" title="Another unreachable object names it">
                    named
                  </span>
                )}
              </span>
              <span className={`ur-type type-${r.type ?? 'unknown'}`}>{r.type ?? '?'}</span>
              <span className="ur-oid">
                <OidLink oid={r.oid} />
              </span>
              <Detail row={r} />
              <span className="ur-actions">
                {r.type === 'commit' && (
                  <Link to={{ view: 'browse', rev: r.oid, path: [] }} title="Browse the files of this commit">
                    Browse
                  </Link>
                )}
                {r.type === 'commit' && (
                  <Link to={{ view: 'history', rev: r.oid, mode: 'all' }} title="The history this commit carries">
                    History
                  </Link>
                )}
              </span>
              <Place row={r} />
            </div>
          );
        })}
      </div>
    </div>
  );
}
