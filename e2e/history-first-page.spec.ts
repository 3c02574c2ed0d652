import { expect, test } from '@playwright/test';
import { go } from './support/app.ts';
import { gotoHome, openViaInput } from './support/open.ts';

/**
 * git.git's first page of the history graph in the browser (issue 11: under a second): every ref
 * and one ref, each on a fresh page (nothing walked before), timed by the worker (data-first-ms)
 * and by the page. PACKSCOPE_GITGIT names a git dir (a copy with `git commit-graph write
 * --reachable --changed-paths` shows the commit-graph case); the first rows are checked against
 * git's own graph. Skipped without it.
 */
const gitgit = process.env.PACKSCOPE_GITGIT;

for (const scope of ['refs=all', 'one-ref'] as const) {
  test(`git.git first page of the graph, ${scope}`, async ({ page }, testInfo) => {
    test.skip(!gitgit, 'set PACKSCOPE_GITGIT to a git dir of git.git');
    test.setTimeout(300_000);
    const { execFileSync } = await import('node:child_process');
    await gotoHome(page);
    const { repo } = await openViaInput(page, gitgit as string);
    const started = Date.now();
    await go(page, repo, `history/HEAD?mode=all${scope === 'refs=all' ? '&refs=all' : ''}`);
    await expect(page.getByTestId('history-row').first()).toBeVisible({ timeout: 120_000 });
    const pageMs = Date.now() - started;
    const workerMs = Number(await page.getByTestId('history-timing').getAttribute('data-first-ms'));
    const oids = await page.getByTestId('history-row').evaluateAll((els) =>
      els
        .map((e) => ({ i: Number(e.getAttribute('data-index')), oid: e.getAttribute('data-oid') ?? '' }))
        .sort((a, b) => a.i - b.i)
        .map((r) => r.oid),
    );
    const want = execFileSync('git', ['--git-dir', gitgit as string, 'log', '--graph', '--format=%H', ...(scope === 'refs=all' ? ['--all'] : ['HEAD'])], { maxBuffer: 1 << 30 })
      .toString('utf8')
      .split('\n')
      .map((l) => /([0-9a-f]{40})$/.exec(l)?.[1])
      .filter((x): x is string => x !== undefined)
      .slice(0, oids.length);
    expect(oids).toEqual(want);
    const report = { scope, pageMs, workerMs, rows: oids.length };
    console.log(`git.git first page: ${JSON.stringify(report)}`);
    await testInfo.attach('first-page.json', { body: JSON.stringify(report), contentType: 'application/json' });
    await page.screenshot({ path: testInfo.outputPath(`first-page-${scope}.png`) });
  });
}
