import { mkdirSync, writeFileSync } from 'node:fs';
import { expect, test, type Locator, type Page, type TestInfo } from '@playwright/test';
import { go, numbersIn, textOf } from './support/app.ts';
import { git, repoFolder } from './support/git.ts';
import { gotoHome, openViaInput, openViaPicker } from './support/open.ts';

/**
 * What each commit changed, on screen, against git's own answers: the `history` fixture's
 * commits (renames, binary and image changes, a mode and a type change, odd names, a merge
 * with a conflict resolved by hand, an octopus) and the compare view, each file's status and
 * line counts equal to `git diff-tree -r -M --numstat`; a dangling commit of the `dangling`
 * fixture; the `big` fixture's 10,000-file comparison collapsed and virtualized.
 */

const NAME = 'history';
const SHOTS = process.env.E2E_SHOTS ?? '/tmp/h3-shots';
mkdirSync(SHOTS, { recursive: true });

const utf8 = new TextDecoder();

/** A changed file as git lists it: status letter, paths (decoded as the app decodes them), line counts ('-' for binary). */
interface GitFile {
  status: string;
  oldPath: string;
  newPath: string;
  added: string;
  deleted: string;
}

/** `git diff-tree -r -M -z` with --name-status and --numstat, joined (both in git's order). */
function gitFiles(name: string, args: string[]): GitFile[] {
  const tokens = (flag: string) => {
    const parts = git(name, ['diff-tree', '-r', '-M', '--root', flag, '-z', ...args])
      .toString('latin1')
      .split('\0');
    // One commit given: git prints its id first.
    if (args.length === 1) parts.shift();
    return parts.map((p) => utf8.decode(Buffer.from(p, 'latin1')));
  };
  const status = tokens('--name-status');
  const files: GitFile[] = [];
  for (let i = 0; i < status.length && status[i] !== ''; ) {
    const s = status[i++];
    if (s.startsWith('R') || s.startsWith('C')) files.push({ status: s[0], oldPath: status[i++], newPath: status[i++], added: '', deleted: '' });
    else {
      files.push({ status: s, oldPath: s === 'A' ? '' : status[i], newPath: s === 'D' ? '' : status[i], added: '', deleted: '' });
      i++;
    }
  }
  const num = tokens('--numstat');
  let k = 0;
  for (let i = 0; i < num.length && num[i] !== ''; k++) {
    const [added, deleted, path] = num[i++].split('\t');
    if (path === '') i += 2; // a rename: the two paths follow
    files[k].added = added;
    files[k].deleted = deleted;
  }
  expect(k).toBe(files.length);
  return files;
}

/** The files the diff list shows, as the file list's entries say them (one file has no list: its header says). */
async function shownFiles(page: Page, from: 'diff-file-item' | 'diff-file' = 'diff-file-item'): Promise<GitFile[]> {
  return page.getByTestId(from).evaluateAll((els) =>
    els
      .map((e) => ({
        index: Number(e.getAttribute('data-index')),
        status: e.getAttribute('data-status') ?? '',
        oldPath: e.getAttribute('data-old-path') ?? '',
        newPath: e.getAttribute('data-new-path') ?? '',
        added: e.getAttribute('data-binary') ? '-' : (e.getAttribute('data-added') ?? ''),
        deleted: e.getAttribute('data-binary') ? '-' : (e.getAttribute('data-deleted') ?? ''),
      }))
      .sort((a, b) => a.index - b.index)
      .map(({ index: _, ...f }) => f),
  );
}

/** Waits for the comparison's file list, then checks it against git's. */
async function expectFiles(page: Page, expected: GitFile[], what: string): Promise<void> {
  await expect(page.getByTestId('diff-summary'), what).toContainText(/\d/);
  const from = expected.length === 1 ? 'diff-file' : 'diff-file-item';
  await expect(page.getByTestId(from), what).toHaveCount(expected.length);
  if (expected.length === 1) await expect(page.getByTestId('diff-file-list'), what).toHaveCount(0);
  expect(await shownFiles(page, from), what).toEqual(expected);
  // The summary's totals are the sums of git's counts.
  const sum = (key: 'added' | 'deleted') => expected.reduce((n, f) => n + (f[key] === '-' ? 0 : Number(f[key])), 0);
  const numbers = numbersIn(await textOf(page.getByTestId('diff-summary')));
  expect(numbers[0], `${what}: file count`).toBe(expected.length);
  if (expected.some((f) => f.added !== '-')) expect(numbers.slice(1, 3), `${what}: + and - totals`).toEqual([sum('added'), sum('deleted')]);
}

