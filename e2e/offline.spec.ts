import { readdirSync, readFileSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, test, type BrowserContext, type Page, type Request, type TestInfo } from '@playwright/test';
import { go, numbersIn, textOf } from './support/app.ts';
import { batchCheck, entriesCount, git, gitDir, meta, repoFolder } from './support/git.ts';
import { gotoHome, openViaInput, waitOpened, writeOpfs } from './support/open.ts';
import { expectLines, objectPart } from './support/views.ts';

/**
 * packscope without a network: the installed app (the served build's service worker, after one
 * visit, started again with the network off), the one-file build opened from file://, and files
 * handed to the installed app by the operating system (the Launch Queue API).
 */

const ROOT = resolve(import.meta.dirname, '..');
/** The served build (playwright.config.ts serves E2E_DIST, else dist/). */
const DIST = resolve(ROOT, process.env.E2E_DIST ?? 'dist');
/** The one-file build (`npm run build:single`). */
const SINGLE = resolve(ROOT, process.env.E2E_SINGLE ?? 'dist-single/packscope.html');
/** A fixture folder opened offline (a work tree with history, several packs and loose objects). */
const FIXTURE = 'history';

test.use({ serviceWorkers: 'allow' });

/** A full-page screenshot, attached to the report and kept as <name>.png in the test's output folder. */
async function shot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const body = await page.screenshot({ fullPage: true, path: testInfo.outputPath(`${name}.png`) });
  await testInfo.attach(name, { body, contentType: 'image/png' });
}

/** Every file of the served build, as URL paths ("assets/index-….js"), source maps left out. */
function builtFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string, prefix: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(join(dir, entry.name), rel);
      else out.push(rel);
    }
  };
  walk(DIST, '');
  return out.filter((f) => !f.endsWith('.map')).sort();
}

/** Waits until the page's service worker is activated, and the app says it can start offline. */
async function waitServiceWorker(page: Page): Promise<void> {
  await page.evaluate(async () => {
    const registration = await navigator.serviceWorker.ready;
    const worker = registration.active!;
    if (worker.state !== 'activated') await new Promise((ok) => worker.addEventListener('statechange', () => worker.state === 'activated' && ok(undefined)));
  });
  await expect(page.getByTestId('app-offline-state')).toHaveAttribute('data-state', 'ready');
}

/** The URL paths in the page's Cache Storage (every cache), revision parameters dropped. */
async function cachedPaths(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const out: string[] = [];
    for (const name of await caches.keys()) {
      for (const request of await (await caches.open(name)).keys()) out.push(new URL(request.url).pathname.slice(1));
    }
    return out.sort();
  });
}

/** Requests the service worker itself sends to the network (precache downloads, anything else). */
function recordServiceWorkerRequests(context: BrowserContext): string[] {
  const seen: string[] = [];
  context.on('request', (r: Request) => {
    if (r.serviceWorker()) seen.push(r.url());
  });
  return seen;
}

/** Opens the demo from the home page and checks its overview against git. */
async function openDemo(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const startedAt = Date.now();
  await page.getByRole('button', { name: 'Open the demo repository' }).click();
  const { repo } = await waitOpened(page, startedAt);
  expect(repo).toBe('demo');
  const entries = page.getByTestId('overview-object-entries');
  await expect(entries).toBeVisible();
  expect(numbersIn(await textOf(entries))).toContain(entriesCount(meta('demo')));
  await shot(page, testInfo, name);
}

/** Opens the fixture folder with the folder input and checks its overview against git. */
async function openFixture(page: Page, testInfo: TestInfo, name: string): Promise<string> {
  const { repo } = await openViaInput(page, repoFolder(FIXTURE));
  const entries = page.getByTestId('overview-object-entries');
  await expect(entries).toBeVisible();
  expect(numbersIn(await textOf(entries))).toContain(entriesCount(meta(FIXTURE)));
  await shot(page, testInfo, name);
  return repo;
}

