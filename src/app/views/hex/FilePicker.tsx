import { useId } from 'react';
import type { FolderFile } from '../../../protocol/anatomy.ts';
import { formatBytes } from '../../lib/format.ts';
import { FILE_KIND_LABELS } from './kinds.ts';

const ORDER: FolderFile['kind'][] = ['pack', 'idx', 'rev', 'bitmap', 'mtimes', 'keep', 'promisor', 'midx', 'midx-chain', 'commit-graph', 'commit-graph-chain', 'ref', 'other', 'loose'];

/** A choice of every file of the folder, grouped by kind. */
export function FilePicker({ files, value, onPick }: { files: FolderFile[]; value: string; onPick: (path: string) => void }) {
  const id = useId();
  const groups = ORDER.map((kind) => ({ kind, files: files.filter((f) => f.kind === kind) })).filter((g) => g.files.length > 0);
  const known = files.some((f) => f.path === value);
  return (
    <span className="hx-picker">
      <label htmlFor={id}>File</label>
      <select id={id} value={known ? value : ''} onChange={(e) => onPick(e.target.value)} data-testid="hex-file">
        {!known && <option value="">{value}</option>}
        {groups.map((g) => (
          <optgroup key={g.kind} label={`${FILE_KIND_LABELS[g.kind]} (${g.files.length})`}>
            {g.files.map((f) => (
              <option key={f.path} value={f.path}>
                {f.path} — {formatBytes(f.size)}
              </option>
            ))}
          </optgroup>
        ))}
      </select>
    </span>
  );
}
