import type { RefSummary, RepoSummary } from '../../../protocol/messages.ts';
import { Link, OidLink } from '../../components/Link.tsx';

/**
 * The revision to put in Browse / History links for a branch: its short name when git would
 * resolve that short name to this very branch (no `refs/<x>` or `refs/tags/<x>` shadows it),
 * else the full ref name.
 */
function revFor(name: string, names: Set<string>): string {
  if (!name.startsWith('refs/heads/')) return name;
  const short = name.slice('refs/heads/'.length);
  return names.has(`refs/${short}`) || names.has(`refs/tags/${short}`) || short === 'HEAD' ? name : short;
}

function Target({ oid, target }: { oid: string | undefined; target?: string | undefined }) {
  return (
    <>
      {target !== undefined && (
        <span className="ref-symbolic">
          → <span className="mono">{target}</span>{' '}
        </span>
      )}
      {oid !== undefined ? <OidLink oid={oid} full /> : <span className="warn">{target !== undefined ? 'dangling' : 'no target'}</span>}
    </>
  );
}

function RevLinks({ rev }: { rev: string }) {
  return (
    <span className="ref-links">
      <Link to={{ view: 'browse', rev, path: [] }}>Browse</Link>
      <Link to={{ view: 'history', rev, mode: 'first-parent' }}>History</Link>
    </span>
  );
}

/** HEAD and every ref: where each points (linked to the object), what an annotated tag peels to. */
export function RefsTable({ head, refs }: { head: RepoSummary['head']; refs: RefSummary[] }) {
  if (!head && refs.length === 0) return <p className="muted">No HEAD and no refs: this folder holds objects only.</p>;
  const names = new Set(refs.map((r) => r.name));
  return (
    <div className="table-scroll">
      <table className="data refs-table">
        <thead>
          <tr>
            <th>Name</th>
            <th>Target</th>
            <th>Peeled</th>
            <th>
              <span className="visually-hidden">Links</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {head && (
            <tr data-testid="head-row" data-ref="HEAD" className="head-row">
              <td className="mono ref-name">HEAD</td>
              <td>
                <Target oid={head.oid} target={head.symbolic} />
                {head.symbolic === undefined && head.oid !== undefined && <span className="badge detached">detached</span>}
              </td>
              <td />
              <td>{head.oid !== undefined && <RevLinks rev="HEAD" />}</td>
            </tr>
          )}
          {refs.map((r) => (
            <tr key={r.name} data-testid="ref-row" data-ref={r.name}>
              <td className="mono ref-name">{r.name}</td>
              <td>
                <Target oid={r.oid} target={r.target} />
              </td>
              <td>{r.peeled !== undefined && <OidLink oid={r.peeled} full />}</td>
              <td>{r.name.startsWith('refs/heads/') && r.oid !== undefined && <RevLinks rev={revFor(r.name, names)} />}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
