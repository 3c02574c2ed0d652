import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { runGit } from './support/anatomy.ts';
import { go, shot } from './support/app.ts';
import { gotoHome, openViaInput } from './support/open.ts';

/**
 * A hostile SVG blob (issue 10, defect 1): its script must never run with the app's origin,
 * where it could read the recent-folders handles from IndexedDB. The preview's URL, opened on
 * its own as "Open image in new tab" does, must be inert or of no origin.
 */
test('an SVG blob with a script: the preview shows it, and its URL opened alone has no origin of ours', async ({ page, context }, testInfo) => {
  const work = mkdtempSync(join(tmpdir(), 'packscope-e2e-svg-'));
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20" fill="#2b6cb0"/><script>document.documentElement.setAttribute('data-ran-in', location.origin)</script></svg>\n`;
  runGit(['init', '-q', work]);
  writeFileSync(join(work, 'evil.svg'), svg);
  runGit(['-C', work, 'add', 'evil.svg']);
  runGit(['-C', work, '-c', 'user.name=Eve', '-c', 'user.email=eve@example.com', 'commit', '-q', '-m', 'an image']);
  const oid = runGit(['-C', work, 'rev-parse', 'HEAD:evil.svg']).toString().trim();

  await gotoHome(page);
  const { repo } = await openViaInput(page, join(work, '.git'));
  await go(page, repo, `object/${oid}`);
  const img = page.getByTestId('image-preview').locator('img');
  await expect(img).toBeVisible();
  await expect(page.getByTestId('image-preview')).toContainText('40 × 20 px');
  await shot(page, testInfo, 'svg-preview');
  const src = (await img.getAttribute('src')) as string;
  // A blob: URL carries the app's origin: opened alone, the SVG's script would run as the app.
  expect(src.startsWith('blob:')).toBe(false);

  const alone = await context.newPage();
  await alone.goto(src).catch(() => undefined); // a browser may refuse the navigation: as good
  const ranIn = await alone.evaluate(() => document.documentElement.getAttribute('data-ran-in')).catch(() => null);
  expect(ranIn === null || ranIn === 'null').toBe(true);
  expect(ranIn).not.toBe(new URL(page.url()).origin);
});
