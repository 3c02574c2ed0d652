import type { SizeSummary } from '../../../protocol/analysis.ts';
import { MarkedText } from '../../components/MarkedText.tsx';
import { formatBytes, formatCount } from '../../lib/format.ts';

/** Extensions by stored bytes over all history (filter-repo's extensions report, with distinct-blob sums). */
export function ExtensionTable({ summary }: { summary: SizeSummary }) {
  return (
    <section aria-label="Extensions" data-testid="size-extensions">
      <table className="sz-table">
        <thead>
          <tr>
            <th>Extension</th>
            <th className="num">Files</th>
            <th className="num">Versions</th>
            <th className="num">Inflated</th>
            <th className="num">Stored</th>
            <th>Deleted</th>
          </tr>
        </thead>
        <tbody>
          {summary.extensions.map((x) => (
            <tr key={x.extension}>
              <td className="mono">{x.extension ? <MarkedText text={x.extension} /> : <span className="muted">(none)</span>}</td>
              <td className="num">{formatCount(x.files)}</td>
              <td className="num">{formatCount(x.versions)}</td>
              <td className="num">{formatBytes(x.inflated)}</td>
              <td className="num">{formatBytes(x.stored)}</td>
              <td>{x.deleted ?? <span className="muted">present</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {summary.extensionCount > summary.extensions.length && (
        <p className="muted">
          The {formatCount(summary.extensions.length)} largest of {formatCount(summary.extensionCount)} extensions.
        </p>
      )}
    </section>
  );
}
