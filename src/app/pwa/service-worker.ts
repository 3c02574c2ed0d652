/// <reference types="vite-plugin-pwa/client" />
import { registerSW } from 'virtual:pwa-register';
import { useShell } from './store.ts';

/**
 * Registers the service worker built by vite-plugin-pwa (it precaches the app's own files only;
 * see vite.config.ts) and reports into the shell store: ready for offline use once the first
 * install finished or a worker is already active, and "update waiting" when a newer build was
 * installed beside the running one. Registration waits for the page's load event, so the
 * precache downloads after the first screen.
 */
export function registerServiceWorker(): void {
  if (!('serviceWorker' in navigator)) return;
  useShell.setState({ offline: 'preparing' });
  const update = registerSW({
    onOfflineReady: () => useShell.setState({ offline: 'ready' }),
    onNeedRefresh: () => useShell.setState({ updateWaiting: true, updateDismissed: false }),
    onRegisteredSW: (_url, registration) => {
      if (registration?.active) useShell.setState({ offline: 'ready' });
    },
    // Registration refused (a browser setting, a test harness that blocks service workers): the
    // app works as before, only not offline.
    onRegisterError: () => useShell.setState({ offline: 'unavailable' }),
  });
  useShell.setState({
    applyUpdate: async () => {
      // The new build takes over from the running one, and the page reloads when it has. A page
      // no worker serves yet (the first visit) has nothing to hand over: the new build is already
      // active there, and a plain reload starts it.
      const registration = await navigator.serviceWorker.getRegistration();
      if (registration?.waiting && navigator.serviceWorker.controller) await update(true);
      else window.location.reload();
    },
  });
}
