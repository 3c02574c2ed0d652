import { useMemo, type KeyboardEvent } from 'react';
import { layoutTreemap, type TreemapTile } from '../../../core/analysis/treemap-layout.ts';
import { codePointLabel, splitHidden } from '../../../core/text/hidden.ts';
import type { SizePathName, SizeTree, SizeTreeNode, TreemapMeasure } from '../../../protocol/analysis.ts';
import { MarkedText } from '../../components/MarkedText.tsx';
import { formatBytes, formatCount } from '../../lib/format.ts';
import { useWidth } from '../pack/useWidth.ts';

/**
 * The zoomable treemap: the folder's contents as squarified tiles, nested a few levels, each
 * tile's area its bytes under the chosen measure. A folder's label strip (or a folder drawn as
 * one tile) zooms into it; a file selects it; the breadcrumb zooms out. Names are hostile:
 * hidden characters are drawn as visible `U+202E` marks, in the tiles as in the breadcrumb.
 */

/** Pixels of a folder's label strip. */
const LABEL = 16;
/** Levels drawn below the zoomed folder. */
const DEPTH = 3;
/** Rough width of a label character at 11 px. */
const CHAR_PX = 6.4;

/** Words for each measure. */
export const MEASURE_WORDS: Record<TreemapMeasure, string> = {
  stored: 'stored in the packs',
  inflated: 'inflated',
  deletedStored: 'deleted but still stored',
};

interface Props {
  tree: SizeTree;
  measure: TreemapMeasure;
  selected: number | undefined;
  onZoom: (folder: number) => void;
  onSelect: (path: number) => void;
}

/** The treemap and its breadcrumb. */
export function SizeTreemap({ tree, measure, selected, onZoom, onSelect }: Props) {
  const [ref, width] = useWidth<HTMLDivElement>(900);
  const height = Math.round(Math.min(640, Math.max(320, width * 0.5)));
  const layout = useMemo(() => layoutTreemap<SizeTreeNode>(tree.root, { width, height, maxDepth: DEPTH, labelHeight: LABEL, padding: 2, minArea: 20, maxTiles: 2500 }), [tree, width, height]);
  // Colours follow the top-level entries of the zoomed folder, so a folder's contents share a hue.
  const hueOf = useMemo(() => {
    const hues = new Map<number, number>();
    (tree.root.children ?? []).forEach((c, i) => hues.set(c.id, (i * 47 + 200) % 360));
    return hues;
  }, [tree]);
  const topOf = useMemo(() => {
    // Each drawn tile's top-level ancestor, from the nesting of the tree that was sent.
    const map = new Map<SizeTreeNode, number>();
    for (const top of tree.root.children ?? []) {
      const stack = [top];
      while (stack.length > 0) {
        const n = stack.pop() as SizeTreeNode;
        map.set(n, top.id);
        for (const c of n.children ?? []) stack.push(c);
      }
    }
    return map;
  }, [tree]);

  const activate = (t: TreemapTile<SizeTreeNode>) => {
    if (t.node.folder) onZoom(t.node.id);
    else onSelect(t.node.id);
  };
  const onKey = (e: KeyboardEvent, t: TreemapTile<SizeTreeNode>) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      activate(t);
    }
  };

  return (
    <div className="sz-treemap" data-testid="size-treemap" data-total={layout.total} data-commit={tree.commit?.oid}>
      <Breadcrumb crumbs={tree.crumbs} onZoom={onZoom} />
      <div ref={ref} className="sz-treemap-box">
        {layout.total > 0 ? (
          <svg
            width={width}
            height={height}
            role="group"
            aria-label={`Treemap of ${tree.crumbs.length > 1 ? tree.crumbs[tree.crumbs.length - 1].path : 'the repository'} by bytes ${MEASURE_WORDS[measure]}`}
          >
            {layout.tiles.map((t) => {
              const w = t.x1 - t.x0;
              const h = t.y1 - t.y0;
              const hue = hueOf.get(topOf.get(t.node) ?? -1) ?? 210;
              const openFolder = t.node.folder && !t.collapsed;
              const cls = `sz-tile${t.node.folder ? ' folder' : ' file'}${openFolder ? ' open' : ''}${t.node.deleted ? ' deleted' : ''}${t.node.id === selected ? ' selected' : ''}`;
              const label = tileLabel(t.node, w, openFolder);
              const title = `${t.node.name || '(top level)'}${t.node.folder ? '/' : ''}\n${formatBytes(t.value)} ${MEASURE_WORDS[measure]}\n${formatBytes(t.node.stored)} stored · ${formatBytes(t.node.inflated)} inflated · ${formatCount(t.node.versions)} versions${t.node.deleted ? '\ndeleted' : ''}`;
              return (
                // biome-ignore lint/a11y/noStaticElementInteractions: the top tiles are buttons (role, tabIndex, Enter); a tile inside an open folder takes the pointer only, its folder's button reaches it by keyboard.
                <g
                  key={`${t.node.folder ? 'd' : 'f'}${t.node.id}`}
                  className={cls}
                  style={{ ['--hue' as string]: hue, ['--depth' as string]: t.depth }}
                  data-testid="treemap-tile"
                  data-name={t.node.name}
                  data-kind={t.node.folder ? 'folder' : 'file'}
                  data-value={t.value}
                  tabIndex={t.depth === 1 ? 0 : undefined}
                  role={t.depth === 1 ? 'button' : undefined}
                  aria-label={t.depth === 1 ? `${t.node.name}${t.node.folder ? '/' : ''}: ${formatBytes(t.value)}${t.node.folder ? ', open' : ', select'}` : undefined}
                  onClick={(e) => {
                    e.stopPropagation();
                    // Inside an open folder, only its label strip zooms; its contents take their own clicks.
                    activate(t);
                  }}
                  onKeyDown={(e) => onKey(e, t)}
                >
                  <title>{title}</title>
                  <rect x={t.x0} y={t.y0} width={w} height={h} rx={2} />
                  {label && (
                    <text x={t.x0 + 4} y={openFolder || h < 30 ? t.y0 + 12 : t.y0 + 14} className="sz-tile-label">
                      <SvgMarked text={label} />
                    </text>
                  )}
                  {!openFolder && w > 60 && h > 32 && (
                    <text x={t.x0 + 4} y={t.y0 + 27} className="sz-tile-size">
                      {formatBytes(t.value)}
                    </text>
                  )}
                </g>
              );
            })}
          </svg>
        ) : (
          <p className="muted sz-empty" style={{ height }}>
            Nothing here is {MEASURE_WORDS[measure]}.
          </p>
        )}
      </div>
      <p className="muted sz-treemap-foot">
        {formatBytes(layout.total)} {MEASURE_WORDS[measure]} in this folder{tree.commit ? ` at ${tree.commit.oid.slice(0, 12)} (${tree.commit.date})` : ' over all history'}.
        {layout.omitted.tiles > 0 && ` ${formatCount(layout.omitted.tiles)} tiles too small to draw (${formatBytes(layout.omitted.value)}).`}
        {tree.leftOut > 0 && ` ${formatCount(tree.leftOut)} smaller entries are not drawn at this zoom.`} Each path counts its own versions, so content at two paths counts at both (as git filter-repo
        --analyze sums). Click a folder’s name to zoom in, a file to see its versions and what removing it would save.
      </p>
    </div>
  );
}

