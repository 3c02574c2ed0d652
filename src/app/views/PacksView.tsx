import type { ObjectType } from '../../protocol/messages.ts';
import type { PackStats } from '../../protocol/anatomy.ts';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { Link } from '../components/Link.tsx';
import { formatBytes, formatCount } from '../lib/format.ts';
import { useRepo } from '../stores/repo.ts';
import { percent, ratio, shortPackName } from './pack/format.ts';
import { usePackStats, type PackStatsEntry } from './pack/stats-store.ts';
import { PacksWithoutIdx } from './index-pack/PacksWithoutIdx.tsx';
import { PackFileCells, PackFileHeads } from './overview/PackFileColumns.tsx';
import './pack/pack.css';

/**
 * Every pack of the folder, from the summary (headers only), and, once the person asks,
 * statistics from a scan of each pack's entries, with totals by type over the scanned packs.
 */

const TYPES: ObjectType[] = ['commit', 'tree', 'blob', 'tag'];

/** The packs page. */
export function PacksView() {
  const summary = useRepo((s) => s.summary);
  const entries = usePackStats((s) => (s.summary === summary ? s.entries : {}));
  const allRunning = usePackStats((s) => s.allRunning);
  const computeAll = usePackStats((s) => s.computeAll);
  const compute = usePackStats((s) => s.compute);
  if (!summary) return null;
  const packs = summary.packs;
  const done = packs.map((p) => entries[p.name]).filter((e): e is Extract<PackStatsEntry, { status: 'done' }> => e?.status === 'done');
  const totalBytes = packs.reduce((s, p) => s + p.packBytes, 0);
  const totalObjects = packs.reduce((s, p) => s + p.objects, 0);
  const allDone = packs.length > 0 && done.length === packs.length;

  return (
    <div className="pk-page" data-testid="packs-view">
      <header className="pk-head">
        <h1>Packs</h1>
      </header>
      <p className="muted pk-lead">
        {packs.length === 0
          ? summary.packsWithoutIdx?.length
            ? 'No pack here can be read yet: none has an index (see below).'
            : 'No packs in this folder: every object is stored loose.'
          : `${formatCount(packs.length)} ${packs.length === 1 ? 'pack holds' : 'packs hold'} ${formatCount(totalObjects)} entries in ${formatBytes(totalBytes)}. Statistics come from reading every entry's header; each pack is scanned once while the folder is open.`}
      </p>
      {packs.length > 0 && (
        <div className="toolbar">
          {allDone ? (
            <span className="pk-ok" data-testid="compute-all">
              ✓ Statistics computed for all packs ({packs.length})
            </span>
          ) : (
            <button type="button" className="primary" onClick={() => void computeAll(packs.map((p) => p.name))} disabled={allRunning} data-testid="compute-all">
              {allRunning ? 'Computing statistics…' : 'Compute statistics for all packs'}
            </button>
          )}
          {done.length > 0 && !allDone && (
            <span className="muted">
              {done.length} of {packs.length} done
            </span>
          )}
        </div>
      )}

      {packs.length > 0 && (
        <div className="table-scroll">
          <table className="data pk-packs" data-testid="packs-table">
            <thead>
              <tr>
                <th>Pack</th>
                <PackFileHeads />
                <th className="num" title="Entries stored as deltas">
                  Deltified
                </th>
                <th className="num" title="Longest delta chain">
                  Max chain
                </th>
                <th className="num" title="The objects at their full size">
                  Inflated
                </th>
                <th className="num" title="Inflated bytes per stored byte">
                  Ratio
                </th>
                <th>Statistics</th>
              </tr>
            </thead>
            <tbody>
              {packs.map((p) => {
                const e = entries[p.name];
                const s = e?.status === 'done' ? e.stats : undefined;
                return (
                  <tr key={p.name} data-testid="packs-row" data-pack={p.name}>
                    <td className="packs-name">
                      {/* The whole name, wrapped in its column: people read and copy it here. */}
                      <Link to={{ view: 'pack', name: p.name }} className="mono">
                        {p.name}
                      </Link>
                    </td>
                    <PackFileCells pack={p} />
                    <td className="num">{s ? percent(s.ofsDeltas + s.refDeltas, s.objects) : ''}</td>
                    <td className="num">{s ? formatCount(s.chainHistogram.length) : ''}</td>
                    <td className="num">{s ? formatBytes(s.inflatedBytes) : ''}</td>
                    <td className="num">{s ? ratio(s.inflatedBytes, s.storedBytes) : ''}</td>
                    <td className="nowrap">
                      <StatsCell entry={e} onCompute={() => void compute(p.name)} busy={allRunning} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}

      {packs.map((p) => {
        const e = entries[p.name];
        return e?.status === 'error' ? <ErrorBox key={p.name} error={e.error} title={`${shortPackName(p.name)} could not be scanned`} /> : null;
      })}

      {done.length > 0 && <Totals stats={done.map((d) => d.stats)} of={packs.length} />}

      <PacksWithoutIdx packs={summary.packsWithoutIdx} />
    </div>
  );
}

function StatsCell({ entry, onCompute, busy }: { entry: PackStatsEntry | undefined; onCompute: () => void; busy: boolean }) {
  if (!entry || entry.status === 'cancelled') {
    return (
      <button type="button" className="small" onClick={onCompute} disabled={busy}>
        {entry ? 'Continue' : 'Compute'}
      </button>
    );
  }
  if (entry.status === 'queued') return <span className="muted">queued</span>;
  if (entry.status === 'running') {
    const p = entry.progress;
    return (
      <span className="pk-cell-progress">
        <progress max={100} value={p?.total ? (p.done / p.total) * 100 : undefined} aria-label="Scanning" />
      </span>
    );
  }
  if (entry.status === 'error') return <span className="warn">failed (see below)</span>;
  return (
    <span className="pk-ok" title="Milliseconds the engine spent reading the entries">
      ✓ {formatCount(entry.stats.scanMs ?? entry.ms)} ms
    </span>
  );
}

/** Sums over the scanned packs, by type (copies of one object in several packs count once each). */
function Totals({ stats, of }: { stats: PackStats[]; of: number }) {
  const sum = (f: (s: PackStats) => number) => stats.reduce((a, s) => a + f(s), 0);
  const stored = sum((s) => s.storedBytes);
  const inflated = sum((s) => s.inflatedBytes);
  const deltas = sum((s) => s.ofsDeltas + s.refDeltas);
  const objects = sum((s) => s.objects);
  return (
    <section aria-labelledby="pk-totals-h">
      <h2 id="pk-totals-h">
        Totals by type{' '}
        <span className="muted pk-h-note">
          {stats.length === of ? `all ${of} packs` : `${stats.length} of ${of} packs scanned`}
          {of > 1 ? '; an object in two packs counts twice' : ''}
        </span>
      </h2>
      <div className="table-scroll">
        <table className="data pk-types" data-testid="packs-totals">
          <thead>
            <tr>
              <th>Type</th>
              <th className="num">Objects</th>
              <th className="num">Stored whole</th>
              <th className="num">As deltas</th>
              <th className="num">Stored</th>
              <th className="num">Inflated</th>
              <th className="num">Ratio</th>
              <th>Share of stored bytes</th>
            </tr>
          </thead>
          <tbody>
            {TYPES.map((t) => {
              const n = sum((s) => s.byType[t]);
              const whole = sum((s) => s.byEntryType[t] ?? 0);
              const st = sum((s) => s.storedByType[t]);
              const inf = sum((s) => s.sizeByType[t]);
              return (
                <tr key={t} data-type={t}>
                  <td>
                    <span className={`type-${t}`}>{t}</span>
                  </td>
                  <td className="num">{formatCount(n)}</td>
                  <td className="num">{formatCount(whole)}</td>
                  <td className="num">{formatCount(n - whole)}</td>
                  <td className="num" title={`${formatCount(st)} bytes`}>
                    {formatBytes(st)}
                  </td>
                  <td className="num" title={`${formatCount(inf)} bytes`}>
                    {formatBytes(inf)}
                  </td>
                  <td className="num">{ratio(inf, st)}</td>
                  <td className="pk-share-cell">
                    <span className="pk-share" aria-hidden="true">
                      <span className={`pk-share-bar pk-fill-${t}`} style={{ width: percent(st, stored) }} />
                    </span>
                    <span className="muted">{percent(st, stored)}</span>
                  </td>
                </tr>
              );
            })}
          </tbody>
          <tfoot>
            <tr>
              <td>all</td>
              <td className="num">{formatCount(objects)}</td>
              <td className="num">{formatCount(objects - deltas)}</td>
              <td className="num">{formatCount(deltas)}</td>
              <td className="num">{formatBytes(stored)}</td>
              <td className="num">{formatBytes(inflated)}</td>
              <td className="num">{ratio(inflated, stored)}</td>
              <td />
            </tr>
          </tfoot>
        </table>
      </div>
    </section>
  );
}
