import { useState } from 'react';
import type { MidxLayerAnatomy } from '../../../protocol/anatomy.ts';
import { hex } from '../../components/HexLink.tsx';
import { useHref } from '../../lib/route.ts';
import { formatBytes, formatCount } from '../../lib/format.ts';
import { CHUNK_DETAILS, CHUNK_NAMES, regionClass } from './names.ts';

/** A named byte range of the file, in file order. */
interface Region {
  name: string;
  label: string;
  offset: number;
  length: number;
  detail: string;
}

/**
 * The file's regions in order: header, chunk table, every chunk, the trailing checksum, and
 * any bytes no region claims (a gap the chunk table does not explain).
 */
export function fileRegions(layer: MidxLayerAnatomy): Region[] {
  const regions: Region[] = [];
  const headerEnd = layer.header.reduce((end, f) => Math.max(end, f.offset + f.length), 0);
  regions.push({ name: 'header', label: 'header', offset: 0, length: headerEnd, detail: 'signature, version, hash version, chunk count, base count, pack count' });
  regions.push({ name: 'chunk table', label: 'chunk table', offset: layer.chunkTable.offset, length: layer.chunkTable.length, detail: `${layer.chunks.length} entries of 12 bytes (id, offset) and the terminating entry` });
  for (const c of [...layer.chunks].sort((a, b) => a.offset - b.offset)) {
    regions.push({ name: c.id, label: c.id, offset: c.offset, length: c.length, detail: `${CHUNK_NAMES[c.id] ?? 'a chunk git does not describe'}: ${CHUNK_DETAILS[c.id] ?? 'kept as is'}` });
  }
  const bodyEnd = regions.reduce((end, r) => Math.max(end, r.offset + r.length), 0);
  regions.push({ name: 'checksum', label: 'checksum', offset: bodyEnd, length: Math.max(0, layer.fileSize - bodyEnd), detail: 'hash of everything before it' });
  const out: Region[] = [];
  let at = 0;
  for (const r of regions) {
    if (r.offset > at) out.push({ name: 'gap', label: 'gap', offset: at, length: r.offset - at, detail: 'bytes no chunk claims' });
    if (r.length > 0) out.push(r);
    at = Math.max(at, r.offset + r.length);
  }
  return out;
}

function describe(r: Region): string {
  return `${r.label} — [${hex(r.offset)}, ${hex(r.offset + r.length)}) — offset ${formatCount(r.offset)}, ${formatCount(r.length)} bytes`;
}

/**
 * The file drawn to scale as one horizontal bar: each region's width follows its length (with a
 * minimum so a 12-byte header stays visible). Pointing at or focusing a region shows its exact
 * range; following it opens the annotated hex view there.
 */
export function FileMap({ layer }: { layer: MidxLayerAnatomy }) {
  const regions = fileRegions(layer);
  const href = useHref();
  const [active, setActive] = useState<Region | undefined>(undefined);
  return (
    <figure className="mx-map" data-testid="midx-file-map">
      <div className="mx-map-bar" role="list" aria-label={`${layer.file} to scale, ${formatCount(layer.fileSize)} bytes`} onMouseLeave={() => setActive(undefined)}>
        {regions.map((r) => (
          <a
            key={`${r.name}@${r.offset}`}
            role="listitem"
            className={`mx-map-region ${regionClass(r.name)}${active?.offset === r.offset && active.name === r.name ? ' active' : ''}`}
            style={{ flexGrow: r.length }}
            href={href({ view: 'hex', file: layer.file, at: r.offset })}
            aria-label={`${describe(r)}: ${r.detail}. Opens the hex view.`}
            onMouseEnter={() => setActive(r)}
            onFocus={() => setActive(r)}
            onBlur={() => setActive(undefined)}
          >
            <span className="mx-map-label">{r.label}</span>
            <span className="mx-map-size">{formatBytes(r.length)}</span>
          </a>
        ))}
      </div>
      <div className="mx-map-scale" aria-hidden="true">
        <span>0</span>
        <span>
          {hex(layer.fileSize)} ({formatCount(layer.fileSize)} bytes)
        </span>
      </div>
      <figcaption className="mx-map-readout" aria-live="polite">
        {active ? (
          <>
            <strong>{active.label}</strong> <span className="mono">[{hex(active.offset)}, {hex(active.offset + active.length)})</span>{' '}
            <span className="muted">
              offset {formatCount(active.offset)}, {formatCount(active.length)} bytes — {active.detail}
            </span>
          </>
        ) : (
          <span className="muted">Point at or tab to a part of the file for its exact range; open it to see the bytes.</span>
        )}
      </figcaption>
    </figure>
  );
}
