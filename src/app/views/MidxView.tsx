import { useMemo, useState, type MouseEvent } from 'react';
import type { MidxAnatomy } from '../../protocol/anatomy.ts';
import type { RepoSummary } from '../../protocol/messages.ts';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { Link } from '../components/Link.tsx';
import { formatCount } from '../lib/format.ts';
import { useRepo } from '../stores/repo.ts';
import { ChainDiagram } from './midx/ChainDiagram.tsx';
import { DuplicatesPanel } from './midx/DuplicatesPanel.tsx';
import { LayerSection } from './midx/LayerSection.tsx';
import { WritePanel } from './midx/WritePanel.tsx';
import { useWorkerRequest } from '../lib/request.ts';
import './midx/midx.css';
import { RequestStatus } from '../components/RequestStatus.tsx';
import { ChunkFileKindFacts } from '../components/ChunkFileMap.tsx';

/** The multi-pack-index: its files to scale, header, chunks, packs, fanout; duplicates; what git would write. */
export function MidxView() {
  const summary = useRepo((s) => s.summary);
  const req = useWorkerRequest('Reading the multi-pack-index', 'midxAnatomy', {}, [summary]);
  if (!summary) return null;
  return (
    <div className="mx" data-testid="midx-view">
      <header className="mx-head">
        <h1>Multi-pack-index</h1>
        <nav className="mx-toc" aria-label="On this page">
          <a href="#mx-anatomy" onClick={jump('mx-anatomy')}>
            Anatomy
          </a>
          <a href="#mx-uncovered" onClick={jump('mx-uncovered')}>
            Packs outside it
          </a>
          <a href="#mx-duplicates" onClick={jump('mx-duplicates')}>
            Duplicates
          </a>
          <a href="#mx-write" onClick={jump('mx-write')}>
            Write
          </a>
        </nav>
      </header>
      <p className="muted mx-lead">
        One sorted list of object ids over many packs, each with the pack it is read from and its offset there, so git finds an object with one binary search instead of one per pack.
      </p>

      <section id="mx-anatomy" aria-label="Anatomy">
        <RequestStatus req={req} loading="Reading the multi-pack-index…" failed="The multi-pack-index could not be read" again="Read again" />
        {req.data && <Anatomy anatomy={req.data} summary={summary} />}
      </section>

      <section id="mx-duplicates" aria-labelledby="mx-duplicates-h">
        <h2 id="mx-duplicates-h">Objects stored in several packs</h2>
        <DuplicatesPanel summary={summary} />
      </section>

      <section id="mx-write" aria-labelledby="mx-write-h">
        <h2 id="mx-write-h">Write multi-pack-index</h2>
        <WritePanel summary={summary} anatomy={req.data} />
      </section>
    </div>
  );
}

/** In-page links that do not change the route (the hash holds the route). */
function jump(id: string) {
  return (e: MouseEvent) => {
    e.preventDefault();
    const el = document.getElementById(id);
    el?.scrollIntoView({ block: 'start' });
    const focusable = el?.querySelector<HTMLElement>('h2, h1');
    if (focusable) {
      focusable.tabIndex = -1;
      focusable.focus({ preventScroll: true });
    }
  };
}

