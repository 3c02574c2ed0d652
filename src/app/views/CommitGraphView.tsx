import { useState } from 'react';
import type { CommitGraphAnatomy } from '../../protocol/commit-graph.ts';
import { HexLink } from '../components/HexLink.tsx';
import { MarkedText } from '../components/MarkedText.tsx';
import { RequestStatus } from '../components/RequestStatus.tsx';
import { formatBytes, formatCount } from '../lib/format.ts';
import { useRepo } from '../stores/repo.ts';
import { LayerPanel } from './commit-graph/LayerPanel.tsx';
import { VerifyPanel } from './commit-graph/VerifyPanel.tsx';
import { useWorkerRequest } from '../lib/request.ts';
import './midx/midx.css';
import './commit-graph/commit-graph.css';
import { ChunkFileKindFacts } from '../components/ChunkFileMap.tsx';

/**
 * The commit-graph file (`objects/info/commit-graph`) or split chain (`objects/info/commit-graphs/`):
 * what git loads, each layer's anatomy, and `git commit-graph verify` run here.
 */
export function CommitGraphView() {
  const summary = useRepo((s) => s.summary);
  const req = useWorkerRequest('Reading the commit-graph', 'commitGraphAnatomy', {}, [summary]);
  if (!summary) return null;
  return (
    <div className="mx cg" data-testid="commit-graph-view">
      <header className="mx-head">
        <h1>Commit-graph</h1>
      </header>
      <p className="muted mx-lead">
        Every commit's tree, parents, generation and commit time in fixed-width rows, so git walks history without inflating commits; optional Bloom filters of the paths each commit changed let{' '}
        <code>git log -- path</code> skip commits.
      </p>
      <RequestStatus req={req} loading="Reading the commit-graph…" failed="The commit-graph could not be read" again="Read again" />
      {req.data && <Anatomy anatomy={req.data} />}
    </div>
  );
}

function Anatomy({ anatomy }: { anatomy: CommitGraphAnatomy }) {
  const { kind, layers, messages } = anatomy;
  const [selected, setSelected] = useState(Math.max(0, layers.length - 1));
  const index = Math.min(selected, Math.max(0, layers.length - 1));
  const layer = layers[index];
  return (
    <>
      <div className="card mx-summary" data-testid="commit-graph-summary">
        {kind === 'none' ? (
          <p className="mx-none">
            <strong>No commit-graph</strong> in this folder: git parses each commit object as it walks. <code>git commit-graph write --reachable</code> writes one.
          </p>
        ) : (
          <dl className="facts mx-facts">
            <ChunkFileKindFacts
              kind={kind}
              description={kind === 'chain' ? `a split chain; ${layers.length} of ${anatomy.chainLines.length} ${anatomy.chainLines.length === 1 ? 'layer' : 'layers'} loaded` : 'a single file'}
              chainFile={anatomy.chainFile}
            />
            <dt>Commits</dt>
            <dd data-testid="commit-graph-commits">{formatCount(anatomy.totalCommits)}</dd>
            <dt>Files</dt>
            <dd>
              {anatomy.files.length} ({formatBytes(anatomy.files.reduce((s, f) => s + f.size, 0))})
            </dd>
            <dt>Generations</dt>
            <dd>{layers.length === 0 ? '—' : layers.every((l) => l.generation.corrected) ? 'corrected commit dates (GDA2, generation v2)' : 'topological levels (generation v1)'}</dd>
            <dt>Bloom filters</dt>
            <dd>{layers.filter((l) => l.bloom).length === 0 ? 'none' : `${layers.filter((l) => l.bloom).length} of ${layers.length} ${layers.length === 1 ? 'file' : 'layers'}`}</dd>
          </dl>
        )}
      </div>

      {messages.length > 0 && (
        <div className="card cg-messages" data-testid="commit-graph-load-messages">
          <p>
            <strong>While loading, git says:</strong>
          </p>
          <ul className="cg-lines">
            {messages.map((m, i) => (
              <li key={i} className={m.level === 'error' ? 'error' : 'warn'}>
                <span className="mono">
                  {m.level}: <MarkedText text={m.text} />
                </span>
                {m.file !== undefined && (
                  <>
                    {' '}
                    <HexLink file={m.file} at={m.offset ?? 0}>
                      <span className="mono">{m.file.replace(/^.*\//, '')}</span>
                    </HexLink>
                  </>
                )}
              </li>
            ))}
          </ul>
        </div>
      )}

      {kind === 'chain' && layers.length > 0 && (
        <>
          <h2>Layers</h2>
          <p className="muted mx-note">The chain file lists the layers base first. Each layer's commit positions continue from the layers below it; its parents may point into them.</p>
          <ol className="cg-chain" data-testid="commit-graph-chain" aria-label="Layers, base first">
            {layers.map((l, k) => (
              <li key={l.file}>
                <button type="button" className={`cg-layer${k === index ? ' active' : ''}`} aria-pressed={k === index} onClick={() => setSelected(k)} style={{ flexGrow: Math.max(1, l.commits) }}>
                  <span className="cg-layer-name">{k === 0 ? 'base' : `layer ${k}`}</span>
                  <span className="cg-layer-size">
                    {formatCount(l.commits)} commits · positions {formatCount(l.commitBase)}–{formatCount(l.commitBase + l.commits - 1)}
                  </span>
                  <span className="cg-layer-tags">
                    {l.bloom ? 'Bloom' : 'no Bloom'} · {l.generation.hasGda2 ? 'GDA2' : 'no GDA2'}
                  </span>
                </button>
              </li>
            ))}
          </ol>
        </>
      )}

      {layer && <LayerPanel key={layer.file} layer={layer} index={index} chain={kind === 'chain'} />}

      {kind !== 'none' && (
        <section aria-labelledby="cg-verify-h">
          <h2 id="cg-verify-h">Verify</h2>
          <VerifyPanel chain={kind === 'chain'} />
        </section>
      )}
    </>
  );
}
