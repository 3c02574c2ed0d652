import { mkdirSync, writeFileSync } from 'node:fs';
import { expect, test, type Page, type TestInfo } from '@playwright/test';
import { go, numbersIn } from './support/app.ts';
import { git, repoFolder } from './support/git.ts';
import { buildMerges, gitIn } from './support/merges.ts';
import { gotoHome, openViaPicker } from './support/open.ts';

/**
 * A merge's Combined tab against git: for every merge of the `history` fixture, each file's
 * rendered combined hunks (the hunk headers, each line's marker columns and text) equal the
 * body of `git diff-tree --cc <merge>`, and with "All hunks" that of `git diff-tree -c -p`.
 * Then merges made for this test (support/merges.ts): three parents (four-column markers), a
 * binary file, a 2,500-line combined diff collapsed until asked, a hostile line kept inert, and
 * a merge that --cc leaves out and -c shows.
 */

const NAME = 'history';
const SHOTS = process.env.E2E_SHOTS ?? '/tmp/h1-shots';
mkdirSync(SHOTS, { recursive: true });

/** One file of git's combined patch: its path and the lines after `+++` (hunk headers and lines). */
interface CombinedFile {
  path: string;
  body: string[];
}

/** `git diff-tree <flags> <merge>` cut into files: `diff --cc <path>` (or `--combined`) starts each. */
function gitCombined(run: (args: string[]) => Buffer, merge: string, flags: string[]): CombinedFile[] {
  const text = run(['diff-tree', ...flags, merge]).toString('utf8');
  const files: CombinedFile[] = [];
  let file: CombinedFile | undefined;
  let inBody = false;
  for (const line of text.split('\n').slice(1)) {
    const head = /^diff --(?:cc|combined) (.*)$/.exec(line);
    if (head) {
      file = { path: head[1], body: [] };
      files.push(file);
      inBody = false;
      continue;
    }
    if (!file) continue;
    if (line.startsWith('+++ ')) inBody = true;
    else if (/^Binary files (.* )?differ$/.test(line)) file.body.push(line);
    else if (inBody && line !== '') file.body.push(line);
  }
  return files;
}

/** A row of the diff list as drawn: a file's header, or a body row's text (hunk header, or markers and line). */
interface DrawnRow {
  index: number;
  path?: string;
  text?: string;
}

/** The rows of the diff list drawn now (the list is virtualized: the ones in and near the view). */
async function drawnRows(page: Page): Promise<DrawnRow[]> {
  return page.locator('.df-rows').evaluate((rows) => {
    // Text as the repository has it: a hidden or bidi character is drawn as a marked badge.
    const textOf = (el: Element | null): string => {
      if (!el) return '';
      const copy = el.cloneNode(true) as Element;
      for (const mark of copy.querySelectorAll('[data-testid=hidden-char]')) mark.replaceWith(String.fromCodePoint(parseInt((mark.getAttribute('data-code') ?? '').slice(2), 16)));
      return copy.textContent ?? '';
    };
    const out: { index: number; path?: string; text?: string }[] = [];
    for (const item of rows.querySelectorAll(':scope > .df-vrow')) {
      const index = Number(item.getAttribute('data-index'));
      const head = item.querySelector('[data-testid=diff-file]');
      const chunk = item.querySelector('.df-chunk-text');
      const line = item.querySelector('.df-cline');
      if (head) out.push({ index, path: head.getAttribute('data-path') ?? '' });
      else if (chunk) out.push({ index, text: textOf(chunk) });
      else if (line) {
        const markers = [...line.querySelectorAll('.df-mark')].map((m) => {
          const drawn = getComputedStyle(m, '::before').content;
          // "+" as CSS prints a string; anything else means the column is not drawn.
          return /^".*"$/.test(drawn) ? (JSON.parse(drawn) as string) : `<${drawn}>`;
        });
        out.push({ index, text: markers.join('') + textOf(line.querySelector('.df-text')) });
      } else if (item.querySelector('[data-testid=diff-binary]')) out.push({ index, text: 'Binary files differ' });
      else if (item.querySelector('[data-testid=diff-collapsed]')) out.push({ index, text: `collapsed: ${item.textContent ?? ''}` });
    }
    return out;
  });
}

