import { mkdirSync, writeFileSync } from 'node:fs';
import { expect, test, type Page, type TestInfo } from '@playwright/test';
import { go } from './support/app.ts';
import { git, repoFolder } from './support/git.ts';
import { buildMerges, gitIn } from './support/merges.ts';
import { gotoHome, openViaPicker } from './support/open.ts';

/**
 * Syntax colour in diffs: a C file's diff lines (unified and split) get highlight.js token
 * spans from the highlight worker while their text stays git's, word highlights still marked;
 * a JavaScript line made to look like HTML stays text; a diff too large to colour says so.
 */

const SHOTS = process.env.E2E_SHOTS ?? '/tmp/h1-shots';
mkdirSync(SHOTS, { recursive: true });

async function snap(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const png = await page.screenshot({ fullPage: false });
  await testInfo.attach(name, { body: png, contentType: 'image/png' });
  writeFileSync(`${SHOTS}/${name}.png`, png);
}

/** The lines of one file of `git diff-tree -p` as sign + text (hunk headers and "\ No newline" left out). */
function gitLines(run: (args: string[]) => Buffer, from: string, to: string, path: string): string[] {
  const out = run(['diff-tree', '-p', '-M', from, to, '--', path]).toString('utf8').split('\n');
  const at = out.findIndex((l) => l.startsWith('@@'));
  return out.slice(at).filter((l) => l !== '' && !l.startsWith('@@') && !l.startsWith('\\'));
}

/** What a drawn line shows: its text with hidden characters restored, and how many token spans colour it. */
interface Drawn {
  sign: string;
  text: string;
  tokens: number;
}

/** The unified lines drawn now, in order (the list is virtualized: the ones in and near the view). */
async function drawnLines(page: Page, selector: string): Promise<Drawn[]> {
  return page.locator(selector).evaluateAll((els) =>
    els.map((el) => {
      const copy = el.cloneNode(true) as Element;
      for (const mark of copy.querySelectorAll('[data-testid=hidden-char]')) mark.replaceWith(String.fromCodePoint(parseInt((mark.getAttribute('data-code') ?? '').slice(2), 16)));
      return { sign: el.getAttribute('data-sign') ?? '', text: copy.textContent ?? '', tokens: el.querySelectorAll('span[class^="hl-"]').length };
    }),
  );
}

