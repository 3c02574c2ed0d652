import type { ReactNode } from 'react';
import type { FieldInfo } from '../../protocol/anatomy.ts';
import { formatCount } from '../lib/format.ts';
import { Link } from './Link.tsx';

/**
 * Byte offsets as every view shows them: hex first (as git's messages and hex dumps print
 * them), decimal beside, and a link into the annotated hex view of the file.
 */

/** `0x1f4`. */
export function hex(n: number): string {
  return `0x${n.toString(16)}`;
}

/** A byte offset in hex and decimal: `0x1f4 (500)`. */
export function OffsetText({ value }: { value: number }) {
  return (
    <span className="offset-text">
      <span className="mono">{hex(value)}</span> <span className="muted">({formatCount(value)})</span>
    </span>
  );
}

/** A link to the annotated hex view of `file` (a path in the opened folder) at byte `at`. */
export function HexLink({ file, at, children, label, title, className }: { file: string; at: number; children?: ReactNode; label?: string; title?: string; className?: string }) {
  return (
    <Link to={{ view: 'hex', file, at }} title={title ?? `${label ? `${label}: ` : ''}open ${file.replace(/^.*\//, '')} in the hex view at ${hex(at)} (${formatCount(at)})`} className={className}>
      {children ?? <OffsetText value={at} />}
    </Link>
  );
}

/** A file's header fields: name, offset (linked into the hex view), length and value. */
export function FieldTable({ fields, file, caption, testId, children }: { fields: FieldInfo[]; file: string | undefined; caption?: string; testId?: string; children?: ReactNode }) {
  return (
    <table className="data field-table" data-testid={testId}>
      {caption && <caption>{caption}</caption>}
      <thead>
        <tr>
          <th>Field</th>
          <th>Offset</th>
          <th className="num">Bytes</th>
          <th>Value</th>
        </tr>
      </thead>
      <tbody>
        {fields.map((f) => (
          <tr key={`${f.name}@${f.offset}`}>
            <td>{f.name}</td>
            <td className="nowrap">{file ? <HexLink file={file} at={f.offset} label={f.name} /> : <span className="mono">{hex(f.offset)}</span>}</td>
            <td className="num">{formatCount(f.length)}</td>
            <td className="mono field-value">{f.value}</td>
          </tr>
        ))}
        {children}
      </tbody>
    </table>
  );
}
