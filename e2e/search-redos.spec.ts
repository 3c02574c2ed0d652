import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { runGit } from './support/anatomy.ts';
import { go, shot } from './support/app.ts';
import { gotoHome, openViaInput } from './support/open.ts';

/**
 * A regular expression that backtracks without end (issue 10, defect 2): `(a|a)*b` over a line
 * of 34 `a`s runs for hours, and a running regular expression cannot be interrupted. It used to
 * freeze the engine for good: Cancel said "Cancelled" while nothing was answered again. Now the
 * matching runs in a disposable helper the engine terminates on Cancel or when one blob runs
 * past the time limit, and a worker that cannot confirm a cancel is restarted by the page.
 * After each of these the app must answer: another search, and the objects list.
 */

const EVIL = '(a|a)*b';

interface Fixture {
  folder: string;
  /** The blob of stuck.txt: a line of 34 `a`s. */
  stuck: string;
  objects: number;
}

/** A small repository: three text files, one of them the line the pattern cannot get past. */
function makeRepository(): Fixture {
  const work = mkdtempSync(join(tmpdir(), 'packscope-e2e-redos-'));
  runGit(['init', '-q', work]);
  writeFileSync(join(work, 'README.md'), '# notes\n\nA small repository whose text is searched.\nThe word harbour appears once.\n');
  writeFileSync(join(work, 'stuck.txt'), `first line\n${'a'.repeat(34)}\nlast line\n`);
  writeFileSync(join(work, 'other.txt'), 'banana bandana\ncabana\n');
  runGit(['-C', work, 'add', '.']);
  runGit(['-C', work, '-c', 'user.name=Ann', '-c', 'user.email=ann@example.com', 'commit', '-q', '-m', 'three files']);
  const stuck = runGit(['-C', work, 'rev-parse', 'HEAD:stuck.txt']).toString().trim();
  const objects = runGit(['-C', work, 'cat-file', '--batch-all-objects', '--batch-check']).toString().trim().split('\n').length;
  return { folder: join(work, '.git'), stuck, objects };
}

async function search(page: Page, kind: string, text: string): Promise<void> {
  await page.getByTestId('search-kind').selectOption(kind);
  await page.getByTestId('search-input').fill(text);
  await page.getByTestId('search-submit').click();
}

/** The app answers: a plain search finishes within a few seconds with git's one match, and the objects list shows its total. */
async function expectAnswers(page: Page, repo: string, fixture: Fixture): Promise<void> {
  const status = page.getByTestId('search-status');
  const started = Date.now();
  await search(page, 'text', 'harbour');
  await expect(status).toHaveAttribute('data-state', 'done', { timeout: 8_000 });
  expect(Date.now() - started).toBeLessThan(8_000);
  await expect.poll(async () => new Set(await page.getByTestId('search-version').evaluateAll((els) => els.map((e) => e.getAttribute('data-oid')))).size).toBe(1);
  await go(page, repo, 'objects');
  await expect(page.getByTestId('objects-total')).toHaveText(String(fixture.objects), { timeout: 5_000 });
  await go(page, repo, 'search');
}

test('Cancel stops a regular expression that never ends; the app answers at once', async ({ page }, testInfo) => {
  const fixture = makeRepository();
  await gotoHome(page);
  const { repo } = await openViaInput(page, fixture.folder);
  await go(page, repo, 'search');
  await search(page, 'regex', EVIL);
  const status = page.getByTestId('search-status');
  await expect(status).toHaveAttribute('data-state', 'running');
  // Long enough for the matcher to be inside the stuck line.
  await page.waitForTimeout(1_500);
  await expect(status).toHaveAttribute('data-state', 'running');
  const clicked = Date.now();
  await page.getByTestId('search-cancel').click();
  await expect(status).toHaveAttribute('data-state', 'cancelled');
  expect(Date.now() - clicked).toBeLessThan(2_000);
  await expect(page.getByTestId('search-count')).toContainText('Cancelled after');
  await shot(page, testInfo, 'cancelled');
  await page.screenshot({ path: testInfo.outputPath('cancelled.png') });
  await expectAnswers(page, repo, fixture);
  // No restart was needed: the engine itself answered the cancel.
  await expect(page.getByRole('status').filter({ hasText: 'restarted' })).toHaveCount(0);
});

test('a pattern that runs past the time limit on one blob is stopped, and the blob named', async ({ page }, testInfo) => {
  const fixture = makeRepository();
  await gotoHome(page);
  const { repo } = await openViaInput(page, fixture.folder);
  await go(page, repo, 'search');
  const started = Date.now();
  await search(page, 'regex', EVIL);
  const status = page.getByTestId('search-status');
  await expect(status).toHaveAttribute('data-state', 'stopped', { timeout: 20_000 });
  expect(Date.now() - started).toBeLessThan(15_000);
  const stopped = page.getByTestId('search-stopped');
  await expect(stopped).toContainText(/Stopped after \d+ s because the pattern took too long on blob/);
  await expect(stopped).toHaveAttribute('data-oid', fixture.stuck);
  await expect(page.getByTestId('search-stopped-blob')).toHaveText(fixture.stuck.slice(0, 12));
  await expect(page.getByTestId('search-stopped-path')).toHaveText('stuck.txt');
  await shot(page, testInfo, 'stopped');
  await page.screenshot({ path: testInfo.outputPath('stopped.png') });
  await expectAnswers(page, repo, fixture);
});

test('an engine that cannot confirm a cancel is restarted, the folder reopened, and the person told', async ({ page }, testInfo) => {
  const fixture = makeRepository();
  await gotoHome(page);
  const { repo } = await openViaInput(page, fixture.folder);
  await go(page, repo, 'search');
  // Hold the engine's thread as a handler that never yields would.
  const engine = page.workers().find((w) => /\/worker-[^/]*\.js/.test(w.url()));
  expect(engine, 'the engine worker is running').toBeDefined();
  await engine?.evaluate(() => {
    setTimeout(() => {
      for (;;) {
        // stuck
      }
    });
  });
  await search(page, 'text', 'cabana');
  const status = page.getByTestId('search-status');
  await expect(status).toHaveAttribute('data-state', 'running');
  await page.getByTestId('search-cancel').click();
  await expect(status).toHaveAttribute('data-state', 'cancelled');
  const notice = page.getByRole('status').filter({ hasText: 'did not answer the cancel' });
  await expect(notice).toContainText('was restarted and the repository reopened', { timeout: 10_000 });
  await shot(page, testInfo, 'engine-restarted');
  await page.screenshot({ path: testInfo.outputPath('restarted.png') });
  await expectAnswers(page, repo, fixture);
});
