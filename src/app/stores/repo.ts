import { create } from 'zustand';
import { fromWire, type WireError } from '../../core/errors.ts';
import type { OpenSource, RepoSummary } from '../../protocol/messages.ts';
import { engine } from '../client.ts';
import { runTask } from './tasks.ts';

/** The open repository: its summary, and how it was opened (so it can be reloaded). */

export interface RepoState {
  status: 'idle' | 'opening' | 'open' | 'error';
  summary: RepoSummary | undefined;
  /** The key used in URLs: demo, recent-<id>, local. */
  key: string | undefined;
  error: WireError | undefined;
  /** Milliseconds from the person's choice to the overview, measured in the page. */
  openedInMs: number | undefined;
  /** A notice shown once (the worker restarted, a reload found changes). */
  notice: string | undefined;
  open: (source: OpenSource, key: string, startedAt?: number) => Promise<boolean>;
  reload: () => Promise<void>;
  close: () => void;
  setNotice: (notice: string | undefined) => void;
}

function asWire(err: unknown): WireError {
  if (err && typeof err === 'object' && 'kind' in err && 'detail' in err) {
    const e = err as { kind: WireError['kind']; message: string; detail: string; file?: string; offset?: number };
    const w: WireError = { kind: e.kind, message: e.message, detail: e.detail };
    if (e.file !== undefined) w.file = e.file;
    if (e.offset !== undefined) w.offset = e.offset;
    return w;
  }
  const message = err instanceof Error ? err.message : String(err);
  return { kind: 'Internal', message, detail: message };
}

export const useRepo = create<RepoState>((set, get) => ({
  status: 'idle',
  summary: undefined,
  key: undefined,
  error: undefined,
  openedInMs: undefined,
  notice: undefined,
  open: async (source, key, startedAt = performance.now()) => {
    set({ status: 'opening', error: undefined, key });
    try {
      const summary = await runTask('Opening the folder', (signal, onProgress) => engine.call('open', { source }, { signal, onProgress }));
      set({ status: 'open', summary, key, openedInMs: Math.round(performance.now() - startedAt) });
      return true;
    } catch (err) {
      set({ status: 'error', error: asWire(err), summary: undefined });
      return false;
    }
  },
  reload: async () => {
    if (get().status !== 'open') return;
    try {
      const before = get().summary;
      const summary = await runTask('Rescanning the folder', (signal) => engine.call('reload', {}, { signal }));
      const packsBefore = new Set(before?.packs.map((p) => p.name));
      const added = summary.packs.filter((p) => !packsBefore.has(p.name)).length;
      const removed = (before?.packs.length ?? 0) - (summary.packs.length - added);
      const midxChanged = before?.midx?.checksum !== summary.midx?.checksum;
      const changes = [
        added ? `${added} new pack${added > 1 ? 's' : ''}` : '',
        removed ? `${removed} pack${removed > 1 ? 's' : ''} gone` : '',
        midxChanged ? 'the multi-pack-index changed' : '',
      ].filter(Boolean);
      set({ summary, notice: changes.length ? `Reloaded: ${changes.join(', ')}.` : 'Reloaded: nothing changed.' });
    } catch (err) {
      set({ notice: `Reload failed: ${fromWire(asWire(err)).message}` });
    }
  },
  close: () => set({ status: 'idle', summary: undefined, key: undefined, error: undefined }),
  setNotice: (notice) => set({ notice }),
}));

export { asWire };
