import type { MidxLayerAnatomy } from '../../../protocol/anatomy.ts';
import { formatCount } from '../../lib/format.ts';

/**
 * An incremental chain as a staircase, newest layer on top: each layer's object positions and
 * pack ids start where the layers below it end (git's `num_objects_in_base`,
 * `num_packs_in_base`). Each row selects the layer shown below the diagram.
 */
export function ChainDiagram({ layers, selected, onSelect }: { layers: MidxLayerAnatomy[]; selected: number; onSelect: (layer: number) => void }) {
  const last = layers[layers.length - 1];
  const objects = last ? last.objectBase + last.objects : 0;
  const packs = last ? last.packBase + last.packs.length : 0;
  const rows = layers.map((l, k) => ({ l, k })).reverse();
  const pct = (n: number, total: number): string => `${total > 0 ? (n / total) * 100 : 0}%`;
  return (
    <div className="mx-chain" role="group" aria-label="Layers of the chain, newest first; choose one to see its anatomy" data-testid="midx-chain">
      <div className="mx-chain-head" aria-hidden="true">
        <span>Layer</span>
        <span>
          Object positions <span className="muted">0 … {formatCount(objects)}</span>
        </span>
        <span>
          Pack ids <span className="muted">0 … {formatCount(packs)}</span>
        </span>
      </div>
      {rows.map(({ l, k }) => {
        const name = l.file.replace(/^.*multi-pack-index-/, '').replace(/\.midx$/, '');
        return (
          <button
            key={l.file}
            type="button"
            className={`mx-chain-row${k === selected ? ' selected' : ''}`}
            aria-pressed={k === selected}
            onClick={() => onSelect(k)}
            aria-label={`Layer ${k + 1}${k === 0 ? ', the base' : ''}: ${l.objects} objects at positions ${l.objectBase} to ${l.objectBase + l.objects}, ${l.packs.length} packs with ids ${l.packBase} to ${l.packBase + l.packs.length}`}
          >
            <span className="mx-chain-name">
              <strong>{k + 1}</strong>
              {k === 0 ? <span className="muted"> base</span> : null} <code>{name.slice(0, 10)}</code>
            </span>
            <span className="mx-chain-track">
              <span className="mx-chain-seg mx-seg-objects" style={{ left: pct(l.objectBase, objects), width: pct(l.objects, objects) }} />
              <span className="mx-chain-text">
                [{formatCount(l.objectBase)}, {formatCount(l.objectBase + l.objects)}) <span className="muted">{formatCount(l.objects)} objects</span>
              </span>
            </span>
            <span className="mx-chain-track">
              <span className="mx-chain-seg mx-seg-packs" style={{ left: pct(l.packBase, packs), width: pct(l.packs.length, packs) }} />
              <span className="mx-chain-text">
                [{formatCount(l.packBase)}, {formatCount(l.packBase + l.packs.length)}) <span className="muted">{l.packs.length === 1 ? '1 pack' : `${formatCount(l.packs.length)} packs`}</span>
              </span>
            </span>
          </button>
        );
      })}
    </div>
  );
}
