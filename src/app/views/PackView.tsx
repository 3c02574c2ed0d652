import { useEffect } from 'react';
import type { IdxAnatomy } from '../../protocol/anatomy.ts';
import type { PackSummary, RepoSummary } from '../../protocol/messages.ts';
import { Companions } from '../components/companions/Companions.tsx';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { Link } from '../components/Link.tsx';
import { formatBytes, formatCount } from '../lib/format.ts';
import { navigate } from '../lib/route.ts';
import { useRepo } from '../stores/repo.ts';
import { useWorkerRequest } from '../lib/request.ts';
import { ByteMap } from './pack/ByteMap.tsx';
import type { MapMode } from './pack/byte-map-model.ts';
import { IdxSection } from './pack/IdxSection.tsx';
import { usePackMap } from './pack/map-cache.ts';
import { FieldTable } from '../components/HexLink.tsx';
import { StatsSection } from './pack/StatsSection.tsx';
import { CopyButton } from './object/CopyButton.tsx';
import { usePackStats, type PackStatsEntry } from './pack/stats-store.ts';
import './pack/pack.css';
import { RequestStatus } from '../components/RequestStatus.tsx';

/**
 * One pack: its header, what the scan of every entry found (types, sizes, delta chains, the
 * largest objects), the byte map, the `.idx` laid open, and the files beside it.
 */
