import type { FolderFile, HexAnnotation } from '../../../protocol/anatomy.ts';
import { Link, OidLink } from '../../components/Link.tsx';
import { formatCount } from '../../lib/format.ts';
import { useHref } from '../../lib/route.ts';
import { KIND_LABELS } from './kinds.ts';
import { hex } from './offsets.ts';
import { baseName } from './paths.ts';

function Place({ value }: { value: number }) {
  return (
    <span className="mono">
      {hex(value)} <span className="muted">({formatCount(value)})</span>
    </span>
  );
}

/**
 * What the byte under the cursor (or the mouse) belongs to: the annotation's label, what its
 * bytes say, its range [start, end) in hex and decimal, the object it belongs to, where it points.
 */
export function AnnotationPanel({
  file,
  kind,
  offset,
  byte,
  annotation,
  hovering,
  loading,
  onGo,
}: {
  file: string;
  kind: FolderFile['kind'];
  offset: number;
  byte: number | undefined;
  annotation: HexAnnotation | undefined;
  hovering: boolean;
  loading: boolean;
  onGo: (offset: number) => void;
}) {
  const href = useHref();
  const a = annotation;
  return (
    <section className="hx-panel" aria-live="polite" aria-label="The byte and what it belongs to" data-testid="hex-annotation">
      <div className="hx-panel-where">
        <span className="muted">{hovering ? 'Under the mouse' : 'Cursor'}</span> <Place value={offset} />
        {byte !== undefined && (
          <span className="muted">
            {' '}
            · byte <span className="mono">{byte.toString(16).padStart(2, '0')}</span> ({byte}
            {byte >= 0x20 && byte < 0x7f ? ` '${String.fromCharCode(byte)}'` : ''})
          </span>
        )}
      </div>
      {a ? (
        <>
          <h2 className="hx-panel-label">
            <span className={`hx-swatch hx-k-${a.kind}`} aria-hidden="true" />
            <span data-testid="hex-annotation-label">{a.label}</span>
          </h2>
          <div className="hx-panel-kind muted">{KIND_LABELS[a.kind]}</div>
          {a.detail && (
            <p className="hx-panel-detail" data-testid="hex-annotation-detail">
              {a.detail}
            </p>
          )}
          <dl className="facts hx-panel-facts">
            <dt>Bytes</dt>
            <dd>
              <span className="mono">
                [{hex(a.start)}, {hex(a.end)})
              </span>{' '}
              <span className="muted">
                = [{formatCount(a.start)}, {formatCount(a.end)}), {formatCount(a.end - a.start)} byte{a.end - a.start === 1 ? '' : 's'}
              </span>
            </dd>
            {a.oid && (
              <>
                <dt>Object</dt>
                <dd>
                  <OidLink oid={a.oid} full />
                  {kind === 'pack' && (
                    <>
                      {' · '}
                      <Link to={{ view: 'delta', oid: a.oid }}>delta chain</Link>
                    </>
                  )}
                </dd>
              </>
            )}
            {a.target && (
              <>
                <dt>Points to</dt>
                <dd>
                  {a.target.file === file ? (
                    <button type="button" className="small" onClick={() => onGo((a.target as { offset: number }).offset)}>
                      Go to {hex(a.target.offset)}
                    </button>
                  ) : (
                    <Link to={{ view: 'hex', file: a.target.file, at: a.target.offset }}>
                      {baseName(a.target.file)} at {hex(a.target.offset)}
                    </Link>
                  )}
                </dd>
              </>
            )}
          </dl>
          {a.start !== offset && (
            <button type="button" className="small" onClick={() => onGo(a.start)}>
              Go to its first byte
            </button>
          )}
        </>
      ) : (
        <p className="muted hx-panel-none">{loading ? 'Reading these bytes…' : 'No structure is annotated at this byte.'}</p>
      )}
      <p className="hx-panel-link">
        <a href={href({ view: 'hex', file, at: offset })}>Link to this byte</a>
      </p>
    </section>
  );
}
