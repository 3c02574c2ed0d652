import { expect, test, type Page } from '@playwright/test';
import { go, numbersIn, shot, textOf } from './support/app.ts';
import { git, repoFolder } from './support/git.ts';
import { gotoHome, openViaPicker, waitOpened } from './support/open.ts';
import { expectLines, objectPart } from './support/views.ts';

/**
 * Search, in the real app: text in the demo's blobs streams in with its lines in context and
 * leads to the file at a commit (compared with `git show <commit>:<path>`); a message search
 * equals `git log --all --grep`, and its timeline filters the list; a long regular-expression
 * search over `long-chains` is cancelled and the engine answers the next search at once.
 */

async function openDemo(page: Page): Promise<void> {
  await gotoHome(page);
  const startedAt = Date.now();
  await page.getByRole('button', { name: 'Open the demo repository' }).click();
  await waitOpened(page, startedAt);
}

/** Every blob of a fixture whose text contains `needle` (git's bytes, a plain search). */
function blobsContaining(name: string, needle: string): string[] {
  const listing = git(name, ['cat-file', '--batch-all-objects', '--batch-check']).toString().trim().split('\n');
  return listing
    .map((l) => l.split(' '))
    .filter(([, type]) => type === 'blob')
    .map(([oid]) => oid)
    .filter((oid) => {
      const bytes = git(name, ['cat-file', 'blob', oid]);
      return !bytes.subarray(0, 8000).includes(0) && bytes.toString('utf8').includes(needle);
    })
    .sort();
}

async function search(page: Page, kind: string, text: string): Promise<void> {
  await page.getByTestId('search-kind').selectOption(kind);
  await page.getByTestId('search-input').fill(text);
  await page.getByTestId('search-submit').click();
}