test('installed app: after one visit it starts with the network off and opens the demo and a folder; the service worker holds only the build', async ({ page, context }, testInfo) => {
  // The first visit, online: the service worker installs and precaches the build (its downloads
  // are seen here, so the record below would see any later one).
  const workerRequests = recordServiceWorkerRequests(context);
  await gotoHome(page);
  await expect(page.getByTestId('app-version-number')).toHaveText(/^\d+\.\d+\.\d+/);
  await waitServiceWorker(page);

  // Chromium finds nothing that keeps it from installing the app (a test context is always
  // "incognito", which only a person's profile is not), and reads the manifest without a complaint.
  const cdp = await context.newCDPSession(page);
  const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
  expect(installabilityErrors.filter((e) => e.errorId !== 'in-incognito')).toEqual([]);
  expect((await cdp.send('Page.getAppManifest')).errors).toEqual([]);
  // The git files it offers to open from the desktop.
  const manifest = await page.evaluate(async () => (await fetch('/manifest.webmanifest')).json());
  const extensions = (manifest.file_handlers as { action: string; accept: Record<string, string[]> }[]).flatMap((h) => Object.values(h.accept).flat());
  expect(extensions.sort()).toEqual(['.bitmap', '.idx', '.midx', '.pack', '.rev']);

  // Every script chunk (workers, grammars, Markdown), style, icon and demo file is precached, and
  // nothing else: a chunk left out would break the offline start only where it is needed.
  const precached = await cachedPaths(page);
  const built = builtFiles().filter((f) => !/^(sw\.js|workbox-[\w-]+\.js)$/.test(f));
  expect(precached, 'the precache holds every built file (vite.config.ts: globPatterns)').toEqual(built);
  expect(workerRequests.length).toBeGreaterThan(0);

  // Offline from here; the service worker must not go to the network for anything again.
  workerRequests.length = 0;
  await context.setOffline(true);
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Look inside a git repository' })).toBeVisible();
  expect(await page.evaluate(() => navigator.serviceWorker.controller !== null), 'the page is served by the service worker').toBe(true);
  await expect(page.getByTestId('app-offline-state')).toHaveAttribute('data-state', 'ready');
  await page.getByTestId('app-version').screenshot({ path: testInfo.outputPath('version-offline.png') });
  await shot(page, testInfo, 'home-offline');

  await openDemo(page, testInfo, 'demo-offline');
  // A view whose code is a chunk of its own (Markdown) and a worker of its own (highlighting).
  await go(page, 'demo', 'browse/HEAD/src/index.js');
  const code = await objectPart(page, 'blob-text');
  await expect(code.locator('.hl-keyword').first()).toBeVisible();

  await gotoHome(page);
  await openFixture(page, testInfo, 'fixture-offline');

  expect(workerRequests, 'requests the service worker made while offline').toEqual([]);
  // The repositories' bytes were read from File objects: the caches still hold the build and nothing else.
  expect(await cachedPaths(page)).toEqual(built);
});

/**
 * The served build on a server of the test's own (a port of its own, so the service worker has
 * an origin of its own), whose service worker script can be replaced by "the next build": the
 * same files behind a script that differs by a comment, as a new build's differs by its manifest.
 */
async function serveBuild(): Promise<{ origin: string; nextBuild: () => void; close: () => Promise<void> }> {
  const { createServer } = await import('node:http');
  const types: Record<string, string> = {
    '.html': 'text/html',
    '.js': 'text/javascript',
    '.css': 'text/css',
    '.svg': 'image/svg+xml',
    '.png': 'image/png',
    '.json': 'application/json',
    '.webmanifest': 'application/manifest+json',
  };
  const csp = readFileSync(join(DIST, 'index.html'), 'utf8')
    .match(/http-equiv="Content-Security-Policy" content="([^"]+)"/)![1]
    .replace(/&#39;/g, "'");
  let next = false;
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
    const file = join(DIST, path === '/' ? 'index.html' : path);
    if (!file.startsWith(DIST) || (!builtFiles().includes(file.slice(DIST.length + 1)) && !/^\/(sw\.js|workbox-[\w-]+\.js)$/.test(path))) {
      response.writeHead(404).end();
      return;
    }
    let body = readFileSync(file);
    if (path === '/sw.js' && next) body = Buffer.concat([body, Buffer.from('\n// the next build\n')]);
    response.writeHead(200, { 'Content-Type': types[extname(file)] ?? 'application/octet-stream', 'Content-Security-Policy': csp, 'Cache-Control': 'no-cache' });
    response.end(body);
  });
  await new Promise<void>((ok) => server.listen(0, 'localhost', ok));
  const { port } = server.address() as { port: number };
  return {
    origin: `http://localhost:${port}`,
    nextBuild: () => {
      next = true;
    },
    close: () => new Promise((ok) => server.close(() => ok())),
  };
}