/** What the screen shows now (the viewport: the diff list is virtualized, a full-page shot shows no more), attached and kept in SHOTS. */
async function snap(page: Page, testInfo: TestInfo, name: string, target?: Locator): Promise<void> {
  const png = target ? await target.screenshot() : await page.screenshot({ fullPage: false });
  await testInfo.attach(name, { body: png, contentType: 'image/png' });
  writeFileSync(`${SHOTS}/${name}.png`, png);
}

function rev(spec: string): string {
  return git(NAME, ['rev-parse', spec]).toString().trim();
}

/** The commit on main whose subject starts with `subject`. */
function bySubject(subject: string): string {
  const line = git(NAME, ['log', '--format=%H %s', 'main'])
    .toString()
    .split('\n')
    .find((l) => l.slice(41).startsWith(subject));
  if (!line) throw new Error(`no commit "${subject}" in ${NAME}`);
  return line.slice(0, 40);
}

let repo = '';
test.describe('history fixture', () => {
  test.beforeEach(async ({ page }) => {
    await gotoHome(page);
    ({ repo } = await openViaPicker(page, repoFolder(NAME)));
  });

  test('every commit on main: the file list and line counts equal git diff-tree -r -M --numstat', async ({ page }, testInfo) => {
    const commits = git(NAME, ['rev-list', '--no-merges', 'main']).toString().trim().split('\n');
    expect(commits.length).toBeGreaterThan(5);
    for (const c of commits) {
      await go(page, repo, `object/${c}`);
      await expect(page.getByTestId('commit-changes')).toBeVisible();
      await expectFiles(page, gitFiles(NAME, [c]), `commit ${c}`);
    }
    // The rename commit: old → new paths, git's similarity in the badge.
    const renames = bySubject('Rename the guide');
    await go(page, repo, `object/${renames}`);
    await expectFiles(page, gitFiles(NAME, [renames]), 'renames');
    const similarity = git(NAME, ['diff-tree', '-r', '-M', '--name-status', renames])
      .toString()
      .match(/^R(\d+)\tsrc\/util\.py/m)![1];
    const helpers = page.locator('[data-testid=diff-file][data-path="src/helpers.py"]');
    await expect(helpers).toContainText('src/util.py');
    await expect(helpers.getByTestId('diff-status')).toContainText(`${Number(similarity)}%`);
    await expect(page.locator('[data-testid=diff-file][data-path="docs/manual.md"]')).toContainText('docs/guide.md');
    await expect(page.getByTestId('diff-unchanged').first()).toContainText('renamed without changes');
    await snap(page, testInfo, 'rename-unified');
  });

  test('a binary change with sizes, a PNG old and new side by side, word highlights; split layout remembered', async ({ page }, testInfo) => {
    const c = bySubject('Read the flow too');
    await go(page, repo, `object/${c}`);
    await expectFiles(page, gitFiles(NAME, [c]), 'binary commit');

    const size = (spec: string) => Number(git(NAME, ['cat-file', '-s', spec]).toString());
    const bin = page.getByTestId('diff-binary').first();
    await expect(bin).toHaveAttribute('data-old-size', String(size(`${c}^:data/blob.bin`)));
    await expect(bin).toHaveAttribute('data-new-size', String(size(`${c}:data/blob.bin`)));

    // The logo: jumped to from the file list; both images drawn (24 x 24 PNGs) through <img> only.
    await page.locator('[data-testid=diff-file-item][data-new-path="docs/logo.png"]').click();
    await expect(page.locator('[data-testid=diff-file][data-path="docs/logo.png"]')).toBeInViewport();
    const images = page.getByTestId('diff-images');
    await expect(images).toBeVisible();
    await expect(images.locator('img')).toHaveCount(2);
    await expect.poll(() => images.locator('img').evaluateAll((els) => els.map((e) => (e as HTMLImageElement).naturalWidth))).toEqual([24, 24]);
    await snap(page, testInfo, 'image-binary');

    // src/main.c: the changed words of a changed line are marked, not the whole line.
    const main = page.locator('[data-testid=diff-file][data-path="src/main.c"]');
    await page.locator('[data-testid=diff-file-item][data-new-path="src/main.c"]').click();
    await expect(main).toBeInViewport();
    await expect(page.locator('.df-del .df-word').first()).toBeVisible();
    const delWords = await page.locator('.df-del .df-word').allTextContents();
    expect(delWords.join(' ')).toContain('2');
    await snap(page, testInfo, 'unified');

    await page.getByTestId('layout-split').click();
    await expect(page.getByTestId('diff-view')).toHaveAttribute('data-layout', 'split');
    await expect(page.locator('.df-pair').first()).toBeVisible();
    await page.locator('[data-testid=diff-file-item][data-new-path="src/main.c"]').click();
    await expect(main).toBeInViewport();
    await snap(page, testInfo, 'split');
    // Remembered: another commit opens split too.
    await go(page, repo, `object/${bySubject('Rename the guide')}`);
    await expect(page.getByTestId('diff-view')).toHaveAttribute('data-layout', 'split');
    expect(await page.evaluate(() => localStorage.getItem('packscope.diff.layout'))).toBe('split');
    await page.getByTestId('layout-unified').click();
  });

  test('context between hunks: revealed 20 lines at a time, the text as git stores it', async ({ page }, testInfo) => {
    const c = bySubject('Read the flow too');
    await go(page, repo, `object/${c}`);
    const notes = page.locator('[data-testid=diff-file][data-path="data/notes.txt"]');
    await expect(notes).toBeVisible();
    const file = git(NAME, ['show', `${c}:data/notes.txt`])
      .toString('utf8')
      .split('\n');
    // The first gap between two hunks with more than 20 hidden lines: ↓ shows the 20 below the hunk before.
    const gaps = page.locator('[data-testid=diff-gap]');
    await expect(gaps.first()).toBeVisible();
    const listed = await gaps.evaluateAll((els) => els.map((e) => ({ key: e.getAttribute('data-gap') ?? '', hidden: Number(e.getAttribute('data-hidden')) })));
    const wide = listed.find((g) => !g.key.endsWith(':0') && g.hidden > 20);
    expect(wide, `gaps: ${JSON.stringify(listed)}`).toBeDefined();
    const gap = page.locator(`[data-testid=diff-gap][data-gap="${wide!.key}"]`);
    const before = wide!.hidden;
    await gap.getByRole('button', { name: /below the previous change/ }).click();
    // The 20 lines push the gap down, out of the rows drawn: bring it into view (the list is virtualized).
    await expect(page.locator('.df-line.df-revealed')).not.toHaveCount(0);
    await page.mouse.wheel(0, 350);
    await expect(gap).toHaveAttribute('data-hidden', String(before - 20));
    await expect(page.locator('.df-revealed').first()).toBeVisible();
    const revealed = await page
      .locator('.df-line.df-revealed')
      .evaluateAll((els) => els.map((e) => ({ n: Number(e.querySelectorAll('.df-no')[1].getAttribute('data-n')), text: e.querySelector('.df-text')?.textContent ?? '' })));
    expect(revealed.length).toBe(20);
    for (const r of revealed) expect(r.text, `line ${r.n}`).toBe(file[r.n - 1]);
    await snap(page, testInfo, 'expanded-context');
  });

  test('merge: each parent and the combined view; the octopus', async ({ page }, testInfo) => {
    const merge = bySubject('Merge branch topic');
    await go(page, repo, `object/${merge}`);
    await expect(page.getByTestId('parent-choice')).toBeVisible();
    await expectFiles(page, gitFiles(NAME, [`${merge}^1`, merge]), 'merge against parent 1');
    await snap(page, testInfo, 'merge-parent1');
    await page
      .getByTestId('parent-choice')
      .getByRole('button', { name: /Parent 2/ })
      .click();
    await expectFiles(page, gitFiles(NAME, [`${merge}^2`, merge]), 'merge against parent 2');

    // Combined: the files git diff-tree -c lists, each against both parents, with git's letters.
    await page.getByTestId('parent-combined').click();
    const combined = git(NAME, ['diff-tree', '-c', '-r', merge])
      .toString()
      .split('\n')
      .filter((l) => l.startsWith('::'))
      .map((l) => ({ letters: l.split('\t')[0].split(' ').pop()!, path: l.split('\t')[1] }));
    expect(combined.length).toBeGreaterThan(0);
    await expect(page.getByTestId('combined-summary')).toContainText(`${combined.length} file`);
    await expect(page.getByTestId('combined-label')).toHaveCount(combined.length * 2);
    for (const f of combined) {
      const head = page.locator(`[data-testid=diff-file][data-path="${f.path}"]`).first();
      await expect(head.getByTestId('diff-status')).toHaveCount(1 + f.letters.length);
      expect((await head.locator('.df-combined-statuses').first().textContent())?.trim()).toBe(f.letters);
    }
    await snap(page, testInfo, 'merge-combined');

    const octopus = bySubject('Octopus');
    await go(page, repo, `object/${octopus}`);
    const parents = git(NAME, ['rev-list', '--parents', '-n1', octopus]).toString().trim().split(' ').length - 1;
    expect(parents).toBeGreaterThan(2);
    await expect(page.getByTestId('parent-choice').getByRole('button')).toHaveCount(parents + 1);
    for (let p = 1; p <= parents; p++) {
      await page
        .getByTestId('parent-choice')
        .getByRole('button', { name: new RegExp(`Parent ${p}`) })
        .click();
      await expectFiles(page, gitFiles(NAME, [`${octopus}^${p}`, octopus]), `octopus against parent ${p}`);
    }
    await page.getByTestId('parent-combined').click();
    const octoCombined = git(NAME, ['diff-tree', '-c', '-r', octopus])
      .toString()
      .split('\n')
      .filter((l) => l.startsWith('::')).length;
    await expect(page.getByTestId('combined-summary')).toContainText(`${octoCombined} file`);
  });

  test('hostile names are marked, never applied; the root commit lists every file as added', async ({ page }, testInfo) => {
    const root = bySubject('Initial commit');
    await go(page, repo, `object/${root}`);
    await expectFiles(page, gitFiles(NAME, [root]), 'root commit');
    const evil = page.locator('[data-testid=diff-file-item]').filter({ has: page.locator('[data-code="U+202E"]') });
    await expect(evil).toHaveCount(1);
    await snap(page, testInfo, 'root-hostile-names', page.getByTestId('diff-file-list'));
  });

  test('compare view: two refs, the form, two blobs', async ({ page }, testInfo) => {
    await go(page, repo, 'compare/v0.1..v2.0');
    await expect(page.getByTestId('compare-view')).toBeVisible();
    await expectFiles(page, gitFiles(NAME, ['v0.1', 'v2.0']), 'v0.1..v2.0');
    await expect(page.getByTestId('compare-ends')).toContainText(rev('v0.1^{commit}').slice(0, 12));
    await snap(page, testInfo, 'compare');

    await page.getByTestId('compare-from').fill('v1.0');
    await page.getByTestId('compare-to').fill('topic');
    await page.getByTestId('compare-form').getByRole('button', { name: 'Compare' }).click();
    await expect.poll(() => new URL(page.url()).hash).toContain('/compare/v1.0..topic');
    await expectFiles(page, gitFiles(NAME, ['v1.0', 'topic']), 'v1.0..topic');

    // Two blobs compare as one file: git diff --numstat of the two blobs.
    const a = rev('v0.1:src/main.c');
    const b = rev('v2.0:src/main.c');
    await go(page, repo, `compare/${a}..${b}`);
    const [added, deleted] = git(NAME, ['diff', '--numstat', a, b]).toString().split('\t');
    await expect(page.getByTestId('diff-file')).toHaveCount(1);
    await expect(page.getByTestId('diff-file')).toHaveAttribute('data-added', added);
    await expect(page.getByTestId('diff-file')).toHaveAttribute('data-deleted', deleted);
  });
});

