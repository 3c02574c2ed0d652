import type { Companions as CompanionsData } from '../../../protocol/anatomy.ts';
import { formatBytes, formatCount } from '../../lib/format.ts';
import { useWorkerRequest } from '../../lib/request.ts';
import { ErrorBox } from '../ErrorBox.tsx';
import { HexLink } from '../HexLink.tsx';
import { MtimesTimeline } from './MtimesTimeline.tsx';
import './companions.css';

/**
 * Where the companion files keep their tables (the formats' fixed headers), for hex links:
 * `.rev` and `.mtimes` both start with a 12-byte header (signature, version, hash id), then one
 * 4-byte entry per object.
 */
const TABLE_AT = 12;

/** The files that travel with a pack (`.rev`, `.bitmap`, `.mtimes`, `.keep`, `.promisor`), read by the engine. */
export function Companions({ pack }: { pack: string }) {
  const req = useWorkerRequest('Reading the pack’s companion files', 'companions', { pack }, [pack]);
  if (req.status === 'error') return <ErrorBox error={req.error} title="The companion files could not be read" />;
  if (req.status === 'cancelled') {
    return (
      <p className="muted">
        Cancelled.{' '}
        <button type="button" className="small" onClick={req.retry}>
          Read again
        </button>
      </p>
    );
  }
  const data = req.data;
  if (!data) return <p className="muted">Reading the companion files…</p>;
  return <CompanionsBody data={data} />;
}

