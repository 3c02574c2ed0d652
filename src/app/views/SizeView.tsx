import { useState } from 'react';
import type { AnalysisSoFar, SizeSummary, TreemapMeasure } from '../../protocol/analysis.ts';
import type { Progress } from '../../protocol/rpc.ts';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { RequestStatus } from '../components/RequestStatus.tsx';
import { formatBytes, formatCount } from '../lib/format.ts';
import { navigate, type SizeParams } from '../lib/route.ts';
import { useRepo } from '../stores/repo.ts';
import { taskCount } from '../components/TaskBar.tsx';
import { useWorkerRequest } from '../lib/request.ts';
import { useSizeAnalysis } from './size/size-requests.ts';
import { BlobList } from './size/BlobList.tsx';
import { ExtensionTable } from './size/ExtensionTable.tsx';
import { GrowthChart } from './size/GrowthChart.tsx';
import { PackFill } from './size/PackFill.tsx';
import { PathDetail } from './size/PathDetail.tsx';
import { PathTable } from './size/PathTable.tsx';
import { SizeTreemap } from './size/SizeTreemap.tsx';
import './size/size.css';

/**
 * "Why is this repository big?" The size analysis reads every path's versions over history
 * with the bytes each takes in the packs, and shows them as a zoomable treemap (all history or
 * one commit's tree; stored, inflated, or deleted but still stored), a table of paths, the
 * largest blobs, the growth of stored bytes, what fills each pack, and for a selected path what
 * removing it from history would save. The analysis runs once per repository (progress, cancel)
 * and is kept while it stays open.
 */

type Tab = 'paths' | 'blobs' | 'growth' | 'packs' | 'extensions';

const MEASURES: TreemapMeasure[] = ['stored', 'inflated', 'deletedStored'];
const MEASURE_BUTTONS: Record<TreemapMeasure, string> = { stored: 'Stored', inflated: 'Inflated', deletedStored: 'Deleted but still stored' };

/** The size page. */
export function SizeView({ folder, measure, rev, path }: { folder?: number; measure: TreemapMeasure; rev?: string; path?: number }) {
  const summary = useRepo((s) => s.summary);
  const { analysis, soFar, progress } = useSizeAnalysis([summary]);
  const done = analysis.data;
  const tree = useWorkerRequest('Laying out the treemap', 'sizeTree', done ? { root: folder ?? 0, measure, ...(rev ? { rev } : {}), depth: 4 } : undefined, [done, folder, measure, rev]);
  const detail = useWorkerRequest('Reading the path’s sizes', 'sizePath', done && path !== undefined ? { path } : undefined, [done, path]);
  const [tab, setTab] = useState<Tab>('paths');
  const [kind, setKind] = useState<'file' | 'dir'>('file');

  const go = (change: SizeParams) => {
    const next: SizeParams = { folder, measure: measure === 'stored' ? undefined : measure, rev, path, ...change };
    const clean: SizeParams = {};
    if (next.folder !== undefined && next.folder > 0) clean.folder = next.folder;
    if (next.measure) clean.measure = next.measure;
    if (next.rev) clean.rev = next.rev;
    if (next.path !== undefined) clean.path = next.path;
    navigate({ view: 'size', ...clean });
  };
  const zoom = (id: number) => go({ folder: id, path: id > 0 ? id : undefined });
  const select = (id: number) => go({ path: id });

  if (!summary) return null;
  const currentFolder = tree.data?.crumbs[tree.data.crumbs.length - 1];
  return (
    <div className="sz-page" data-testid="size-view">
      <header>
        <h1>Why is this repository big?</h1>
      </header>
      {done ? <Totals data={done} /> : <Running progress={progress} soFar={soFar} running={analysis.status === 'loading'} />}
      {/* While it runs, the box above says what is known; this names a failure or a cancel. */}
      {analysis.status !== 'loading' && <RequestStatus req={analysis} loading="" failed="The size analysis failed" again="Analyse again" />}
      {done && (
        <>
          <div className="toolbar sz-controls">
            <div role="group" aria-label="Measure">
              {MEASURES.map((m) => (
                <button key={m} type="button" className={`small${m === measure ? ' primary' : ''}`} aria-pressed={m === measure} onClick={() => go({ measure: m === 'stored' ? undefined : m })}>
                  {MEASURE_BUTTONS[m]}
                </button>
              ))}
            </div>
            <ScopePicker rev={rev} onRev={(r) => go({ rev: r, folder: undefined })} />
          </div>
          {tree.status === 'error' && <ErrorBox error={tree.error} title={rev ? `The tree of ${rev} could not be shown` : 'The treemap could not be made'} />}
          <div className={`sz-main${path !== undefined ? ' with-detail' : ''}`}>
            {tree.data ? (
              <SizeTreemap tree={tree.data} measure={measure} selected={path} onZoom={zoom} onSelect={select} />
            ) : (
              <p className="muted sz-treemap-wait">{tree.status === 'loading' ? 'Laying out the treemap…' : ''}</p>
            )}
            {path !== undefined && (
              <div className="sz-side">
                {detail.data && detail.data.row.id === path ? (
                  <PathDetail detail={detail.data} onZoom={zoom} onClose={() => go({ path: undefined })} />
                ) : (
                  <RequestStatus req={detail} loading="Reading the path…" failed="The path could not be read" />
                )}
              </div>
            )}
          </div>
          <nav className="subnav sz-tabs" aria-label="Size reports">
            {(
              [
                ['paths', 'Paths'],
                ['blobs', 'Largest blobs'],
                ['growth', 'Growth'],
                ['packs', 'Packs'],
                ['extensions', 'Extensions'],
              ] as [Tab, string][]
            ).map(([key, label]) => (
              <button key={key} type="button" className={`tab${tab === key ? ' active' : ''}`} aria-pressed={tab === key} onClick={() => setTab(key)}>
                {label}
              </button>
            ))}
          </nav>
          {tab === 'paths' && <PathTable kind={kind} onKind={setKind} folder={currentFolder} selected={path} onSelect={select} />}
          {tab === 'blobs' && <BlobList onSelect={select} />}
          {tab === 'growth' && <GrowthChart growth={done.growth} />}
          {tab === 'packs' && <PackFill summary={done} onSelect={select} />}
          {tab === 'extensions' && <ExtensionTable summary={done} />}
        </>
      )}
    </div>
  );
}

