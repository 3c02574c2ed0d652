import { lazy, Suspense, useEffect, useState, type ReactNode } from 'react';
import { engine } from './client.ts';
import { Layout } from './components/Layout.tsx';
import { openDemo, openDrop, reopenRecent } from './lib/open.ts';
import { useLocation } from './lib/route.ts';
import { useRecents } from './stores/recents.ts';
import { useRepo } from './stores/repo.ts';
import { focusView } from './stores/tasks.ts';
import { BrowseView } from './views/BrowseView.tsx';
import { HistoryView } from './views/HistoryView.tsx';
import { HomeView } from './views/HomeView.tsx';
import { ObjectView } from './views/ObjectView.tsx';
import { ObjectsView } from './views/ObjectsView.tsx';
import { OverviewView } from './views/OverviewView.tsx';
import { MidxView } from './views/MidxView.tsx';
import { CommitGraphView } from './views/CommitGraphView.tsx';
import { PacksView } from './views/PacksView.tsx';
import { PackView } from './views/PackView.tsx';
import { FilesView } from './views/FilesView.tsx';
import { HexView } from './views/HexView.tsx';
import { DeltaView } from './views/DeltaView.tsx';
import { VerifyView } from './views/VerifyView.tsx';
import { SearchView } from './views/SearchView.tsx';
import { UnreachableView } from './views/UnreachableView.tsx';
import { DuplicatesView } from './views/DuplicatesView.tsx';
import { IndexPackView } from './views/IndexPackView.tsx';
import { CompareView } from './views/CompareView.tsx';
import { BlameView } from './views/BlameView.tsx';
import { PathHistoryView } from './views/PathHistoryView.tsx';
import { UpdateNotice } from './pwa/UpdateNotice.tsx';

/** The size view and its treemap (d3-hierarchy) load when first opened. */
const SizeView = lazy(() => import('./views/SizeView.tsx').then((m) => ({ default: m.SizeView })));

/** Routes to views, reopens the repository a URL names, and takes folder drops anywhere. */
export function App() {
  const { repo, route } = useLocation();
  const status = useRepo((s) => s.status);
  const key = useRepo((s) => s.key);
  const setNotice = useRepo((s) => s.setNotice);
  const [dragging, setDragging] = useState(false);
  const [restoring, setRestoring] = useState(true);

  useEffect(() => engine.onRestart((message) => setNotice(message)), [setNotice]);

  // The worker runs the visible view's long work first.
  useEffect(() => focusView(route.view), [route.view]);

  // A reload (or a shared link) names a repository: reopen it if that needs no click.
  // biome-ignore lint/correctness/useExhaustiveDependencies: only on first load: later route changes open repositories themselves.
  useEffect(() => {
    void (async () => {
      await useRecents.getState().load();
      if (repo === 'demo') await openDemo();
      else if (repo?.startsWith('recent-')) await reopenRecent(repo.slice('recent-'.length), false);
      setRestoring(false);
    })();
  }, []);

  useEffect(() => {
    const over = (e: DragEvent) => {
      if (!e.dataTransfer?.types.includes('Files')) return;
      e.preventDefault();
      setDragging(true);
    };
    const leave = (e: DragEvent) => {
      if (e.relatedTarget === null) setDragging(false);
    };
    const drop = (e: DragEvent) => {
      e.preventDefault();
      setDragging(false);
      if (e.dataTransfer) void openDrop(e.dataTransfer);
    };
    window.addEventListener('dragover', over);
    window.addEventListener('dragleave', leave);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragover', over);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('drop', drop);
    };
  }, []);

  const isOpen = status === 'open' && key !== undefined && (repo === key || repo === undefined);
  let view: ReactNode;
  if (!isOpen || route.view === 'home') view = restoring && repo ? <p className="muted">Reopening…</p> : <HomeView pendingRepo={status === 'open' ? undefined : repo} />;
  else if (route.view === 'overview') view = <OverviewView />;
  else if (route.view === 'objects') view = <ObjectsView filter={route.filter} at={route.at} />;
  else if (route.view === 'object') view = <ObjectView oid={route.oid} at={route.at} />;
  else if (route.view === 'browse') view = <BrowseView rev={route.rev} path={route.path} lines={route.lines} />;
  else if (route.view === 'history') view = <HistoryView rev={route.rev} mode={route.mode} graph={route.graph} />;
  else if (route.view === 'path-history') view = <PathHistoryView rev={route.rev} path={route.path} follow={route.follow} />;
  else if (route.view === 'blame') view = <BlameView rev={route.rev} path={route.path} />;
  else if (route.view === 'midx') view = <MidxView />;
  else if (route.view === 'commit-graph') view = <CommitGraphView />;
  else if (route.view === 'packs') view = <PacksView />;
  else if (route.view === 'pack') view = <PackView name={route.name} map={route.map ?? 'type'} />;
  else if (route.view === 'files') view = <FilesView />;
  else if (route.view === 'hex') view = <HexView file={route.file} at={route.at} />;
  else if (route.view === 'delta') view = <DeltaView oid={route.oid} />;
  else if (route.view === 'verify') view = <VerifyView />;
  else if (route.view === 'search') view = <SearchView kind={route.kind} q={route.q} />;
  else if (route.view === 'unreachable') view = <UnreachableView />;
  else if (route.view === 'duplicates') view = <DuplicatesView />;
  else if (route.view === 'compare') view = <CompareView a={route.a} b={route.b} />;
  else if (route.view === 'size')
    view = (
      <Suspense fallback={<p className="muted">Loading the size view…</p>}>
        <SizeView folder={route.folder} measure={route.measure ?? 'stored'} rev={route.rev} path={route.path} />
      </Suspense>
    );
  else view = <IndexPackView name={route.name} />;

  return (
    <Layout>
      {dragging && <div className="drop-overlay">Drop a repository folder, or .pack / .idx files, to open it</div>}
      {view}
      <UpdateNotice />
    </Layout>
  );
}
