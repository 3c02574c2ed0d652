import type { ReactNode } from 'react';
import { Link } from '../../components/Link.tsx';
import { formatCount } from '../../lib/format.ts';
import { hex } from './format.ts';

/** A byte offset in hex and decimal: `0x1f3a (7,994)`. */
export function OffsetText({ value }: { value: number }) {
  return (
    <span className="pk-offset">
      <span className="mono">{hex(value)}</span> <span className="muted">({formatCount(value)})</span>
    </span>
  );
}

/** A link to the annotated hex view of `file` (a path in the opened folder) at byte `at`. */
export function OffsetLink({ file, at, children, label }: { file: string; at: number; children?: ReactNode; label?: string }) {
  return (
    <Link to={{ view: 'hex', file, at }} title={`${label ? `${label}: ` : ''}open ${file.replace(/^.*\//, '')} in the hex view at ${hex(at)} (${formatCount(at)})`}>
      {children ?? <OffsetText value={at} />}
    </Link>
  );
}
