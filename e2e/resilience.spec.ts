import { expect, test } from '@playwright/test';
import { go, shot } from './support/app.ts';
import { git } from './support/git.ts';
import { gotoHome, waitOpened } from './support/open.ts';

/**
 * The engine failing under the page: an uncaught error in the worker (what a crash on a hostile
 * file looks like from the page) must not leave a blank app. The page starts a new worker,
 * reopens the repository, says what happened, and the views read again.
 */

test('a worker that fails is restarted, the repository reopened, and the person told', async ({ page }, testInfo) => {
  await gotoHome(page);
  const startedAt = Date.now();
  await page.getByRole('button', { name: 'Open the demo repository' }).click();
  const { repo } = await waitOpened(page, startedAt);
  const objects = git('demo', ['cat-file', '--batch-all-objects', '--batch-check']).toString().trim().split('\n').length;

  const [engine] = page.workers();
  expect(engine, 'the engine worker is running').toBeDefined();
  await engine.evaluate(() => {
    setTimeout(() => {
      throw new Error('simulated engine crash');
    });
  });

  const notice = page.getByRole('status').filter({ hasText: 'was restarted' });
  await expect(notice).toContainText('The engine stopped');
  await expect(notice).toContainText('simulated engine crash');
  await shot(page, testInfo, 'engine-restarted');

  // The new engine has the repository open again: a view that needs the worker still works.
  await go(page, repo, 'objects');
  await expect(page.getByTestId('objects-total')).toHaveText(String(objects));
  expect(page.workers().length).toBe(1);
});
