import { useState } from 'react';
import type { PackStats } from '../../../protocol/anatomy.ts';
import type { ObjectType } from '../../../protocol/messages.ts';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import { Link, OidLink } from '../../components/Link.tsx';
import { formatBytes, formatCount } from '../../lib/format.ts';
import { ChainChart } from './ChainChart.tsx';
import { percent, ratio } from './format.ts';
import { histogramLines } from './histogram.ts';
import { HexLink } from '../../components/HexLink.tsx';

/**
 * What the scan of a pack found: entries by how they are stored, objects by what they are,
 * bytes stored against bytes inflated, the delta chains as `git verify-pack -v` reports them,
 * and the largest objects.
 */

const TYPES: ObjectType[] = ['commit', 'tree', 'blob', 'tag'];
const KINDS = ['commit', 'tree', 'blob', 'tag', 'ofs-delta', 'ref-delta'];
const KIND_NOTES: Record<string, string> = {
  'ofs-delta': 'delta whose base is named by a distance back in this pack',
  'ref-delta': 'delta whose base is named by its object id',
};

function Stat({ label, value, note }: { label: string; value: string; note?: string }) {
  return (
    <div className="card pk-stat">
      <div className="pk-stat-label">{label}</div>
      <div className="pk-stat-value">{value}</div>
      {note && <div className="pk-stat-note muted">{note}</div>}
    </div>
  );
}