export function PackView({ name, map }: { name: string; map: MapMode }) {
  const summary = useRepo((s) => s.summary);
  if (!summary) return null;
  const pack = summary.packs.find((p) => p.name === name);
  if (!pack) {
    const problem = summary.problems.find((p) => p.file?.replace(/^.*\//, '').startsWith(`${name}.`));
    return (
      <div className="pk-page">
        <h1 className="mono pk-title">{name}</h1>
        <ErrorBox
          error={problem ?? { kind: 'NotFound', message: `no pack named ${name}`, detail: `No pack named ${name} is open in this folder.` }}
          title={problem ? 'This pack did not open' : 'No such pack'}
        />
        <p>
          <Link to={{ view: 'packs' }}>All packs</Link>
        </p>
      </div>
    );
  }
  // A reload gives a new summary: a fresh page, so nothing of the old folder's answers lingers.
  return <PackPage key={`${generationOf(summary)}:${name}`} summary={summary} pack={pack} mode={map} />;
}

const generations = new WeakMap<RepoSummary, number>();
let nextGeneration = 1;

/** A number per summary. */
function generationOf(summary: RepoSummary): number {
  let g = generations.get(summary);
  if (g === undefined) generations.set(summary, (g = nextGeneration++));
  return g;
}

const SECTIONS = [
  { id: 'pk-map', label: 'Byte map' },
  { id: 'pk-stats', label: 'Statistics' },
  { id: 'pk-idx', label: 'Index (.idx)' },
  { id: 'pk-companions', label: 'Companion files' },
];

function jumpTo(id: string): void {
  const el = document.getElementById(id);
  if (!el) return;
  el.scrollIntoView({ behavior: 'smooth', block: 'start' });
  el.focus({ preventScroll: true });
}

function PackPage({ summary, pack, mode }: { summary: RepoSummary; pack: PackSummary; mode: MapMode }) {
  const name = pack.name;
  const hashBytes = summary.hashAlgo === 'sha256' ? 32 : 20;
  const anatomy = useWorkerRequest('Reading the idx', 'idxAnatomy', { pack: name }, [name, summary]);
  const entry = usePackStats((s) => (s.summary === summary ? s.entries[name] : undefined));
  const compute = usePackStats((s) => s.compute);

  // The scan starts with the page (it continues in the background if the page is left).
  // biome-ignore lint/correctness/useExhaustiveDependencies: only when the page opens or the pack changes (not when the scan's status changes): a cancel is the person's choice.
  useEffect(() => {
    if (entry === undefined || entry.status === 'queued') void compute(name);
  }, [name, summary]);

  const packFile = anatomy.data ? anatomy.data.file.replace(/\.idx$/, '.pack') : undefined;
  const done = entry?.status === 'done';

  return (
    <div className="pk-page" data-testid="pack-view" data-pack={name}>
      <header className="pk-head">
        <div className="pk-crumbs">
          <Link to={{ view: 'packs' }}>Packs</Link> <span className="muted">/</span>
        </div>
        <h1 className="mono pk-title" title={name}>
          {name}
        </h1>
        <CopyButton text={name} label="Copy name" />
        <nav className="pk-toc" aria-label="On this page">
          {SECTIONS.map((s) => (
            <button key={s.id} type="button" className="link-button" onClick={() => jumpTo(s.id)}>
              {s.label}
            </button>
          ))}
        </nav>
      </header>

      <PackFacts pack={pack} anatomy={anatomy.data} packFile={packFile} hashBytes={hashBytes} />
      {anatomy.status === 'error' && <ErrorBox error={anatomy.error} title="The idx could not be read" />}

      <section id="pk-map" tabIndex={-1} aria-labelledby="pk-map-h" className="pk-section">
        <h2 id="pk-map-h">Byte map</h2>
        <p className="muted pk-lead">Every entry of the pack file in order, as wide as the bytes it occupies, coloured by {mode === 'type' ? 'the type it resolves to' : 'its delta depth'}.</p>
        {done ? <MapPanel summary={summary} pack={name} mode={mode} /> : <ScanState entry={entry} onRetry={() => void compute(name)} what="The byte map is drawn" />}
      </section>

      <section id="pk-stats" tabIndex={-1} aria-labelledby="pk-stats-h" className="pk-section">
        <h2 id="pk-stats-h">Statistics</h2>
        {entry?.status === 'done' ? (
          <StatsSection stats={entry.stats} packFile={packFile ?? `${name}.pack`} ms={entry.ms} />
        ) : (
          <ScanState entry={entry} onRetry={() => void compute(name)} what="Statistics appear" />
        )}
      </section>

      <section id="pk-idx" tabIndex={-1} aria-labelledby="pk-idx-h" className="pk-section">
        <h2 id="pk-idx-h">
          Index <span className="muted">(.idx)</span>
        </h2>
        <RequestStatus req={anatomy} loading="Reading the idx…" />
        {anatomy.status === 'error' && <p className="muted">See the error above.</p>}
        {anatomy.data && packFile && <IdxSection anatomy={anatomy.data} packFile={packFile} hashBytes={hashBytes} />}
      </section>

      <section id="pk-companions" tabIndex={-1} aria-labelledby="pk-companions-h" className="pk-section">
        <h2 id="pk-companions-h">Companion files</h2>
        <Companions pack={name} />
      </section>
    </div>
  );
}

/** A pack field's value as the file holds it, and the .idx's differing copy after it when they disagree. */
function withIdxCopy(inFile: string, inIdx: string, idxSays: string): string {
  return inFile === inIdx ? inFile : `${inFile} (differs: ${idxSays} ${inIdx})`;
}

/** The pack file's own header and trailer, with offsets into the hex view. */
function PackFacts({ pack, anatomy, packFile, hashBytes }: { pack: PackSummary; anatomy: IdxAnatomy | undefined; packFile: string | undefined; hashBytes: number }) {
  const trailerAt = pack.packBytes - hashBytes;
  return (
    <div className="pk-facts-grid">
      <dl className="facts pk-facts" data-testid="pack-facts">
        <dt>File</dt>
        <dd className="mono">{packFile ?? `${pack.name}.pack`}</dd>
        <dt>Size</dt>
        <dd>
          {formatBytes(pack.packBytes)} <span className="muted">({formatCount(pack.packBytes)} bytes)</span>
        </dd>
        <dt>Objects</dt>
        <dd>{formatCount(pack.objects)}</dd>
        <dt>Beside it</dt>
        <dd className="pk-badges">
          <span className="badge on">.idx v{pack.idxVersion}</span>
          {pack.hasRev && <span className="badge on">.rev</span>}
          {pack.hasBitmap && <span className="badge on">.bitmap</span>}
          {pack.hasMtimes && <span className="badge on">.mtimes</span>}
          {pack.hasKeep && <span className="badge on">.keep</span>}
          {pack.hasPromisor && <span className="badge on">.promisor</span>}
          {pack.coveredByMidx && <span className="badge on">in the multi-pack-index</span>}
        </dd>
      </dl>
      <div className="table-scroll">
        <FieldTable
          caption="Pack header and trailer"
          testId="pack-header"
          file={packFile}
          fields={[
            { name: 'signature', offset: 0, length: 4, value: 'PACK' },
            { name: 'version', offset: 4, length: 4, value: String(pack.packVersion) },
            // What the .pack holds; where the .idx says otherwise (a truncated or replaced pack), both are shown.
            { name: 'number of objects', offset: 8, length: 4, value: anatomy ? withIdxCopy(String(anatomy.packHeaderObjects), String(pack.objects), 'the .idx lists') : '…' },
            { name: 'entries', offset: 12, length: Math.max(0, trailerAt - 12), value: 'object entries, in pack order' },
            { name: 'trailer checksum', offset: trailerAt, length: hashBytes, value: anatomy ? withIdxCopy(anatomy.packFileTrailer, anatomy.packChecksum, "the .idx's copy is") : '…' },
          ]}
        />
      </div>
    </div>
  );
}

/** Where the scan stands, while there are no statistics to show. */
function ScanState({ entry, onRetry, what }: { entry: PackStatsEntry | undefined; onRetry: () => void; what: string }) {
  if (entry?.status === 'error') {
    return (
      <>
        <ErrorBox error={entry.error} title="The pack could not be scanned" />
        <button type="button" onClick={onRetry}>
          Try again
        </button>
      </>
    );
  }
  if (entry?.status === 'cancelled') {
    return (
      <p className="muted pk-scan-state">
        The scan was cancelled.{' '}
        <button type="button" className="small" onClick={onRetry}>
          Continue the scan
        </button>{' '}
        (it picks up where it stopped)
      </p>
    );
  }
  const p = entry?.status === 'running' ? entry.progress : undefined;
  const pct = p && p.total > 0 ? (p.done / p.total) * 100 : undefined;
  return (
    <div className="pk-scan-state" role="status">
      <span className="muted">{what} once every entry has been read</span>
      <progress max={100} value={pct} aria-label="Scanning the pack" />
      <span className="muted mono">{p && p.total > 0 ? `${formatCount(p.done)} / ${formatCount(p.total)}` : ''}</span>
    </div>
  );
}

/** Fetches (or reuses) the byte map's arrays and shows the map. */
function MapPanel({ summary, pack, mode }: { summary: RepoSummary; pack: string; mode: MapMode }) {
  const state = usePackMap(summary, pack);
  if (state.status === 'error') return <ErrorBox error={state.error} title="The byte map could not be built" />;
  if (state.status !== 'done') return <p className="muted">Receiving the entries…</p>;
  return <ByteMap map={state.data} mode={mode} onMode={(m) => navigate({ view: 'pack', name: pack, ...(m === 'depth' ? { map: 'depth' as const } : {}) }, { replace: true })} />;
}
