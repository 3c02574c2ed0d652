import { formatCount } from '../../lib/format.ts';
import { useWidth } from './useWidth.ts';

/**
 * The chain-length histogram as bars: one per chain length that occurs (git's "chain length =
 * d"), height by count. Long histograms (thousands of lengths) share the width; every bar keeps
 * a title with its numbers.
 */
export function ChainChart({ histogram, nonDelta }: { histogram: number[]; nonDelta: number }) {
  const [ref, W] = useWidth<HTMLElement>();
  const max = histogram.reduce((m, k) => Math.max(m, k), 1);
  const n = histogram.length;
  if (n === 0) return <p className="muted">No deltas: every entry is a whole object.</p>;
  const H = 140;
  const barW = W / n;
  const deltas = histogram.reduce((s, k) => s + k, 0);
  const mode = histogram.indexOf(max) + 1;
  const ticks = tickValues(n, Math.max(2, Math.floor(W / 56)));
  return (
    <figure className="pk-chart" ref={ref}>
      <svg
        width={W}
        height={H + 22}
        viewBox={`0 0 ${W} ${H + 22}`}
        className="pk-chain-chart"
        role="img"
        aria-label={`Chain lengths 1 to ${n}: ${formatCount(deltas)} deltas; the most common length is ${mode} (${formatCount(max)} objects); ${formatCount(nonDelta)} whole objects not shown`}
        data-testid="chain-chart"
      >
        <line x1={0} x2={W} y1={H} y2={H} className="pk-axis-line" />
        {histogram.map((k, i) =>
          k > 0 ? (
            <rect key={i} x={i * barW + (barW > 3 ? barW * 0.12 : 0)} width={Math.max(barW > 3 ? barW * 0.76 : barW, 0.8)} y={H - (k / max) * (H - 4)} height={(k / max) * (H - 4)} className="pk-bar">
              <title>{`chain length = ${i + 1}: ${k} ${k === 1 ? 'object' : 'objects'}`}</title>
            </rect>
          ) : null,
        )}
        {ticks.map((d) => (
          <text key={d} x={Math.min(W - 14, Math.max(6, (d - 0.5) * barW))} y={H + 16} className="pk-tick" textAnchor="middle">
            {d}
          </text>
        ))}
      </svg>
      <figcaption className="muted">
        Objects per chain length (1 to {formatCount(n)}); tallest bar {formatCount(max)} objects. Hover a bar for its count.
      </figcaption>
    </figure>
  );
}

/** A few round depths to label along the axis. */
function tickValues(n: number, most: number): number[] {
  if (n <= most) return Array.from({ length: n }, (_, i) => i + 1);
  const step = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000].find((s) => n / s <= most) ?? Math.ceil(n / most);
  const out = [1];
  for (let d = step; d <= n; d += step) if (d - out[out.length - 1] >= step * 0.6) out.push(d);
  return out;
}
