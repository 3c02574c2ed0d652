import type { ReactNode } from 'react';
import { useLocation, useHref, type Route } from '../lib/route.ts';
import { useRepo } from '../stores/repo.ts';
import { startRevOf } from '../lib/start-rev.ts';
import { TaskBar } from './TaskBar.tsx';

/** Views under the Forensics tab. */
const FORENSICS = new Set<Route['view']>(['verify', 'unreachable', 'duplicates', 'index-pack']);

/** The frame around every view: title, navigation, reload, tasks, notices. */
export function Layout({ children }: { children: ReactNode }) {
  const summary = useRepo((s) => s.summary);
  const status = useRepo((s) => s.status);
  const notice = useRepo((s) => s.notice);
  const setNotice = useRepo((s) => s.setNotice);
  const reload = useRepo((s) => s.reload);
  const close = useRepo((s) => s.close);
  const { route } = useLocation();
  const href = useHref();
  const head = summary?.head?.symbolic ?? (summary?.head?.oid ? 'HEAD' : undefined);
  // Browse and History open on something even when HEAD names a missing branch or there are no refs.
  const startRev = summary ? startRevOf(summary) : undefined;
  const tabs: { label: string; to: Route; active: boolean }[] = summary
    ? [
        { label: 'Overview', to: { view: 'overview' }, active: route.view === 'overview' },
        { label: 'Objects', to: { view: 'objects', filter: 'all' }, active: route.view === 'objects' || route.view === 'object' },
        ...(startRev
          ? [
              { label: 'Browse', to: { view: 'browse', rev: startRev, path: [] } as Route, active: route.view === 'browse' },
              { label: 'History', to: { view: 'history', rev: startRev, mode: 'all' } as Route, active: route.view === 'history' },
            ]
          : []),
        { label: 'Packs', to: { view: 'packs' }, active: route.view === 'packs' || route.view === 'pack' || route.view === 'delta' },
        ...(summary.midx || summary.packs.length > 1 ? [{ label: 'Multi-pack-index', to: { view: 'midx' } as Route, active: route.view === 'midx' }] : []),
        ...(summary.commitGraph ? [{ label: 'Commit-graph', to: { view: 'commit-graph' } as Route, active: route.view === 'commit-graph' }] : []),
        { label: 'Files', to: { view: 'files' }, active: route.view === 'files' || route.view === 'hex' },
        { label: 'Size', to: { view: 'size' }, active: route.view === 'size' },
        { label: 'Search', to: { view: 'search', kind: 'text', q: '' }, active: route.view === 'search' },
        { label: 'Forensics', to: { view: 'verify' }, active: FORENSICS.has(route.view) },
      ]
    : [];
  // The examiner's tools share one tab; inside it, a second row names each of them.
  const forensicTabs: { label: string; to: Route; active: boolean; hint: string }[] = [
    { label: 'Verify', to: { view: 'verify' }, active: route.view === 'verify', hint: 'Check every checksum, CRC and object id; cross-check packs against their indexes' },
    { label: 'Unreachable', to: { view: 'unreachable' }, active: route.view === 'unreachable', hint: 'Objects no ref, HEAD or index entry reaches (git fsck --unreachable)' },
    { label: 'Duplicates', to: { view: 'duplicates' }, active: route.view === 'duplicates', hint: 'Objects stored more than once: in several packs, or loose and packed' },
  ];
  return (
    <div className="app">
      <header className="topbar">
        <a className="brand" href="#/" onClick={() => close()} title="Open another folder">
          packscope
        </a>
        {summary && (
          <span className="repo-title" title={head ? `HEAD → ${head}` : undefined}>
            {summary.title}
          </span>
        )}
        <nav aria-label="Views">
          {tabs.map((t) => (
            <a key={t.label} href={href(t.to)} className={t.active ? 'tab active' : 'tab'} aria-current={t.active ? 'page' : undefined}>
              {t.label}
            </a>
          ))}
        </nav>
        <span className="spacer" />
        {status === 'open' && (
          <button type="button" onClick={() => void reload()} title="Rescan the folder for new packs or a rewritten multi-pack-index">
            Reload
          </button>
        )}
      </header>
      {summary && FORENSICS.has(route.view) && (
        <nav className="subnav" aria-label="Forensics tools">
          {forensicTabs.map((t) => (
            <a key={t.label} href={href(t.to)} className={t.active ? 'tab active' : 'tab'} aria-current={t.active ? 'page' : undefined} title={t.hint}>
              {t.label}
            </a>
          ))}
          {route.view === 'index-pack' && (
            <a href={href(route)} className="tab active" aria-current="page">
              Index a pack
            </a>
          )}
        </nav>
      )}
      <TaskBar />
      {notice && (
        <div className="notice banner" role="status">
          {notice}
          <button type="button" className="small" onClick={() => setNotice(undefined)} aria-label="Dismiss">
            Dismiss
          </button>
        </div>
      )}
      <main className="content">{children}</main>
    </div>
  );
}
