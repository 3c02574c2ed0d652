import type { PackSummary } from '../../../protocol/messages.ts';
import { formatBytes, formatCount } from '../../lib/format.ts';

/** The `.rev`, `.bitmap`, … files that sit beside a pack, as the summary flags them. */
const COMPANIONS: { key: keyof PackSummary; label: string; title: string }[] = [
  { key: 'hasRev', label: '.rev', title: 'Reverse index: pack positions in offset order' },
  { key: 'hasBitmap', label: '.bitmap', title: 'Reachability bitmap index' },
  { key: 'hasKeep', label: '.keep', title: 'git gc and repack leave this pack alone' },
  { key: 'hasPromisor', label: '.promisor', title: 'Fetched from a promisor remote (partial clone)' },
  { key: 'hasMtimes', label: '.mtimes', title: 'Object modification times of a cruft pack' },
];

/** "pack-1a2b3c4d5e6f…" for a long pack name; the full name stays in the title and the data attribute. */
function shortPackName(name: string): string {
  const m = /^pack-([0-9a-f]{16,})$/.exec(name);
  return m ? `pack-${m[1].slice(0, 12)}…` : name;
}

function formatMtime(ms: number): string {
  if (!ms) return '—';
  return new Date(ms).toLocaleString(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

/** Every pack of the folder: counts, sizes, versions, the files beside it, midx coverage. */
export function PacksTable({ packs, hasMidx }: { packs: PackSummary[]; hasMidx: boolean }) {
  if (packs.length === 0) return <p className="muted">No packs: every object is stored loose.</p>;
  const totalObjects = packs.reduce((s, p) => s + p.objects, 0);
  const totalPack = packs.reduce((s, p) => s + p.packBytes, 0);
  const totalIdx = packs.reduce((s, p) => s + p.idxBytes, 0);
  return (
    <div className="table-scroll">
      <table className="data packs-table">
        <thead>
          <tr>
            <th>Pack</th>
            <th className="num">Objects</th>
            <th className="num">Pack size</th>
            <th className="num">Idx size</th>
            <th className="num" title="Index format version">Idx v</th>
            <th className="num" title="Pack format version">Pack v</th>
            <th className="num" title="Objects at offsets past 2 GiB, stored in the idx's 64-bit offset table">64-bit offsets</th>
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
                  {shortPackName(p.name)}
                </td>
                <td className="num">{formatCount(p.objects)}</td>
                <td className="num" title={`${formatCount(p.packBytes)} bytes`}>
                  {formatBytes(p.packBytes)}
                </td>
                <td className="num" title={`${formatCount(p.idxBytes)} bytes`}>
                  {formatBytes(p.idxBytes)}
                </td>
                <td className="num">v{p.idxVersion}</td>
                <td className="num">v{p.packVersion}</td>
                <td className={p.largeOffsets ? 'num' : 'num muted'}>{formatCount(p.largeOffsets)}</td>
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
              <td>
                {packs.length} packs
              </td>
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
