import { memo } from 'react';
import type { ObjectRow, WireError } from '../../../protocol/messages.ts';

/** The columns, in order; the header and every row share them (see objects.css). */
export const COLUMNS = [
  { key: 'id', label: 'Object id', title: undefined },
  { key: 'type', label: 'Type', title: undefined },
  { key: 'size', label: 'Size', title: 'Size of the content, in bytes' },
  { key: 'stored', label: 'Stored', title: 'Bytes the entry takes where it is stored: compressed, and a delta when it is one' },
  { key: 'pack', label: 'Pack', title: 'The pack it is read from, or loose' },
  { key: 'offset', label: 'Offset', title: 'Byte offset of the entry in its pack' },
  { key: 'depth', label: 'Depth', title: 'Delta chain length: 0 for an object stored whole' },
] as const;

interface RowProps {
  index: number;
  row: ObjectRow | undefined;
  /** Why the row's page could not be fetched. */
  failure: WireError | undefined;
  selected: boolean;
  /** Top of the row inside the row layer, in px. */
  y: number;
  /** The object page's href, for the id link. */
  href: string | undefined;
  onRetry: (index: number) => void;
}

/** Thousands separators as formatCount writes them; one formatter, since rows render by the hundred while scrolling. */
const counts = new Intl.NumberFormat('en-US');

function count(n: number | undefined): string {
  return n === undefined ? '' : counts.format(n);
}

/** Row ids for aria-activedescendant. */
export function rowId(index: number): string {
  return `obj-row-${index}`;
}

/** One row of the objects list: a loaded row, a row with an error, or a placeholder while its page loads. */
export const ObjectRowView = memo(function ObjectRowView({ index, row, failure, selected, y, href, onRetry }: RowProps) {
  const common = {
    id: rowId(index),
    role: 'row',
    'aria-rowindex': index + 2,
    'aria-selected': selected,
    'data-index': index,
    style: { transform: `translateY(${y}px)` },
  };
  if (!row) {
    return (
      <div {...common} className={`obj-row obj-cols pending${selected ? ' selected' : ''}`} data-testid="object-row-pending">
        {failure ? (
          <div role="gridcell" className="c-failure" title={failure.message}>
            Could not fetch these rows: {failure.detail}{' '}
            <button type="button" className="link-button" tabIndex={-1} onClick={() => onRetry(index)}>
              Try again
            </button>
          </div>
        ) : (
          <div role="gridcell" className="c-id muted" aria-busy="true">
            …
          </div>
        )}
      </div>
    );
  }
  const error = row.error;
  return (
    <div {...common} className={`obj-row obj-cols${selected ? ' selected' : ''}${error ? ' has-error' : ''}`} data-testid="object-row" data-oid={row.oid}>
      <div role="gridcell" className="c-id">
        <a href={href} className="oid" tabIndex={-1}>
          {row.oid}
        </a>
      </div>
      {error ? (
        // The message names the file and offset; the pack column is given to the sentence.
        <div role="gridcell" className="c-error" title={error.message}>
          <span className="error-kind">{error.kind}</span> {error.detail}
        </div>
      ) : (
        <>
          <div role="gridcell" className={`c-type type-${row.type ?? 'unknown'}`}>
            {row.type}
          </div>
          <div role="gridcell" className="c-size num">
            {count(row.size)}
          </div>
          <div role="gridcell" className="c-stored num">
            {count(row.storedSize)}
          </div>
        </>
      )}
      {!error && (
        <div role="gridcell" className={row.pack === 'loose' ? 'c-pack loose' : 'c-pack'} title={row.pack}>
          {row.pack}
        </div>
      )}
      <div role="gridcell" className="c-offset num" title={row.offset !== undefined ? `0x${row.offset.toString(16)}` : undefined}>
        {row.offset}
      </div>
      <div role="gridcell" className={row.depth ? 'c-depth num' : 'c-depth num zero'}>
        {row.depth}
      </div>
    </div>
  );
});
