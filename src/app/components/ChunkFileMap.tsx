import { useState } from 'react';
import { useHref } from '../lib/route.ts';
import { formatBytes, formatCount } from '../lib/format.ts';
import { HexLink, hex } from './HexLink.tsx';

/**
 * A chunk-format file (multi-pack-index, commit-graph) drawn to scale as one horizontal bar:
 * header, chunk table, every chunk, the trailing checksum, and any bytes no region claims. Each
 * region's width follows its length (with a minimum, so a 12-byte header stays visible);
 * pointing at or focusing one shows its exact range, and following it opens the hex view there.
 */

/** A named byte range of the file. */
export interface FileRegion {
  name: string;
  offset: number;
  length: number;
  /** What the bytes hold, in a sentence. */
  detail: string;
}

/** A chunk as the anatomy answers list it. */
export interface ChunkRange {
  id: string;
  offset: number;
  length: number;
}

/**
 * The regions of a chunk-format file in file order: `header` bytes from 0, the chunk table, the
 * chunks (described by `describeChunk`), the checksum at `trailer`, and a `gap` for bytes none of
 * them claims. A chunk that overlaps one before it (git 2.39's commit-graph reader allows it) is
 * left to the chunk table's listing.
 */
export function chunkFileRegions(file: {
  headerLength: number;
  headerDetail: string;
  chunkTable: { offset: number; length: number };
  chunks: readonly ChunkRange[];
  trailer: { offset: number; length: number };
  describeChunk(id: string): string;
}): FileRegion[] {
  const list: FileRegion[] = [
    { name: 'header', offset: 0, length: file.headerLength, detail: file.headerDetail },
    { name: 'chunk table', offset: file.chunkTable.offset, length: file.chunkTable.length, detail: `${file.chunks.length} entries of 12 bytes (id, offset) and the terminating entry` },
    ...[...file.chunks].sort((a, b) => a.offset - b.offset).map((c) => ({ name: c.id, offset: c.offset, length: c.length, detail: file.describeChunk(c.id) })),
    { name: 'checksum', offset: file.trailer.offset, length: file.trailer.length, detail: 'hash of everything before it' },
  ];
  const out: FileRegion[] = [];
  let at = 0;
  for (const r of list) {
    if (r.offset > at) out.push({ name: 'gap', offset: at, length: r.offset - at, detail: 'bytes no chunk claims' });
    if (r.length > 0 && r.offset >= at) out.push(r);
    at = Math.max(at, r.offset + r.length);
  }
  return out;
}

/** The map of one file; `regionClass` picks each region's colour group. */
export function ChunkFileMap({
  file,
  fileSize,
  regions,
  regionClass,
  testId,
}: {
  file: string;
  fileSize: number;
  regions: readonly FileRegion[];
  regionClass: (name: string) => string;
  testId: string;
}) {
  const href = useHref();
  const [active, setActive] = useState<FileRegion | undefined>(undefined);
  return (
    <figure className="mx-map" data-testid={testId}>
      <div className="mx-map-bar" role="list" aria-label={`${file} to scale, ${formatCount(fileSize)} bytes`} onMouseLeave={() => setActive(undefined)}>
        {regions.map((r) => (
          // biome-ignore lint/a11y/noInteractiveElementToNoninteractiveRole: each region is both a link (to its bytes) and an item of the to-scale list; the links must be the flex children that take their share of the bar.
          <a
            key={`${r.name}@${r.offset}`}
            role="listitem"
            className={`mx-map-region ${regionClass(r.name)}${active?.offset === r.offset && active.name === r.name ? ' active' : ''}`}
            style={{ flexGrow: r.length }}
            href={href({ view: 'hex', file, at: r.offset })}
            aria-label={`${r.name} — [${hex(r.offset)}, ${hex(r.offset + r.length)}) — offset ${formatCount(r.offset)}, ${formatCount(r.length)} bytes: ${r.detail}. Opens the hex view.`}
            onMouseEnter={() => setActive(r)}
            onFocus={() => setActive(r)}
            onBlur={() => setActive(undefined)}
          >
            <span className="mx-map-label">{r.name}</span>
            <span className="mx-map-size">{formatBytes(r.length)}</span>
          </a>
        ))}
      </div>
      <div className="mx-map-scale" aria-hidden="true">
        <span>0</span>
        <span>
          {hex(fileSize)} ({formatCount(fileSize)} bytes)
        </span>
      </div>
      <figcaption className="mx-map-readout" aria-live="polite">
        {active ? (
          <>
            <strong>{active.name}</strong>{' '}
            <span className="mono">
              [{hex(active.offset)}, {hex(active.offset + active.length)})
            </span>{' '}
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

/** The first facts of a chunk-format file's summary: flat file or chain (with `description`), and the chain file that names the layers. */
export function ChunkFileKindFacts({ kind, description, chainFile }: { kind: string; description: string; chainFile: string | undefined }) {
  return (
    <>
      <dt>Kind</dt>
      <dd>
        <span className="badge on">{kind}</span> {description}
      </dd>
      {chainFile && (
        <>
          <dt>Chain file</dt>
          <dd>
            <HexLink file={chainFile} at={0} title={`Open ${chainFile} in the hex view`}>
              <span className="mono">{chainFile}</span>
            </HexLink>{' '}
            <span className="muted">layer names, base first</span>
          </dd>
        </>
      )}
    </>
  );
}