/**
 * What the Combined tab draws, file by file, in row order: a hunk header's text, and for each
 * line its marker columns as drawn (each column's ::before content) followed by its text.
 * `whole`: scrolled from top to bottom to see every row; else the rows drawn now.
 */
async function shownCombined(page: Page, whole = true): Promise<CombinedFile[]> {
  if ((await page.locator('.df-rows').count()) === 0) return [];
  const seen = new Map<number, DrawnRow>();
  if (whole) await page.evaluate(() => window.scrollTo(0, 0));
  for (;;) {
    // Two frames: the virtualizer draws the rows of a new scroll position on the next frame.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    for (const row of await drawnRows(page)) seen.set(row.index, row);
    if (!whole || (await page.evaluate(() => window.scrollY + window.innerHeight >= document.documentElement.scrollHeight - 2))) break;
    await page.evaluate(() => window.scrollBy(0, window.innerHeight * 0.7));
  }
  const files: CombinedFile[] = [];
  for (const row of [...seen.values()].sort((a, b) => a.index - b.index)) {
    if (row.path !== undefined) files.push({ path: row.path, body: [] });
    else if (row.text !== undefined && files.length > 0) files[files.length - 1].body.push(row.text);
  }
  return files;
}

async function snap(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const png = await page.screenshot({ fullPage: false });
  await testInfo.attach(name, { body: png, contentType: 'image/png' });
  writeFileSync(`${SHOTS}/${name}.png`, png);
}

/** Opens the merge's Combined tab and waits for its file list (and, when there are files, their hunks). */
async function openCombined(page: Page, repo: string, merge: string, files: number): Promise<void> {
  await go(page, repo, `object/${merge}`);
  await page.getByTestId('parent-combined').click();
  await expect(page.getByTestId('combined-summary')).toContainText(`${files} file`);
  // One file has no list to jump from; more are listed beside the diffs.
  if (files === 1) await expect(page.getByTestId('diff-file')).toHaveCount(1);
  if (files > 1) await expect(page.getByTestId('diff-file-item')).toHaveCount(files);
  if (files > 0) await expect(page.getByText('Reading the diff…')).toHaveCount(0);
}

test.describe('history fixture', () => {
  let repo = '';
  test.beforeEach(async ({ page }) => {
    await gotoHome(page);
    ({ repo } = await openViaPicker(page, repoFolder(NAME)));
  });

  test('every merge: the Combined tab draws git diff-tree --cc, and -c -p with All hunks', async ({ page }, testInfo) => {
    const merges = git(NAME, ['rev-list', '--merges', '--all']).toString().trim().split('\n');
    expect(merges.length).toBeGreaterThan(1);
    let hunks = 0;
    for (const merge of merges) {
      const cc = gitCombined((args) => git(NAME, args), merge, ['--cc']);
      await openCombined(page, repo, merge, cc.length);
      expect(await shownCombined(page), `--cc of ${merge}`).toEqual(cc);
      hunks += cc.reduce((n, f) => n + f.body.filter((l) => l.startsWith('@@@')).length, 0);
      // Each file's header gives git's letter against each parent (diff-tree -c --raw: "MM").
      for (const line of git(NAME, ['diff-tree', '--cc', '-r', '--raw', merge])
        .toString()
        .split('\n')
        .filter((l) => l.startsWith('::'))) {
        const [meta, path] = line.split('\t');
        await expect(page.locator(`[data-testid=diff-file][data-path="${path}"] .df-combined-statuses`)).toHaveText(meta.split(' ').pop()!);
      }
      if (cc.length > 0) {
        await snap(page, testInfo, `combined-${merge.slice(0, 7)}`);
        await page.emulateMedia({ colorScheme: 'dark' });
        await snap(page, testInfo, `combined-${merge.slice(0, 7)}-dark`);
        await page.emulateMedia({ colorScheme: 'light' });
      }

      const c = gitCombined((args) => git(NAME, args), merge, ['-c', '-p']);
      await page.getByTestId('combined-all').click();
      await expect(page.getByTestId('combined-summary')).toContainText(`${c.length} file`);
      await expect(page.getByTestId('diff-file')).toHaveCount(c.length);
      if (c.length > 0) await expect(page.getByText('Reading the diff…')).toHaveCount(0);
      expect(await shownCombined(page), `-c -p of ${merge}`).toEqual(c);
      await page.getByTestId('combined-dense').click();
    }
    // The fixture's merge with a conflict resolved by hand has hunks to compare.
    expect(hunks).toBeGreaterThan(0);
  });
});

