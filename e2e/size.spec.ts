import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page, type TestInfo } from '@playwright/test';
import { shot as attach } from './support/app.ts';
import { gitDir, repoFolder } from './support/git.ts';
import { gotoHome, openViaInput } from './support/open.ts';

/**
 * The size view (#/<repo>/size) on the `history` fixture: the treemap opens, zooms into a
 * folder, and a file's stored size reads what the CLI's `analyze` writes in path-all-sizes.txt
 * (the same file git filter-repo --analyze writes; its "packed size" is the path's stored
 * bytes). Also the paths table, a hostile name marked, the removal estimate, the other reports,
 * and screenshots at two widths in light and dark.
 */

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'dist-cli/packscope.mjs');

/** The CLI's `analyze` report for the fixture: path -> [unpacked, packed, deleted date]. */
function cliPathSizes(folder: string): Map<string, { unpacked: number; packed: number; deleted: string }> {
  if (!existsSync(CLI)) execFileSync(process.execPath, [join(ROOT, 'scripts/build-cli.mjs'), '--quiet'], { cwd: ROOT });
  const dir = mkdtempSync(join(tmpdir(), 'size-e2e-'));
  try {
    execFileSync(process.execPath, [CLI, 'analyze', folder, '--report-dir', dir], { stdio: 'pipe' });
    const out = new Map<string, { unpacked: number; packed: number; deleted: string }>();
    for (const line of readFileSync(join(dir, 'path-all-sizes.txt'), 'utf8').split('\n').slice(2)) {
      const m = /^\s*(\d+)\s+(\d+) (.{10}) (.*)$/.exec(line);
      if (m) out.set(m[4], { unpacked: Number(m[1]), packed: Number(m[2]), deleted: m[3].trim() });
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Attaches the screenshot and keeps it as a file of the test's output folder (to look at). */
async function shot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  // From the top: the sticky bar would otherwise be drawn over the page's middle.
  await page.evaluate(() => window.scrollTo(0, 0));
  await attach(page, testInfo, name);
  await page.screenshot({ path: testInfo.outputPath(`${name}.png`), fullPage: true });
}

test('size: treemap zooms into a folder and a file reads the stored size the CLI reports', async ({ page }, testInfo) => {
  const folder = repoFolder('history');
  const cli = cliPathSizes(folder);
  const notes = cli.get('data/notes.txt');
  expect(notes, 'the CLI lists data/notes.txt').toBeDefined();

  await gotoHome(page);
  const { repo } = await openViaInput(page, folder);
  await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Size' }).click();
  await expect(page).toHaveURL(new RegExp(`#/${repo}/size$`));
  const treemap = page.getByTestId('size-treemap');
  await expect(treemap).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('size-totals')).toContainText('stored in the packs');
  await expect(page.getByTestId('size-crumb-current')).toHaveText('All files');
  await shot(page, testInfo, 'size-1280-light');

  // Zoom into data/ by its label strip (its files take clicks inside it): the breadcrumb names
  // it and its files fill the map.
  await treemap
    .locator('[data-testid="treemap-tile"][data-kind="folder"][data-name="data"]')
    .first()
    .click({ position: { x: 30, y: 7 } });
  await expect(page).toHaveURL(/size\?folder=\d+/);
  await expect(page.getByTestId('size-crumb-current')).toHaveText('data');
  const names = await treemap.getByTestId('treemap-tile').evaluateAll((tiles) => tiles.map((t) => t.getAttribute('data-name')));
  expect(names.sort()).toEqual(['blob.bin', 'notes.txt']);

  // The file's stored size, as the view reads it, equals the CLI's packed size.
  await treemap.locator('[data-testid="treemap-tile"][data-name="notes.txt"]').click();
  await expect(page).toHaveURL(/[?&]path=\d+/);
  const detail = page.getByTestId('size-path-detail');
  await expect(detail.getByTestId('size-detail-path')).toHaveText('data/notes.txt');
  expect(Number(await detail.getByTestId('size-detail-stored').getAttribute('data-bytes'))).toBe(notes?.packed);
  await expect(detail.getByTestId('size-removal')).toContainText('would save about');
  await shot(page, testInfo, 'size-zoomed-1280-light');

  // Back out through the breadcrumb.
  await page.getByTestId('size-crumb').first().click();
  await expect(page.getByTestId('size-crumb-current')).toHaveText('All files');

  // The paths table: stored sizes equal the CLI's, the largest first, hostile names marked.
  const rows = page.getByTestId('size-path-row');
  await expect(rows.first()).toBeVisible();
  const listed = await rows.evaluateAll((els) => els.map((e) => ({ path: e.getAttribute('data-path') ?? '', bytes: Number(e.querySelector('[data-bytes]')?.getAttribute('data-bytes')) })));
  expect(listed.length).toBeGreaterThan(5);
  for (const r of listed) if (cli.has(r.path)) expect(r.bytes, r.path).toBe(cli.get(r.path)?.packed);
  expect(listed.map((r) => r.bytes)).toEqual([...listed.map((r) => r.bytes)].sort((a, b) => b - a));
  await page.getByLabel('Filter paths').fill('evil');
  await expect(rows).toHaveCount(1);
  await expect(rows.first().getByTestId('hidden-char')).toHaveAttribute('data-code', 'U+202E');

  // The tree of one commit, by inflated size: the total is what git ls-tree -r -l lists there.
  const lsTree = execFileSync('git', ['--git-dir', gitDir('history'), 'ls-tree', '-r', '-l', 'HEAD~2'], { encoding: 'latin1' })
    .split('\n')
    .filter((l) => l.includes(' blob '))
    .reduce((sum, l) => sum + Number(l.split(/\s+/)[3]), 0);
  await page.getByRole('group', { name: 'Measure' }).getByRole('button', { name: 'Inflated', exact: true }).click();
  await page.getByLabel('Commit or ref').fill('HEAD~2');
  await page.getByRole('button', { name: 'Show', exact: true }).click();
  await expect(treemap).toHaveAttribute('data-commit', execFileSync('git', ['--git-dir', gitDir('history'), 'rev-parse', 'HEAD~2'], { encoding: 'latin1' }).trim());
  expect(Number(await treemap.getAttribute('data-total'))).toBe(lsTree);
  await page.getByLabel('Scope').selectOption('');
  await page.getByRole('group', { name: 'Measure' }).getByRole('button', { name: 'Stored', exact: true }).click();
  await expect(treemap).not.toHaveAttribute('data-commit', /./);

  // The other reports open.
  const reports = page.getByRole('navigation', { name: 'Size reports' });
  await reports.getByRole('button', { name: 'Largest blobs', exact: true }).click();
  await expect(page.getByTestId('size-blob-row').first()).toBeVisible();
  await reports.getByRole('button', { name: 'Growth', exact: true }).click();
  await expect(page.getByTestId('size-growth').locator('path.sz-growth-line.all')).toHaveAttribute('d', /^M/);
  await reports.getByRole('button', { name: 'Packs', exact: true }).click();
  await expect(page.getByTestId('size-packs')).toContainText('.pack');

  // Screenshots at 1920 and in dark.
  await reports.getByRole('button', { name: 'Paths', exact: true }).click();
  await page.getByLabel('Filter paths').fill('');
  await treemap.locator('[data-testid="treemap-tile"][data-name="notes.txt"]').click();
  await page.setViewportSize({ width: 1920, height: 1080 });
  await shot(page, testInfo, 'size-1920-light');
  await page.emulateMedia({ colorScheme: 'dark' });
  await shot(page, testInfo, 'size-1920-dark');
  await page.setViewportSize({ width: 1280, height: 900 });
  await shot(page, testInfo, 'size-1280-dark');
});
