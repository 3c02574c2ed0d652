import { mkdirSync, writeFileSync } from 'node:fs';
import { expect, test, type Page, type TestInfo } from '@playwright/test';
import { go } from './support/app.ts';
import { git, repoFolder } from './support/git.ts';
import { gotoHome, openViaPicker } from './support/open.ts';

/**
 * A merge's Combined tab against git: for every merge of the `history` fixture, each file's
 * rendered combined hunks (the hunk headers, each line's marker columns and text) equal the
 * body of `git diff-tree --cc <merge>`, and with "All hunks" that of `git diff-tree -c -p`.
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
export function gitCombined(name: string, merge: string, flags: string[]): CombinedFile[] {
  const text = git(name, ['diff-tree', ...flags, merge]).toString('utf8');
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
    else if (/^Binary files .* differ$/.test(line)) file.body.push(line);
    else if (inBody && line !== '') file.body.push(line);
  }
  return files;
}

/**
 * What the Combined tab draws, file by file, in row order: a hunk header's text, and for each
 * line its marker columns as drawn (each column's ::before content) followed by its text.
 */
async function shownCombined(page: Page): Promise<CombinedFile[]> {
  if ((await page.locator('.df-rows').count()) === 0) return [];
  return page.locator('.df-rows').evaluate((rows) => {
    const items = [...rows.querySelectorAll(':scope > .df-vrow')].sort((a, b) => Number(a.getAttribute('data-index')) - Number(b.getAttribute('data-index')));
    const files: { path: string; body: string[] }[] = [];
    for (const item of items) {
      const head = item.querySelector('[data-testid=diff-file]');
      if (head) {
        files.push({ path: head.getAttribute('data-path') ?? '', body: [] });
        continue;
      }
      const file = files[files.length - 1];
      const chunk = item.querySelector('.df-chunk-text');
      if (chunk) file.body.push(chunk.textContent ?? '');
      const line = item.querySelector('.df-cline');
      if (line) {
        const markers = [...line.querySelectorAll('.df-mark')].map((m) => {
          const drawn = getComputedStyle(m, '::before').content;
          // "+" as CSS prints a string; anything else means the column is not drawn.
          return /^".*"$/.test(drawn) ? (JSON.parse(drawn) as string) : `<${drawn}>`;
        });
        file.body.push(markers.join('') + (line.querySelector('.df-text')?.textContent ?? ''));
      }
      if (item.querySelector('[data-testid=diff-binary]')) file.body.push('Binary files differ');
    }
    return files;
  });
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
  await expect(page.getByTestId('diff-file')).toHaveCount(files);
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
      const cc = gitCombined(NAME, merge, ['--cc']);
      await openCombined(page, repo, merge, cc.length);
      expect(await shownCombined(page), `--cc of ${merge}`).toEqual(cc);
      hunks += cc.reduce((n, f) => n + f.body.filter((l) => l.startsWith('@@@')).length, 0);
      // Each file's header gives git's letter against each parent (diff-tree -c --raw: "MM").
      for (const line of git(NAME, ['diff-tree', '--cc', '-r', '--raw', merge]).toString().split('\n').filter((l) => l.startsWith('::'))) {
        const [meta, path] = line.split('\t');
        await expect(page.locator(`[data-testid=diff-file][data-path="${path}"] .df-combined-statuses`)).toHaveText(meta.split(' ').pop()!);
      }
      if (cc.length > 0) {
        await snap(page, testInfo, `combined-${merge.slice(0, 7)}`);
        await page.emulateMedia({ colorScheme: 'dark' });
        await snap(page, testInfo, `combined-${merge.slice(0, 7)}-dark`);
        await page.emulateMedia({ colorScheme: 'light' });
      }

      const c = gitCombined(NAME, merge, ['-c', '-p']);
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
