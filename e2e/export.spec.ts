import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { expect, test, type Download, type Page } from '@playwright/test';
import { inflateSync, unzipSync } from 'fflate';
import { readZipDirectory, zipEntryData, type ZipDirectoryEntry } from '../src/core/export/zip-directory.ts';
import { unsafeName } from '../src/core/export/tree-plan.ts';
import { go, shot } from './support/app.ts';
import { git, repoFolder } from './support/git.ts';
import { gotoHome, openViaPicker } from './support/open.ts';
import { isolatedGitEnv } from '../tests/support/git-env.ts';

/**
 * Exports in the browser, compared with git: the varied fixture's tree (and a folder of it)
 * downloaded as a zip and read back entry by entry against `git archive --format=zip`; a blob
 * downloaded as a loose object, inflated and hashed back to its id; and a tree built to
 * explode, refused on screen with what was found.
 */

// git runs with TZ=UTC; zip times are local times, so the page's clock reads UTC too.
test.use({ timezoneId: 'UTC', acceptDownloads: true });

const NAME = 'varied';
/** The app names a repository after the folder chosen. */
const TITLE = basename(repoFolder(NAME));
const latin1 = new TextDecoder('latin1');

async function downloaded(page: Page, click: () => Promise<void>): Promise<{ name: string; bytes: Uint8Array }> {
  const [download]: [Download, void] = await Promise.all([page.waitForEvent('download'), click()]);
  const path = await download.path();
  return { name: download.suggestedFilename(), bytes: new Uint8Array(readFileSync(path)) };
}

function facts(e: ZipDirectoryEntry, withTimes: boolean) {
  return {
    name: latin1.decode(e.name),
    madeBy: e.madeBy,
    flags: e.flags,
    crc: e.crc,
    size: e.size,
    text: e.internalAttributes,
    unixMode: (e.externalAttributes / 0x10000).toString(8),
    dos: e.externalAttributes % 0x10000,
    ...(withTimes ? { time: e.dosTime, date: e.dosDate, extra: Buffer.from(e.extra).toString('hex') } : {}),
  };
}

/** Our zip against git's: entries, attributes, contents (two readers), and the comment. */
/** True for an archive path one of whose names we refuse to write (git archive writes it). */
function refusedPath(name: Uint8Array): boolean {
  return Buffer.from(name)
    .toString('latin1')
    .split('/')
    .filter((p) => p !== '')
    .some((p) => unsafeName(Buffer.from(p, 'latin1')) !== undefined);
}

/** Our zip against git's, but for the names we refuse (odd/back\\slash.txt), which ours lists in its comment. */
function expectSameArchive(ours: Uint8Array, theirs: Uint8Array, withTimes: boolean): void {
  const a = readZipDirectory(ours);
  const all = readZipDirectory(theirs);
  const b = { ...all, entries: all.entries.filter((e) => !refusedPath(e.name)) };
  const dropped = all.entries.length - b.entries.length;
  expect(a.entries.length).toBeGreaterThan(5);
  expect(a.entries.map((e) => facts(e, withTimes))).toEqual(b.entries.map((e) => facts(e, withTimes)));
  a.entries.forEach((e, i) => expect(Buffer.from(zipEntryData(ours, e)).equals(Buffer.from(zipEntryData(theirs, b.entries[i]))), latin1.decode(e.name)).toBe(true));
  if (withTimes && dropped === 0) expect(latin1.decode(a.comment)).toBe(latin1.decode(b.comment));
  if (withTimes && dropped > 0) expect(latin1.decode(a.comment).startsWith(`${latin1.decode(b.comment)}\npackscope left out ${dropped} entr`)).toBe(true);
  const ua = unzipSync(ours);
  const ub = Object.fromEntries(Object.entries(unzipSync(theirs)).filter(([k]) => !refusedPath(new TextEncoder().encode(k))));
  expect(Object.keys(ua)).toEqual(Object.keys(ub));
  for (const k of Object.keys(ub)) expect(Buffer.from(ua[k]).equals(Buffer.from(ub[k])), k).toBe(true);
}

