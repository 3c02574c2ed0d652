import type { PackSummary } from '../../../protocol/messages.ts';
import { formatBytes, formatCount } from '../../lib/format.ts';

/**
 * The columns every table of packs starts with (the overview's and the Packs page's): what the
 * summary knows from the pack and idx headers, without reading any entry.
 */

export function PackFileHeads() {
  return (
    <>
      <th className="num">Objects</th>
      <th className="num">Pack size</th>
      <th className="num">Idx size</th>
      <th className="num" title="Index format version">
        Idx v
      </th>
      <th className="num" title="Pack format version">
        Pack v
      </th>
      <th className="num" title="Objects at offsets past 2 GiB, stored in the idx's 64-bit offset table">
        64-bit offsets
      </th>
    </>
  );
}

export function PackFileCells({ pack }: { pack: PackSummary }) {
  return (
    <>
      <td className="num">{formatCount(pack.objects)}</td>
      <td className="num" title={`${formatCount(pack.packBytes)} bytes`}>
        {formatBytes(pack.packBytes)}
      </td>
      <td className="num" title={`${formatCount(pack.idxBytes)} bytes`}>
        {formatBytes(pack.idxBytes)}
      </td>
      <td className="num">v{pack.idxVersion}</td>
      <td className="num">v{pack.packVersion}</td>
      <td className={pack.largeOffsets ? 'num' : 'num muted'}>{formatCount(pack.largeOffsets)}</td>
    </>
  );
}
