import { BUILD } from './build-info.ts';
import { consumeLaunchQueue } from './launch.ts';
import { registerServiceWorker } from './service-worker.ts';
import { useShell, type InstallPromptEvent } from './store.ts';

/**
 * Starts what the app does as an app, before the first render: takes files launched from the
 * desktop, listens for the browser's install offer, and (in the served production build only)
 * registers the service worker. The one-file build registers nothing: a file:// page cannot have
 * a service worker, and it needs none.
 */
export function startAppShell(): void {
  consumeLaunchQueue();
  useShell.setState({ installed: window.matchMedia?.('(display-mode: standalone)').matches ?? false });
  window.addEventListener('beforeinstallprompt', (event) => {
    // Keep the offer for the home page's "Install" button instead of the browser's own banner.
    event.preventDefault();
    useShell.setState({ installPrompt: event as InstallPromptEvent });
  });
  window.addEventListener('appinstalled', () => useShell.setState({ installPrompt: undefined }));
  if (BUILD.kind === 'served' && import.meta.env.PROD) registerServiceWorker();
}
