import type { IdxAnatomy } from '../../../protocol/anatomy.ts';
import { formatBytes, formatCount } from '../../lib/format.ts';
import { FanoutChart } from './FanoutChart.tsx';
import { hex, percent } from './format.ts';
import { IdxEntries, LargeOffsets } from './IdxEntries.tsx';
import { regionNamed } from './idx-layout.ts';
import { FieldTable, HexLink } from '../../components/HexLink.tsx';

/**
 * The `.idx` laid open: its header fields, its regions drawn to scale, the fanout, the 8-byte
 * offset table when the pack passes 2 GiB (or git was told to use it), and every entry.
 */

const REGION_CLASS: Record<string, string> = {
  header: 'pk-r-header',
  'fanout table': 'pk-r-fanout',
  'object names': 'pk-r-ids',
  'entries: 4-byte offset + object name': 'pk-r-ids',
  'CRC32 values': 'pk-r-crc',
  '4-byte offsets': 'pk-r-offsets',
  '8-byte offsets': 'pk-r-large',
  'pack checksum': 'pk-r-sum',
  'idx checksum': 'pk-r-sum2',
};

const REGION_NOTES: Record<string, string> = {
  header: 'signature \\377tOc and version 2',
  'fanout table': '256 cumulative counts by first id byte',
  'object names': 'every object id, sorted',
  'entries: 4-byte offset + object name': 'version 1: offset then id, sorted by id',
  'CRC32 values': "CRC32 of each entry's packed bytes",
  '4-byte offsets': 'offset in the pack; high bit set: a slot of the 8-byte table',
  '8-byte offsets': 'offsets of 2 GiB and more',
  'pack checksum': "copy of the pack's trailing checksum",
  'idx checksum': 'checksum of everything before it',
};

/** The idx section of a pack page. */
export function IdxSection({ anatomy, packFile, hashBytes }: { anatomy: IdxAnatomy; packFile: string; hashBytes: number }) {
  const fanoutAt = regionNamed(anatomy, 'fanout table')?.offset ?? 0;
  const largeTable = regionNamed(anatomy, '8-byte offsets');
  return (
    <div className="pk-idx" data-testid="idx-section">
      <dl className="facts pk-facts">
        <dt>File</dt>
        <dd className="mono">{anatomy.file}</dd>
        <dt>Size</dt>
        <dd>
          {formatBytes(anatomy.fileSize)} <span className="muted">({formatCount(anatomy.fileSize)} bytes)</span>
        </dd>
        <dt>Version</dt>
        <dd data-testid="idx-version">
          {anatomy.version} <span className="muted">{anatomy.version === 1 ? '(no header, no CRC32s, offsets under 4 GiB)' : '(CRC32s, 8-byte offsets past 2 GiB)'}</span>
        </dd>
        <dt>Objects</dt>
        <dd>{formatCount(anatomy.objects)}</dd>
        <dt>8-byte offsets</dt>
        <dd>{anatomy.largeOffsets ? formatCount(anatomy.largeOffsets) : <span className="muted">none</span>}</dd>
      </dl>

      <h3>Header and trailer fields</h3>
      <div className="table-scroll">
        <FieldTable fields={anatomy.header} file={anatomy.file} testId="idx-fields" />
      </div>

      <h3>Regions, to scale</h3>
      <div className="pk-regions-bar" role="img" aria-label={`Regions of the idx: ${anatomy.regions.map((r) => `${r.name} ${formatCount(r.length)} bytes`).join(', ')}`}>
        {anatomy.regions
          .filter((r) => r.length > 0)
          .map((r) => (
            <span
              key={r.name}
              className={`pk-region ${REGION_CLASS[r.name] ?? ''}`}
              style={{ flexGrow: r.length, flexBasis: 0 }}
              title={`${r.name}: [${hex(r.offset)}, ${hex(r.offset + r.length)}), ${formatCount(r.length)} bytes`}
            />
          ))}
      </div>
      <div className="table-scroll">
        <table className="data pk-regions" data-testid="idx-regions">
          <thead>
            <tr>
              <th>Region</th>
              <th>Starts at</th>
              <th>Ends at</th>
              <th className="num">Bytes</th>
              <th className="num">Share</th>
              <th>What it holds</th>
            </tr>
          </thead>
          <tbody>
            {anatomy.regions.map((r) => (
              <tr key={r.name}>
                <td className="nowrap">
                  <span className={`pk-key ${REGION_CLASS[r.name] ?? ''}`} aria-hidden="true" /> {r.name}
                </td>
                <td className="nowrap">{r.length > 0 ? <HexLink file={anatomy.file} at={r.offset} label={r.name} /> : <span className="muted">empty</span>}</td>
                <td className="nowrap mono">{hex(r.offset + r.length)}</td>
                <td className="num">{formatCount(r.length)}</td>
                <td className="num muted">{percent(r.length, anatomy.fileSize)}</td>
                <td className="muted">{REGION_NOTES[r.name] ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <h3>Fanout</h3>
      <FanoutChart fanout={anatomy.fanout} file={anatomy.file} fanoutAt={fanoutAt} />

      {anatomy.largeOffsets > 0 && largeTable && (
        <>
          <h3>8-byte offset table</h3>
          <p className="muted">
            Entries whose 4-byte offset has its high bit set store their real offset here: the low 31 bits name a slot of this table. Git writes them for offsets of 2 GiB and more, and for smaller
            ones when <code>index-pack --index-version=2,&lt;offset&gt;</code> asks it to.
          </p>
          <LargeOffsets anatomy={anatomy} packFile={packFile} tableAt={largeTable.offset} />
        </>
      )}

      <h3>Entries</h3>
      <IdxEntries anatomy={anatomy} packFile={packFile} hashBytes={hashBytes} />
    </div>
  );
}
