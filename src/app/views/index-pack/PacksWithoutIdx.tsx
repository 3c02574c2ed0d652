import type { PackWithoutIdx } from '../../../protocol/index-pack.ts';
import { Link } from '../../components/Link.tsx';
import { formatBytes, formatCount } from '../../lib/format.ts';
import './index-pack.css';

/**
 * The packs of the folder that have no `.idx` beside them (carved from a disk image, copied
 * without their index): their size, and a way to index each here, as git index-pack would.
 */
export function PacksWithoutIdx({ packs }: { packs: PackWithoutIdx[] | undefined }) {
  if (!packs || packs.length === 0) return null;
  const waiting = packs.filter((p) => !p.indexedInMemory).length;
  return (
    <section aria-labelledby="ix-without-h" data-testid="packs-without-idx">
      <h2 id="ix-without-h">Packs without an index</h2>
      <p className="muted">
        {waiting > 0
          ? `${waiting === 1 ? 'This .pack has' : 'These .pack files have'} no .idx beside ${waiting === 1 ? 'it' : 'them'}, so ${waiting === 1 ? 'its' : 'their'} objects cannot be looked up. packscope can index ${waiting === 1 ? 'it' : 'them'} here, as git index-pack does; nothing is written into the folder.`
          : 'Indexed in this session; the indexes are held in memory only, not written into the folder.'}
      </p>
      <div className="table-scroll">
        <table className="data ix-list">
          <thead>
            <tr>
              <th>Pack</th>
              <th className="num">Size</th>
              <th>Index</th>
            </tr>
          </thead>
          <tbody>
            {packs.map((p) => (
              <tr key={p.name} data-testid="pack-without-idx" data-pack={p.name}>
                <td className="mono">{p.path}</td>
                <td className="num" title={`${formatCount(p.bytes)} bytes`}>
                  {formatBytes(p.bytes)}
                </td>
                <td className="nowrap">
                  {p.indexedInMemory ? (
                    <span className="ix-state-ok">
                      ✓ indexed in memory ({formatCount(p.objects)} objects) · <Link to={{ view: 'index-pack', name: p.name }}>details</Link>
                    </span>
                  ) : (
                    <Link to={{ view: 'index-pack', name: p.name }} className="ix-index" title="Index it as git index-pack does; nothing is written into the folder">
                      Index this pack
                    </Link>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
