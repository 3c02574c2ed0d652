import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page, type TestInfo } from '@playwright/test';
import { go, numbersIn, shot, textOf } from './support/app.ts';
import { bytesIn } from './support/anatomy.ts';
import { gitDir, repoFolder, verifiedPacks, verifyPack } from './support/git.ts';
import { gotoHome, openViaInput } from './support/open.ts';

/**
 * The Files view (#/<repo>/files) on `varied`: every file of the pack folder with its size as
 * the disk has it, and the window-cache panel after browsing: no more read from disk than the
 * pack folder holds, and window lookups that hit.
 */

const NAME = 'varied';

test('files: the pack folder with its sizes; the cache panel after browsing', async ({ page }, testInfo) => {
  const packDir = join(gitDir(NAME), 'objects', 'pack');
  const onDisk = readdirSync(packDir).map((f) => ({ name: f, size: statSync(join(packDir, f)).size }));
  const folderBytes = onDisk.reduce((s, f) => s + f.size, 0);
  const pack = verifiedPacks(NAME)[0];
  const entries = verifyPack(NAME, pack);

  await gotoHome(page);
  const { repo } = await openViaInput(page, repoFolder(NAME));
  await expect(page.getByTestId('overview-object-entries')).toBeVisible();
  await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Files', exact: true }).click();
  await expect(page.getByTestId('files-view')).toBeVisible();
  await expect(page.getByTestId('file-row').first()).toBeVisible();
  await shot(page, testInfo, 'files');

  // Every file of the pack folder, with its exact size (the cell's title).
  for (const f of onDisk) {
    const row = page.locator(`[data-testid=file-row][data-path$="objects/pack/${f.name}"]`);
    await expect(row, f.name).toHaveCount(1);
    const title = await row.locator('[role=cell][title$=" bytes"]').getAttribute('title');
    expect(numbersIn(title ?? ''), `${f.name}: size`).toEqual([f.size]);
  }

  // Browse objects (a delta chain among them), then the pack's bytes; after each, the panel.
  const deepest = [...entries].sort((a, b) => b.depth - a.depth)[0];
  for (const e of [deepest, ...entries.slice(0, 3)]) {
    await go(page, repo, `object/${e.oid}`);
    await expect(page.getByTestId('object-facts')).toBeVisible();
  }
  await shot(page, testInfo, 'object');
  await expectCache(page, testInfo, repo, folderBytes, 'after the object pages');

  await go(page, repo, `hex/.git/objects/pack/${pack}.pack?at=${deepest.offset}`);
  await expect(page.getByTestId('hex-annotation-label')).toBeVisible();
  await shot(page, testInfo, 'hex');
  await expectCache(page, testInfo, repo, folderBytes, 'after the hex view of the pack');
});

/** On the Files view: hits > 0, and no more read from disk than the pack folder holds. */
async function expectCache(page: Page, testInfo: TestInfo, repo: string, folderBytes: number, when: string): Promise<void> {
  await go(page, repo, 'files');
  const panel = page.getByTestId('cache-panel');
  const read = page.getByTestId('cache-bytes-read');
  await expect(read).toBeVisible();
  // Window lookups: "N hits, M misses"; counters refresh every second.
  const lookups = panel.locator('.hx-cache-item').filter({ hasText: 'Window lookups' });
  await expect.poll(async () => numbersIn((await textOf(lookups)).match(/([\d,]+) hits/)?.[1] ?? '0')[0], { message: `window hits ${when}` }).toBeGreaterThan(0);
  const misses = Number((await textOf(lookups)).match(/([\d,]+) misses/)?.[1].replace(/,/g, ''));
  expect(misses, `a window was loaded ${when}`).toBeGreaterThan(0);
  await panel.scrollIntoViewIfNeeded();
  await shot(page, testInfo, `cache-panel ${when}`);

  // "X of Y in the pack folder (P%)": Y is the pack folder's size, X at most Y.
  const text = await textOf(read);
  const m = text.match(/^(.*?) of (.*?) in the pack folder \((.*?)\)/);
  expect(m, text).not.toBeNull();
  const [bytesRead, fileBytes] = [bytesIn(m![1]), bytesIn(m![2])];
  expect(Math.abs(fileBytes.bytes - folderBytes), `pack folder size shown as ${m![2]}, ${folderBytes} bytes on disk`).toBeLessThanOrEqual(fileBytes.tolerance);
  expect(bytesRead.bytes, `read ${m![1]} ${when}`).toBeGreaterThan(0);
  expect(bytesRead.bytes - bytesRead.tolerance, `read ${m![1]} from a ${folderBytes}-byte pack folder ${when}`).toBeLessThanOrEqual(folderBytes);
  expect(m![3] === '<1%' ? 0 : Number(m![3].replace('%', '')), `share read ${when}`).toBeLessThanOrEqual(100);
  // The panel says so, exactly, when more was read than the folder holds.
  await expect(panel, when).not.toContainText('more than the folder holds');
}
