import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { go } from './support/app.ts';
import { gotoHome, openViaInput } from './support/open.ts';

/**
 * git.git timings of the diff screens: a big merge's Combined tab (gitk's merge 45d10e1c:
 * 13,000 lines of `git diff --cc`) to its combined hunks and first drawn line, and the syntax
 * colour of a large diff (ad45b327 removes 4,080 lines of merge-recursive.c): first coloured
 * lines, the last line coloured after a jump to the end, the page's long tasks meanwhile, and
 * the page's heap. Runs only when PACKSCOPE_GITGIT names the repository
 * (`PACKSCOPE_GITGIT=/work/.mirror/git+git/repo`); the numbers go to the test's output folder.
 */

const BIG_MERGE = '45d10e1cb057a10279d7b154a04225ccbf3c44c6';
const BIG_DIFF = 'ad45b327c0a13718ed5955319d1e735025676cc8';

test('git.git: a big merge combined, a large diff coloured', async ({ page }, testInfo) => {
  const gitgit = process.env.PACKSCOPE_GITGIT;
  test.skip(!gitgit, 'set PACKSCOPE_GITGIT to a clone of git.git');
  test.setTimeout(600_000);
  const report: Record<string, number> = {};
  await gotoHome(page);
  const opened = await openViaInput(page, gitgit!);
  report.openMs = opened.ms;
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const pageHeapMB = async () => Math.round(((await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0) / 1048576);
  await page.evaluate(() => {
    const w = window as unknown as { __long: number[] };
    w.__long = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__long.push(Math.round(e.duration));
    }).observe({ type: 'longtask', buffered: false });
  });
  const longTasks = () => page.evaluate(() => (window as unknown as { __long: number[] }).__long.splice(0));

  // The Combined tab of gitk's merge: its hunks read (collapsed: over 1,500 lines), then drawn.
  const ccLines = execFileSync('git', ['--git-dir', gitgit!, 'diff-tree', '--cc', BIG_MERGE], { maxBuffer: 1 << 28 })
    .toString()
    .split('\n').length;
  await go(page, opened.repo, `object/${BIG_MERGE}`);
  await expect(page.getByTestId('parent-combined')).toBeVisible({ timeout: 60_000 });
  await longTasks();
  let started = Date.now();
  await page.getByTestId('parent-combined').click();
  await expect(page.getByTestId('combined-summary')).toBeVisible({ timeout: 120_000 });
  report.combinedListMs = Date.now() - started;
  await expect(page.getByTestId('diff-collapsed')).toBeVisible({ timeout: 120_000 });
  report.combinedHunksMs = Date.now() - started;
  started = Date.now();
  await page.getByTestId('diff-collapsed').getByRole('button').click();
  await expect(page.locator('.df-cline').first()).toBeVisible();
  report.combinedFirstLineAfterClickMs = Date.now() - started;
  await expect(page.locator('.df-cline .df-text span[class^="hl-"]').first()).toBeAttached({ timeout: 60_000 });
  report.combinedColouredMs = Date.now() - started;
  report.combinedGitLines = ccLines;
  report.combinedLongestTaskMs = Math.max(0, ...(await longTasks()));
  await testInfo.attach('gitgit-combined', { body: await page.screenshot({ path: testInfo.outputPath('gitgit-combined.png') }), contentType: 'image/png' });

  // A large diff: first lines coloured, then the end of the file after a jump.
  await go(page, opened.repo, `object/${BIG_DIFF}`);
  started = Date.now();
  const item = page.locator('[data-testid=diff-file-item][data-old-path="merge-recursive.c"]');
  await expect(item).toBeVisible({ timeout: 120_000 });
  report.largeListedMs = Date.now() - started;
  await item.click();
  await expect(page.getByTestId('diff-collapsed')).toBeVisible();
  await longTasks();
  started = Date.now();
  await page.getByTestId('diff-collapsed').getByRole('button').click();
  await expect(page.locator('.df-line').first()).toBeVisible();
  report.largeFirstLineMs = Date.now() - started;
  await expect(page.locator('.df-line .df-text span[class^="hl-"]').first()).toBeAttached({ timeout: 60_000 });
  report.largeFirstColourMs = Date.now() - started;
  // The end of the file, far from the lines coloured first: jump to the next file, whose rows
  // sit just below merge-recursive.c's last lines.
  const removed = Number(execFileSync('git', ['--git-dir', gitgit!, 'diff-tree', '--numstat', BIG_DIFF, '--', 'merge-recursive.c']).toString().split('\n')[1].split('\t')[1]);
  started = Date.now();
  await page.locator('[data-testid=diff-file-item][data-old-path="merge-recursive.h"]').click();
  const nearEnd = page.locator('.df-line').filter({ has: page.locator(`.df-no[data-n="${removed - 2}"]`) });
  await expect(nearEnd.locator('span[class^="hl-"]').first()).toBeAttached({ timeout: 60_000 });
  report.largeLines = removed;
  report.largeEndColourMs = Date.now() - started;
  // Scrolling back through the diff: the page keeps answering.
  for (let i = 0; i < 20; i++) await page.mouse.wheel(0, -2000);
  report.largeLongestTaskMs = Math.max(0, ...(await longTasks()));
  report.pageHeapMB = await pageHeapMB();
  await testInfo.attach('gitgit-large', { body: await page.screenshot({ path: testInfo.outputPath('gitgit-large.png') }), contentType: 'image/png' });
  writeFileSync(testInfo.outputPath('diff-gitgit.json'), JSON.stringify(report, null, 2));
  console.log(JSON.stringify(report));
});
