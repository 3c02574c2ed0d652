import { useTasks } from '../stores/tasks.ts';
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
            <span className="task-count">{t.total > 0 ? `${formatCount(t.done)} / ${formatCount(t.total)}` : ''}</span>
            <button type="button" onClick={t.cancel}>
              Cancel
            </button>
          </div>
        );
      })}
    </div>
  );
}
