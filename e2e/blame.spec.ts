import { expect, test } from '@playwright/test';
import type { Page, TestInfo } from '@playwright/test';
import { go, numbersIn, shot as attachShot, textOf } from './support/app.ts';
import { git, repoFolder } from './support/git.ts';
import { gotoHome, openViaPicker } from './support/open.ts';

/**
 * File and folder history and blame on the `history` fixture, compared with git: the commits
 * `git log [--follow] -- <path>` lists, and the line groups of `git blame --porcelain`.
 */

const NAME = 'history';

/** Attaches the screenshot and keeps a copy in the test's output folder, to be looked at. */
async function shot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  await attachShot(page, testInfo, name);
  await page.screenshot({ path: testInfo.outputPath(`${name}.png`), fullPage: true });
}

/** git blame's groups: [commit, first final line (1-based), line count] per header line that starts a group. */
function blameGroups(rev: string, path: string): { oid: string; line: number; count: number }[] {
  const out = git(NAME, ['blame', '--porcelain', rev, '--', path]).toString('latin1');
  const groups: { oid: string; line: number; count: number }[] = [];
  for (const m of out.matchAll(/^([0-9a-f]{40}) (\d+) (\d+) (\d+)$/gm)) groups.push({ oid: m[1], line: Number(m[3]), count: Number(m[4]) });
  return groups;
}

function logOf(args: string[], path: string): string[] {
  return git(NAME, ['log', '--format=%H', ...args, 'HEAD', '--', path])
    .toString()
    .split('\n')
    .filter(Boolean);
}

let repo = '';
test.beforeEach(async ({ page }) => {
  await gotoHome(page);
  ({ repo } = await openViaPicker(page, repoFolder(NAME)));
});

test('a file: History and Blame links in the file view; history with --follow across a rename; blame groups as git', async ({ page }, testInfo) => {
  const path = 'lib/helpers.py';
  await go(page, repo, `browse/HEAD/${path}`);
  await page.getByTestId('file-history-link').click();
  await expect(page.getByTestId('path-history-view')).toBeVisible();
  const followed = logOf(['--follow'], path);
  await expect(page.getByTestId('path-history-row')).toHaveCount(followed.length);
  expect(await page.getByTestId('path-history-row').evaluateAll((els) => els.map((e) => e.getAttribute('data-oid')))).toEqual(followed);
  // The renames --follow crossed are marked with the older path.
  await expect(page.getByTestId('path-history-rename').first()).toContainText('src/helpers.py');
  await shot(page, testInfo, 'file-history-follow');
  // Without --follow the list stops at the rename, as git log does.
  await page.getByLabel('Follow renames').uncheck();
  const plain = logOf([], path);
  await expect(page.getByTestId('path-history-row')).toHaveCount(plain.length);
  expect(plain.length).toBeLessThan(followed.length);

  await go(page, repo, `browse/HEAD/${path}`);
  await page.getByTestId('file-blame-link').click();
  await expect(page.getByTestId('blame-view')).toBeVisible();
  const expected = blameGroups('HEAD', path);
  const groups = page.getByTestId('blame-group');
  await expect(groups).toHaveCount(expected.length);
  const shown = await groups.evaluateAll((els) => els.map((e) => ({ oid: e.getAttribute('data-oid'), count: Number(e.getAttribute('data-lines')) })));
  expect(shown).toEqual(expected.map((g) => ({ oid: g.oid, count: g.count })));
  const lines =
    git(NAME, ['show', `HEAD:${path}`])
      .toString()
      .split('\n').length - 1;
  expect(numbersIn(await textOf(page.getByTestId('blame-summary')))[0]).toBe(lines);
  await shot(page, testInfo, 'blame');

  // "Blame prior to this change" opens the blame of the parent version git names as previous.
  const porcelain = git(NAME, ['blame', '--porcelain', 'HEAD', '--', path]).toString('latin1');
  const previous = /^previous ([0-9a-f]{40}) (.*)$/m.exec(porcelain);
  expect(previous).not.toBeNull();
  const prior = page.getByTestId('blame-prior').first();
  await prior.click();
  await expect(page.getByTestId('blame-view')).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`/blame/${(previous as RegExpExecArray)[1]}/`));
  await expect(page.getByTestId('blame-group')).toHaveCount(blameGroups((previous as RegExpExecArray)[1], (previous as RegExpExecArray)[2]).length);
  await shot(page, testInfo, 'blame-prior');
});

test('a folder: its history is git log -- <folder>, and a merge that changed it is listed', async ({ page }, testInfo) => {
  for (const folder of ['src', 'lib', 'docs']) {
    await go(page, repo, `browse/HEAD/${folder}`);
    await page.locator('.browse-bar').getByRole('link', { name: 'History' }).click();
    await expect(page).toHaveURL(new RegExp(`/path-history/HEAD/${folder}$`));
    const expected = logOf([], folder);
    await expect(page.getByTestId('path-history-row')).toHaveCount(expected.length);
    expect(await page.getByTestId('path-history-row').evaluateAll((els) => els.map((e) => e.getAttribute('data-oid')))).toEqual(expected);
    // Follow is for a single file.
    await expect(page.getByLabel('Follow renames')).toBeDisabled();
    if (folder === 'src') await shot(page, testInfo, 'folder-history');
  }
});

test('blame of a file with a merge resolved by hand, and of a binary file', async ({ page }, testInfo) => {
  await go(page, repo, 'blame/HEAD/src/main.c');
  const expected = blameGroups('HEAD', 'src/main.c');
  await expect(page.getByTestId('blame-group')).toHaveCount(expected.length);
  expect(new Set(expected.map((g) => g.oid)).size).toBeGreaterThan(2);
  await shot(page, testInfo, 'blame-merge');
  // A long file: rows are virtualized; the last line comes into view at the end of the page.
  await go(page, repo, 'blame/HEAD/data/notes.txt');
  const notes = blameGroups('HEAD', 'data/notes.txt');
  const total = git(NAME, ['show', 'HEAD:data/notes.txt']).toString().split('\n').length - 1;
  await expect(page.getByTestId('blame-summary')).toBeVisible();
  expect(numbersIn(await textOf(page.getByTestId('blame-summary')))[0]).toBe(total);
  expect(await page.locator('.blame-row').count()).toBeLessThan(total);
  await page.keyboard.press('End');
  await expect(page.locator('.blame-no', { hasText: new RegExp(`^${total}$`) })).toBeVisible();
  const lastGroup = notes[notes.length - 1];
  await expect(page.locator(`[data-testid=blame-group][data-oid="${lastGroup.oid}"][data-lines="${lastGroup.count}"]`).last()).toBeAttached();
  await page.screenshot({ path: testInfo.outputPath('blame-long-end.png') });
  await go(page, repo, 'blame/HEAD/data/blob.bin');
  await expect(page.getByText('This file is binary')).toBeVisible();
});