/** The statistics of one pack; `packFile` is the .pack's path (hex links), `ms` how long the scan took in the page. */
export function StatsSection({ stats, packFile, ms }: { stats: PackStats; packFile: string; ms: number }) {
  const deltas = stats.ofsDeltas + stats.refDeltas;
  const maxChain = stats.chainHistogram.length;
  const lines = histogramLines(stats);
  const [allProblems, setAllProblems] = useState(false);
  const resolved = TYPES.reduce((sum, t) => sum + stats.byType[t], 0);
  return (
    <div className="pk-stats" data-testid="pack-stats">
      <div className="cards pk-stat-cards">
        <Stat label="Entries" value={formatCount(stats.objects)} note={`${formatCount(stats.nonDelta)} whole, ${formatCount(deltas)} deltas`} />
        <Stat label="Stored" value={formatBytes(stats.storedBytes)} note={`${formatCount(stats.storedBytes)} bytes of entries in a ${formatBytes(stats.packBytes)} file`} />
        <Stat label="Inflated" value={formatBytes(stats.inflatedBytes)} note={`every object at its full size: ${ratio(stats.inflatedBytes, stats.storedBytes)} what is stored`} />
        <Stat label="Deltified" value={percent(deltas, stats.objects)} note={`${formatCount(stats.ofsDeltas)} ofs-delta, ${formatCount(stats.refDeltas)} ref-delta`} />
        <Stat label="Longest chain" value={formatCount(maxChain)} note={maxChain ? 'deltas to apply to rebuild the deepest object' : 'no deltas'} />
        {stats.unreadable > 0 && <Stat label="Unreadable" value={formatCount(stats.unreadable)} note="entries whose header, delta or base could not be read" />}
      </div>
      <p className="muted pk-scan-note">
        Read from every entry's header (and a delta's first bytes): {formatCount(stats.scanMs ?? ms)} ms of work in the engine
        {stats.scanMs !== undefined && ms > stats.scanMs + 50 ? `, ${formatCount(ms)} ms from asking to answer` : ''}. The engine keeps the result while this folder is open.
      </p>

      {stats.problems && stats.problems.length > 0 && (
        <div className="pk-problems">
          <h3>{stats.unreadable === 1 ? 'An entry could not be read' : `${formatCount(stats.unreadable)} entries could not be read`}</h3>
          {(allProblems ? stats.problems : stats.problems.slice(0, 3)).map((p, i) => (
            <div key={i} data-testid="pack-problem">
              <ErrorBox error={p} title={`Entry at offset 0x${(p.offset ?? 0).toString(16)}`} />
            </div>
          ))}
          {stats.problems.length > 3 && !allProblems && (
            <button type="button" onClick={() => setAllProblems(true)}>
              Show {stats.problems.length - 3} more
            </button>
          )}
          {allProblems && stats.unreadable > stats.problems.length && <p className="muted">The first {stats.problems.length} are shown; the byte map marks every unreadable entry in red.</p>}
        </div>
      )}

      <div className="pk-two">
        <div>
          <h3>Objects by type</h3>
          <div className="table-scroll">
            <table className="data pk-types" data-testid="pack-types">
              <thead>
                <tr>
                  <th>Type</th>
                  <th className="num">Objects</th>
                  <th className="num" title="Entries stored whole, as this type">
                    Whole
                  </th>
                  <th className="num" title="Entries stored as deltas that resolve to this type">
                    Deltas
                  </th>
                  <th className="num" title="Bytes of the entries: headers and zlib streams">
                    Stored
                  </th>
                  <th className="num" title="The objects' own sizes, as git cat-file -s reports them">
                    Inflated
                  </th>
                  <th className="num" title="Inflated bytes per stored byte">
                    Ratio
                  </th>
                  <th title="Share of the stored bytes">Share of pack</th>
                </tr>
              </thead>
              <tbody>
                {TYPES.map((t) => (
                  <tr key={t} data-type={t}>
                    <td>
                      <span className={`type-${t}`}>{t}</span>
                    </td>
                    <td className="num">{formatCount(stats.byType[t])}</td>
                    <td className="num">{formatCount(stats.byEntryType[t] ?? 0)}</td>
                    <td className="num">{formatCount(stats.byType[t] - (stats.byEntryType[t] ?? 0))}</td>
                    <td className="num" title={`${formatCount(stats.storedByType[t])} bytes`}>
                      {formatBytes(stats.storedByType[t])}
                    </td>
                    <td className="num" title={`${formatCount(stats.sizeByType[t])} bytes`}>
                      {formatBytes(stats.sizeByType[t])}
                    </td>
                    <td className="num">{ratio(stats.sizeByType[t], stats.storedByType[t])}</td>
                    <td className="pk-share-cell">
                      <span className="pk-share" aria-hidden="true">
                        <span className={`pk-share-bar pk-fill-${t}`} style={{ width: percent(stats.storedByType[t], stats.storedBytes) }} />
                      </span>
                      <span className="muted">{percent(stats.storedByType[t], stats.storedBytes)}</span>
                    </td>
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr>
                  <td>all</td>
                  <td className="num">{formatCount(resolved)}</td>
                  <td className="num">{formatCount(stats.nonDelta)}</td>
                  <td className="num">{formatCount(resolved - stats.nonDelta)}</td>
                  <td className="num" title={`${formatCount(stats.storedBytes)} bytes`}>
                    {formatBytes(stats.storedBytes)}
                  </td>
                  <td className="num" title={`${formatCount(stats.inflatedBytes)} bytes`}>
                    {formatBytes(stats.inflatedBytes)}
                  </td>
                  <td className="num">{ratio(stats.inflatedBytes, stats.storedBytes)}</td>
                  <td />
                </tr>
              </tfoot>
            </table>
          </div>
        </div>
        <div>
          <h3>Entries as stored</h3>
          <table className="data pk-kinds" data-testid="pack-entry-kinds">
            <thead>
              <tr>
                <th>Entry type</th>
                <th className="num">Entries</th>
                <th className="num">Share</th>
              </tr>
            </thead>
            <tbody>
              {KINDS.map((k) => (
                <tr key={k} data-kind={k}>
                  <td title={KIND_NOTES[k]}>
                    <span className={k.endsWith('delta') ? 'badge' : `type-${k}`}>{k}</span>
                  </td>
                  <td className="num">{formatCount(stats.byEntryType[k] ?? 0)}</td>
                  <td className="num muted">{percent(stats.byEntryType[k] ?? 0, stats.objects)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="muted pk-kinds-note">The type in each entry's header. Deltas are counted above under the type they resolve to.</p>
        </div>
      </div>

      <h3 id="pk-chains-h">Delta chains</h3>
      <div className="pk-chains">
        <div className="pk-chains-text">
          <p className="muted">
            As <code>git verify-pack -v</code> prints it:
          </p>
          <pre
            className="pk-verify-lines"
            data-testid="chain-histogram"
            tabIndex={lines.length > 14 ? 0 : undefined}
            role="region"
            aria-label={lines.length > 14 ? 'Chain-length histogram (scrolls)' : undefined}
          >
            {lines.length ? lines.join('\n') : '(no entries)'}
          </pre>
        </div>
        <ChainChart histogram={stats.chainHistogram} nonDelta={stats.nonDelta} />
      </div>

      <h3>Largest objects</h3>
      {stats.largest.length === 0 ? (
        <p className="muted">No readable objects.</p>
      ) : (
        <div className="table-scroll">
          <table className="data pk-largest" data-testid="largest-objects">
            <thead>
              <tr>
                <th className="num">#</th>
                <th>Object</th>
                <th>Type</th>
                <th className="num">Size</th>
                <th className="num">Stored</th>
                <th className="num" title="Stored bytes per byte of object">
                  Stored / size
                </th>
                <th className="num">Depth</th>
                <th>Offset in the pack</th>
              </tr>
            </thead>
            <tbody>
              {stats.largest.map((o, i) => (
                <tr key={o.oid} data-oid={o.oid}>
                  <td className="num muted">{i + 1}</td>
                  <td>
                    <OidLink oid={o.oid} />
                  </td>
                  <td>
                    <span className={`type-${o.type}`}>{o.type}</span>
                  </td>
                  <td className="num" title={`${formatCount(o.size)} bytes`}>
                    {formatBytes(o.size)}
                  </td>
                  <td className="num" title={`${formatCount(o.storedSize)} bytes`}>
                    {formatBytes(o.storedSize)}
                  </td>
                  <td className="num muted">{percent(o.storedSize, o.size)}</td>
                  <td className="num">{o.depth > 0 ? <Link to={{ view: 'delta', oid: o.oid }}>{o.depth}</Link> : <span className="muted">0</span>}</td>
                  <td className="nowrap">
                    <HexLink file={packFile} at={o.offset} label="entry" />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
