import { expect, test, type Page, type TestInfo } from '@playwright/test';
import { go, numbersIn, shot, textOf } from './support/app.ts';
import { batchCheck, meta, repoFolder } from './support/git.ts';
import { gotoHome, openViaInput, openViaPicker, type Opened } from './support/open.ts';

/**
 * `big` (fixtures/build-big.sh: 210,001 objects in one 15 MB pack): open it, measure the time
 * from choosing the folder to the overview and to the first page of the objects list, then
 * scroll the list to its very end and find git's last id there. Each step has a budget (BUDGET).
 */

const NAME = 'big';
const listing = batchCheck(NAME);
const last = listing[listing.length - 1];

test.describe.configure({ timeout: 240_000 });

/**
 * Budgets, in milliseconds, far above what this machine takes (about 1-3 s each on 2 cores) so
 * that a loaded CI machine passes, and far below what a regression to per-object work on the main
 * thread or an unbounded scan takes (minutes).
 */
const BUDGET = { overview: 20_000, firstObjectPage: 20_000, scrollToEnd: 20_000 };

/** Times the overview and the first page of objects after `open`; logs and annotates them. */
async function timeOpening(page: Page, testInfo: TestInfo, how: string, open: () => Promise<Opened>): Promise<string> {
  const { repo, ms: toUrl, startedAt: chosenAt } = await open();
  const entries = page.getByTestId('overview-object-entries');
  await expect(entries).toBeVisible({ timeout: 120_000 });
  const toOverview = Date.now() - chosenAt;
  expect(numbersIn(await textOf(entries))).toContain(meta(NAME).objects);
  const stat = await page
    .locator('.stat', { hasText: 'Time to open' })
    .innerText({ timeout: 1000 })
    .catch(() => null);
  await shot(page, testInfo, `overview-${how}`);

  const objectsAt = Date.now();
  await go(page, repo, 'objects');
  await expect(page.locator('[data-testid=object-row][data-index="0"]')).toHaveAttribute('data-oid', listing[0].oid, { timeout: 120_000 });
  const toObjects = Date.now() - objectsAt;
  const total = page.getByTestId('objects-total');
  expect(numbersIn(await textOf(total))).toContain(listing.length);
  await shot(page, testInfo, `objects-${how}`);

  const line =
    `big (${listing.length.toLocaleString('en-US')} objects) via ${how}: choice → overview URL ${toUrl} ms, → overview shown ${toOverview} ms; ` +
    `overview → first object page ${toObjects} ms; choice → first object page ${toOverview + toObjects} ms` +
    (stat ? ` (app's own stat: ${stat.replace(/\s+/g, ' ').trim()})` : '');
  console.log(line);
  testInfo.annotations.push({ type: 'timing', description: line });
  expect(toOverview, `choice → overview shown (budget ${BUDGET.overview} ms)`).toBeLessThan(BUDGET.overview);
  expect(toObjects, `overview → first object page (budget ${BUDGET.firstObjectPage} ms)`).toBeLessThan(BUDGET.firstObjectPage);
  return repo;
}

test('big via the folder input: timings, and the list scrolls to git’s last id', async ({ page }, testInfo) => {
  expect(listing.length).toBeGreaterThanOrEqual(200_000);
  await gotoHome(page);
  await timeOpening(page, testInfo, 'input', () => openViaInput(page, repoFolder(NAME)));

  // Focus the list on its first row and press End; scroll the scroller to its end as well until
  // the last row is rendered.
  const firstRow = page.locator('[data-testid=object-row][data-index="0"]');
  await firstRow.click({ position: { x: 5, y: 5 }, modifiers: [] }).catch(() => undefined);
  const lastRow = page.locator(`[data-testid=object-row][data-index="${listing.length - 1}"]`);
  const scrollStart = Date.now();
  await page.keyboard.press('End');
  for (let i = 0; i < 50 && !(await lastRow.count()); i++) {
    await page.getByRole('grid').evaluate((grid) => {
      for (const el of [grid, ...grid.querySelectorAll('*')]) if (el.scrollHeight > el.clientHeight + 1) el.scrollTop = el.scrollHeight;
    });
    await page.waitForTimeout(200);
  }
  await expect(lastRow).toHaveAttribute('data-oid', last.oid, { timeout: 30_000 });
  await expect(lastRow).toBeInViewport();
  const scrollMs = Date.now() - scrollStart;
  console.log(`big: scrolled to row ${listing.length - 1} (${last.oid}) in ${scrollMs} ms`);
  expect(scrollMs, `scroll to the last row (budget ${BUDGET.scrollToEnd} ms)`).toBeLessThan(BUDGET.scrollToEnd);
  await shot(page, testInfo, 'objects-end');
});

test('big via the folder picker (directory handle): timings', async ({ page }, testInfo) => {
  await gotoHome(page);
  await timeOpening(page, testInfo, 'picker', () => openViaPicker(page, repoFolder(NAME)));
});
