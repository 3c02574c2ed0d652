import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { unzipSync } from 'fflate';
import { go, shot } from './support/app.ts';
import { expectFile, fixtureDir, git, repoFolder } from './support/git.ts';
import { gotoHome, openViaInput, openViaPicker } from './support/open.ts';

/**
 * Reachability and duplicates on screen, against git's own answers: the `dangling` fixture's
 * `git fsck --unreachable --no-reflogs` and `git fsck --no-reflogs` lists and its lost-found
 * folder, and `git show-index` of the `multi-pack` fixture's packs.
 */

const lines = (name: string, file: string): string[] => expectFile(name, file).toString('utf8').split('\n').filter(Boolean).sort();

/** Every row of the (virtualized) list: it is short enough to be rendered whole. */
async function listed(page: Page): Promise<{ oid: string; type: string; dangling: boolean }[]> {
  const rows = page.getByTestId('unreachable-row');
  return rows.evaluateAll((els) => els.map((e) => ({ oid: e.getAttribute('data-oid') ?? '', type: e.getAttribute('data-type') ?? '', dangling: e.getAttribute('data-dangling') === 'yes' })));
}

test('dangling fixture: the unreachable and dangling objects git fsck lists, browsable, and lost-found as a zip', async ({ page }, testInfo) => {
  const unreachable = lines('dangling', 'fsck-unreachable.txt');
  const dangling = lines('dangling', 'fsck-dangling.txt');
  await gotoHome(page);
  const { repo } = await openViaInput(page, repoFolder('dangling'));
  await go(page, repo, 'unreachable');

  await expect(page.getByTestId('reach-unreachable-count')).toHaveText(String(unreachable.length));
  await expect(page.getByTestId('unreachable-row')).toHaveCount(unreachable.length);
  const rows = await listed(page);
  expect(rows.map((r) => `unreachable ${r.type} ${r.oid}`).sort()).toEqual(unreachable);
  expect(
    rows
      .filter((r) => r.dangling)
      .map((r) => `dangling ${r.type} ${r.oid}`)
      .sort(),
  ).toEqual(dangling);
  await expect(page.getByTestId('reach-roots')).toContainText('staging index');
  await shot(page, testInfo, 'unreachable');

  await page.getByLabel('Dangling only').check();
  await expect(page.getByTestId('unreachable-row')).toHaveCount(dangling.length);
  await page.getByLabel('Dangling only').uncheck();

  // With the reflogs as roots the list is plain `git fsck --unreachable`'s: shorter (the reflog
  // remembers the amended commit), and back again without them.
  const withReflogs = git('dangling', ['fsck', '--unreachable'])
    .toString('utf8')
    .split('\n')
    .filter((l) => l.startsWith('unreachable '))
    .sort();
  expect(withReflogs.length).toBeLessThan(unreachable.length);
  await page.getByTestId('reach-reflogs').check();
  await expect(page.getByTestId('reach-unreachable-count')).toHaveText(String(withReflogs.length));
  expect((await listed(page)).map((r) => `unreachable ${r.type} ${r.oid}`).sort()).toEqual(withReflogs);
  await expect(page.getByTestId('reach-roots')).toContainText('reflog');
  await page.getByTestId('reach-reflogs').uncheck();
  await expect(page.getByTestId('reach-unreachable-count')).toHaveText(String(unreachable.length));

  // lost-found, as git writes it into .git/lost-found, but as a download.
  const downloading = page.waitForEvent('download');
  await page.getByTestId('lost-found-zip').click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe('lost-found.zip');
  const zip = unzipSync(readFileSync(await download.path()));
  const want = join(fixtureDir('dangling'), 'expect/lost-found');
  const wantFiles = ['commit', 'other'].flatMap((d) => readdirSync(join(want, d)).map((f) => `lost-found/${d}/${f}`)).sort();
  expect(Object.keys(zip).sort()).toEqual(wantFiles);
  for (const f of wantFiles) expect(Buffer.from(zip[f]).equals(readFileSync(join(want, f.slice('lost-found/'.length)))), f).toBe(true);

  // A dangling commit: its page, then its files.
  const commit = rows.find((r) => r.dangling && r.type === 'commit');
  expect(commit).toBeDefined();
  const oid = commit?.oid as string;
  const message = git('dangling', ['log', '-1', '--format=%s', oid]).toString().trim();
  const row = page.locator(`[data-testid=unreachable-row][data-oid="${oid}"]`);
  await expect(row).toContainText(message);
  await row.getByRole('link', { name: oid.slice(0, 12) }).click();
  await expect(page).toHaveURL(new RegExp(`#/${repo}/object/${oid}`));
  await expect(page.locator('main, body').first()).toContainText(message);
  await page.goBack();
  await page.locator(`[data-testid=unreachable-row][data-oid="${oid}"]`).getByRole('link', { name: 'Browse' }).click();
  await expect(page).toHaveURL(new RegExp(`#/${repo}/browse/${oid}`));
  const files = git('dangling', ['ls-tree', '--name-only', oid]).toString().trim().split('\n');
  for (const name of files) await expect(page.getByRole('link', { name, exact: true }).first()).toBeVisible();
  await shot(page, testInfo, 'dangling-commit-browse');
});

