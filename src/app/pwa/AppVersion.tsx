import { BUILD, versionLabel } from './build-info.ts';
import { useShell } from './store.ts';
import './pwa.css';

/**
 * The home page's last line: which packscope this is, whether it starts without a network,
 * and the browser's install offer when there is one.
 */
export function AppVersion() {
  const offline = useShell((s) => s.offline);
  const installPrompt = useShell((s) => s.installPrompt);
  const installed = useShell((s) => s.installed);

  let where: string;
  if (BUILD.kind === 'single') where = 'one-file build: runs from this file, nothing installed';
  else if (offline === 'ready') where = installed ? 'installed; starts with the network off' : 'ready to start with the network off';
  else if (offline === 'preparing') where = 'saving its files for offline use…';
  else where = 'needs this server to start';

  return (
    <footer className="app-version" data-testid="app-version">
      <span>
        packscope <span data-testid="app-version-number">{versionLabel()}</span>
      </span>
      <span className="muted" data-testid="app-offline-state" data-state={BUILD.kind === 'single' ? 'single' : offline}>
        {where}
      </span>
      {installPrompt && !installed && (
        <button
          type="button"
          className="small"
          title="Install packscope as an app: it starts from the app list, without a network, and opens .pack and .idx files from the desktop"
          onClick={async () => {
            await installPrompt.prompt();
            useShell.setState({ installPrompt: undefined });
          }}
        >
          Install app
        </button>
      )}
    </footer>
  );
}
