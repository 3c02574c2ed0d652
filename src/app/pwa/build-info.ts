/** Filled in by vite.config.ts at build time (`define`). */
declare const __PACKSCOPE_BUILD__: { version: string; commit: string; kind: 'served' | 'single' };

/**
 * Which packscope this is: the package version, the commit it was built from (empty when built
 * outside a git checkout), and whether it is the served app (installable, with a service worker)
 * or the one-file build opened from disk (nothing installed, nothing registered).
 */
export const BUILD: { version: string; commit: string; kind: 'served' | 'single' } = __PACKSCOPE_BUILD__;

/** "0.1.0 (7be8196a3c)", the commit left out when unknown. */
export function versionLabel(): string {
  return BUILD.commit ? `${BUILD.version} (${BUILD.commit})` : BUILD.version;
}
