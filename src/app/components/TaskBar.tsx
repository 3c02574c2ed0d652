import { useTasks, type Task } from '../stores/tasks.ts';
import { formatCount } from '../lib/format.ts';

/** Long work in progress, each with a bar and a Cancel button. */
export function TaskBar() {
  const tasks = useTasks((s) => s.tasks);
  if (tasks.length === 0) return null;
  return (
    <div className="taskbar" aria-live="polite">
      {tasks.map((t) => {
        const pct = t.total > 0 ? Math.min(100, (t.done / t.total) * 100) : undefined;
        return (
          <div className="task" key={t.id}>
            <span className="task-label">{t.label}</span>
            <progress max={100} value={pct} aria-label={t.label} />
            <span className="task-count">{taskCount(t)}</span>
            <button type="button" onClick={t.cancel}>
              Cancel
            </button>
          </div>
        );
      })}
    </div>
  );
}

/** "412,003 of 849,014 objects · about 40 s left"; without a unit, "412,003 / 849,014". */
export function taskCount(t: Pick<Task, 'done' | 'total' | 'unit' | 'etaMs'>): string {
  if (t.total <= 0) return '';
  const count = t.unit ? `${formatCount(t.done)} of ${formatCount(t.total)} ${t.unit}` : `${formatCount(t.done)} / ${formatCount(t.total)}`;
  return t.etaMs !== undefined && t.done < t.total ? `${count} · ${formatEta(t.etaMs)}` : count;
}

/** A rough time left: seconds under two minutes, then minutes. */
export function formatEta(ms: number): string {
  const s = Math.max(1, Math.round(ms / 1000));
  if (s < 120) return `about ${s} s left`;
  return `about ${Math.round(s / 60)} min left`;
}
