import { useMemo, useState } from 'react';
import type { ObjectType } from '../../protocol/messages.ts';
import type { ReachabilityResult } from '../../protocol/find.ts';
import { saveBytes } from '../components/blob/download.ts';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { Link, OidLink } from '../components/Link.tsx';
import { formatCount } from '../lib/format.ts';
import { useRepo } from '../stores/repo.ts';
import { useWorkerOnDemand, useWorkerRequest } from '../lib/request.ts';
import { UnreachableList } from './unreachable/UnreachableList.tsx';
import './unreachable/unreachable.css';
import { RequestStatus } from '../components/RequestStatus.tsx';

/**
 * Reachability: what the refs, HEAD and the staging index reach, and the objects nothing
 * reaches, as `git fsck --unreachable --no-reflogs` finds them (dangling = nothing names it,
 * as `git fsck` prints by default). Without refs (a bare pack folder) the tips are the roots.
 */

const FILTERS: (ObjectType | 'all')[] = ['all', 'commit', 'tag', 'tree', 'blob'];

function Roots({ data, reflogs, onReflogs }: { data: ReachabilityResult; reflogs: boolean; onReflogs: (on: boolean) => void }) {
  if (data.mode === 'tips') {
    return (
      <div className="card ur-roots" data-testid="reach-roots">
        <h2>Roots: the tips</h2>
        <p className="muted">
          This folder has no refs and no staging index, so nothing says which commits matter. The roots are the tips instead: {formatCount(data.roots.length)}{' '}
          {data.roots.length === 1 ? 'commit or tag' : 'commits and tags'} that no other commit names as a parent and no tag points to.
        </p>
        <RootList data={data} />
      </div>
    );
  }
  const refs = data.roots.filter((r) => r.kind === 'ref' || r.kind === 'head');
  const cacheTrees = data.roots.filter((r) => r.kind === 'cache-tree').length;
  return (
    <div className="card ur-roots" data-testid="reach-roots">
      <h2>Roots</h2>
      <p className="muted">
        As git fsck: {formatCount(refs.length)} {refs.length === 1 ? 'ref' : 'refs'} (HEAD included), {formatCount(data.indexEntries)} staging index {data.indexEntries === 1 ? 'entry' : 'entries'} and{' '}
        {formatCount(cacheTrees)} cache-tree {cacheTrees === 1 ? 'tree' : 'trees'}
        {data.reflogsAreRoots
          ? `, and the ${formatCount(data.reflogEntries)} ids ${data.reflogFiles} reflog ${data.reflogFiles === 1 ? 'file names' : 'files name'} (git fsck without --no-reflogs).`
          : '. Reflogs are not roots (--no-reflogs): a commit only a reflog remembers is listed as unreachable.'}
      </p>
      {data.reflogFiles > 0 && (
        <label className="ur-check" title="git fsck counts what the reflogs name as reachable unless --no-reflogs is given">
          <input type="checkbox" checked={reflogs} onChange={(e) => onReflogs(e.target.checked)} data-testid="reach-reflogs" /> Count the {formatCount(data.reflogFiles)}{' '}
          {data.reflogFiles === 1 ? 'reflog' : 'reflogs'} as roots, as plain <code>git fsck</code> does
        </label>
      )}
      <RootList data={data} />
    </div>
  );
}

function RootList({ data }: { data: ReachabilityResult }) {
  const shown = data.roots.filter((r) => r.kind !== 'cache-tree');
  if (shown.length === 0) return null;
  return (
    <details>
      <summary>{data.mode === 'tips' ? 'The tips' : data.reflogsAreRoots ? 'The refs and reflogs' : 'The refs'}</summary>
      <ul className="ur-root-list">
        {shown.map((r) => (
          <li key={`${r.kind}:${r.name}`}>
            {r.kind !== 'tip' && <span className="mono">{r.name}</span>} <OidLink oid={r.oid} />
          </li>
        ))}
      </ul>
    </details>
  );
}