test('installed app: a new build shows "update available"; Reload starts it', async ({ page }, testInfo) => {
  const build = await serveBuild();
  try {
    // Installed on the first visit; from the second start on the service worker serves the page
    // (a page it does not serve would not hold a new build back).
    await page.goto(`${build.origin}/`);
    await waitServiceWorker(page);
    await page.reload();
    await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
    await expect(page.getByTestId('update-notice')).toHaveCount(0);

    // The next build is published; the browser finds it at its next check.
    build.nextBuild();
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())!.update());

    const notice = page.getByTestId('update-notice');
    await expect(notice).toBeVisible();
    await expect(notice).toContainText('Update available — reload to use it.');
    await expect(notice).toContainText(await page.getByTestId('app-version-number').innerText());
    await notice.screenshot({ path: testInfo.outputPath('update-notice.png') });
    await shot(page, testInfo, 'update-notice');
    await page.emulateMedia({ colorScheme: 'dark' });
    await shot(page, testInfo, 'update-notice-dark');
    await page.emulateMedia({ colorScheme: 'light' });

    // "Later" hides it; the new build waits until the person reloads.
    await notice.getByRole('button', { name: 'Later' }).click();
    await expect(notice).toHaveCount(0);
    await expect.poll(() => page.evaluate(async () => (await navigator.serviceWorker.getRegistration())!.waiting?.state)).toBe('installed');

    // The next start shows it again (the build still waits); Reload there starts it.
    await page.reload();
    await expect(notice).toBeVisible();
    const reloaded = page.waitForEvent('load');
    await notice.getByRole('button', { name: 'Reload' }).click();
    await reloaded;
    await expect(page.getByRole('heading', { name: 'Look inside a git repository' })).toBeVisible();
    await expect(page.getByTestId('app-offline-state')).toHaveAttribute('data-state', 'ready');
    await expect(notice).toHaveCount(0);
    const after = await page.evaluate(async () => {
      const registration = (await navigator.serviceWorker.getRegistration())!;
      return { waiting: registration.waiting !== null, controlled: navigator.serviceWorker.controller !== null };
    });
    expect(after).toEqual({ waiting: false, controlled: true });
  } finally {
    await build.close();
  }
});

test('installed app: a new build found during the first visit also starts with Reload', async ({ page }) => {
  // The first visit's page is not served by the service worker, so nothing holds the new build
  // back: it is active at once, and Reload must simply load it.
  const build = await serveBuild();
  try {
    await page.goto(`${build.origin}/`);
    await waitServiceWorker(page);
    expect(await page.evaluate(() => navigator.serviceWorker.controller)).toBeNull();
    build.nextBuild();
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())!.update());
    const notice = page.getByTestId('update-notice');
    await expect(notice).toBeVisible();
    const reloaded = page.waitForEvent('load');
    await notice.getByRole('button', { name: 'Reload' }).click();
    await reloaded;
    await expect(notice).toHaveCount(0);
    await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
  } finally {
    await build.close();
  }
});

test('files launched from the desktop (Launch Queue) open as a dropped .pack and .idx do', async ({ page }, testInfo) => {
  // Chromium gives launched files to the consumer the app sets on window.launchQueue. The page
  // cannot be launched by an operating system here, so the queue is stood in for and handed
  // real file handles (from the origin-private file system), as a launch hands them.
  type Consumer = (params: { files: FileSystemHandle[] }) => void;
  await page.addInitScript(() => {
    const consumers: Consumer[] = [];
    Object.defineProperty(window, 'launchQueue', { configurable: true, value: { setConsumer: (c: Consumer) => consumers.push(c) } });
    Object.defineProperty(window, '__launch', { value: { consumers, launch: (files: FileSystemHandle[]) => consumers.forEach((c) => c({ files })) } });
  });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const NAME = 'ref-delta';
  const packDir = join(gitDir(NAME), 'objects', 'pack');
  const names = readdirSync(packDir).filter((f) => f.endsWith('.pack') || f.endsWith('.idx'));
  expect(names.length).toBe(2);
  await gotoHome(page);
  expect(await page.evaluate(() => (window as unknown as { __launch: { consumers: Consumer[] } }).__launch.consumers.length), 'the app takes launches').toBe(1);
  for (const name of names) await writeOpfs(page, 'launched', name, readFileSync(join(packDir, name)));

  const startedAt = Date.now();
  await page.evaluate(async (names) => {
    const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('launched');
    const handles = await Promise.all(names.map((n) => dir.getFileHandle(n)));
    (window as unknown as { __launch: { launch: (files: FileSystemHandle[]) => void } }).__launch.launch(handles);
  }, names);
  await waitOpened(page, startedAt);
  const listing = batchCheck(NAME);
  await expect(page.getByTestId('overview-object-entries')).toBeVisible();
  expect(numbersIn(await textOf(page.getByTestId('overview-object-entries')))).toContain(listing.length);
  await expect(page.locator(`[data-testid=pack-row][data-pack="${meta(NAME).packs[0].name}"]`)).toBeVisible();
  await shot(page, testInfo, 'launched');
  expect(errors).toEqual([]);
});

