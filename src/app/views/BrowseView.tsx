import { useEffect, useRef } from 'react';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { Link } from '../components/Link.tsx';
import { navigate, type LineRange } from '../lib/route.ts';
import { useRepo } from '../stores/repo.ts';
import { Breadcrumb } from './browse/Breadcrumb.tsx';
import { CommitBanner } from './browse/CommitBanner.tsx';
import { FileView } from './browse/FileView.tsx';
import { FolderReadme } from './browse/FolderReadme.tsx';
import { FileFinderHost } from './browse/FileFinder.tsx';
import { RefSelector } from './browse/RefSelector.tsx';
import { StartPoints } from './browse/StartPoints.tsx';
import { TreeListing } from './browse/TreeListing.tsx';
import { useWorkerRequest } from '../lib/request.ts';
import { ExportMenu } from './export/ExportMenu.tsx';
import { TreeZipButton } from './export/TreeZipButton.tsx';
import './browse/browse.css';
import { RequestStatus } from '../components/RequestStatus.tsx';

/**
 * Where focus goes after a keyboard navigation: the first row of the folder just opened, or
 * the folder just left. Set by the key handlers, used once the next listing has rendered.
 */
let pendingFocus: { name: string | undefined } | undefined;

/** A file browser over a commit's tree: ref picker, breadcrumb, folder listing or file. */
export function BrowseView({ rev, path, lines }: { rev: string; path: string[]; lines?: LineRange | undefined }) {
  const title = useRepo((s) => s.summary?.title) ?? 'root';
  const pathKey = path.join('\u0000');
  const req = useWorkerRequest('Reading the tree', 'browse', { rev, path }, [rev, pathKey]);
  const body = useRef<HTMLTableSectionElement>(null);
  const bodyBox = useRef<HTMLDivElement>(null);
  const result = req.data;
  const fresh = req.status === 'done';
  const target = result?.target;

  useEffect(() => {
    if (!fresh || !pendingFocus || !target) return;
    if (target.kind !== 'tree') {
      // A file opened from the keyboard: focus its text (so arrows scroll it) once it is read.
      pendingFocus = undefined;
      const root = bodyBox.current;
      if (!root) return;
      const wanted = ['[data-testid=blob-text]', '[data-testid=hex-dump]', '[data-testid=image-preview]', '[data-testid=markdown]', '.special-file', '.error-box'];
      const tryFocus = () => {
        const found = wanted.map((w) => root.querySelector<HTMLElement>(w)).find((e) => e !== null);
        const el = found?.matches('[data-testid=image-preview], [data-testid=markdown], .error-box') ? (found.closest<HTMLElement>('.blob-viewer') ?? found) : found;
        if (!el) return false;
        el.focus({ preventScroll: true });
        return true;
      };
      if (tryFocus()) return;
      const observer = new MutationObserver(() => {
        if (tryFocus()) observer.disconnect();
      });
      observer.observe(root, { childList: true, subtree: true });
      const stop = setTimeout(() => observer.disconnect(), 10_000);
      return () => {
        observer.disconnect();
        clearTimeout(stop);
      };
    }
    const want = pendingFocus.name;
    pendingFocus = undefined;
    const rows = Array.from(body.current?.querySelectorAll<HTMLElement>('[data-testid=tree-entry]') ?? []);
    const row = (want !== undefined ? rows.find((r) => r.dataset.name === want) : undefined) ?? rows[0] ?? body.current?.querySelector<HTMLElement>('tr');
    const link = row?.querySelector<HTMLElement>('[data-row-focus]');
    link?.focus();
    link?.scrollIntoView({ block: 'nearest' });
  }, [fresh, target]);

  // Backspace goes up a folder, wherever focus is (after opening a file it may be on the page).
  // biome-ignore lint/correctness/useExhaustiveDependencies: pathKey stands for path (a new array on every render).
  useEffect(() => {
    const onKeyDown = (e: KeyboardEvent) => {
      if (e.key !== 'Backspace' || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey || e.defaultPrevented) return;
      const t = e.target instanceof Element ? e.target : null;
      if (t?.closest('input, textarea, select, [contenteditable=""], [contenteditable="true"]')) return;
      if (path.length === 0) return;
      e.preventDefault();
      pendingFocus = { name: path[path.length - 1] };
      navigate({ view: 'browse', rev, path: path.slice(0, -1) });
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [rev, pathKey]);

  const stale = req.status === 'loading' && result !== undefined;
  const shownPathMatches = result !== undefined && result.path.join('\u0000') === pathKey;

  return (
    <div className="browse-page" data-testid="browse-view">
      {result && <CommitBanner commit={result.commit} rootTree={result.rootTree} />}
      {result?.commit && <FileFinderHost rev={rev} commit={result.commit} />}
      <div className="browse-bar">
        <RefSelector rev={rev} onSelect={(r) => navigate({ view: 'browse', rev: r, path })} />
        <Breadcrumb rev={rev} path={path} root={title} />
        {result && shownPathMatches && result.target.kind === 'tree' && <TreeZipButton key={pathKey} rev={rev} path={path} />}
        {result && shownPathMatches && result.target.kind === 'tree' && result.commit && (
          <Link
            to={{ view: 'path-history', rev, path, follow: false }}
            className="small"
            title={path.length ? 'The commits that changed this folder (git log -- <folder>)' : 'The commits of this revision'}
          >
            History
          </Link>
        )}
        {result && shownPathMatches && result.target.kind === 'blob' && result.target.mode !== '160000' && (
          <ExportMenu key={pathKey} oid={result.target.oid} type="blob" fileName={path[path.length - 1]} />
        )}
      </div>

      <RequestStatus req={req} loading="Reading the tree…" />
      {req.status === 'error' && rev === 'HEAD' && path.length === 0 && req.error.kind === 'NotFound' && <StartPoints failed="HEAD could not be browsed" />}
      {req.status === 'error' && !(rev === 'HEAD' && path.length === 0 && req.error.kind === 'NotFound') && (
        <div data-testid="browse-error">
          <ErrorBox error={req.error} title={path.length ? `${path.join('/')} could not be opened at ${rev}` : `${rev} could not be browsed`} />
          <p className="browse-error-links">
            {path.length > 0 && (
              <>
                <Link to={{ view: 'browse', rev, path: path.slice(0, -1) }}>Up one folder</Link>
                {' · '}
                <Link to={{ view: 'browse', rev, path: [] }}>The root of {rev}</Link>
                {' · '}
              </>
            )}
            <Link to={{ view: 'browse', rev: 'HEAD', path: [] }}>Browse HEAD</Link>
          </p>
        </div>
      )}

      {result && req.status !== 'error' && (
        <div ref={bodyBox} className={stale ? 'browse-body browse-stale' : 'browse-body'} aria-busy={stale}>
          {result.target.kind === 'tree' ? (
            <>
              <TreeListing
                rev={rev}
                path={shownPathMatches ? path : result.path}
                tree={result.target.oid}
                commit={result.commit}
                entries={result.target.entries}
                total={result.target.total}
                bodyRef={body}
                onKeyboardOpen={() => {
                  pendingFocus = { name: undefined };
                }}
              />
              <FolderReadme key={result.target.oid} rev={rev} path={shownPathMatches ? path : result.path} tree={result.target.oid} entries={result.target.entries} total={result.target.total} />
            </>
          ) : (
            <FileView rev={rev} commit={result.commit} path={result.path} oid={result.target.oid} mode={result.target.mode} lines={shownPathMatches ? lines : undefined} />
          )}
        </div>
      )}
    </div>
  );
}
