import type { BloomAnatomy } from '../../../protocol/commit-graph.ts';
import { Link } from '../../components/Link.tsx';
import { formatBytes, formatCount, shortOid } from '../../lib/format.ts';

/** Bloom filter settings and how big each commit's filter is (a histogram of sizes in bytes). */
export function BloomPanel({ bloom, file }: { bloom: BloomAnatomy; file: string }) {
  const most = Math.max(1, ...bloom.histogram.map((h) => h.count));
  return (
    <div data-testid="commit-graph-bloom">
      <dl className="facts">
        <dt>Bloom settings</dt>
        <dd>
          hash version {bloom.hashVersion}, {bloom.numHashes} hashes per path, {bloom.bitsPerEntry} bits per changed path
        </dd>
        <dt>Filters</dt>
        <dd>
          {formatCount(bloom.filters)} ({formatBytes(bloom.filterBytes)}); {formatCount(bloom.empty)} empty, {formatCount(bloom.tooLarge)} marked “too many changed paths”
          {bloom.badEnds > 0 && <span className="warn"> — {formatCount(bloom.badEnds)} BIDX ends go backwards or past BDAT</span>}
        </dd>
      </dl>
      <table className="data cg-hist" aria-label={`Bloom filter sizes in ${file}`}>
        <caption>Filter size per commit</caption>
        <thead>
          <tr>
            <th>Bytes</th>
            <th className="num">Commits</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {bloom.histogram.map((h) => (
            <tr key={h.label}>
              <td className="mono">{h.label}</td>
              <td className="num">{formatCount(h.count)}</td>
              <td className="cg-hist-bar-cell">
                <span className="cg-hist-bar" style={{ width: `${(100 * h.count) / most}%` }} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {bloom.largest.length > 0 && (
        <p className="mx-note">
          Largest:{' '}
          {bloom.largest.slice(0, 5).map((l, i) => (
            <span key={l.oid}>
              {i > 0 && ', '}
              <Link to={{ view: 'object', oid: l.oid }} className="mono">
                {shortOid(l.oid)}
              </Link>{' '}
              {formatCount(l.bytes)} B
            </span>
          ))}
        </p>
      )}
    </div>
  );
}
