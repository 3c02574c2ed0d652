import type { MidxLayerAnatomy } from '../../../protocol/anatomy.ts';
import type { PackSummary } from '../../../protocol/messages.ts';
import { BarChart } from '../../components/companions/BarChart.tsx';
import { FieldTable, HexLink, hex } from '../../components/HexLink.tsx';
import { Link } from '../../components/Link.tsx';
import { formatBytes, formatCount } from '../../lib/format.ts';
import { FileMap } from './FileMap.tsx';
import { CHUNK_NAMES, packStem } from './names.ts';

/** Width of one fanout entry (a u32), for links to `fanout[i]` in the OIDF chunk. */
const FANOUT_ENTRY = 4;
/** Width of one RIDX entry (a u32). */
const RIDX_ENTRY = 4;

/** 0.04, 3.5, 3,316 */
function formatAverage(n: number): string {
  return n < 10 ? n.toFixed(n < 1 ? 2 : 1) : formatCount(Math.round(n));
}

const FANOUT_TICKS = [0x00, 0x40, 0x80, 0xc0, 0xff].map((at) => ({ at, label: at.toString(16).padStart(2, '0') }));

/** One multi-pack-index file (a flat midx, or one layer of a chain): layout, header, chunks, packs, fanout, RIDX. */
export function LayerSection({ layer, index, count, chain, folderPacks }: { layer: MidxLayerAnatomy; index: number; count: number; chain: boolean; folderPacks: Map<string, PackSummary> }) {
  const oidf = layer.chunks.find((c) => c.id === 'OIDF');
  const ridxChunk = layer.chunks.find((c) => c.id === 'RIDX');
  const btmp = layer.packs.some((p) => p.bitmap !== undefined);
  const buckets = layer.fanout.map((v, i) => v - (i === 0 ? 0 : layer.fanout[i - 1]));
  const id = `mx-layer-${index}`;
  const fileName = layer.file.replace(/^.*\//, '');
  return (
    <section className="mx-layer" aria-labelledby={`${id}-h`} data-testid="midx-layer">
      <h2 id={`${id}-h`}>
        {chain ? (
          <>
            Layer {index + 1} of {count}
            {index === 0 ? ' (base)' : index === count - 1 ? ' (newest)' : ''} <code className="mx-h-file">{fileName}</code>
          </>
        ) : (
          <>
            The file <code className="mx-h-file">{fileName}</code>
          </>
        )}
      </h2>

      <dl className="facts mx-facts">
        <dt>File</dt>
        <dd>
          <HexLink file={layer.file} at={0} title={`Open ${layer.file} in the hex view`}>
            <span className="mono">{layer.file}</span>
          </HexLink>{' '}
          <span className="muted">
            {formatCount(layer.fileSize)} bytes ({formatBytes(layer.fileSize)})
          </span>
        </dd>
        <dt>Version</dt>
        <dd>
          {layer.version}
          {layer.version === 2 && <span className="muted"> — git 2.54+: pack names need not be sorted; git 2.39 refuses the file</span>}
        </dd>
        <dt>Objects</dt>
        <dd data-testid="midx-layer-objects">
          {formatCount(layer.objects)}
          {chain && (
            <span className="muted">
              {' '}
              — positions [{formatCount(layer.objectBase)}, {formatCount(layer.objectBase + layer.objects)}) of the chain
            </span>
          )}
        </dd>
        <dt>Packs</dt>
        <dd>
          {formatCount(layer.packs.length)}
          {chain && (
            <span className="muted">
              {' '}
              — pack ids [{formatCount(layer.packBase)}, {formatCount(layer.packBase + layer.packs.length)}) of the chain
            </span>
          )}
        </dd>
        <dt>Checksum</dt>
        <dd className="mono mx-checksum" data-testid="midx-layer-checksum">
          {layer.checksum}
          {chain && <span className="muted mx-sans"> (also the layer’s name in the chain file)</span>}
        </dd>
      </dl>

      <h3>Layout to scale</h3>
      <FileMap layer={layer} />

      <div className="mx-two">
        <div className="mx-scroll">
          <FieldTable fields={layer.header} file={layer.file} caption="Header" />
        </div>
        <div className="mx-scroll">
          <table className="data mx-table" data-testid="midx-chunks">
            <caption>
              Chunk table at <HexLink file={layer.file} at={layer.chunkTable.offset} /> ({formatCount(layer.chunkTable.length)} bytes)
            </caption>
            <thead>
              <tr>
                <th>Chunk</th>
                <th>Offset</th>
                <th className="num">Length</th>
                <th>Entry</th>
              </tr>
            </thead>
            <tbody>
              {layer.chunks.map((c) => (
                <tr key={`${c.id}@${c.tableOffset}`}>
                  <td>
                    <span className="mono">{c.id}</span> <span className="muted mx-small">{CHUNK_NAMES[c.id] ?? 'unknown to git'}</span>
                  </td>
                  <td>
                    <HexLink file={layer.file} at={c.offset} />
                  </td>
                  <td className="num" title={`${hex(c.length)}`}>
                    {formatCount(c.length)}
                  </td>
                  <td>
                    <HexLink file={layer.file} at={c.tableOffset} title={`The 12-byte table entry naming ${c.id}`} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>

      <h3>Packs (PNAM){layer.version === 2 ? ', in the order the file lists them' : ', sorted by name'}</h3>
      <div className="mx-scroll">
        <table className="data mx-table mx-packs" data-testid="midx-packs">
          <thead>
            <tr>
              <th className="num">Pack id</th>
              <th>Pack</th>
              <th className="num">Objects in this {chain ? 'layer' : 'midx'}</th>
              <th className="num">In the pack</th>
              <th>Name at</th>
              {btmp && <th>BTMP (first bit, count)</th>}
            </tr>
          </thead>
          <tbody>
            {layer.packs.map((p) => {
              const stem = packStem(p.name);
              const inFolder = folderPacks.get(stem);
              const share = layer.objects > 0 ? p.objectsInMidx / layer.objects : 0;
              return (
                <tr key={p.packId}>
                  <td className="num">{p.packId}</td>
                  <td className="mx-pack-name">
                    {inFolder ? (
                      <Link to={{ view: 'pack', name: stem }} className="mono">
                        {p.name}
                      </Link>
                    ) : (
                      <>
                        <span className="mono">{p.name}</span> <span className="badge mx-missing">not in the folder</span>
                      </>
                    )}
                  </td>
                  <td className="num">
                    <span className="mx-share" aria-hidden="true">
                      <span style={{ width: `${share * 100}%` }} />
                    </span>
                    {formatCount(p.objectsInMidx)}
                  </td>
                  <td className="num">
                    {inFolder ? formatCount(inFolder.objects) : '—'}
                    {inFolder && inFolder.objects > p.objectsInMidx && (
                      <span className="muted mx-small" title="Objects of this pack that the midx takes from another pack (a newer copy) or, in a chain, from a base layer">
                        {' '}
                        ({formatCount(inFolder.objects - p.objectsInMidx)} elsewhere)
                      </span>
                    )}
                  </td>
                  <td>
                    <HexLink file={layer.file} at={p.namedAt} />
                  </td>
                  {btmp && <td className="mono">{p.bitmap ? `${formatCount(p.bitmap.position)}, ${formatCount(p.bitmap.count)}` : '—'}</td>}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>

      <h3>OID fanout (OIDF): objects per first id byte</h3>
      <BarChart
        values={buckets}
        unit="objects"
        testId="midx-fanout"
        label={`Fanout of ${layer.file}: ${formatCount(layer.objects)} objects over 256 first-byte buckets`}
        xTicks={FANOUT_TICKS}
        guide={{ value: layer.objects / 256, label: `the average, ${formatAverage(layer.objects / 256)} per bucket` }}
        describe={(i) => {
          const start = i === 0 ? 0 : layer.fanout[i - 1];
          return (
            <>
              First byte <span className="mono">{i.toString(16).padStart(2, '0')}</span>: <strong>{formatCount(buckets[i])}</strong> {buckets[i] === 1 ? 'object' : 'objects'}, positions [
              {formatCount(start)}, {formatCount(layer.fanout[i])}); <span className="mono">fanout[{hex(i)}]</span> = {formatCount(layer.fanout[i])}
              {oidf && (
                <>
                  {' '}
                  at <HexLink file={layer.file} at={oidf.offset + i * FANOUT_ENTRY} />
                </>
              )}
            </>
          );
        }}
      />

      {layer.ridx && ridxChunk && (
        <>
          <h3>Reverse index (RIDX): the first of {formatCount(layer.ridx.entries)} entries</h3>
          <p className="muted mx-note">
            Pseudo-pack order (the packs one after another, each in offset order) → object position in this file’s id order. The multi-pack bitmap numbers its bits in this order.
          </p>
          <ol className="mx-ridx" start={0} data-testid="midx-ridx">
            {layer.ridx.first.map((p, i) => (
              <li key={i}>
                <HexLink file={layer.file} at={ridxChunk.offset + i * RIDX_ENTRY} title={`RIDX entry ${i}`}>
                  <span className="mono">{i}</span>
                </HexLink>{' '}
                → <span className="mono">{formatCount(p)}</span>
              </li>
            ))}
          </ol>
        </>
      )}
      {!layer.ridx && !btmp && (
        <p className="muted mx-note">
          No RIDX or BTMP chunk: git writes them only with a multi-pack bitmap (<code>--bitmap</code>).
        </p>
      )}
      <p className="muted mx-note">
        Trailing checksum at <HexLink file={layer.file} at={layer.fileSize - layer.checksum.length / 2} />.
      </p>
    </section>
  );
}
