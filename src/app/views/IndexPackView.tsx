import { useEffect, useMemo } from 'react';
import type { IndexPackOutcome } from '../../protocol/index-pack.ts';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { Link } from '../components/Link.tsx';
import { formatBytes, formatCount } from '../lib/format.ts';
import { useRepo } from '../stores/repo.ts';
import { useIndexPack } from './index-pack/store.ts';
import './index-pack/index-pack.css';

/**
 * index-pack in the browser: a `.pack` with no `.idx` is walked entry by entry, its deltas
 * resolved and every object hashed, as `git index-pack` does; the result is the same `.idx`
 * bytes git writes, offered as a download, and the pack's objects become readable (the idx is
 * held in memory; nothing is written into the folder).
 */
export function IndexPackView({ name }: { name: string }) {
  const summary = useRepo((s) => s.summary);
  const entry = useIndexPack((s) => s.entries[name]);
  const run = useIndexPack((s) => s.run);
  const restore = useIndexPack((s) => s.restore);
  const pack = summary?.packsWithoutIdx?.find((p) => p.name === name);

  useEffect(() => {
    void restore(name);
  }, [name, restore]);

  if (!summary) return null;
  const known = pack ?? (entry?.status === 'done' ? { path: entry.outcome.packPath, bytes: entry.outcome.packBytes } : undefined);

  return (
    <div className="ix-page" data-testid="index-pack-view">
      <div className="ix-crumbs">
        <Link to={{ view: 'packs' }}>Packs</Link> / index-pack
      </div>
      <h1>
        Index <span className="mono">{name}.pack</span>
      </h1>
      {!known ? (
        <ErrorBox
          error={{ kind: 'NotFound', message: `NotFound: ${name}.pack is not a pack without an idx in this folder`, detail: `${name}.pack is not a pack without an idx in this folder` }}
          title="Nothing to index"
        />
      ) : (
        <>
          <p className="muted ix-lead">
            <span className="mono">{known.path}</span> · {formatBytes(known.bytes)} ({formatCount(known.bytes)} bytes)
          </p>
          {entry?.status !== 'done' && <Plan />}
          {entry === undefined && (
            <div className="ix-actions">
              <button type="button" className="primary" onClick={() => void run(name)} data-testid="index-pack-start">
                Index this pack
              </button>
            </div>
          )}
          {(entry?.status === 'running' || entry?.status === 'cancelled') && (
            <div className="ix-progress" data-testid="index-pack-progress">
              <progress max={100} value={entry.progress?.total ? (entry.progress.done / entry.progress.total) * 100 : undefined} aria-label="Indexing" />
              <span className="muted">{entry.progress?.label ?? 'Starting…'}</span>
              {entry.status === 'running' ? (
                <span className="muted">(Cancel in the task bar below)</span>
              ) : (
                <>
                  <span className="warn">Cancelled.</span>
                  <button type="button" onClick={() => void run(name)}>
                    Continue
                  </button>
                </>
              )}
            </div>
          )}
          {entry?.status === 'error' && (
            <>
              <ErrorBox error={entry.error} title="This pack could not be indexed" />
              <div className="ix-actions">
                <button type="button" onClick={() => void run(name)}>
                  Try again
                </button>
              </div>
            </>
          )}
          {entry?.status === 'done' && <Outcome outcome={entry.outcome} />}
        </>
      )}
    </div>
  );
}

/** What will happen, before the person starts. */
function Plan() {
  return (
    <>
      <p>Entries in a pack carry no lengths, and without its index no object can be found. This does what git index-pack does:</p>
      <ol className="ix-steps">
        <li>walks every entry from offset 12, inflating each one to learn where it ends, with a CRC-32 of its stored bytes;</li>
        <li>checks the pack’s trailing checksum against its content;</li>
        <li>resolves the deltas (ofs-delta and ref-delta) and computes every object’s id from its content;</li>
        <li>writes the .idx (version 2) git would write, byte for byte.</li>
      </ol>
      <p className="ix-safe">Nothing is written into the opened folder. The index is kept in memory so the pack’s objects can be read here, and you can download it.</p>
    </>
  );
}

