import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { go, numbersIn, shot, textOf } from './support/app.ts';
import { batchCheck, gitDir, meta } from './support/git.ts';
import { gotoHome, openViaDrop } from './support/open.ts';

/**
 * A drop of a lone .pack and its .idx (no folder): the app's plain-files path. `idx-v1` has a
 * version 1 index, `ref-delta` a pack whose deltas name their bases by id.
 */

for (const NAME of ['idx-v1', 'ref-delta']) {
  test(`${NAME}: drop the .pack and .idx, the list holds git's objects`, async ({ page }, testInfo) => {
    const packDir = join(gitDir(NAME), 'objects', 'pack');
    const files = readdirSync(packDir)
      .filter((f) => f.endsWith('.pack') || f.endsWith('.idx'))
      .sort()
      .map((f) => join(packDir, f));
    expect(files.length).toBe(2);
    const listing = batchCheck(NAME);
    expect(listing.length).toBe(meta(NAME).objects);

    await gotoHome(page);
    const { repo } = await openViaDrop(page, files);
    await expect(page.getByTestId('overview-object-entries')).toBeVisible();
    await shot(page, testInfo, 'overview');
    expect(numbersIn(await textOf(page.getByTestId('overview-object-entries')))).toContain(listing.length);
    await expect(page.locator(`[data-testid=pack-row][data-pack="${meta(NAME).packs[0].name}"]`)).toBeVisible();

    await go(page, repo, 'objects');
    const total = page.getByTestId('objects-total');
    await expect(total).toBeVisible();
    expect(numbersIn(await textOf(total))).toContain(listing.length);
    await expect(page.locator('[data-testid=object-row][data-index="0"]')).toHaveAttribute('data-oid', listing[0].oid);
    await shot(page, testInfo, 'objects');
  });
}