function Problems({ data }: { data: ReachabilityResult }) {
  return (
    <>
      {data.indexProblem && <ErrorBox error={data.indexProblem} title="The staging index could not be read: its entries are not counted as roots" />}
      {data.invalidReflogEntries.length > 0 && (
        <div className="error-box" data-testid="reach-invalid-reflog">
          <div className="error-title">Reflog entries that name objects this repository does not have</div>
          <ul>
            {data.invalidReflogEntries.slice(0, 200).map((e) => (
              <li key={`${e.ref} ${e.oid}`}>
                <span className="mono">{e.ref}</span>: <span className="mono">{e.oid}</span> (git: “invalid reflog entry”)
              </li>
            ))}
          </ul>
        </div>
      )}
      {data.brokenRoots.length > 0 && (
        <div className="error-box" data-testid="reach-broken-roots">
          <div className="error-title">Roots that point to objects this repository does not have</div>
          <ul>
            {data.brokenRoots.map((b) => (
              <li key={b.name}>
                <span className="mono">{b.name}</span>: <span className="mono">{b.oid}</span> is missing (git: “invalid sha1 pointer”)
              </li>
            ))}
          </ul>
        </div>
      )}
      <MissingList
        missing={data.missing.filter((m) => !m.promised)}
        testId="reach-missing"
        tone="error-box"
        title={(n) => `${formatCount(n)} ${n === 1 ? 'object' : 'objects'} that reachable objects name ${n === 1 ? 'is' : 'are'} missing from the repository`}
      />
      <MissingList
        missing={data.missing.filter((m) => m.promised)}
        testId="reach-promised"
        tone="info-box"
        title={(n) => `${formatCount(n)} ${n === 1 ? 'object' : 'objects'} left out by a partial clone`}
        note="Objects of a promisor pack (a .promisor file beside it) name them: a partial clone leaves such objects out on purpose, and its promisor remote provides them on demand. git fsck reports them as broken links only when the repository's config names no promisor remote."
      />
      {data.unreadable.length > 0 && (
        <div className="error-box" data-testid="reach-unreadable">
          <div className="error-title">
            {formatCount(data.unreadable.length)} {data.unreadable.length === 1 ? 'object' : 'objects'} could not be read, so what {data.unreadable.length === 1 ? 'it names is' : 'they name is'}{' '}
            unknown
          </div>
          <UnreadableByPlace unreadable={data.unreadable} />
        </div>
      )}
    </>
  );
}

/**
 * Unreadable objects grouped by where reading failed: one damaged base makes every delta built on
 * it unreadable with the same file and offset, shown once with its objects inside.
 */
function UnreadableByPlace({ unreadable }: { unreadable: ReachabilityResult['unreadable'] }) {
  const groups = new Map<string, ReachabilityResult['unreadable']>();
  for (const u of unreadable) {
    const key = u.error.offset !== undefined && u.error.file !== undefined ? `${u.error.file}@${u.error.offset}` : `:${u.oid}`;
    const group = groups.get(key);
    if (group) group.push(u);
    else groups.set(key, [u]);
  }
  const ordered = [...groups.values()].sort((a, b) => b.length - a.length).slice(0, 50);
  return (
    <ul>
      {ordered.map((group) => {
        const first = group[0];
        if (group.length === 1) {
          return (
            <li key={first.oid}>
              <OidLink oid={first.oid} />: {first.error.message}
            </li>
          );
        }
        return (
          <li key={first.oid} data-testid="unreadable-group">
            <details>
              <summary>
                {formatCount(group.length)} objects fail at the same place, {first.error.file} 0x{(first.error.offset ?? 0).toString(16)}: {first.error.detail}
              </summary>
              <p className="ur-oid-run">
                {group.slice(0, 200).map((u) => (
                  <OidLink key={u.oid} oid={u.oid} />
                ))}
                {group.length > 200 && <span className="muted">…and {formatCount(group.length - 200)} more</span>}
              </p>
            </details>
          </li>
        );
      })}
    </ul>
  );
}

/** Objects something reachable names that are not in the repository (the first 200, and a count). */
function MissingList({ missing, testId, tone, title, note }: { missing: ReachabilityResult['missing']; testId: string; tone: 'error-box' | 'info-box'; title: (n: number) => string; note?: string }) {
  if (missing.length === 0) return null;
  return (
    <div className={tone} data-testid={testId}>
      <div className="error-title">{title(missing.length)}</div>
      {note !== undefined && <p className="muted">{note}</p>}
      <ul>
        {missing.slice(0, 200).map((m) => (
          <li key={m.oid}>
            {m.type} <span className="mono">{m.oid}</span>, named by{' '}
            {m.fromType ? (
              <>
                {m.fromType} <OidLink oid={m.from} />
              </>
            ) : (
              <span className="mono">the index entry {m.from}</span>
            )}
          </li>
        ))}
      </ul>
      {missing.length > 200 && <p className="muted">…and {formatCount(missing.length - 200)} more.</p>}
    </div>
  );
}