function Anatomy({ anatomy, summary }: { anatomy: MidxAnatomy; summary: RepoSummary }) {
  const [selected, setSelected] = useState(0);
  const folderPacks = useMemo(() => new Map(summary.packs.map((p) => [p.name, p])), [summary]);
  const { kind, layers, error, uncoveredPacks } = anatomy;
  const layer = layers[Math.min(selected, layers.length - 1)];
  const objects = layers.reduce((s, l) => s + l.objects, 0);
  const packs = layers.reduce((s, l) => s + l.packs.length, 0);
  const uncoveredObjects = uncoveredPacks.reduce((s, name) => s + (folderPacks.get(name)?.objects ?? 0), 0);
  // In the order they are searched: newest first, equal times by name (as the engine orders them).
  const searchOrder = [...uncoveredPacks].sort((a, b) => (folderPacks.get(b)?.mtimeMs ?? 0) - (folderPacks.get(a)?.mtimeMs ?? 0) || (a < b ? -1 : 1));

  return (
    <>
      <div className="card mx-summary" data-testid="midx-kind">
        {kind === 'none' ? (
          <p className="mx-none">
            <strong>No multi-pack-index</strong> in this folder: {summary.packs.length === 1 ? 'the pack is' : `each of the ${formatCount(summary.packs.length)} packs is`} searched through its own
            .idx{summary.packs.length > 1 ? ', newest first' : ''}. Below: the objects the packs share, and the file git would write.
          </p>
        ) : layers.length === 0 ? (
          <p className="mx-none">
            <span className="badge mx-missing">not loaded</span> {kind === 'chain' ? 'The incremental chain' : 'The multi-pack-index'}{' '}
            {error?.file !== undefined && <span className="mono">{error.file}</span>} is in the folder but did not load (below why). Rewrite it with <code>git multi-pack-index write</code>, or with
            the Write panel at the end of this page.
          </p>
        ) : (
          <dl className="facts mx-facts">
            <ChunkFileKindFacts
              kind={kind}
              description={kind === 'chain' ? `an incremental chain of ${layers.length} ${layers.length === 1 ? 'layer' : 'layers'} that loaded` : 'a single file'}
              chainFile={anatomy.chainFile}
            />
            <dt>Objects</dt>
            <dd data-testid="midx-objects">{formatCount(objects)}</dd>
            <dt>Packs covered</dt>
            <dd>{formatCount(packs)}</dd>
            <dt>Packs outside it</dt>
            <dd>
              {formatCount(uncoveredPacks.length)}
              {uncoveredPacks.length > 0 && <span className="muted"> ({formatCount(uncoveredObjects)} objects, searched after it)</span>}
            </dd>
          </dl>
        )}
      </div>

      {error && (
        <div data-testid="midx-error">
          <ErrorBox
            error={error}
            title={layers.length === 0 ? 'The multi-pack-index did not load' : kind === 'chain' ? 'Part of the multi-pack-index chain did not load' : 'Part of the multi-pack-index could not be read'}
          />
          {layers.length === 0 && uncoveredPacks.length > 0 && (
            <p>
              Git ignores it, and so does packscope: {uncoveredPacks.length === 1 ? 'the pack is' : `all ${formatCount(uncoveredPacks.length)} packs are`} read through their own .idx instead (listed
              below). Nothing readable is lost.
            </p>
          )}
        </div>
      )}

      {kind === 'chain' && layers.length > 0 && (
        <>
          <h2>Layers</h2>
          <p className="muted mx-note">
            The chain file lists the layers base first; object positions and pack ids continue from one layer to the next. A lookup searches the newest layer first. Choose a layer to see its anatomy.
          </p>
          <ChainDiagram layers={layers} selected={Math.min(selected, layers.length - 1)} onSelect={setSelected} />
        </>
      )}

      {layer && <LayerSection key={layer.file} layer={layer} index={Math.min(selected, layers.length - 1)} count={layers.length} chain={kind === 'chain'} folderPacks={folderPacks} />}

      <section id="mx-uncovered" aria-labelledby="mx-uncovered-h">
        <h2 id="mx-uncovered-h">Packs {kind === 'none' || layers.length === 0 ? 'read through their own .idx' : 'the multi-pack-index does not cover'}</h2>
        {uncoveredPacks.length === 0 ? (
          <p className="muted">None: every pack in the folder is covered.</p>
        ) : (
          <>
            <p className="muted mx-note">Searched {layers.length > 0 ? 'after the multi-pack-index, ' : ''}newest first (then the pack of the last hit first), each through its .idx.</p>
            <ul className="mx-uncovered" data-testid="midx-uncovered">
              {searchOrder.map((name) => {
                const p = folderPacks.get(name);
                return (
                  <li key={name}>
                    {p ? (
                      <Link to={{ view: 'pack', name }} className="mono">
                        {name}
                      </Link>
                    ) : (
                      <span className="mono">{name}</span>
                    )}{' '}
                    <span className="muted">{p ? `${formatCount(p.objects)} objects, modified ${new Date(p.mtimeMs).toLocaleString()}` : 'did not open (see the overview’s problems)'}</span>
                  </li>
                );
              })}
            </ul>
          </>
        )}
      </section>
    </>
  );
}