test.describe('varied', () => {
  let repo = '';
  test.beforeEach(async ({ page }) => {
    await gotoHome(page);
    ({ repo } = await openViaPicker(page, repoFolder(NAME)));
  });

  test('Download .zip of HEAD in Browse equals git archive --format=zip HEAD', async ({ page }, testInfo) => {
    const head = git(NAME, ['rev-parse', 'HEAD']).toString().trim();
    await go(page, repo, 'browse/HEAD');
    await expect(page.getByTestId('tree-listing')).toBeVisible();
    const { name, bytes } = await downloaded(page, () => page.getByTestId('download-zip').click());
    expect(name).toBe(`${TITLE}-${head.slice(0, 7)}.zip`);
    expectSameArchive(bytes, new Uint8Array(git(NAME, ['archive', '--format=zip', 'HEAD'])), true);
    const outcome = page.getByTestId('export-outcome');
    await expect(outcome).toHaveAttribute('data-status', 'saved');
    await expect(outcome).toContainText(name);
    // The one name an unpacked archive must not hold is left out, and said so.
    await expect(page.getByTestId('export-problems')).toContainText('odd/back\\slash.txt');
    await shot(page, testInfo, 'browse-zip-saved');
  });

  test('a folder as .zip: named <repo>-<commit>-<path>, entries as git archive HEAD:<path>', async ({ page }) => {
    const head = git(NAME, ['rev-parse', 'HEAD']).toString().trim();
    await go(page, repo, 'browse/HEAD/odd');
    await expect(page.locator('[data-testid=tree-entry][data-name="with space.txt"]')).toBeVisible();
    const { name, bytes } = await downloaded(page, () => page.getByTestId('download-zip').click());
    expect(name).toBe(`${TITLE}-${head.slice(0, 7)}-odd.zip`);
    expectSameArchive(bytes, new Uint8Array(git(NAME, ['archive', '--format=zip', 'HEAD:odd'])), false);
  });

  test('a blob exported raw: the loose object inflates to its header and content and hashes to its id', async ({ page }, testInfo) => {
    const oid = git(NAME, ['rev-parse', 'HEAD:README.md']).toString().trim();
    const content = git(NAME, ['cat-file', 'blob', oid]);
    await go(page, repo, `object/${oid}`);
    await expect(page.getByTestId('object-view')).toBeVisible();
    await page.getByTestId('export-menu').click();
    await shot(page, testInfo, 'object-export-menu');
    const loose = await downloaded(page, () => page.getByTestId('export-loose').click());
    expect(loose.name).toBe(oid);
    const inflated = inflateSync(loose.bytes.subarray(2, loose.bytes.length - 4));
    expect(createHash('sha1').update(inflated).digest('hex')).toBe(oid);
    expect(Buffer.from(inflated).equals(Buffer.concat([Buffer.from(`blob ${content.length}\0`), content]))).toBe(true);
    // git hash-object agrees on the content the loose file holds.
    const body = inflated.subarray(inflated.indexOf(0) + 1);
    expect(execFileSync('git', ['hash-object', '--stdin'], { input: body }).toString().trim()).toBe(oid);

    await page.getByTestId('export-menu').click();
    const file = await downloaded(page, () => page.getByTestId('export-content').click());
    expect(file.name).toBe(`${oid}.blob`);
    expect(Buffer.from(file.bytes).equals(content)).toBe(true);
  });

  test('in Browse, the file viewer Download and the Export menu both save the content under its name', async ({ page }) => {
    await go(page, repo, 'browse/HEAD/scripts/run.sh');
    const expected = git(NAME, ['cat-file', 'blob', 'HEAD:scripts/run.sh']);
    const viewer = await downloaded(page, () => page.getByTestId('download').click());
    expect(viewer.name).toBe('run.sh');
    expect(Buffer.from(viewer.bytes).equals(expected)).toBe(true);
    await page.getByTestId('export-menu').click();
    const exported = await downloaded(page, () => page.getByTestId('export-content').click());
    expect(exported.name).toBe('run.sh');
    expect(Buffer.from(exported.bytes).equals(expected)).toBe(true);
  });
});

test('a tree built to explode (16 copies per level, 12 levels) is refused on screen, saying what was found', async ({ page }, testInfo) => {
  const dir = join(mkdtempSync(join(tmpdir(), 'packscope-e2e-bomb-')), 'bomb.git');
  const run = (args: string[], input?: string) =>
    execFileSync('git', ['--git-dir', dir, ...args], { input, env: isolatedGitEnv() })
      .toString()
      .trim();
  execFileSync('git', ['init', '--bare', '-q', dir]);
  const blob = run(['hash-object', '-w', '--stdin'], 'boom\n');
  let tree = run(['mktree'], `100644 blob ${blob}\tf\n`);
  for (let level = 0; level < 12; level++) tree = run(['mktree'], Array.from({ length: 16 }, (_, i) => `040000 tree ${tree}\td${i}\n`).join(''));
  await gotoHome(page);
  const { repo } = await openViaPicker(page, dir);
  await go(page, repo, `object/${tree}`);
  await expect(page.getByTestId('object-view')).toBeVisible();
  await page.getByTestId('export-menu').click();
  const started = Date.now();
  await page.getByTestId('export-zip').click();
  const refused = page.getByTestId('export-refused');
  await expect(refused).toBeVisible();
  expect(Date.now() - started).toBeLessThan(5000);
  await expect(refused).toHaveAttribute('data-reason', 'entries');
  await expect(page.getByTestId('refusal-message')).toContainText(`tree ${tree.slice(0, 12)}… expands to 5.8·10^14 entries`);
  await expect(page.getByTestId('refusal-message')).toContainText('from 14 distinct objects — refused');
  await expect(refused).toContainText('Nothing was written');
  await shot(page, testInfo, 'refused');
  // Ten times the limits is still far too little: refused again, nothing downloaded.
  await page.getByTestId('raise-limits').click();
  await expect(page.getByTestId('refusal-message')).toContainText('more than 2,000,000 entries');
});