/** The result: verdict, counts, checksum, problems, download and the way to the objects. */
function Outcome({ outcome: o }: { outcome: IndexPackOutcome }) {
  const href = useMemo(() => URL.createObjectURL(new Blob([o.idx as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' })), [o.idx]);
  useEffect(() => () => URL.revokeObjectURL(href), [href]);
  const deltas = o.ofsDeltas + o.refDeltas;
  return (
    <section aria-labelledby="ix-result-h" data-testid="index-pack-result">
      <h2 id="ix-result-h" className="visually-hidden">
        Result
      </h2>
      {o.complete ? (
        <p className="ix-verdict ix-ok" data-testid="index-pack-verdict">
          ✓ Indexed: {formatCount(o.indexedCount)} objects, the same .idx git index-pack writes.
        </p>
      ) : (
        <p className="ix-verdict ix-partial" data-testid="index-pack-verdict">
          Partial: {formatCount(o.indexedCount)} of {formatCount(o.declaredCount)} objects indexed. git index-pack would refuse this pack; the index below holds what could be read.
        </p>
      )}
      <div className="ix-cards" data-testid="index-pack-types">
        {(['commit', 'tree', 'blob', 'tag'] as const).map((t) => (
          <div className="ix-card" key={t} data-type={t}>
            <span className="ix-card-label">{t}s</span>
            <span className={`ix-card-value type-${t}`}>{formatCount(o.types[t])}</span>
          </div>
        ))}
        <div className="ix-card">
          <span className="ix-card-label">stored as deltas</span>
          <span className="ix-card-value">{formatCount(deltas)}</span>
        </div>
      </div>
      <dl className="ix-facts">
        <dt>{o.trailerFound ? 'Pack checksum' : `Last ${o.hashAlgo === 'sha1' ? 20 : 32} bytes`}</dt>
        <dd className="ix-sum" data-testid="index-pack-checksum">
          {o.packChecksum}
        </dd>
        {o.computedChecksum !== undefined && o.computedChecksum !== o.packChecksum && (
          <>
            <dt>Content hashes to</dt>
            <dd className="ix-sum warn">{o.computedChecksum}</dd>
          </>
        )}
        <dt>Hash</dt>
        <dd>{o.hashAlgo === 'sha1' ? 'SHA-1' : 'SHA-256'}</dd>
        <dt>Deltas</dt>
        <dd>
          {formatCount(o.ofsDeltas)} ofs-delta, {formatCount(o.refDeltas)} ref-delta{o.maxChain > 0 ? `; longest chain ${formatCount(o.maxChain)}` : ''}
        </dd>
        <dt>Index</dt>
        <dd>
          <span className="mono">{o.idxFileName}</span>, version 2, {formatBytes(o.idx.length)} ({formatCount(o.idx.length)} bytes)
        </dd>
        <dt>Time</dt>
        <dd>{formatCount(o.ms)} ms in the worker</dd>
      </dl>
      <div className="ix-actions">
        <a className="ix-button primary" href={href} download={o.idxFileName} data-testid="index-pack-download">
          Download .idx
        </a>
        {o.attached ? (
          <>
            <Link to={{ view: 'objects', filter: 'all' }} className="ix-button">
              Open its objects
            </Link>
            <Link to={{ view: 'pack', name: o.name }} className="ix-button">
              Pack anatomy
            </Link>
          </>
        ) : (
          <span className="muted">{o.notAttached}</span>
        )}
      </div>
      {o.attached && (
        <p className="muted">
          The folder now reads this pack through the index held in memory: its objects are in the objects list, history and search
          {o.complete ? '' : ` (the ${formatCount(o.indexedCount)} objects indexed; the rest could not be read)`}. Reload keeps it, until an .idx for the pack appears in the folder.
        </p>
      )}
      {o.problems.length > 0 && (
        <section aria-labelledby="ix-problems-h" data-testid="index-pack-problems">
          <h2 id="ix-problems-h">{o.problems.length === 1 ? '1 problem' : `${formatCount(o.problems.length)} problems`}</h2>
          {o.problems.map((p, i) => (
            <ErrorBox key={i} error={p} title="Found while indexing" />
          ))}
        </section>
      )}
    </section>
  );
}
