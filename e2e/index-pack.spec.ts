import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { expect, test, type Page, type TestInfo } from '@playwright/test';
import { go, numbersIn, shot, textOf } from './support/app.ts';
import { gitDir, messageOf, printed } from './support/git.ts';
import { gotoHome, repoKey } from './support/open.ts';
import { objectPart } from './support/views.ts';
import { isolatedGitEnv } from '../tests/support/git-env.ts';

/**
 * A folder holding only a `.pack` (no `.idx`, as if carved from a disk image): the app lists
 * it as a pack without an index, indexes it in the browser, offers the `.idx` (which must be
 * git index-pack's bytes) and then reads the pack's objects. A truncated pack gives a partial
 * index and problems naming the file and offset.
 */

const NAME = 'varied';

function variedPack(): { name: string; path: string } {
  const dir = join(gitDir(NAME), 'objects', 'pack');
  const file = execFileSync('ls', [dir])
    .toString()
    .split('\n')
    .find((f) => f.endsWith('.pack')) as string;
  return { name: file.slice(0, -5), path: join(dir, file) };
}

/** A folder with `bytes` as `<name>.pack` and no idx; with `note`, also the examiner's notes file. */
function loneFolder(testInfo: TestInfo, tag: string, name: string, bytes: Buffer, note = false): string {
  const folder = testInfo.outputPath(tag);
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, `${name}.pack`), bytes);
  if (note) writeFileSync(join(folder, 'NOTES.txt'), 'carved from image.dd at sector 81234; no .idx found\n');
  return folder;
}

/** git index-pack's idx of a pack, computed on a private copy. */
function gitIndex(testInfo: TestInfo, packPath: string): Buffer {
  const dir = testInfo.outputPath('git-copy');
  mkdirSync(dir, { recursive: true });
  const copy = join(dir, 'copy.pack');
  copyFileSync(packPath, copy);
  execFileSync('git', ['index-pack', copy], { env: isolatedGitEnv() });
  return readFileSync(join(dir, 'copy.idx'));
}

/**
 * Opens a folder through the folder input and waits for the overview. (support/open's
 * waitOpened takes any error box for a failure to open; here the overview rightly shows one:
 * the pack's idx is missing.)
 */