function CompanionsBody({ data }: { data: CompanionsData }) {
  const { rev, bitmap, mtimes, keep, promisor } = data;
  if (!rev && !bitmap && !mtimes && !keep && !promisor) {
    return (
      <p className="cmp-none muted" data-testid="companions-none">
        No companion files: this pack has no <code>.rev</code>, <code>.bitmap</code>, <code>.mtimes</code>, <code>.keep</code> or <code>.promisor</code>.
      </p>
    );
  }
  return (
    <div className="cmp" data-testid="companions">
      {rev && (
        <section className="cmp-card card" aria-label=".rev reverse index" data-testid="companion-rev">
          <FileHead title=".rev" what="reverse index: the objects in pack order, as .idx positions" file={rev.file} size={rev.size} />
          {rev.matchesIdx && (
            <p className="cmp-verdict">
              <span className="cmp-ok" aria-hidden="true">
                ✓
              </span>{' '}
              Every entry matches the pack order the .idx offsets give.
            </p>
          )}
          {rev.mismatch && (
            <p className="cmp-verdict" data-testid="companion-rev-mismatch">
              <span className="cmp-bad" aria-hidden="true">
                ✗
              </span>{' '}
              Differs from the order the .idx offsets give
              {rev.mismatch.revEntry ? <>, first at pack-order index {formatCount(rev.mismatch.revEntry.index)}</> : null}:{' '}
              {rev.mismatch.offset !== undefined && <HexLink file={rev.file} at={rev.mismatch.offset} />} <span className="muted">({rev.mismatch.message})</span>
            </p>
          )}
          {rev.error && <ErrorBox error={rev.error} title={rev.matchesIdx ? 'The .rev belongs to another pack' : 'The .rev does not fit this pack'} />}
        </section>
      )}

      {bitmap && (
        <section className="cmp-card card" aria-label=".bitmap reachability bitmaps" data-testid="companion-bitmap">
          <FileHead title=".bitmap" what="reachability bitmaps: which objects each selected commit reaches" file={bitmap.file} size={bitmap.size} />
          {bitmap.error ? (
            <ErrorBox error={bitmap.error} title="The .bitmap could not be read" />
          ) : (
            <>
              <dl className="facts cmp-facts">
                <dt>Version</dt>
                <dd>{bitmap.version}</dd>
                <dt>Flags</dt>
                <dd className="cmp-flags">
                  {bitmap.flags.map((f) => (
                    <span key={f} className="badge on mono">
                      {f}
                    </span>
                  ))}
                </dd>
                <dt>Commit bitmaps</dt>
                <dd>{formatCount(bitmap.entryCount)}</dd>
              </dl>
              <div className="cmp-scroll">
                <table className="data cmp-types">
                  <caption>Type bitmaps (EWAH): one bit per object in pack order</caption>
                  <thead>
                    <tr>
                      <th>Type</th>
                      <th className="num">Objects (bits set)</th>
                      <th className="num">EWAH size</th>
                      <th>At</th>
                    </tr>
                  </thead>
                  <tbody>
                    {bitmap.typeBitmaps.map((t) => (
                      <tr key={t.type}>
                        <td className={`type-${t.type}`}>{t.type}</td>
                        <td className="num">{formatCount(t.setBits)}</td>
                        <td className="num" title={`${formatCount(t.byteSize)} bytes`}>
                          {formatBytes(t.byteSize)}
                        </td>
                        <td>
                          <HexLink file={bitmap.file} at={t.offset} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          )}
        </section>
      )}

      {mtimes && (
        <section className="cmp-card card cmp-wide" aria-label=".mtimes object times of a cruft pack" data-testid="companion-mtimes">
          <FileHead title=".mtimes" what="a cruft pack's object times: when each unreachable object was last seen; git prunes by them" file={mtimes.file} size={mtimes.size} />
          {mtimes.error && <ErrorBox error={mtimes.error} title={mtimes.times.length > 0 ? 'The .mtimes belongs to another pack' : 'The .mtimes could not be read'} />}
          {mtimes.times.length > 0 && (
            <>
              <dl className="facts cmp-facts">
                <dt>Objects</dt>
                <dd>
                  {formatCount(mtimes.times.length)} <span className="muted">(table at</span> <HexLink file={mtimes.file} at={TABLE_AT} />
                  <span className="muted">, in .idx order)</span>
                </dd>
                <dt>Oldest</dt>
                <dd>
                  <Time seconds={mtimes.min} />
                </dd>
                <dt>Newest</dt>
                <dd>
                  <Time seconds={mtimes.max} />
                </dd>
              </dl>
              <MtimesTimeline times={mtimes.times} min={mtimes.min} max={mtimes.max} />
            </>
          )}
        </section>
      )}

      {keep && <TextFile title=".keep" what="git repack and gc leave this pack as it is" file={keep.file} text={keep.text} testId="companion-keep" />}
      {promisor && (
        <TextFile
          title=".promisor"
          what="objects fetched from a promisor remote (partial clone); missing objects they point to are expected"
          file={promisor.file}
          text={promisor.text}
          testId="companion-promisor"
        />
      )}
    </div>
  );
}

function FileHead({ title, what, file, size }: { title: string; what: string; file: string; size?: number }) {
  return (
    <header className="cmp-head">
      <h3>
        <code>{title}</code> <span className="cmp-what">{what}</span>
      </h3>
      <p className="cmp-file">
        <HexLink file={file} at={0} title={`Open ${file} in the hex view`}>
          <span className="mono">{file.replace(/^.*\//, '')}</span>
        </HexLink>{' '}
        {size !== undefined && (
          <span className="muted" title={`${formatCount(size)} bytes`}>
            {formatBytes(size)}
          </span>
        )}
      </p>
    </header>
  );
}

function TextFile({ title, what, file, text, testId }: { title: string; what: string; file: string; text: string; testId: string }) {
  return (
    <section className="cmp-card card" aria-label={title} data-testid={testId}>
      <FileHead title={title} what={what} file={file} />
      {text.length === 0 ? <p className="muted">(empty file)</p> : <pre className="text cmp-text">{text}</pre>}
    </section>
  );
}

/** Seconds since the epoch in the viewer's local time, UTC on hover. */
export function Time({ seconds }: { seconds: number }) {
  const d = new Date(seconds * 1000);
  return (
    <time dateTime={d.toISOString()} title={`${d.toISOString().replace('T', ' ').slice(0, 19)} UTC (${seconds})`}>
      {d.toLocaleString(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' })}
    </time>
  );
}
