import type { MidxSummary } from '../../../protocol/messages.ts';
import { formatBytes, formatCount } from '../../lib/format.ts';

/** What git calls each multi-pack-index chunk. */
const CHUNK_NAMES: Record<string, string> = {
  PNAM: 'pack names',
  OIDF: 'object id fanout',
  OIDL: 'object id lookup',
  OOFF: 'object offsets',
  LOFF: 'large offsets',
  RIDX: 'reverse index',
  BTMP: 'bitmapped packs',
};

/** The multi-pack-index: flat file or incremental chain, its chunks and checksum; or that there is none. */
export function MidxCard({ midx, failedFile }: { midx: MidxSummary | undefined; failedFile: string | undefined }) {
  if (!midx) {
    return (
      <div className="card midx-card" data-testid="midx-summary">
        {failedFile !== undefined ? (
          <p className="midx-none">
            <strong className="warn">not loaded</strong> <span className="mono">{failedFile}</span>{' '}
            <span className="muted">is damaged (see the problems above); each pack is searched through its own .idx</span>
          </p>
        ) : (
          <p className="midx-none">
            <strong>none</strong> <span className="muted">— each pack is searched through its own .idx</span>
          </p>
        )}
      </div>
    );
  }
  return (
    <div className="card midx-card" data-testid="midx-summary">
      <div className="midx-body">
        <dl className="facts">
          <dt>File</dt>
          <dd className="mono">{midx.file}</dd>
          <dt>Kind</dt>
          <dd>
            <span className="badge on">{midx.kind}</span> {midx.kind === 'chain' ? `incremental chain of ${midx.layers} layers` : 'a single file'}
          </dd>
          <dt>Version</dt>
          <dd>v{midx.version}</dd>
          <dt>Layers</dt>
          <dd>{midx.layers}</dd>
          <dt>Objects</dt>
          <dd>{formatCount(midx.objects)}</dd>
          <dt>Packs covered</dt>
          <dd>
            {midx.packs.length === 0 ? (
              '0'
            ) : (
              <details>
                <summary>{midx.packs.length}</summary>
                <ul className="midx-packs mono">
                  {midx.packs.map((p) => (
                    <li key={p}>{p}</li>
                  ))}
                </ul>
              </details>
            )}
          </dd>
          <dt>Checksum</dt>
          <dd className="mono checksum">{midx.checksum || '—'}</dd>
        </dl>
        <div className="midx-chunks">
          <table className="data">
            <caption>Chunks{midx.kind === 'chain' ? ' of the newest layer' : ''}</caption>
            <thead>
              <tr>
                <th>Id</th>
                <th className="num">Offset</th>
                <th className="num">Length</th>
              </tr>
            </thead>
            <tbody>
              {midx.chunks.map((c) => (
                <tr key={`${c.id}@${c.offset}`}>
                  <td>
                    <span className="mono">{c.id}</span> {CHUNK_NAMES[c.id] && <span className="muted chunk-name">{CHUNK_NAMES[c.id]}</span>}
                  </td>
                  <td className="num mono" title={String(c.offset)}>
                    0x{c.offset.toString(16)}
                  </td>
                  <td className="num" title={`${formatCount(c.length)} bytes`}>
                    {formatBytes(c.length)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
    </div>
  );
}
