import { hierarchy, treemap, treemapSquarify, type HierarchyRectangularNode } from 'd3-hierarchy';

/**
 * The size treemap's geometry: paths nested by directory, each tile's area proportional to its
 * value (stored bytes in the packs, inflated bytes, or stored bytes of deleted paths),
 * squarified (d3-hierarchy) so tiles stay close to square. Pure: the view draws the
 * tiles; zooming is a layout of the subtree at another folder. A name is never interpreted:
 * hostile names only label tiles.
 *
 * The tree comes from the analysis (core/analysis/treemap-tree.ts), possibly cut to a few levels
 * for sending: a folder without its contents is one tile.
 */

/** What the layout needs of a tree node: its value (a folder's is the sum of its contents) and contents. */
export interface LayoutNode<N> {
  value: number;
  /** A folder's contents; absent for a file, and for a folder sent without them (a depth limit). */
  children?: readonly N[];
  /** Set on folders, with or without `children`. */
  folder?: boolean;
  /** Orders equal values, so a layout is the same on every run. */
  name?: string;
}

/** A rectangle to draw, in the layout's pixels. */
export interface TreemapTile<N> {
  node: N;
  /** Levels below the zoomed folder: 1 for its direct children. */
  depth: number;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  value: number;
  /** A folder drawn without its contents (the depth limit, or too small to show them). */
  collapsed: boolean;
}

/** Layout options. */
export interface TreemapOptions {
  width: number;
  height: number;
  /** Folder levels drawn with their contents below the zoomed folder (deeper ones are one tile). */
  maxDepth?: number;
  /** Pixels above a folder's contents, for its label. */
  labelHeight?: number;
  /** Pixels between a folder's edge and its contents. */
  padding?: number;
  /** Tiles smaller than this many square pixels are left out (counted in `omitted`). */
  minArea?: number;
  /** At most this many tiles (the largest first) are returned. */
  maxTiles?: number;
}

/** The tiles of one zoom level. */
export interface TreemapResult<N> {
  /** Value of the zoomed folder. */
  total: number;
  tiles: TreemapTile<N>[];
  /** Tiles left out for being too small or beyond `maxTiles`: how many and their value. */
  omitted: { tiles: number; value: number };
}

interface Wrapped<N> {
  node: N;
  children?: Wrapped<N>[];
  /** A folder's value beyond its contents'. */
  rest?: number;
}

/** Squarified tiles of `folder`'s contents, nested `maxDepth` levels deep. */
export function layoutTreemap<N extends LayoutNode<N>>(folder: N, options: TreemapOptions): TreemapResult<N> {
  const maxDepth = Math.max(1, options.maxDepth ?? 3);
  const labelHeight = options.labelHeight ?? 16;
  const padding = options.padding ?? 2;
  const minArea = options.minArea ?? 12;
  const maxTiles = options.maxTiles ?? 3000;
  const total = folder.value;
  const result: TreemapResult<N> = { total, tiles: [], omitted: { tiles: 0, value: 0 } };
  if (!(total > 0) || options.width <= 0 || options.height <= 0) return result;

  // The levels to lay out; nodes of no value cannot be drawn. A folder whose contents sum to
  // less than its value (contents the sender left out) keeps the rest as empty room, so every
  // tile's area stays in proportion to its value.
  const wrap = (node: N, depth: number): Wrapped<N> => {
    if (!node.children || depth >= maxDepth) return { node };
    const children = node.children.filter((c) => c.value > 0).map((c) => wrap(c, depth + 1));
    let rest = node.value;
    for (const c of children) rest -= c.node.value;
    return { node, children, rest: Math.max(0, rest) };
  };
  const root = hierarchy<Wrapped<N>>(wrap(folder, 0), (w) => w.children)
    .sum((w) => (w.children ? (w.rest ?? 0) : w.node.value))
    .sort((a, b) => (b.value ?? 0) - (a.value ?? 0) || byName(a.data.node, b.data.node));
  const laidOut = treemap<Wrapped<N>>()
    .tile(treemapSquarify)
    .size([options.width, options.height])
    .paddingInner(padding)
    .paddingOuter(padding)
    // The zoomed folder's own label is the breadcrumb, not a strip inside the map.
    .paddingTop((n) => (n.depth === 0 ? padding : labelHeight))
    .round(false)(root);

  // Top-down: a tile too small to see is left out with everything in it; a folder too small for
  // its label and contents is drawn as one tile.
  const drawn: TreemapTile<N>[] = [];
  const parentOf = new Map<TreemapTile<N>, TreemapTile<N>>();
  const stack: { n: HierarchyRectangularNode<Wrapped<N>>; parent: TreemapTile<N> | undefined }[] = (laidOut.children ?? []).map((n) => ({ n, parent: undefined }));
  while (stack.length > 0) {
    const { n, parent } = stack.pop() as (typeof stack)[number];
    const value = n.value ?? 0;
    const width = n.x1 - n.x0;
    const height = n.y1 - n.y0;
    if (width <= 0 || height <= 0 || width * height < minArea) {
      result.omitted.tiles++;
      result.omitted.value += value;
      continue;
    }
    const roomForContents = width > 2 * padding + 4 && height > labelHeight + padding + 4;
    const open = n.children !== undefined && roomForContents;
    const node = n.data.node;
    const isFolder = node.folder ?? node.children !== undefined;
    const tile: TreemapTile<N> = { node, depth: n.depth, x0: n.x0, y0: n.y0, x1: n.x1, y1: n.y1, value, collapsed: isFolder && !open };
    drawn.push(tile);
    if (parent) parentOf.set(tile, parent);
    if (open) for (const c of n.children ?? []) stack.push({ n: c, parent: tile });
  }
  // The largest tiles when there are too many; a folder is at least as large as anything in it,
  // so a kept tile's folder is kept too.
  if (drawn.length > maxTiles) {
    drawn.sort((a, b) => b.value - a.value || a.depth - b.depth);
    const kept = new Set(drawn.slice(0, maxTiles));
    for (const t of drawn.slice(maxTiles)) {
      result.omitted.tiles++;
      const parent = parentOf.get(t);
      if (!parent || kept.has(parent)) result.omitted.value += t.value;
    }
    drawn.length = maxTiles;
  }
  // Folders before their contents, so contents paint over them.
  drawn.sort((a, b) => a.depth - b.depth || b.value - a.value);
  result.tiles = drawn;
  return result;
}

function byName(a: { name?: string }, b: { name?: string }): number {
  const x = a.name ?? '';
  const y = b.name ?? '';
  return x < y ? -1 : x > y ? 1 : 0;
}