/** The Unreachable page. */
export function UnreachableView() {
  const summary = useRepo((s) => s.summary);
  // git fsck counts reflogs as roots unless --no-reflogs; the lists are --no-reflogs, and
  // for an examiner a commit only a reflog remembers is exactly what is worth seeing, so that is the default.
  const [reflogs, setReflogs] = useState(false);
  const req = useWorkerRequest('Finding unreachable objects', 'reachability', { reflogs }, [summary, reflogs]);
  const [filter, setFilter] = useState<ObjectType | 'all'>('all');
  const [danglingOnly, setDanglingOnly] = useState(false);
  const [zip, startZip] = useWorkerOnDemand<'lostFoundZip'>();
  const data = req.data;
  const rows = useMemo(() => (data ? data.unreachable.filter((r) => (filter === 'all' || r.type === filter) && (!danglingOnly || r.dangling)) : []), [data, filter, danglingOnly]);
  if (!summary) return null;

  const download = async () => {
    const result = await startZip('Zipping lost-found', 'lostFoundZip', { reflogs });
    if (result) saveBytes(result.bytes, 'lost-found.zip');
  };

  const dangling = data ? data.unreachable.filter((r) => r.dangling).length : 0;
  const unreadable = data ? data.unreachable.filter((r) => r.unreadable).length : 0;
  return (
    <div className="ur-page" data-testid="unreachable-view">
      <header>
        <h1>Unreachable objects</h1>
      </header>
      <p className="muted ur-lead">
        Every object is walked from the roots: a commit reaches its tree and parents, a tree its entries (submodule commits are not followed), a tag its target. What no root reaches is unreachable, as{' '}
        <code>git fsck --unreachable --no-reflogs</code> lists it; an unreachable object no other object names is <strong>dangling</strong> (what <code>git fsck</code> prints): the tip of something
        lost — a deleted branch, an amended commit, a blob added and never committed.
      </p>
      <RequestStatus req={req} loading="Walking from the roots…" failed="Reachability could not be worked out" again="Walk again" />
      {data && (
        <>
          <div className="cards ur-cards" data-testid="reach-counts">
            <div className="card">
              <div className="ur-num">{formatCount(data.objects)}</div>
              <div className="muted">objects</div>
            </div>
            <div className="card">
              <div className="ur-num">{formatCount(data.reachable)}</div>
              <div className="muted">reachable</div>
            </div>
            <div className="card">
              <div className="ur-num" data-testid="reach-unreachable-count">
                {formatCount(data.unreachable.length - unreadable)}
              </div>
              <div className="muted">unreachable</div>
            </div>
            <div className="card">
              <div className="ur-num" data-testid="reach-dangling-count">
                {formatCount(dangling)}
              </div>
              <div className="muted">dangling</div>
            </div>
            {unreadable > 0 && (
              <div className="card" title="Unreachable objects that could not be read: what they name is unknown, so they are neither dangling nor offered in lost-found">
                <div className="ur-num" data-testid="reach-unreadable-count">
                  {formatCount(unreadable)}
                </div>
                <div className="muted">unreadable</div>
              </div>
            )}
          </div>
          <Roots data={data} reflogs={reflogs} onReflogs={setReflogs} />
          <Problems data={data} />
          {data.unreachable.length === 0 ? (
            <p className="ur-none" data-testid="reach-none">
              {data.mode === 'tips' ? 'Every object in the repository is reachable from the tips.' : 'Every object in the repository is reachable from the roots.'}
            </p>
          ) : (
            <>
              <div className="toolbar">
                <div className="ur-filters" role="group" aria-label="Show">
                  {FILTERS.map((f) => (
                    <button key={f} type="button" className={`small${filter === f ? ' primary' : ''}`} aria-pressed={filter === f} onClick={() => setFilter(f)}>
                      {f === 'all' ? 'All' : `${f[0].toUpperCase()}${f.slice(1)}s`}
                    </button>
                  ))}
                </div>
                <label className="ur-check">
                  <input type="checkbox" checked={danglingOnly} onChange={(e) => setDanglingOnly(e.target.checked)} /> Dangling only
                </label>
                <span className="spacer" />
                <button
                  type="button"
                  onClick={() => void download()}
                  disabled={zip.status === 'loading' || dangling === 0}
                  data-testid="lost-found-zip"
                  title="git fsck --lost-found: commit/<id> for dangling commits, other/<id> for the rest (blobs with their content)"
                >
                  {zip.status === 'loading' ? 'Zipping…' : 'Download lost-found (.zip)'}
                </button>
              </div>
              {zip.status === 'done' && (
                <p className="muted" data-testid="lost-found-done">
                  lost-found.zip: {formatCount(zip.data.files)} {zip.data.files === 1 ? 'file' : 'files'}
                  {zip.data.skipped > 0 ? `; ${formatCount(zip.data.skipped)} unreadable blobs left out` : ''}.
                </p>
              )}
              {zip.status === 'error' && <ErrorBox error={zip.error} title="lost-found could not be zipped" />}
              <p className="muted ur-shown">
                {formatCount(rows.length)} shown. Open an object for its content; <Link to={{ view: 'search', kind: 'text', q: '' }}>search</Link> finds text in them.
              </p>
              <UnreachableList rows={rows} />
            </>
          )}
          {data.ms > 0 && <p className="muted ur-time">Walked in {formatCount(data.ms)} ms.</p>}
        </>
      )}
    </div>
  );
}
