import { useId, useMemo } from 'react';
import type { RefSummary } from '../../../protocol/messages.ts';
import { useRepo } from '../../stores/repo.ts';

interface RefOption {
  value: string;
  label: string;
}

interface RefGroups {
  branches: RefOption[];
  tags: RefOption[];
  remotes: RefOption[];
  other: RefOption[];
}

const PREFIXES: [keyof RefGroups, string][] = [
  ['branches', 'refs/heads/'],
  ['tags', 'refs/tags/'],
  ['remotes', 'refs/remotes/'],
];

/** Refs grouped as a person thinks of them, each named by its short name when that is unambiguous. */
export function groupRefs(refs: RefSummary[]): RefGroups {
  const shortOf = (name: string) => {
    for (const [, prefix] of PREFIXES) if (name.startsWith(prefix)) return name.slice(prefix.length);
    return name;
  };
  const counts = new Map<string, number>();
  for (const r of refs) counts.set(shortOf(r.name), (counts.get(shortOf(r.name)) ?? 0) + 1);
  const groups: RefGroups = { branches: [], tags: [], remotes: [], other: [] };
  for (const r of refs) {
    const short = shortOf(r.name);
    const group = PREFIXES.find(([, prefix]) => r.name.startsWith(prefix))?.[0] ?? 'other';
    const unique = (counts.get(short) ?? 0) === 1 && short !== 'HEAD';
    groups[group].push({ value: unique ? short : r.name, label: group === 'other' ? r.name : short });
  }
  return groups;
}

/** Picks HEAD, a branch or a tag; shows the current revision even when it is a bare commit id. */
export function RefSelector({ rev, onSelect, label = 'Branch or tag' }: { rev: string; onSelect: (rev: string) => void; label?: string }) {
  const refs = useRepo((s) => s.summary?.refs);
  const head = useRepo((s) => s.summary?.head);
  const id = useId();
  const groups = useMemo(() => groupRefs(refs ?? []), [refs]);
  const all = [...groups.branches, ...groups.tags, ...groups.remotes, ...groups.other];
  const known = (rev === 'HEAD' && head !== undefined) || all.some((o) => o.value === rev);
  const headLabel = head?.symbolic ? `HEAD → ${head.symbolic.replace(/^refs\/heads\//, '')}` : 'HEAD (detached)';
  return (
    <div className="ref-selector">
      <label htmlFor={id} className="visually-hidden">
        {label}
      </label>
      <svg className="ref-glyph" width="14" height="14" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
        <circle cx="4.5" cy="3.5" r="1.8" fill="none" stroke="currentColor" strokeWidth="1.3" />
        <circle cx="4.5" cy="12.5" r="1.8" fill="none" stroke="currentColor" strokeWidth="1.3" />
        <circle cx="11.5" cy="5.5" r="1.8" fill="none" stroke="currentColor" strokeWidth="1.3" />
        <path d="M4.5 5.3v5.4M11.5 7.3c0 2.5-2 3-5.5 3.7" fill="none" stroke="currentColor" strokeWidth="1.3" />
      </svg>
      <select id={id} value={rev} onChange={(e) => onSelect(e.target.value)} data-testid="ref-selector">
        {!known && <option value={rev}>{/^[0-9a-f]{40,64}$/i.test(rev) ? `commit ${rev.slice(0, 12)}` : rev}</option>}
        {head && <option value="HEAD">{headLabel}</option>}
        {groups.branches.length > 0 && (
          <optgroup label="Branches">
            {groups.branches.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </optgroup>
        )}
        {groups.tags.length > 0 && (
          <optgroup label="Tags">
            {groups.tags.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </optgroup>
        )}
        {groups.remotes.length > 0 && (
          <optgroup label="Remote branches">
            {groups.remotes.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </optgroup>
        )}
        {groups.other.length > 0 && (
          <optgroup label="Other refs">
            {groups.other.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </optgroup>
        )}
      </select>
    </div>
  );
}
