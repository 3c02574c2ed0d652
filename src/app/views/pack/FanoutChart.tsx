import { useState } from 'react';
import { formatCount } from '../../lib/format.ts';
import { HexLink } from '../../components/HexLink.tsx';
import { useWidth } from './useWidth.ts';

/**
 * The fanout table: entry i counts the objects whose id starts with a byte <= i. Drawn as 256
 * bars of objects per first byte (the differences), which for random ids is flat; the
 * cumulative table itself is listed below, 16 to a row, each cell a link to its four bytes.
 */
export function FanoutChart({ fanout, file, fanoutAt }: { fanout: number[]; file: string; fanoutAt: number }) {
  const [ref, width] = useWidth<HTMLDivElement>();
  const [focus, setFocus] = useState<number | undefined>(undefined);
  const per = fanout.map((v, i) => v - (i === 0 ? 0 : fanout[i - 1]));
  const max = per.reduce((m, k) => Math.max(m, k), 1);
  const min = per.reduce((m, k) => Math.min(m, k), Infinity);
  const total = fanout[255] ?? 0;
  const H = 120;
  const bw = width / 256;
  const shown = focus ?? undefined;
  return (
    <div className="pk-fanout" ref={ref}>
      <svg
        width={width}
        height={H + 18}
        role="img"
        aria-label={`Objects per first id byte: ${formatCount(min)} to ${formatCount(max)} a byte, ${formatCount(total)} in all (mean ${(total / 256).toFixed(1)})`}
        data-testid="fanout-chart"
        onPointerLeave={() => setFocus(undefined)}
        onPointerMove={(e) => setFocus(Math.max(0, Math.min(255, Math.floor(e.nativeEvent.offsetX / bw))))}
      >
        <line x1={0} x2={width} y1={H} y2={H} className="pk-axis-line" />
        {total > 0 && (
          <line x1={0} x2={width} y1={H - (total / 256 / max) * (H - 4)} y2={H - (total / 256 / max) * (H - 4)} className="pk-mean-line">
            <title>mean: {(total / 256).toFixed(1)} objects a byte</title>
          </line>
        )}
        {per.map((k, i) => (
          <rect key={i} x={i * bw} width={Math.max(0.6, bw - (bw > 3 ? 1 : 0))} y={H - (k / max) * (H - 4)} height={(k / max) * (H - 4)} className={i === shown ? 'pk-bar pk-bar-on' : 'pk-bar'}>
            <title>{`first byte ${i.toString(16).padStart(2, '0')}: ${k} objects (fanout[0x${i.toString(16).padStart(2, '0')}] = ${fanout[i]})`}</title>
          </rect>
        ))}
        {[0x00, 0x40, 0x80, 0xc0, 0xff].map((b) => (
          <text key={b} x={Math.min(width - 10, Math.max(8, (b + 0.5) * bw))} y={H + 14} className="pk-tick" textAnchor="middle">
            {b.toString(16).padStart(2, '0')}
          </text>
        ))}
      </svg>
      <p className="muted pk-fanout-caption" aria-live="polite">
        {shown !== undefined
          ? `First byte ${shown.toString(16).padStart(2, '0')}: ${formatCount(per[shown])} objects, positions ${formatCount(fanout[shown] - per[shown])}–${formatCount(fanout[shown] - 1)} (fanout[0x${shown.toString(16).padStart(2, '0')}] = ${formatCount(fanout[shown])})`
          : `Objects per first byte of the id: ${formatCount(min)} to ${formatCount(max)}, mean ${(total / 256).toFixed(1)} (dashed line).`}
      </p>
      <details className="pk-fanout-table">
        <summary>The 256 fanout entries (cumulative counts)</summary>
        <div className="table-scroll">
          <table className="data pk-fanout-grid">
            <thead>
              <tr>
                <th />
                {Array.from({ length: 16 }, (_, c) => (
                  <th key={c} className="num mono">
                    _{c.toString(16)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {Array.from({ length: 16 }, (_, r) => (
                <tr key={r}>
                  <th className="mono">{r.toString(16)}_</th>
                  {Array.from({ length: 16 }, (_, c) => {
                    const i = r * 16 + c;
                    return (
                      <td key={c} className="num">
                        <HexLink file={file} at={fanoutAt + i * 4} label={`fanout[0x${i.toString(16).padStart(2, '0')}]`}>
                          {formatCount(fanout[i])}
                        </HexLink>
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </div>
  );
}
