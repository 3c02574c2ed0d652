import { useState } from 'react';
import type { SizeSummary } from '../../../protocol/analysis.ts';
import { Link } from '../../components/Link.tsx';
import { MarkedText } from '../../components/MarkedText.tsx';
import { formatBytes, formatCount } from '../../lib/format.ts';

const TYPES = ['blob', 'tree', 'commit', 'tag'] as const;

/** Per pack: its bytes by object type, and the paths whose blobs fill it, most bytes first. */
export function PackFill({ summary, onSelect }: { summary: SizeSummary; onSelect: (path: number) => void }) {
  return (
    <section className="sz-packs" aria-label="What fills each pack" data-testid="size-packs">
      {summary.packs.map((p) => (
        <PackCard key={p.name} pack={p} onSelect={onSelect} />
      ))}
      {summary.packCount > summary.packs.length && <p className="muted">{formatCount(summary.packCount - summary.packs.length)} more packs are not listed.</p>}
      {summary.packs.length === 0 && <p className="muted">No pack: every object is loose.</p>}
    </section>
  );
}

function PackCard({ pack, onSelect }: { pack: SizeSummary['packs'][number]; onSelect: (path: number) => void }) {
  const [all, setAll] = useState(false);
  const typed = TYPES.reduce((s, t) => s + pack.storedByType[t], 0);
  const shown = all ? pack.paths : pack.paths.slice(0, 10);
  const most = pack.paths[0]?.stored ?? 1;
  return (
    <article className="sz-pack">
      <h4>
        <Link to={{ view: 'pack', name: pack.name.replace(/\.pack$/, '') }} className="mono">
          {pack.name}
        </Link>{' '}
        <span className="muted">
          {formatBytes(pack.size)} · {formatCount(pack.entries)} objects
        </span>
      </h4>
      <div className="sz-typebar" role="img" aria-label={TYPES.map((t) => `${t} ${formatBytes(pack.storedByType[t])}`).join(', ')}>
        {TYPES.map((t) =>
          pack.storedByType[t] > 0 ? (
            <span key={t} className={`sz-type ${t}`} style={{ flexGrow: pack.storedByType[t] / Math.max(1, typed) }} title={`${t}s: ${formatBytes(pack.storedByType[t])}`} />
          ) : null,
        )}
      </div>
      <p className="muted small-text">
        {TYPES.map((t) => `${t}s ${formatBytes(pack.storedByType[t])}`).join(' · ')}
        {pack.storedUnnamedBlobs > 0 && ` · blobs no commit names ${formatBytes(pack.storedUnnamedBlobs)}`}
      </p>
      <table className="sz-table compact">
        <tbody>
          {shown.map((x) => (
            <tr key={x.id}>
              <td className="sz-bar-cell">
                <span className="sz-bar" style={{ width: `${Math.max(1, (x.stored / most) * 100)}%` }} />
              </td>
              <td>
                <button type="button" className="link-button mono sz-path-button" title={x.quoted ?? x.path} onClick={() => onSelect(x.id)}>
                  <MarkedText text={x.path} />
                </button>
              </td>
              <td className="num">{formatBytes(x.stored)}</td>
              <td className="num muted">{formatCount(x.blobs)} blobs</td>
            </tr>
          ))}
        </tbody>
      </table>
      {pack.paths.length > 10 && (
        <button type="button" className="small" onClick={() => setAll((a) => !a)}>
          {all ? 'Fewer' : `All ${formatCount(pack.paths.length)} listed paths`}
        </button>
      )}
    </article>
  );
}