test('multi-pack and loose fixtures: every object stored twice, each copy, the copy git reads', async ({ page }, testInfo) => {
  const copies = new Map<string, string[]>();
  const packDir = join(fixtureDir('multi-pack'), 'repo/.git/objects/pack');
  for (const f of readdirSync(packDir).filter((n) => n.endsWith('.idx'))) {
    for (const line of expectFile('multi-pack', `show-index-${f.slice(0, -4)}.txt`)
      .toString('utf8')
      .split('\n')
      .filter(Boolean)) {
      const [offset, oid] = line.split(' ');
      copies.set(oid, [...(copies.get(oid) ?? []), offset]);
    }
  }
  const duplicated = [...copies.entries()].filter(([, c]) => c.length > 1);
  await gotoHome(page);
  const { repo } = await openViaInput(page, repoFolder('multi-pack'));
  await go(page, repo, 'duplicates');
  await expect(page.getByTestId('duplicates-total')).toContainText(`${duplicated.length} objects are stored more than once`);
  await expect(page.getByTestId('duplicates-total')).toContainText('Every copy holds');
  const list = page.getByTestId('duplicates-list');
  // Scroll through the virtualized list, collecting rows.
  const seen = new Map<string, { copies: number; read: number }>();
  for (let y = 0; y < 20; y++) {
    const rows = await page
      .getByTestId('duplicate-row')
      .evaluateAll((els) =>
        els.map((e) => ({ oid: e.getAttribute('data-oid') ?? '', copies: e.querySelectorAll('[data-testid=duplicate-copy]').length, read: e.querySelectorAll('[data-read=yes]').length })),
      );
    for (const r of rows) seen.set(r.oid, r);
    if (seen.size >= duplicated.length) break;
    await list.evaluate((el) => el.scrollBy(0, 400));
  }
  expect([...seen.keys()].sort()).toEqual(duplicated.map(([oid]) => oid).sort());
  for (const [oid, offsets] of duplicated) {
    expect(seen.get(oid)?.copies, oid).toBe(offsets.length);
    expect(seen.get(oid)?.read, oid).toBe(1);
  }
  await list.evaluate((el) => el.scrollTo(0, 0));
  await shot(page, testInfo, 'duplicates-multi-pack');

  // loose: a loose copy of a packed blob (only .git is copied: the work tree has odd names).
  await gotoHome(page);
  const loose = await openViaPicker(page, repoFolder('loose'));
  await go(page, loose.repo, 'duplicates');
  await expect(page.getByTestId('duplicate-row')).toHaveCount(1);
  const readFrom = page.locator('[data-testid=duplicate-copy][data-read=yes]');
  await expect(readFrom).toHaveAttribute('data-kind', 'packed');
  await expect(page.locator('[data-testid=duplicate-copy][data-kind=loose]')).toHaveAttribute('data-read', 'no');
  await shot(page, testInfo, 'duplicates-loose');
});
