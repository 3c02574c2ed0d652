import { defineConfig } from '@playwright/test';

/**
 * End-to-end tests: the built app (`npm run build`, done by `npm run e2e` before this runs) served
 * by `vite preview`, driven in Debian's Chromium. Never `npx playwright install`: the browser is
 * the system one. E2E_PORT picks another port when 4173 is taken (two checkouts at once).
 */
const port = Number(process.env.E2E_PORT ?? 4173);
// E2E_DIST serves another build folder (`vite build --outDir <dir>`), so two test runs can share a checkout.
const dist = process.env.E2E_DIST ? ` --outDir ${process.env.E2E_DIST}` : '';

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  // E2E_OUTPUT keeps parallel runs from clearing each other's results.
  outputDir: process.env.E2E_OUTPUT ?? 'test-results',
  fullyParallel: true,
  workers: 2,
  retries: 0,
  forbidOnly: true,
  // Per test; the 200k-object test sets its own, longer limit.
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [['list'], ['html', { open: 'never', outputFolder: 'playwright-report' }]],
  use: {
    baseURL: `http://localhost:${port}`,
    browserName: 'chromium',
    viewport: { width: 1280, height: 900 },
    // Tests attach their own full-page screenshots of every view (testInfo.attach); these are
    // for failures only.
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    // The built app registers a service worker that precaches the whole build. Specs other than
    // e2e/offline.spec.ts (which allows it) run without one, as before: each context is fresh
    // anyway, so no worker outlives a test, and none of them downloads the precache.
    // E2E_SERVICE_WORKERS=allow runs every spec with the worker registered.
    serviceWorkers: process.env.E2E_SERVICE_WORKERS === 'allow' ? 'allow' : 'block',
    actionTimeout: 15_000,
    navigationTimeout: 30_000,
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
  },
  projects: [{ name: 'chromium' }],
  webServer: {
    command: `npx vite preview --port ${port} --strictPort${dist}`,
    url: `http://localhost:${port}/`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