test('a C file: token spans on its diff lines, unified and split, the text git has', async ({ page }, testInfo) => {
  await gotoHome(page);
  const { repo } = await openViaPicker(page, repoFolder('history'));
  const run = (args: string[]) => git('history', args);
  const commit = run(['log', '--format=%H %s', 'main'])
    .toString()
    .split('\n')
    .find((l) => l.slice(41).startsWith('Read the flow too'))!
    .slice(0, 40);
  const expected = gitLines(run, `${commit}^`, commit, 'src/main.c');
  await go(page, repo, `object/${commit}`);
  await page.locator('[data-testid=diff-file-item][data-new-path="src/main.c"]').click();
  // Colour comes from the worker: wait for the tokens, then read every line of the file drawn.
  await expect.poll(async () => (await drawnLines(page, '.df-line .df-text')).filter((l) => l.tokens > 0).length).toBeGreaterThan(5);
  // main.c's rows sit between its header and the next file's: read them by the file's own rows.
  const lines = await page.locator('.df-rows').evaluate((rows) => {
    const items = [...rows.querySelectorAll(':scope > .df-vrow')].sort((a, b) => Number(a.getAttribute('data-index')) - Number(b.getAttribute('data-index')));
    let inMain = false;
    const out: { sign: string; text: string; tokens: number; words: number }[] = [];
    for (const item of items) {
      const head = item.querySelector('[data-testid=diff-file]');
      if (head) inMain = head.getAttribute('data-path') === 'src/main.c';
      const text = item.querySelector('.df-line .df-text');
      if (inMain && text)
        out.push({
          sign: text.getAttribute('data-sign') ?? '',
          text: text.textContent ?? '',
          tokens: text.querySelectorAll('span[class^="hl-"]').length,
          words: text.querySelectorAll('.df-word').length,
        });
    }
    return out;
  });
  expect(lines.map((l) => l.sign + l.text)).toEqual(expected);
  expect(lines.filter((l) => l.tokens > 0).length).toBeGreaterThan(lines.length / 2);
  // Word highlights are still there, with colour inside or beside them.
  expect(lines.some((l) => l.words > 0 && l.tokens > 0)).toBe(true);
  await snap(page, testInfo, 'colour-unified');
  await page.emulateMedia({ colorScheme: 'dark' });
  await snap(page, testInfo, 'colour-unified-dark');
  await page.emulateMedia({ colorScheme: 'light' });

  // Lines revealed above the first hunk join the new side's colour, with git's text.
  const gap = page.locator('[data-testid=diff-gap]').filter({ hasText: 'unchanged lines above' }).last();
  await gap.getByRole('button').first().click();
  const revealed = page.locator('.df-line.df-revealed .df-text');
  await expect(revealed.first()).toBeAttached();
  await expect(revealed.locator('span[class^="hl-"]').first()).toBeAttached();
  const file = run(['show', `${commit}:src/main.c`])
    .toString('utf8')
    .split('\n');
  const texts = await page
    .locator('.df-line.df-revealed')
    .evaluateAll((els) => els.map((e) => ({ n: Number(e.querySelectorAll('.df-no')[1].getAttribute('data-n')), text: e.querySelector('.df-text')?.textContent ?? '' })));
  expect(texts.length).toBeGreaterThan(0);
  for (const t of texts) expect(t.text, `line ${t.n}`).toBe(file[t.n - 1]);

  // Split: both halves coloured, each side's text git's old and new lines.
  await page.getByTestId('layout-split').click();
  await page.locator('[data-testid=diff-file-item][data-new-path="src/main.c"]').click();
  await expect.poll(async () => (await drawnLines(page, '.df-half .df-text')).filter((l) => l.tokens > 0).length).toBeGreaterThan(5);
  const halves = await page.locator('.df-rows').evaluate((rows) => {
    const items = [...rows.querySelectorAll(':scope > .df-vrow')].sort((a, b) => Number(a.getAttribute('data-index')) - Number(b.getAttribute('data-index')));
    let inMain = false;
    const left: string[] = [];
    const right: string[] = [];
    let leftTokens = 0;
    let rightTokens = 0;
    for (const item of items) {
      const head = item.querySelector('[data-testid=diff-file]');
      if (head) inMain = head.getAttribute('data-path') === 'src/main.c';
      const [l, r] = item.querySelectorAll('.df-pair:not(.df-revealed) > .df-half');
      if (!inMain || !l) continue;
      const lt = l.querySelector('.df-text');
      const rt = r.querySelector('.df-text');
      if (lt) {
        left.push((lt.getAttribute('data-sign') ?? '') + lt.textContent);
        leftTokens += lt.querySelectorAll('span[class^="hl-"]').length;
      }
      if (rt) {
        right.push((rt.getAttribute('data-sign') ?? '') + rt.textContent);
        rightTokens += rt.querySelectorAll('span[class^="hl-"]').length;
      }
    }
    return { left, right, leftTokens, rightTokens };
  });
  expect(halves.left).toEqual(expected.filter((l) => !l.startsWith('+')));
  expect(halves.right).toEqual(expected.filter((l) => !l.startsWith('-')));
  expect(halves.leftTokens).toBeGreaterThan(0);
  expect(halves.rightTokens).toBeGreaterThan(0);
  await snap(page, testInfo, 'colour-split');
});

test('a JavaScript line that looks like HTML stays text, coloured; a diff too large to colour says so', async ({ page }, testInfo) => {
  const folder = buildMerges();
  const run = (args: string[]) => gitIn(folder, args);
  await gotoHome(page);
  const { repo } = await openViaPicker(page, folder);
  // The merge against its first parent: app.js gains the hostile line.
  const merge = run(['rev-parse', 'main']).toString().trim();
  await go(page, repo, `object/${merge}`);
  // The hostile line is app.js's last: drawn (as the rows just above) when big.txt's header is at the top.
  await page.locator('[data-testid=diff-file-item][data-new-path="big.txt"]').click();
  const hostile = page.locator('.df-line.df-add .df-text').filter({ hasText: 'onerror' });
  await expect(hostile.locator('span[class^="hl-"]').first()).toBeAttached();
  await expect(hostile.locator('.hl-string')).toContainText('<img src=x onerror=window.__pwned=1>');
  await expect(hostile.getByTestId('hidden-char')).toHaveAttribute('data-code', 'U+202E');
  await expect(page.locator('.df-rows img')).toHaveCount(0);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  const expected = gitLines(run, `${merge}^1`, merge, 'app.js');
  const shown = (await drawnLines(page, '.df-line .df-text')).map((l) => l.sign + l.text);
  expect(expected).toContain(shown.find((l) => l.includes('onerror')));
  await snap(page, testInfo, 'colour-hostile');

  // Branch a adds a 20,000-line module: over the colour cap, shown plain with a note.
  const a = run(['rev-parse', 'a']).toString().trim();
  await go(page, repo, `object/${a}`);
  await page.locator('[data-testid=diff-file-item][data-new-path="generated.js"]').click();
  await page.getByTestId('diff-collapsed').getByRole('button').click();
  await expect(page.getByTestId('diff-plain')).toBeVisible();
  await expect(page.locator('.df-line').filter({ hasText: 'value00001' })).toBeAttached();
  await expect(page.locator('.df-line .df-text').filter({ hasText: 'value0000' }).locator('span[class^="hl-"]')).toHaveCount(0);
  await snap(page, testInfo, 'colour-too-large');
});
