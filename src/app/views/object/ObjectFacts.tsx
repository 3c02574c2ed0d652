import type { ChainStepInfo, ObjectDetail } from '../../../protocol/messages.ts';
import { Link, OidLink } from '../../components/Link.tsx';
import { formatBytes, formatCount } from '../../lib/format.ts';
import { useRepo } from '../../stores/repo.ts';
import { packFilePath } from '../hex/paths.ts';

/** `0x1f3a (7994)`. */
export function Offset({ value }: { value: number }) {
  return (
    <span className="mono">
      0x{value.toString(16)} <span className="muted">({formatCount(value)})</span>
    </span>
  );
}

/** `1.2 KiB (1,234 bytes)`, or `234 bytes`. */
export function Size({ bytes }: { bytes: number }) {
  if (bytes < 1024) return <span>{formatCount(bytes)} bytes</span>;
  return (
    <span>
      {formatBytes(bytes)} <span className="muted">({formatCount(bytes)} bytes)</span>
    </span>
  );
}

/**
 * Whether the type and size in a detail are the object's. When even the entry's header could
 * not be read the worker sends an error with the placeholder `blob`, size 0.
 */
export function typeKnown(detail: ObjectDetail): boolean {
  return detail.content !== undefined || detail.error === undefined || !(detail.type === 'blob' && detail.size === 0);
}

function percent(part: number, whole: number): string {
  const p = (part / whole) * 100;
  return p > 0 && p < 1 ? '<1%' : `${Math.round(p)}%`;
}

/** Where and how an object is stored: pack or loose file, offset, sizes, CRC32, index position. */
export function ObjectFacts({ detail }: { detail: ObjectDetail }) {
  const loc = detail.location;
  const known = typeKnown(detail);
  const rootKind = useRepo((s) => s.summary?.rootKind);
  return (
    <dl className="facts object-facts" data-testid="object-facts">
      <dt>Type</dt>
      <dd>{known ? <span className={`type-${detail.type}`}>{detail.type}</span> : <span className="muted">unknown</span>}</dd>
      <dt>Size</dt>
      <dd>{known ? <Size bytes={detail.size} /> : <span className="muted">unknown</span>}</dd>
      {loc.kind === 'packed' ? (
        <>
          <dt>Pack</dt>
          <dd className="mono">{loc.pack}</dd>
          <dt>Offset</dt>
          <dd>
            <Offset value={loc.offset} /> · <Link to={{ view: 'hex', file: packFilePath(rootKind, loc.pack), at: loc.offset }}>bytes</Link>
          </dd>
          <dt>Entry type</dt>
          <dd>
            <span className="badge">{loc.entryType}</span>
            {detail.chain.length > 1 && (
              <>
                <span className="muted"> · delta depth {detail.chain.length - 1}</span> · <Link to={{ view: 'delta', oid: detail.oid }}>delta instructions</Link>
              </>
            )}
          </dd>
          <dt>Stored size</dt>
          <dd>
            <Size bytes={loc.storedSize} />
            {known && detail.size > 0 && <span className="muted"> · {percent(loc.storedSize, detail.size)} of the object</span>}
          </dd>
          <dt>CRC32</dt>
          <dd className="mono">{loc.crc === undefined ? <span className="muted">not recorded (idx v1)</span> : loc.crc.toString(16).padStart(8, '0')}</dd>
          <dt>Index position</dt>
          <dd>{loc.idxPosition >= 0 ? formatCount(loc.idxPosition) : <span className="muted">not in the idx</span>}</dd>
        </>
      ) : (
        <>
          <dt>Stored</dt>
          <dd>
            loose object <span className="mono">{loc.path}</span>
          </dd>
          <dt>Stored size</dt>
          <dd>
            <Size bytes={loc.storedSize} /> <span className="muted">(zlib)</span>
          </dd>
        </>
      )}
    </dl>
  );
}

function stepRole(step: ChainStepInfo, index: number, length: number): string {
  if (index === 0) return 'this object';
  if (index === length - 1 && step.entryType !== 'ofs-delta' && step.entryType !== 'ref-delta') return 'full object';
  return `base ${index}`;
}

/** The delta chain: the object first, then each base down to the full object. */
export function DeltaChain({ chain }: { chain: ChainStepInfo[] }) {
  return (
    <section className="delta-section" aria-labelledby="delta-chain-title">
      <h2 id="delta-chain-title">
        Delta chain{' '}
        <span className="muted delta-count">
          {chain.length - 1} delta{chain.length === 2 ? '' : 's'} deep
        </span>
      </h2>
      <ol
        className={chain.length > 12 ? 'delta-steps long' : 'delta-steps'}
        data-testid="delta-chain"
        tabIndex={chain.length > 12 ? 0 : undefined}
        aria-label={chain.length > 12 ? 'Delta chain steps (scrolls)' : undefined}
      >
        {chain.map((step, i) => (
          <li key={`${step.offset}-${i}`} className="delta-step" data-testid="chain-step" data-oid={step.oid ?? ''}>
            <span className="delta-role">{stepRole(step, i, chain.length)}</span>
            <span className="delta-oid">{step.oid ? <OidLink oid={step.oid} /> : <span className="muted">id not in the idx</span>}</span>
            <span className="delta-type">
              <span className={step.entryType.endsWith('delta') ? 'badge' : `badge type-${step.entryType}`}>{step.entryType}</span>
            </span>
            <span className="delta-offset">
              <span className="muted">at </span>
              <span className="mono">0x{step.offset.toString(16)}</span>
            </span>
            <span className="delta-size">
              <span className="muted">declared </span>
              {formatBytes(step.size)}
            </span>
            <span className="delta-stored">
              <span className="muted">stored </span>
              {formatBytes(step.storedSize)}
            </span>
          </li>
        ))}
      </ol>
    </section>
  );
}