test('a dangling commit shows what it changed, like any other', async ({ page }) => {
  const dangling = git('dangling', ['fsck', '--no-reflogs', '--dangling'])
    .toString()
    .split('\n')
    .filter((l) => l.startsWith('dangling commit '))
    .map((l) => l.split(' ')[2]);
  expect(dangling.length).toBeGreaterThan(0);
  await gotoHome(page);
  const { repo: key } = await openViaInput(page, repoFolder('dangling'));
  for (const c of dangling) {
    await go(page, key, `object/${c}`);
    await expectFiles(page, gitFiles('dangling', [c]), `dangling ${c}`);
  }
});

test('a file over the line-diff limit is listed with its sizes, and says why it has no lines', async ({ page }, testInfo) => {
  await gotoHome(page);
  const { repo: key } = await openViaInput(page, repoFolder('large-blobs'));
  const commit = git('large-blobs', ['log', '--format=%H', '--grep=Edit the corpus', 'HEAD']).toString().trim();
  expect(commit).toMatch(/^[0-9a-f]{40}$/);
  await go(page, key, `object/${commit}`);
  const files = gitFiles('large-blobs', [commit]);
  expect(files.length).toBe(1);
  await expect(page.getByTestId('diff-file')).toHaveCount(1);
  await expect(page.getByTestId('diff-file')).toHaveAttribute('data-path', files[0].newPath);
  const note = page.getByTestId('diff-too-large');
  await expect(note).toBeVisible();
  const size = (spec: string) => git('large-blobs', ['cat-file', '-s', spec]).toString().trim();
  await expect(note).toHaveAttribute('data-old-size', size(`${commit}^:data/corpus.txt`));
  await expect(note).toHaveAttribute('data-new-size', size(`${commit}:data/corpus.txt`));
  await snap(page, testInfo, 'too-large');
});