test('without a Launch Queue (other browsers) the app starts as usual', async ({ page }) => {
  await page.addInitScript(() => Object.defineProperty(window, 'launchQueue', { configurable: true, value: undefined }));
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await gotoHome(page);
  await openDemo(page, test.info(), 'demo-no-launch-queue');
  expect(errors).toEqual([]);
});

test('one-file build: opened from file:// with the network off, browses the demo (a commit, a file) and a folder', async ({ page, context }, testInfo) => {
  await context.setOffline(true);
  const url = pathToFileURL(SINGLE).href;
  // Nothing but the file itself is loaded (workers come from blob: URLs the page makes), and the
  // page's policy is never broken (an inline script it did not hash, a fetch, a worker from a file).
  const loaded: string[] = [];
  const problems: string[] = [];
  page.on('request', (r) => {
    if (!/^(blob|data):/.test(r.url())) loaded.push(r.url());
  });
  page.on('console', (m) => {
    if (m.type() === 'error' || /Content Security Policy/i.test(m.text())) problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));

  await page.goto(url);
  await expect(page.getByTestId('folder-input')).toBeAttached();
  await expect(page.getByTestId('app-offline-state')).toHaveAttribute('data-state', 'single');
  await expect(page.getByTestId('app-version-number')).toHaveText(/^\d+\.\d+\.\d+/);
  await shot(page, testInfo, 'single-home');
  await openDemo(page, testInfo, 'single-demo');

  // A commit: from History, the newest commit's page with its changed files.
  await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'History', exact: true }).click();
  const row = page.getByTestId('history-row').first();
  await expect(row).toBeVisible();
  const oid = (await row.getAttribute('data-oid'))!;
  await row.locator('a.graph-subject').click();
  await expect(page).toHaveURL(new RegExp(`#/demo/object/${oid}`));
  await expect(page.getByTestId('commit-author')).toBeVisible();
  await expect(page.getByTestId('diff-summary')).toContainText(/\d/);
  await shot(page, testInfo, 'single-commit');

  // A file: highlighted by the highlight worker (its grammar inlined too), lines equal to git's.
  await go(page, 'demo', 'browse/HEAD/src/index.js');
  const code = await objectPart(page, 'blob-text');
  await expect(code.locator('.hl-keyword').first()).toBeVisible();
  await expectLines(code, git('demo', ['cat-file', 'blob', 'HEAD:src/index.js']).toString('utf8'), 'src/index.js');
  await shot(page, testInfo, 'single-file');

  // An image, decoded from the blob: URL the page's policy allows (its size comes from the decoder).
  await go(page, 'demo', 'browse/HEAD/docs/logo.png');
  const image = (await objectPart(page, 'image-preview')).locator('img');
  await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
  expect(await image.getAttribute('src')).toMatch(/^blob:/);

  // A text search: its matcher is a worker the engine's worker starts (nested, inlined as well).
  const needle = 'transliterate';
  const expected = git('demo', ['cat-file', '--batch-all-objects', '--batch-check=%(objectname) %(objecttype)'])
    .toString('utf8')
    .split('\n')
    .filter((l) => l.endsWith(' blob'))
    .map((l) => l.split(' ')[0])
    .filter((oid) => git('demo', ['cat-file', 'blob', oid]).toString('utf8').includes(needle));
  expect(expected.length).toBeGreaterThan(0);
  await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Search', exact: true }).click();
  await page.getByTestId('search-kind').selectOption('text');
  await page.getByTestId('search-input').fill(needle);
  await page.getByTestId('search-submit').click();
  await expect(page.getByTestId('search-status')).toHaveAttribute('data-state', 'done');
  expect(numbersIn(await textOf(page.getByTestId('search-count')))[0]).toBe(expected.length);

  // A folder of one's own, through the folder input.
  await page.goto(url);
  await openFixture(page, testInfo, 'single-fixture');

  expect(loaded.every((u) => u.split('#')[0] === url)).toBe(true);
  expect(problems).toEqual([]);
});
