import { create } from 'zustand';
import { Cancelled, type Progress } from '../../protocol/rpc.ts';
import { engine } from '../client.ts';

/**
 * Long work the person can see and stop: each task has a label, progress, and a cancel
 * button in the task bar.
 */

export interface Task {
  id: number;
  label: string;
  done: number;
  total: number;
  /** What done and total count (objects, entries, bytes), when the worker says. */
  unit?: string;
  /** Milliseconds left at the rate so far, when the worker has a rate. */
  etaMs?: number;
  cancel: () => void;
}

interface TasksState {
  tasks: Task[];
  start: (label: string, cancel: () => void) => number;
  update: (id: number, p: Progress) => void;
  finish: (id: number) => void;
}

let nextId = 1;

export const useTasks = create<TasksState>((set) => ({
  tasks: [],
  start: (label, cancel) => {
    const id = nextId++;
    set((s) => ({ tasks: [...s.tasks, { id, label, done: 0, total: 0, cancel }] }));
    return id;
  },
  update: (id, p) => set((s) => ({ tasks: s.tasks.map((t) => (t.id === id ? { ...t, label: p.label || t.label, done: p.done, total: p.total, unit: p.unit, etaMs: p.etaMs } : t)) })),
  finish: (id) => set((s) => ({ tasks: s.tasks.filter((t) => t.id !== id) })),
}));

/**
 * Runs work as a visible, cancellable task. The task appears only if the work takes longer
 * than a moment, so quick lookups do not flash a progress bar.
 */
export async function runTask<T>(label: string, work: (signal: AbortSignal, onProgress: (p: Progress) => void) => Promise<T>, outer?: AbortSignal): Promise<T> {
  const controller = new AbortController();
  outer?.addEventListener('abort', () => controller.abort());
  let id: number | undefined;
  let latest: Progress | undefined;
  const timer = setTimeout(() => {
    id = useTasks.getState().start(label, () => controller.abort());
    if (latest) useTasks.getState().update(id, latest);
  }, 150);
  try {
    return await work(controller.signal, (p) => {
      latest = p;
      if (id !== undefined) useTasks.getState().update(id, p);
    });
  } finally {
    clearTimeout(timer);
    if (id !== undefined) useTasks.getState().finish(id);
  }
}

let focusedView: string | undefined;

/**
 * Tells the worker which view the person is looking at, so its long work goes first in the
 * worker's job queue. Called when the route changes; repeats are not sent.
 */
export function focusView(view: string): void {
  if (view === focusedView) return;
  focusedView = view;
  engine.call('focus', { view }).catch(() => {
    // An older or restarting worker: the order of work is only a preference.
    focusedView = undefined;
  });
}

// A restarted worker starts with no focus: tell it again.
engine.onRestart(() => {
  const view = focusedView;
  focusedView = undefined;
  if (view !== undefined) focusView(view);
});

export function isCancelled(err: unknown): boolean {
  return err instanceof Cancelled;
}
