import type { StartPoint } from '../../../protocol/browse-extras.ts';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import { Link } from '../../components/Link.tsx';
import { MarkedText } from '../../components/MarkedText.tsx';
import { RequestStatus } from '../../components/RequestStatus.tsx';
import { formatCount } from '../../lib/format.ts';
import { formatRelative } from '../../lib/relative-date.ts';
import { useWorkerRequest } from '../../lib/request.ts';
import './finding.css';

/** Start points listed at most. */
const LIMIT = 40;

const KIND_LABEL: Record<StartPoint['kind'], string> = { branch: 'branch', remote: 'remote branch', tag: 'tag', other: 'ref', tip: 'tip commit' };

/**
 * Where to start when HEAD leads nowhere (it names a branch that is not there, or there are no
 * refs at all, as in a copied or bare repository): what HEAD says, then the branch tips and tags,
 * newest first, or without refs the newest commits no other commit names as parent, each with
 * Browse and History links.
 */
export function StartPoints({ failed }: { failed: string }) {
  const req = useWorkerRequest('Looking for places to start', 'startPoints', { limit: LIMIT }, []);
  const answer = req.data;
  if (req.status === 'error') return <ErrorBox error={req.error} title={`${failed}, and no other place to start could be found`} />;
  if (!answer) return <RequestStatus req={req} loading="Looking for places to start…" />;
  const points = answer.refs.length > 0 ? answer.refs : answer.tips;
  const count = answer.refs.length > 0 ? answer.refCount : answer.tipCount;
  return (
    <section className="start-points" data-testid="start-points" aria-label="Places to start">
      <h2>{failed}</h2>
      <p>
        {answer.head.problem ?? 'HEAD leads nowhere.'}{' '}
        {points.length === 0
          ? 'There is no commit in this folder to start from.'
          : answer.refs.length > 0
            ? `Start from one of the ${formatCount(count)} branches and tags instead${count > points.length ? ` (the newest ${formatCount(points.length)} shown; the overview lists them all)` : ''}:`
            : `There are no refs; these are the newest of the ${formatCount(count)} commits no other commit names as parent:`}
      </p>
      {points.length > 0 && (
        <table>
          <tbody>
            {points.map((p) => (
              <tr key={`${p.kind}:${p.ref ?? p.commit}`} data-testid="start-point" data-rev={p.rev}>
                <td className="sp-kind">{KIND_LABEL[p.kind]}</td>
                <td className="sp-name">{p.kind === 'tip' ? p.commit.slice(0, 12) : <MarkedText text={p.rev} />}</td>
                <td className="sp-summary">
                  <MarkedText text={p.summary} />
                </td>
                <td className="sp-kind">{p.time ? formatRelative(p.time) : ''}</td>
                <td className="sp-links">
                  <Link to={{ view: 'browse', rev: p.rev, path: [] }}>Browse</Link>
                  <Link to={{ view: 'history', rev: p.rev, mode: 'first-parent' }}>History</Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
