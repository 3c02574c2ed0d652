import { chmodSync, cpSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { go, shot } from './support/app.ts';
import { dependentsOf, gitDir, verifiedPacks, verifyPack } from './support/git.ts';
import { gotoHome, openViaInput } from './support/open.ts';

/**
 * One damaged base under many deltas (long-chains, a whole object with at least 10 deltas built
 * on it, its zlib stream broken): Verify shows the base's own finding and one row for the
 * findings that follow from it, expandable to each, instead of a wall of near-identical rows.
 */

const NAME = 'long-chains';

test('a damaged base: one row for the deltas built on it, expandable; the base keeps its own finding', async ({ page }, testInfo) => {
  const packName = verifiedPacks(NAME)[0];
  const entries = verifyPack(NAME, packName);
  // The whole object with the fewest deltas built on it, at least 10 (thousands make a slow test).
  const victim = entries.filter((e) => e.base === undefined && dependentsOf(entries, e.oid).size >= 10).sort((a, b) => dependentsOf(entries, a.oid).size - dependentsOf(entries, b.oid).size)[0];
  expect(victim).toBeDefined();
  const built = dependentsOf(entries, victim.oid);
  const work = testInfo.outputPath('damaged-base');
  cpSync(gitDir(NAME), join(work, '.git'), { recursive: true });
  const packDir = join(work, '.git', 'objects', 'pack');
  for (const f of readdirSync(packDir)) chmodSync(join(packDir, f), 0o644);
  const packPath = join(packDir, `${packName}.pack`);
  const pack = Buffer.from(readFileSync(packPath));
  for (let i = victim.offset + 8; i < victim.offset + 24; i++) pack[i] ^= 0x5a;
  writeFileSync(packPath, pack);

  await gotoHome(page);
  const { repo } = await openViaInput(page, work);
  await go(page, repo, 'verify');
  await page.getByTestId('verify-run').click();
  await expect(page.getByTestId('verify-verdict')).toHaveAttribute('data-clean', 'false', { timeout: 60_000 });
  const group = page.getByTestId('finding-group');
  await expect(group).toHaveCount(1);
  await expect(group).toHaveAttribute('data-cause-offset', String(victim.offset));
  await expect(group).toHaveAttribute('data-count', String(built.size));
  await expect(group).toContainText(`${built.size.toLocaleString('en-US')} findings follow from the damage at objects/pack/${packName}.pack 0x${victim.offset.toString(16)}`);
  await expect(page.locator(`[data-testid=finding-row][data-offset="${victim.offset}"]`).first()).toBeVisible();
  const before = await page.getByTestId('finding-row').count();
  await shot(page, testInfo, 'grouped');
  await page.getByTestId('finding-group-toggle').click();
  await expect.poll(() => page.getByTestId('finding-row').count()).toBeGreaterThan(before);
  await expect(page.locator('.vf-grouped').first()).toBeVisible();
});