test('text in blobs: matches in context, then the file at a commit', async ({ page }, testInfo) => {
  const NEEDLE = 'transliterate';
  await openDemo(page);
  await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Search', exact: true }).click();
  await search(page, 'text', NEEDLE);
  await expect(page).toHaveURL(/#\/demo\/search\?q=transliterate$/);
  await expect(page.getByTestId('search-status')).toHaveAttribute('data-state', 'done');

  const expected = blobsContaining('demo', NEEDLE);
  expect(expected.length).toBeGreaterThan(1);
  // One card per path, the matching versions (blobs) inside; a blob at two paths is in both cards.
  await expect(page.locator('[data-testid=search-group][data-group=pending]')).toHaveCount(0);
  const results = page.getByTestId('search-version');
  const distinct = async () => [...new Set(await results.evaluateAll((els) => els.map((e) => e.getAttribute('data-oid') ?? '')))].sort();
  await expect.poll(distinct).toEqual(expected);
  expect(numbersIn(await textOf(page.getByTestId('search-count')))[0]).toBe(expected.length);

  // The first version of the first card: each shown line is the blob's own line, the match highlighted.
  // (Not a Markdown file: Browse renders those rather than showing their lines.)
  const card = page.locator('[data-testid=search-group][data-group=path]:not([data-path$=".md"])').first();
  const first = card.getByTestId('search-version').first();
  const oid = (await first.getAttribute('data-oid')) as string;
  const lines = git('demo', ['cat-file', 'blob', oid]).toString('utf8').split('\n');
  const hits = first.getByTestId('search-hit');
  expect(await hits.count()).toBeGreaterThan(0);
  for (const hit of await hits.all()) {
    const n = Number(await hit.getAttribute('data-line'));
    const line = lines[n - 1];
    await expect(hit).toContainText(line.trim());
    await expect(hit.locator('mark').first()).toHaveText(NEEDLE, { ignoreCase: false });
    expect(Number(await hit.getAttribute('data-column'))).toBe(line.indexOf(NEEDLE) + 1);
  }
  await shot(page, testInfo, 'text-matches');

  // Where it appears: the card's path at the version's commit; git agrees, and the link opens that file.
  const commit = (await first.getAttribute('data-commit')) as string;
  const path = (await card.getAttribute('data-path')) as string;
  expect(
    git('demo', ['rev-parse', `${commit}:${path}`])
      .toString()
      .trim(),
  ).toBe(oid);
  await first.locator('.sr-version-head a').first().click();
  await expect(page).toHaveURL(new RegExp(`#/demo/browse/${commit}/${path.split('/').map(encodeURIComponent).join('/').replace(/\./g, '\\.')}$`));
  await expect(page.getByTestId('breadcrumb')).toContainText(path.split('/').pop() as string);
  const box = await objectPart(page, 'blob-text');
  const text = git('demo', ['show', `${commit}:${path}`]).toString('utf8');
  await expectLines(box, text, `${commit}:${path}`);
  await expect(box).toContainText(NEEDLE);
  await shot(page, testInfo, 'landed-on-file');
});

test('messages: the commits git log --grep finds; the timeline filters them; a bad regex is explained', async ({ page }, testInfo) => {
  await openDemo(page);
  await go(page, 'demo', 'search');
  await search(page, 'message', 'options');
  await expect(page.getByTestId('search-status')).toHaveAttribute('data-state', 'done');
  const expected = git('demo', ['log', '--all', '-i', '-F', '--grep=options', '--format=%H']).toString().trim().split('\n').sort();
  const commits = page.locator('[data-testid=search-result][data-kind=commit]');
  await expect(commits).toHaveCount(expected.length);
  expect((await commits.evaluateAll((els) => els.map((e) => e.getAttribute('data-oid') ?? ''))).sort()).toEqual(expected);
  await expect(commits.first().locator('mark').first()).toHaveText(/options/i);

  const buckets = page.getByTestId('timeline-bucket');
  const counts = await buckets.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-count'))));
  expect(counts.reduce((s, n) => s + n, 0)).toBe(await page.getByTestId('search-result').count());
  const pick = counts.findIndex((n) => n > 0 && n < expected.length);
  expect(pick).toBeGreaterThanOrEqual(0);
  await shot(page, testInfo, 'message-timeline');
  await buckets.nth(pick).click();
  await expect(page.getByTestId('search-filter')).toBeVisible();
  await expect(page.getByTestId('search-result')).toHaveCount(counts[pick]);
  await shot(page, testInfo, 'message-timeline-filtered');
  await page.getByRole('button', { name: 'All dates' }).click();
  await expect(page.getByTestId('search-result')).toHaveCount(counts.reduce((s, n) => s + n, 0));

  await search(page, 'regex', 'fo(o');
  await expect(page.getByTestId('search-query-error')).toContainText('not a valid regular expression');
  await search(page, 'regex', '(a+)+b');
  await expect(page.getByTestId('search-query-error')).toContainText('repeats something that already repeats');
});

test('cancel stops a long search; the engine answers the next one at once', async ({ page }, testInfo) => {
  await gotoHome(page);
  const { repo } = await openViaPicker(page, repoFolder('long-chains'));
  // Each 700-line journal blob costs this pattern tens of milliseconds: minutes in all.
  await go(page, repo, `search?kind=regex&q=${encodeURIComponent('^(.*)(.*)(.*)#')}`);
  const status = page.getByTestId('search-status');
  await expect(status).toHaveAttribute('data-state', 'running');
  await expect(status).toContainText(/Searching blobs… [\d,]+ of [\d,]+/);
  await shot(page, testInfo, 'running');
  const clicked = Date.now();
  await page.getByTestId('search-cancel').click();
  await expect(status).toHaveAttribute('data-state', 'cancelled');
  expect(Date.now() - clicked).toBeLessThan(2_000);
  const [scanned, total] = numbersIn(await textOf(page.getByTestId('search-count')));
  expect(scanned).toBeLessThan(total);
  await shot(page, testInfo, 'cancelled');

  const started = Date.now();
  await search(page, 'message', 'edit 2999:');
  await expect(status).toHaveAttribute('data-state', 'done', { timeout: 10_000 });
  expect(Date.now() - started).toBeLessThan(10_000);
});
