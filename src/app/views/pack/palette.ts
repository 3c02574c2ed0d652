import { useEffect, useState } from 'react';
import { CAT_DEPTH0, CAT_STRUCTURE, CAT_TYPE0, CAT_UNREADABLE, bandRange, type MapModel, type MapMode } from './byte-map-model.ts';

/**
 * Colours of the pack views, read from the stylesheet's variables (so light and dark follow
 * the system) and, for delta depth, a sequential ramp (viridis: perceptually even, readable
 * in both themes and by most colour-blind readers).
 */

/** The theme colours the canvas needs. */
export interface Theme {
  commit: string;
  tree: string;
  blob: string;
  tag: string;
  error: string;
  muted: string;
  bg: string;
  bg2: string;
  bg3: string;
  fg: string;
  focus: string;
  border: string;
}

function readTheme(): Theme {
  const style = getComputedStyle(document.documentElement);
  const v = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  return {
    commit: v('--commit', '#8250df'),
    tree: v('--tree', '#1a7f37'),
    blob: v('--blob', '#0b63ce'),
    tag: v('--tag', '#bc4c00'),
    error: v('--error', '#c62828'),
    muted: v('--muted', '#5b6470'),
    bg: v('--bg', '#ffffff'),
    bg2: v('--bg-2', '#f5f6f8'),
    bg3: v('--bg-3', '#eaecf0'),
    fg: v('--fg', '#1b1f24'),
    focus: v('--focus', '#f59e0b'),
    border: v('--border', '#d6dae0'),
  };
}

/** The current theme, re-read when the system switches between light and dark. */
export function useTheme(): Theme {
  const [theme, setTheme] = useState(readTheme);
  useEffect(() => {
    const query = window.matchMedia('(prefers-color-scheme: dark)');
    const update = () => setTheme(readTheme());
    query.addEventListener('change', update);
    return () => query.removeEventListener('change', update);
  }, []);
  return theme;
}

/** Viridis at eleven even steps. */
const VIRIDIS = ['#440154', '#482475', '#414487', '#355f8d', '#2a788e', '#21918c', '#22a884', '#44bf70', '#7ad151', '#bddf26', '#fde725'];

function mix(a: string, b: string, t: number): string {
  const pa = [1, 3, 5].map((i) => parseInt(a.slice(i, i + 2), 16));
  const pb = [1, 3, 5].map((i) => parseInt(b.slice(i, i + 2), 16));
  return `#${pa
    .map((x, i) =>
      Math.round(x + (pb[i] - x) * t)
        .toString(16)
        .padStart(2, '0'),
    )
    .join('')}`;
}

/** The ramp colour at t in [0, 1]. */
export function ramp(t: number): string {
  const x = Math.max(0, Math.min(1, t)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  return mix(VIRIDIS[i], VIRIDIS[i + 1], x - i);
}

/** One legend (and fill) entry of a mode. */
export interface LegendItem {
  category: number;
  label: string;
  color: string;
}

/** The fill colour of every category of a mode, and its legend. */
export function legendFor(model: MapModel, mode: MapMode, theme: Theme): LegendItem[] {
  const items: LegendItem[] = [];
  if (mode === 'type') {
    (['commit', 'tree', 'blob', 'tag'] as const).forEach((t, i) => items.push({ category: CAT_TYPE0 + i, label: t, color: theme[t] }));
  } else {
    const bands = model.depthBands;
    for (let b = 0; b < bands; b++) {
      const [lo, hi] = bandRange(b, model.maxDepth);
      const label = b === 0 ? 'depth 0 (whole object)' : lo === hi ? `depth ${lo}` : `depth ${lo}–${hi}`;
      items.push({ category: CAT_DEPTH0 + b, label, color: ramp(bands === 1 ? 0 : b / (bands - 1)) });
    }
  }
  items.push({ category: CAT_STRUCTURE, label: 'pack header and trailer', color: theme.muted });
  items.push({ category: CAT_UNREADABLE, label: 'unreadable', color: theme.error });
  return items;
}
