import type { FolderFile } from '../../../protocol/anatomy.ts';
import { KINDS_BY_FILE, KIND_LABELS } from './kinds.ts';

/** The colours of this kind of file's structures. */
export function Legend({ kind }: { kind: FolderFile['kind'] }) {
  const kinds = KINDS_BY_FILE[kind];
  if (kinds.length === 0) return <p className="muted hx-legend-none">This file has no binary structure to annotate: its bytes are shown as they are.</p>;
  return (
    <ul className="hx-legend" aria-label="Colours">
      {kinds.map((k) => (
        <li key={k}>
          <span className={`hx-swatch hx-k-${k}`} aria-hidden="true" />
          {KIND_LABELS[k]}
        </li>
      ))}
    </ul>
  );
}