test('10,000 changed files: collapsed until asked, the lists virtualized, more pages as you scroll', async ({ page }, testInfo) => {
  test.setTimeout(180_000);
  await gotoHome(page);
  const { repo: key } = await openViaInput(page, repoFolder('big'));
  const from = git('big', ['rev-parse', 'HEAD~100']).toString().trim();
  const to = git('big', ['rev-parse', 'HEAD']).toString().trim();
  const total = git('big', ['diff-tree', '-r', '--name-only', from, to]).toString().trim().split('\n').length;
  expect(total).toBeGreaterThan(5000);
  await go(page, key, `compare/${from}..${to}`);
  await expect(page.getByTestId('diff-summary')).toContainText(/\d/, { timeout: 120_000 });
  expect(numbersIn(await textOf(page.getByTestId('diff-summary')))[0]).toBe(total);
  // Collapsed: headers only, each with its Load diff button; no line is drawn.
  await expect(page.getByTestId('load-diff').first()).toBeVisible();
  expect(await page.locator('.df-line').count()).toBe(0);
  // Only what is on screen exists.
  expect(await page.getByTestId('diff-file').count()).toBeLessThan(200);
  expect(await page.getByTestId('diff-file-item').count()).toBeLessThan(200);
  // The first page's counts equal git's numstat for those files.
  const numstat = git('big', ['diff-tree', '-r', '--numstat', from, to]).toString().trim().split('\n').slice(0, 20);
  const shown = await shownFiles(page);
  for (const [i, line] of numstat.entries()) {
    const [added, deleted, path] = line.split('\t');
    expect(shown[i]).toEqual({ status: 'A', oldPath: '', newPath: path, added, deleted });
  }
  await snap(page, testInfo, 'many-files-collapsed');
  // Open one: its diff loads; then the end of the page asks for more files.
  await page.getByTestId('load-diff').first().click();
  await expect(page.locator('.df-line').first()).toBeVisible();
  await expect
    .poll(
      async () => {
        await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
        return Number(await page.getByTestId('diff-view').getAttribute('data-loaded'));
      },
      { timeout: 60_000 },
    )
    .toBeGreaterThan(500);
});
