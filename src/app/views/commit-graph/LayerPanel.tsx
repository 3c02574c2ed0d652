import type { CommitGraphLayerAnatomy } from '../../../protocol/commit-graph.ts';
import { ChunkFileMap, chunkFileRegions } from '../../components/ChunkFileMap.tsx';
import { FieldTable, HexLink } from '../../components/HexLink.tsx';
import { formatCount } from '../../lib/format.ts';
import { BloomPanel } from './BloomPanel.tsx';
import { CommitRows } from './CommitRows.tsx';

/** git's words for each chunk (Documentation/gitformat-commit-graph.txt) and what it holds. */
export const CHUNKS: Record<string, [name: string, detail: string]> = {
  OIDF: ['OID fanout', '256 counts: commits whose first id byte is at most i'],
  OIDL: ['OID lookup', 'every commit id, sorted'],
  CDAT: ['commit data', 'per commit: root tree id, two parent positions, topological level + 34-bit commit time'],
  GDA2: ['generation data', 'per commit: corrected commit date minus commit time (MSB: index into GDO2)'],
  GDO2: ['generation data overflow', '64-bit offsets too large for GDA2'],
  EDGE: ['extra edge list', 'parents 2.. of octopus merges; the last of each list has its MSB set'],
  BIDX: ['Bloom filter index', 'per commit: where its filter ends in BDAT'],
  BDAT: ['Bloom filter data', 'settings (hash version, hashes, bits per entry), then every filter'],
  BASE: ['base graphs list', 'checksums of the layers below, base first'],
};

const REGION_CLASS: Record<string, string> = {
  header: 'mx-r-header',
  checksum: 'mx-r-trailer',
  'chunk table': 'mx-r-table',
  OIDF: 'mx-r-oidf',
  OIDL: 'mx-r-oidl',
  CDAT: 'mx-r-ooff',
  GDA2: 'mx-r-ridx',
  GDO2: 'mx-r-loff',
  EDGE: 'mx-r-pnam',
  BIDX: 'mx-r-btmp',
  BDAT: 'cg-r-bdat',
  BASE: 'mx-r-loff',
};

/** The file to scale: the shared chunk-file map with the commit-graph's chunk names. */
function FileMap({ layer }: { layer: CommitGraphLayerAnatomy }) {
  const H = layer.hashVersion === 2 ? 32 : 20;
  const regions = chunkFileRegions({
    headerLength: 8,
    headerDetail: 'signature, version, hash version, chunk count, base count',
    chunkTable: layer.chunkTable,
    chunks: layer.chunks,
    trailer: { offset: layer.fileSize - H, length: H },
    describeChunk: (id) => (CHUNKS[id] ? `${CHUNKS[id][0]}: ${CHUNKS[id][1]}` : 'a chunk git 2.39 does not read'),
  });
  return <ChunkFileMap file={layer.file} fileSize={layer.fileSize} regions={regions} regionClass={(name) => REGION_CLASS[name] ?? 'mx-r-other'} testId="commit-graph-file-map" />;
}

/** One file of the commit-graph: map, header, chunks, generations, Bloom filters, commits. */
export function LayerPanel({ layer, index, chain }: { layer: CommitGraphLayerAnatomy; index: number; chain: boolean }) {
  const g = layer.generation;
  return (
    <section className="mx-layer" aria-labelledby="cg-layer-h" data-testid="commit-graph-layer">
      <h2 id="cg-layer-h">
        {chain ? (index === 0 ? 'Base layer ' : `Layer ${index} `) : 'The file '}
        <span className="mono mx-h-file">{layer.file}</span>
      </h2>
      <FileMap layer={layer} />
      <div className="mx-two">
        <FieldTable fields={layer.header} file={layer.file} caption="Header" testId="commit-graph-header" />
        <div className="mx-scroll">
          <table className="data mx-table" data-testid="commit-graph-chunks">
            <caption>Chunk table</caption>
            <thead>
              <tr>
                <th>Chunk</th>
                <th>Offset</th>
                <th className="num">Bytes</th>
                <th>Holds</th>
              </tr>
            </thead>
            <tbody>
              {layer.chunks.map((c) => (
                <tr key={c.id}>
                  <td className="mono">{c.id}</td>
                  <td className="nowrap">
                    <HexLink file={layer.file} at={c.offset} label={c.id} />
                  </td>
                  <td className="num">{formatCount(c.length)}</td>
                  <td>{CHUNKS[c.id]?.[0] ?? 'not read by git 2.39'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>

      {layer.problems.length > 0 && (
        <div className="card cg-problems" data-testid="commit-graph-problems">
          <p>
            <strong>Sizes that do not fit</strong> <span className="muted">(git 2.39 does not check these when it loads the file; it reads the neighbouring bytes)</span>
          </p>
          <ul>
            {layer.problems.map((p) => (
              <li key={`${p.offset}:${p.message}`}>
                {p.message} <HexLink file={layer.file} at={p.offset} />
              </li>
            ))}
          </ul>
        </div>
      )}

      <div className="mx-two">
        <dl className="facts" data-testid="commit-graph-generations">
          <dt>Commits</dt>
          <dd>
            {formatCount(layer.commits)}
            {chain && <span className="muted"> (positions from {formatCount(layer.commitBase)})</span>}
          </dd>
          <dt>Generation</dt>
          <dd>
            {g.corrected
              ? 'corrected commit dates: commit time + the GDA2 offset'
              : g.hasGda2
                ? 'topological levels (GDA2 is present, but another layer lacks it, so git uses levels for the whole chain)'
                : 'topological levels (no GDA2 chunk)'}
          </dd>
          <dt>Highest topological level</dt>
          <dd>{formatCount(g.maxTopoLevel)}</dd>
          {g.hasGda2 && (
            <>
              <dt>Corrected dates</dt>
              <dd>
                {formatCount(g.shifted)} of {formatCount(layer.commits)} commits above their commit time; largest offset {formatCount(g.maxOffset)} s; {formatCount(g.overflowEntries)} overflow entries
                (GDO2)
              </dd>
            </>
          )}
          <dt>Octopus merges</dt>
          <dd>
            {formatCount(layer.octopus.commits)} {layer.octopus.commits === 1 ? 'commit' : 'commits'} with more than two parents; {formatCount(layer.octopus.edgeEntries)} EDGE entries
          </dd>
          <dt>Checksum</dt>
          <dd className="mono mx-checksum">{layer.checksum}</dd>
          {layer.baseIds.length > 0 && (
            <>
              <dt>Base graphs</dt>
              <dd>
                <ol className="cg-bases">
                  {layer.baseIds.map((id) => (
                    <li key={id} className="mono">
                      {id}
                    </li>
                  ))}
                </ol>
              </dd>
            </>
          )}
        </dl>
        {layer.bloom ? <BloomPanel bloom={layer.bloom} file={layer.file} /> : <p className="muted">No Bloom filters in this {chain ? 'layer' : 'file'} (written without --changed-paths).</p>}
      </div>

      <h3>Commits</h3>
      <CommitRows layer={index} total={layer.commits} file={layer.file} />
    </section>
  );
}
