import type { PackSummary } from '../../../protocol/messages.ts';
import { formatBytes, formatCount } from '../../lib/format.ts';
import { shortPackName } from '../pack/format.ts';
import { Link } from '../../components/Link.tsx';
import { PackFileCells, PackFileHeads } from './PackFileColumns.tsx';

/** The `.rev`, `.bitmap`, … files that sit beside a pack, as the summary flags them. */
const COMPANIONS: { key: keyof PackSummary; label: string; title: string }[] = [
  { key: 'hasRev', label: '.rev', title: 'Reverse index: pack positions in offset order' },
  { key: 'hasBitmap', label: '.bitmap', title: 'Reachability bitmap index' },
  { key: 'hasKeep', label: '.keep', title: 'git gc and repack leave this pack alone' },
  { key: 'hasPromisor', label: '.promisor', title: 'Fetched from a promisor remote (partial clone)' },
  { key: 'hasMtimes', label: '.mtimes', title: 'Object modification times of a cruft pack' },
];

function formatMtime(ms: number): string {
  if (!ms) return '—';
  return new Date(ms).toLocaleString(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

/** Every pack of the folder: counts, sizes, versions, the files beside it, midx coverage. */
export function PacksTable({ packs, hasMidx, withoutIdx }: { packs: PackSummary[]; hasMidx: boolean; withoutIdx: number }) {
  if (packs.length === 0) {
    return <p className="muted">{withoutIdx > 0 ? 'No pack can be read yet: none has an .idx beside it (see below).' : 'No packs: every object is stored loose.'}</p>;
  }
  const totalObjects = packs.reduce((s, p) => s + p.objects, 0);
  const totalPack = packs.reduce((s, p) => s + p.packBytes, 0);
  const totalIdx = packs.reduce((s, p) => s + p.idxBytes, 0);
  return (
    <div className="table-scroll">
      <table className="data packs-table">
        <thead>
          <tr>
            <th>Pack</th>
            <PackFileHeads />
            <th>Beside it</th>
            <th>Multi-pack-index</th>
            <th>Modified</th>
          </tr>
        </thead>
        <tbody>
          {packs.map((p) => {
            const badges = COMPANIONS.filter((c) => p[c.key] === true);
            return (
              <tr key={p.name} data-testid="pack-row" data-pack={p.name}>
                <td className="mono pack-name" title={p.name}>
                  {/* Cut to fit the overview; the pack's page shows (and copies) the whole name. */}
                  <Link to={{ view: 'pack', name: p.name }}>{shortPackName(p.name)}</Link>
                </td>
                <PackFileCells pack={p} />
                <td className="badges">
                  {badges.length === 0 ? (
                    <span className="muted">—</span>
                  ) : (
                    badges.map((b) => (
                      <span key={b.label} className="badge on" title={b.title}>
                        {b.label}
                      </span>
                    ))
                  )}
                </td>
                <td>{!hasMidx ? <span className="muted">—</span> : p.coveredByMidx ? <span className="covered">✓ covered</span> : <span className="warn">not covered</span>}</td>
                <td className="nowrap">{formatMtime(p.mtimeMs)}</td>
              </tr>
            );
          })}
        </tbody>
        {packs.length > 1 && (
          <tfoot>
            <tr>
              <td>{packs.length} packs</td>
              <td className="num">{formatCount(totalObjects)}</td>
              <td className="num">{formatBytes(totalPack)}</td>
              <td className="num">{formatBytes(totalIdx)}</td>
              <td colSpan={6} />
            </tr>
          </tfoot>
        )}
      </table>
    </div>
  );
}