/** The whole-history totals. */
function Totals({ data }: { data: SizeSummary }) {
  return (
    <p className="sz-totals" data-testid="size-totals">
      <strong>{formatBytes(data.stored)}</strong> of blobs stored in the packs ({formatBytes(data.inflated)} inflated), in {formatCount(data.versions)} versions of {formatCount(data.files)} paths over{' '}
      {formatCount(data.commits)} commits{data.firstDate && data.lastDate ? ` from ${data.firstDate} to ${data.lastDate}` : ''}. All objects take {formatBytes(data.storedAllObjects)}.
      {data.unnamedBlobs > 0 && (
        <>
          {' '}
          {formatCount(data.unnamedBlobs)} {data.unnamedBlobs === 1 ? 'blob' : 'blobs'} ({formatBytes(data.unnamedStored)}) {data.unnamedBlobs === 1 ? 'is' : 'are'} named by no commit.
        </>
      )}
      {data.missingBlobs > 0 && <> {formatCount(data.missingBlobs)} blobs history names are not in the repository (a partial clone): their sizes are unknown.</>}
      {data.ms > 0 && <span className="muted"> Analysed in {(data.ms / 1000).toFixed(1)} s.</span>}
    </p>
  );
}

/** What the running analysis knows so far. */
function Running({ progress, soFar, running }: { progress: Progress | undefined; soFar: AnalysisSoFar | undefined; running: boolean }) {
  if (!running) return null;
  return (
    <div className="sz-running" data-testid="size-running" aria-live="polite">
      <p>
        {progress ? progress.label : 'Starting'}… <span className="muted">{progress ? taskCount({ done: progress.done, total: progress.total, unit: progress.unit, etaMs: progress.etaMs }) : ''}</span>
      </p>
      {progress && progress.total > 0 && <progress max={progress.total} value={progress.done} aria-label="Size analysis" />}
      {/* Counts start with the walk over history; the size pass before it has none to tell. */}
      {soFar && soFar.commits > 0 && (
        <p className="muted" data-testid="size-so-far">
          So far: {formatCount(soFar.commits)} commits, {formatCount(soFar.files)} paths, {formatCount(soFar.blobs)} blobs, {formatBytes(soFar.stored)} stored.
        </p>
      )}
    </div>
  );
}

/** All history, or the tree of one ref or commit. */
function ScopePicker({ rev, onRev }: { rev: string | undefined; onRev: (rev: string | undefined) => void }) {
  const refs = useRepo((s) => s.summary?.refs ?? []);
  const [typed, setTyped] = useState(rev ?? '');
  const names = refs.slice(0, 300).map((r) => r.name);
  return (
    <form
      className="sz-scope"
      onSubmit={(e) => {
        e.preventDefault();
        onRev(typed.trim() || undefined);
      }}
    >
      <label>
        Show{' '}
        <select
          value={rev === undefined ? '' : names.includes(rev) || rev === 'HEAD' ? rev : '*'}
          onChange={(e) => {
            const v = e.target.value;
            if (v === '*') return;
            setTyped(v);
            onRev(v || undefined);
          }}
          aria-label="Scope"
        >
          <option value="">all history</option>
          <option value="HEAD">the tree of HEAD</option>
          {names.map((n) => (
            <option key={n} value={n}>
              the tree of {n}
            </option>
          ))}
          {rev !== undefined && rev !== 'HEAD' && !names.includes(rev) && <option value="*">the tree of {rev}</option>}
        </select>
      </label>
      <input type="text" value={typed} onChange={(e) => setTyped(e.target.value)} placeholder="or a commit" aria-label="Commit or ref" size={14} />
      <button type="submit" className="small">
        Show
      </button>
    </form>
  );
}
