import type { RepoSummary } from '../../../protocol/messages.ts';
import { Link } from '../../components/Link.tsx';
import { formatBytes } from '../../lib/format.ts';

/** The commit-graph files of objects/info, when the folder has any, with a link to their anatomy. */
export function CommitGraphCard({ commitGraph }: { commitGraph: NonNullable<RepoSummary['commitGraph']> }) {
  return (
    <div className="card" data-testid="commit-graph-card">
      <p>
        <span className="badge on">{commitGraph.kind}</span>{' '}
        {commitGraph.kind === 'flat' ? (
          <span className="mono">objects/info/commit-graph</span>
        ) : (
          <>
            a split chain in <span className="mono">objects/info/commit-graphs/</span>
          </>
        )}{' '}
        <span className="muted">
          ({commitGraph.files} {commitGraph.files === 1 ? 'file' : 'files'}, {formatBytes(commitGraph.bytes)})
        </span>{' '}
        <Link to={{ view: 'commit-graph' }}>Anatomy and verify</Link>
      </p>
    </div>
  );
}