test.describe('merges made for the test', () => {
  let folder = '';
  let repo = '';
  test.beforeAll(() => {
    folder = buildMerges();
  });
  test.beforeEach(async ({ page }) => {
    await gotoHome(page);
    ({ repo } = await openViaPicker(page, folder));
  });
  const run = (args: string[]) => gitIn(folder, args);
  const rev = (name: string) => run(['rev-parse', name]).toString().trim();

  test('three parents: four-column headers, binary noted, the big file collapsed until asked, a hostile line inert', async ({ page }, testInfo) => {
    const merge = rev('main');
    const cc = gitCombined(run, merge, ['--cc']);
    expect(cc.map((f) => f.path)).toEqual(['app.js', 'big.txt', 'pic.bin', 'tail.txt']);
    await openCombined(page, repo, merge, cc.length);
    await expect(page.getByTestId('parent-choice').getByRole('button')).toHaveCount(4);
    // Every file but the big one as git draws it; 2,500 merged lines and 7,500 lost ones wait for a click.
    const big = cc.find((f) => f.path === 'big.txt')!;
    expect(big.body.length).toBeGreaterThan(1500);
    const shown = await shownCombined(page);
    expect(shown.filter((f) => f.path !== 'big.txt')).toEqual(cc.filter((f) => f.path !== 'big.txt'));
    const collapsed = shown.find((f) => f.path === 'big.txt')!.body;
    expect(collapsed.length).toBe(1);
    expect(collapsed[0]).toMatch(/^collapsed: Large diff/);
    expect(numbersIn(collapsed[0])[0]).toBe(big.body.filter((l) => !l.startsWith('@@@@')).length);
    await page.evaluate(() => window.scrollTo(0, 0));
    // The first file's header: git's letter against each of the three parents.
    await expect(page.locator('[data-testid=diff-file][data-path="app.js"]').getByTestId('combined-label')).toHaveCount(3);
    await expect(page.getByTestId('combined-hunk').first()).toHaveAttribute('data-header', /^@@@@ -1,\d+ -1,\d+ -1,\d+ \+1,\d+ @@@@$/);
    await snap(page, testInfo, 'combined-three-parents');
    await page.emulateMedia({ colorScheme: 'dark' });
    await snap(page, testInfo, 'combined-three-parents-dark');
    await page.emulateMedia({ colorScheme: 'light' });

    // The hostile line (the last of app.js, just above big.txt) is text: no element made of it,
    // nothing run, its bidi character marked.
    await page.locator('[data-testid=diff-file-item][data-new-path="big.txt"]').click();
    await expect(page.locator('.df-cline').filter({ hasText: 'onerror' }).getByTestId('hidden-char')).toHaveAttribute('data-code', 'U+202E');
    await expect(page.locator('.df-rows img')).toHaveCount(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();

    // Asked for, the big file's rows are git's (the rows drawn: the list is virtualized).
    await page.getByTestId('diff-collapsed').getByRole('button').click();
    await page.locator('[data-testid=diff-file-item][data-new-path="big.txt"]').click();
    await expect(page.getByTestId('diff-collapsed')).toHaveCount(0);
    await expect(page.locator('[data-testid=combined-line]').filter({ hasText: 'line one on a' }).first()).toBeAttached();
    const drawn = (await shownCombined(page, false)).find((f) => f.path === 'big.txt')!;
    expect(drawn.body.length).toBeGreaterThan(20);
    const at = big.body.indexOf(drawn.body[0]);
    expect(at).toBeGreaterThanOrEqual(0);
    expect(drawn.body).toEqual(big.body.slice(at, at + drawn.body.length));
  });

  test('a merge that takes one line from each parent: --cc leaves it out, -c shows it', async ({ page }) => {
    const merge = rev('two');
    expect(gitCombined(run, merge, ['--cc'])).toEqual([]);
    await openCombined(page, repo, merge, 0);
    const c = gitCombined(run, merge, ['-c', '-p']);
    expect(c.length).toBe(1);
    await page.getByTestId('combined-all').click();
    await expect(page.getByTestId('diff-file')).toHaveCount(1);
    await expect(page.getByText('Reading the diff…')).toHaveCount(0);
    expect(await shownCombined(page)).toEqual(c);
  });
});
