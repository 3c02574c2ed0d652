import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { expect, test } from '@playwright/test';
import { shot } from './support/app.ts';
import { gitDir } from './support/git.ts';
import { gotoHome, openViaInput } from './support/open.ts';
import { isolatedGitEnv } from '../tests/support/git-env.ts';

/**
 * The overview's refs list on a repository with many refs (git.git has 4,295; drawing them all
 * took a second of the first paint): the first 100 drawn, a count, a filter by name, more on
 * request, and Browse for tags as for branches. The refs are git's own: `git for-each-ref`.
 */

const TAGS = 250;
let folder: string;

test.beforeAll(() => {
  folder = join(mkdtempSync(join(tmpdir(), 'packscope-refs-')), 'many-refs.git');
  cpSync(gitDir('demo'), folder, { recursive: true });
  const head = execFileSync('git', [`--git-dir=${folder}`, 'rev-parse', 'HEAD'], { env: isolatedGitEnv() })
    .toString()
    .trim();
  const input = Array.from({ length: TAGS }, (_, i) => `create refs/tags/bulk-${String(i).padStart(3, '0')} ${head}\n`).join('');
  execFileSync('git', [`--git-dir=${folder}`, 'update-ref', '--stdin'], { input, env: isolatedGitEnv() });
});

test.afterAll(() => rmSync(join(folder, '..'), { recursive: true, force: true }));

test('many refs: 100 drawn with the total, filtered by name, more on request, tags browsable', async ({ page }, testInfo) => {
  const all = execFileSync('git', [`--git-dir=${folder}`, 'for-each-ref', '--format=%(refname)'], { env: isolatedGitEnv() })
    .toString()
    .trim()
    .split('\n');
  expect(all.length).toBeGreaterThan(TAGS);
  await gotoHome(page);
  await openViaInput(page, folder);
  await expect(page.getByTestId('refs-count')).toHaveText(`${all.length} refs`);
  await expect(page.getByTestId('ref-row')).toHaveCount(100);
  await expect(page.getByTestId('refs-more')).toHaveText(`Show ${all.length - 100} more`);

  await page.getByTestId('refs-filter').fill('bulk-24');
  const matching = all.filter((name) => name.includes('bulk-24'));
  await expect(page.getByTestId('refs-count')).toHaveText(`${matching.length} of ${all.length} refs match`);
  expect(await page.getByTestId('ref-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-ref')))).toEqual(matching);
  await shot(page, testInfo, 'refs-filtered');

  await page.getByTestId('refs-filter').fill('');
  await page.getByTestId('refs-more').click();
  await expect(page.getByTestId('ref-row')).toHaveCount(all.length);
  await expect(page.getByTestId('refs-more')).toHaveCount(0);

  await page.locator('[data-testid=ref-row][data-ref="refs/tags/bulk-007"]').getByRole('link', { name: 'Browse' }).click();
  await expect(page).toHaveURL(/\/browse/);
  await expect(page.getByTestId('tree-listing')).toBeVisible();
  expect(await page.getByTestId('tree-entry').count()).toBeGreaterThan(0);
  await expect(page.getByTestId('browse-error')).toHaveCount(0);
});
