import { create } from 'zustand';

/**
 * The app shell's state, apart from any repository: whether this copy of the app can start
 * with the network off, whether a newer build is waiting, and the browser's install offer.
 */

/** Where offline use stands: not possible here (one-file build, no service worker, blocked), being prepared (first visit), ready. */
export type OfflineState = 'unavailable' | 'preparing' | 'ready';

/** Chromium's install offer (not in the DOM typings). */
export interface InstallPromptEvent extends Event {
  prompt: () => Promise<void>;
  userChoice: Promise<{ outcome: 'accepted' | 'dismissed' }>;
}

interface ShellState {
  offline: OfflineState;
  /** A newer build is installed and waits for a reload. */
  updateWaiting: boolean;
  /** The person chose "Later" on the update notice. */
  updateDismissed: boolean;
  /** Starts the waiting build (the page reloads when it takes over). */
  applyUpdate: (() => Promise<void>) | undefined;
  installPrompt: InstallPromptEvent | undefined;
  /** Running as an installed app (its own window), not in a browser tab. */
  installed: boolean;
}

/** The shell's values and their starting point. */
export const SHELL_DEFAULT: ShellState = {
  offline: 'unavailable',
  updateWaiting: false,
  updateDismissed: false,
  applyUpdate: undefined,
  installPrompt: undefined,
  installed: false,
};

export const useShell = create<ShellState>(() => ({ ...SHELL_DEFAULT }));