/** The label that fits a tile: a folder's name with a slash, cut with an ellipsis. */
function tileLabel(node: SizeTreeNode, width: number, openFolder: boolean): string | undefined {
  const room = Math.floor((width - 8) / CHAR_PX);
  if (room < 3) return undefined;
  const text = `${node.name}${node.folder ? '/' : ''}${openFolder ? ` ${formatBytes(node.value)}` : ''}`;
  return text.length <= room ? text : `${text.slice(0, Math.max(1, room - 1))}…`;
}

/** Text inside SVG with hidden characters drawn as marks (the SVG counterpart of MarkedText). */
function SvgMarked({ text }: { text: string }) {
  const pieces = splitHidden(text);
  return (
    <>
      {pieces.map((p, i) =>
        p.hidden === undefined ? (
          <tspan key={i}>{p.text}</tspan>
        ) : (
          <tspan key={i} className="sz-hidden-char" data-testid="hidden-char">
            {codePointLabel(p.hidden)}
          </tspan>
        ),
      )}
    </>
  );
}

function Breadcrumb({ crumbs, onZoom }: { crumbs: SizePathName[]; onZoom: (folder: number) => void }) {
  return (
    <nav className="sz-crumbs" aria-label="Treemap folder">
      {crumbs.map((c, i) => {
        const last = i === crumbs.length - 1;
        const label = c.id === 0 ? 'All files' : <MarkedText text={c.name} />;
        return (
          <span key={c.id} className="sz-crumb">
            {i > 0 && <span className="muted"> / </span>}
            {last ? (
              <strong aria-current="location" data-testid="size-crumb-current">
                {label}
              </strong>
            ) : (
              <button type="button" className="link-button" onClick={() => onZoom(c.id)} data-testid="size-crumb">
                {label}
              </button>
            )}
          </span>
        );
      })}
    </nav>
  );
}
