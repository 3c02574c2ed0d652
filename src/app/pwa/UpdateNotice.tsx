import { versionLabel } from './build-info.ts';
import { useShell } from './store.ts';
import './pwa.css';

/**
 * Says that a newer build of packscope is installed and waits. Reloading starts it; a folder
 * given by a file dialog or a drop then has to be chosen again (the browser does not let a page
 * reopen it), so the choice is the person's.
 */
export function UpdateNotice() {
  const waiting = useShell((s) => s.updateWaiting);
  const dismissed = useShell((s) => s.updateDismissed);
  const apply = useShell((s) => s.applyUpdate);
  if (!waiting || dismissed || !apply) return null;
  return (
    <div className="update-notice" role="status" data-testid="update-notice">
      <div>
        <strong>Update available — reload to use it.</strong>
        <div className="muted">Running {versionLabel()}. A folder opened from a file dialog or a drop must be chosen again after the reload.</div>
      </div>
      <div className="update-actions">
        <button type="button" className="primary" onClick={() => void apply()}>
          Reload
        </button>
        <button type="button" onClick={() => useShell.setState({ updateDismissed: true })}>
          Later
        </button>
      </div>
    </div>
  );
}