async function openFolder(page: Page, folder: string): Promise<string> {
  await gotoHome(page);
  await page.getByTestId('folder-input').setInputFiles(folder);
  await page.waitForURL(/#\/[^/]+\/overview/);
  await expect(page.getByTestId('packs-without-idx')).toBeVisible();
  return repoKey(page);
}

async function startIndexing(page: Page, name: string): Promise<void> {
  const row = page.locator(`[data-testid="pack-without-idx"][data-pack="${name}"]`);
  await expect(row).toBeVisible();
  await row.getByRole('link', { name: 'Index this pack' }).click();
  await expect(page.getByTestId('index-pack-view')).toBeVisible();
  await page.getByTestId('index-pack-start').click();
  await expect(page.getByTestId('index-pack-result')).toBeVisible({ timeout: 30_000 });
}

test("a lone .pack: index it, download git's very .idx, read its objects", async ({ page }, testInfo) => {
  const pack = variedPack();
  const bytes = readFileSync(pack.path);
  const folder = loneFolder(testInfo, 'lone', pack.name, bytes);
  const repo = await openFolder(page, folder);

  // The overview lists the pack with its size and offers to index it.
  const section = page.getByTestId('packs-without-idx');
  await expect(section).toContainText(`${pack.name}.pack`);
  await expect(section).toContainText('nothing is written into the folder');
  await shot(page, testInfo, 'overview-pack-without-idx');
  await go(page, repo, 'packs');
  await expect(page.getByTestId('packs-without-idx')).toBeVisible();
  await shot(page, testInfo, 'packs-pack-without-idx');

  const row = page.locator(`[data-testid="pack-without-idx"][data-pack="${pack.name}"]`);
  await row.getByRole('link', { name: 'Index this pack' }).click();
  await expect(page.getByTestId('index-pack-view')).toContainText('Nothing is written into the opened folder');
  await shot(page, testInfo, 'index-pack-plan');
  await page.getByTestId('index-pack-start').click();
  const result = page.getByTestId('index-pack-result');
  await expect(result).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('index-pack-verdict')).toContainText('Indexed: 168 objects');
  // The checksum shown is the pack's trailer, as git index-pack prints it.
  await expect(page.getByTestId('index-pack-checksum')).toHaveText(bytes.subarray(bytes.length - 20).toString('hex'));
  const types = await textOf(page.getByTestId('index-pack-types'));
  expect(numbersIn(types).reduce((a, b) => a + b, 0)).toBeGreaterThan(168); // the four types sum to 168, plus the delta count
  await shot(page, testInfo, 'index-pack-result');

  // The download is git index-pack's idx, byte for byte.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('index-pack-download').click()]);
  expect(download.suggestedFilename()).toBe(`${pack.name}.idx`);
  const saved = testInfo.outputPath('downloaded.idx');
  await download.saveAs(saved);
  expect(readFileSync(saved).equals(gitIndex(testInfo, pack.path))).toBe(true);

  // The folder now reads the pack: the objects list holds its 168 objects, and they open.
  await result.getByRole('link', { name: 'Open its objects' }).click();
  await expect(page.getByTestId('objects-total')).toHaveText('168');
  const first = page.getByTestId('object-row').first();
  const firstOid = (await first.getAttribute('data-oid')) as string;
  await first.locator('a.oid').click();
  await expect(page.getByTestId('object-view')).toContainText(firstOid);
  const commit = printed(NAME).find((p) => p.type === 'commit') as { oid: string; body: Buffer };
  await go(page, repo, `object/${commit.oid}`);
  const message = await objectPart(page, 'commit-message');
  await expect(message).toHaveText(messageOf(commit.body).toString('utf8').replace(/\n$/, ''));
  await shot(page, testInfo, 'object-from-indexed-pack');

  // Back on the overview, the pack shows as indexed in memory, and a Reload keeps it so.
  await go(page, repo, 'overview');
  await expect(page.getByTestId('packs-without-idx')).toContainText('indexed in memory (168 objects)');
  await page.getByRole('button', { name: 'Reload' }).click();
  await expect(page.getByTestId('packs-without-idx')).toContainText('indexed in memory (168 objects)');
  await go(page, repo, `object/${commit.oid}`);
  await expect(await objectPart(page, 'commit-message')).toHaveText(messageOf(commit.body).toString('utf8').replace(/\n$/, ''));
});

test('a truncated lone .pack: a partial index, and problems naming the file and offset', async ({ page }, testInfo) => {
  const pack = variedPack();
  const bytes = readFileSync(pack.path).subarray(0, 30_000);
  const folder = loneFolder(testInfo, 'cut', pack.name, bytes, true);
  await page.emulateMedia({ colorScheme: 'dark' });
  await openFolder(page, folder);
  await startIndexing(page, pack.name);
  await expect(page.getByTestId('index-pack-verdict')).toContainText(/Partial: \d+ of 168 objects indexed/);
  const problems = page.getByTestId('index-pack-problems');
  await expect(problems).toContainText('runs past the end of the file: the pack is cut short');
  await expect(problems.locator('.error-facts').first()).toContainText(`${pack.name}.pack`);
  await expect(problems.locator('.error-facts').first()).toContainText(/0x[0-9a-f]+ \(\d+\)/);
  await expect(problems).toContainText(/the walk stops at entry \d+ of 168/);
  await shot(page, testInfo, 'index-pack-partial-dark');
  // The partial idx is offered, and the objects it lists are read through it: each as git reads it.
  await expect(page.getByTestId('index-pack-download')).toBeVisible();
  const indexed = numbersIn(await textOf(page.getByTestId('index-pack-verdict')))[0];
  await page.getByTestId('index-pack-result').getByRole('link', { name: 'Open its objects' }).click();
  await expect(page.getByTestId('objects-total')).toHaveText(String(indexed));
  const rows = await page.getByTestId('object-row').evaluateAll((els) => els.map((e) => e.getAttribute('data-oid') as string));
  const byOid = new Map(printed(NAME).map((p) => [p.oid, p]));
  const commit = rows.map((oid) => byOid.get(oid)).find((p) => p?.type === 'commit');
  expect(commit, 'a commit among the indexed objects').toBeDefined();
  await go(page, repoKey(page), `object/${commit!.oid}`);
  await expect(await objectPart(page, 'commit-message')).toHaveText(messageOf(commit!.body).toString('utf8').replace(/\n$/, ''));
});
