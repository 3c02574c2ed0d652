import type { ReactNode } from 'react';
import './companions.css';
import { Link } from '../Link.tsx';

/** `0x1f4`: a byte offset or length in hex, as git's messages print them. */
export function hex(n: number): string {
  return `0x${n.toString(16)}`;
}

/** A byte offset in hex and decimal: `0x1f4 (500)`. */
export function OffsetText({ n }: { n: number }) {
  return (
    <span className="cmp-offset">
      <span className="mono">{hex(n)}</span> <span className="muted">({n.toLocaleString('en-US')})</span>
    </span>
  );
}

/** A link to the annotated hex view of `file` (a path in the opened folder) at byte `at`. */
export function HexLink({ file, at, children, title, className }: { file: string; at: number; children?: ReactNode; title?: string; className?: string }) {
  return (
    <Link to={{ view: 'hex', file, at }} title={title ?? `Open ${file} in the hex view at ${hex(at)} (${at})`} className={className}>
      {children ?? <OffsetText n={at} />}
    </Link>
  );
}
