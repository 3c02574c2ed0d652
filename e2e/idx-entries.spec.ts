import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { go, shot } from './support/app.ts';
import { expectFile, gitDir, repoFolder, verifiedPacks } from './support/git.ts';
import { gotoHome, openViaInput } from './support/open.ts';

/**
 * The idx section's two tables on idx-v2-large (a version 2 idx with a 64-bit offset table):
 * the entries in object id order as `git show-index` lists them, and the 8-byte table's
 * entries, each flagged entry of the idx once, with the offset show-index gives it.
 */

test('idx-v2-large: idx entries and the 8-byte offset table equal git show-index', async ({ page }, testInfo) => {
  const NAME = 'idx-v2-large';
  const pack = verifiedPacks(NAME)[0];
  const shown = expectFile(NAME, `show-index-${pack}.txt`)
    .toString()
    .trim()
    .split('\n')
    .map((l) => {
      const [offset, oid] = l.split(' ');
      return { offset: Number(offset), oid };
    });
  // The entries whose 4-byte offset has its high bit set, read from the idx as git wrote it.
  const idx = readFileSync(join(gitDir(NAME), 'objects/pack', `${pack}.idx`));
  const n = idx.readUInt32BE(8 + 255 * 4);
  const flagged: number[] = [];
  for (let i = 0; i < n; i++) if (idx.readUInt32BE(8 + 1024 + n * 24 + i * 4) >= 0x80000000) flagged.push(i);
  expect(n).toBe(shown.length);
  expect(flagged.length).toBeGreaterThan(0);

  await gotoHome(page);
  const { repo } = await openViaInput(page, repoFolder(NAME));
  await expect(page.getByTestId('overview-object-entries')).toBeVisible();
  await go(page, repo, `pack/${pack}`);

  const entries = page.getByTestId('idx-entries');
  await expect(entries.getByTestId('idx-entry').first()).toBeVisible({ timeout: 30_000 });
  const rows = entries.getByTestId('idx-entry');
  const count = await rows.count();
  expect(count).toBeGreaterThan(5);
  for (let i = 0; i < count; i++) {
    const row = rows.nth(i);
    const position = Number(await row.getAttribute('data-position'));
    expect(await row.getAttribute('data-oid'), `position ${position}`).toBe(shown[position].oid);
  }

  const large = page.getByTestId('large-offsets').locator('tbody tr');
  await expect(large).toHaveCount(Math.min(200, flagged.length), { timeout: 30_000 });
  const positions = (await large.locator('td:nth-child(4)').allTextContents()).map((t) => Number(t.replace(/[^\d]/g, '')));
  expect([...positions].sort((a, b) => a - b)).toEqual(flagged.slice(0, 200));
  await shot(page, testInfo, 'idx-v2-large-entries');
});
