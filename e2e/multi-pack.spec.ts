import { expect, test } from '@playwright/test';
import { go, numbersIn, shot, textOf } from './support/app.ts';
import { batchCheck, entriesCount, meta, repoFolder } from './support/git.ts';
import { gotoHome, openViaInput } from './support/open.ts';

/**
 * `multi-pack` (8 packs, 6 of them in a multi-pack-index, 16 objects in more than one pack)
 * chosen with the <input webkitdirectory>: the overview lists every pack and the midx, and the
 * objects list counts each object once, as git does.
 */

const NAME = 'multi-pack';
const info = meta(NAME);
const listing = batchCheck(NAME);

test('multi-pack via the folder input: packs, the multi-pack-index, the count', async ({ page }, testInfo) => {
  await gotoHome(page);
  const { repo } = await openViaInput(page, repoFolder(NAME));

  const entries = page.getByTestId('overview-object-entries');
  await expect(entries).toBeVisible();
  await shot(page, testInfo, 'overview');
  // Entries: the midx's objects + the packs it does not cover (a copy in two of those counts
  // twice), not git's count.
  expect(entriesCount(info)).toBeGreaterThan(info.objects);
  expect(numbersIn(await textOf(entries))).toContain(entriesCount(info));

  await expect(page.getByTestId('pack-row')).toHaveCount(info.packs.length);
  for (const p of info.packs) {
    const row = page.locator(`[data-testid=pack-row][data-pack="${p.name}"]`);
    await expect(row, p.name).toBeVisible();
    const cells = await row.locator('td, th').allTextContents();
    expect(
      cells.flatMap((c) => numbersIn(c)),
      `objects of ${p.name}`,
    ).toContain(p.objects);
    // The files beside it (meta.txt lists them, e.g. files=idx,keep,pack) and midx coverage.
    const text = cells.join(' | ');
    expect(text.includes('.keep'), `.keep beside ${p.name}: ${text}`).toBe(p.fields.files.split(',').includes('keep'));
    expect(/not covered/i.test(text), `midx coverage of ${p.name}: ${text}`).toBe(!info.midx!.covers[p.name]);
  }

  expect(info.midx, 'multi-pack has a midx').toBeDefined();
  const midx = page.getByTestId('midx-summary');
  await expect(midx).toBeVisible();
  await midx.scrollIntoViewIfNeeded();
  await shot(page, testInfo, 'overview-midx');
  const midxNumbers = numbersIn(await textOf(midx));
  expect(midxNumbers, 'midx objects').toContain(info.midx!.objects);
  expect(midxNumbers, 'midx packs').toContain(info.midx!.packs);
  // Every pack the midx covers is named in its summary, and only those.
  const midxText = await textOf(midx);
  for (const [pack, covered] of Object.entries(info.midx!.covers)) expect(midxText.includes(pack), `midx covers ${pack}`).toBe(covered);

  await go(page, repo, 'objects');
  const total = page.getByTestId('objects-total');
  await expect(total).toBeVisible();
  expect(numbersIn(await textOf(total))).toContain(listing.length);
  expect(listing.length).toBe(info.objects);
  await expect(page.locator('[data-testid=object-row][data-index="0"]')).toHaveAttribute('data-oid', listing[0].oid);
  await shot(page, testInfo, 'objects');
});
