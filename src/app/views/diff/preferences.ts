import { create } from 'zustand';

/**
 * How diffs are laid out, remembered across pages and reloads (localStorage; a browser that
 * refuses storage keeps the choice for the session only).
 */

/** Unified: one column, removed lines above added ones. Split: old on the left, new on the right. */
export type DiffLayout = 'unified' | 'split';

const KEY = 'packscope.diff.layout';

function stored(): DiffLayout {
  try {
    return globalThis.localStorage?.getItem(KEY) === 'split' ? 'split' : 'unified';
  } catch {
    return 'unified';
  }
}

interface DiffPreferences {
  layout: DiffLayout;
  setLayout: (layout: DiffLayout) => void;
}

/** The remembered diff layout. */
export const useDiffPreferences = create<DiffPreferences>((set) => ({
  layout: stored(),
  setLayout: (layout) => {
    try {
      globalThis.localStorage?.setItem(KEY, layout);
    } catch {
      // Storage refused (private mode, quota): the choice holds for this session.
    }
    set({ layout });
  },
}));
