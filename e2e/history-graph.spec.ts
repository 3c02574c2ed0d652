import { expect, test, type Page } from '@playwright/test';
import { go, shot } from './support/app.ts';
import { expectFile, git, repoFolder } from './support/git.ts';
import { gotoHome, openViaInput } from './support/open.ts';

/**
 * The history graph on screen against `git log --graph`: for the `history` fixture (merges, a
 * hand-resolved conflict, an octopus) every row's graph lines are git's lines for that commit,
 * in git's order, for all refs and for one ref; labels name the refs; the author filter hides
 * commits as `git log --graph --author` does; the `dangling` fixture's unreachable commits are
 * added and marked.
 */

/** git's graph: the commits in order, and its lines without the ids and trailing spaces. */
function gitGraph(name: string, args: string[]): { oids: string[]; text: string } {
  const lines = git(name, ['log', '--graph', '--format=%H', ...args])
    .toString('utf8')
    .split('\n')
    .slice(0, -1);
  const oids: string[] = [];
  const text = lines.map((line) => {
    const m = /^(.*?)([0-9a-f]{40})$/.exec(line);
    if (!m) return line.trimEnd();
    oids.push(m[2]);
    return m[1].trimEnd();
  });
  return { oids, text: text.join('\n') };
}

/** Rows on screen: oid, graph text, labels, unreachable mark. */
async function rowsOnScreen(page: Page): Promise<{ oid: string; graph: string; labels: string[]; unreachable: boolean }[]> {
  return page.getByTestId('history-row').evaluateAll((els) =>
    els
      .map((e) => ({
        index: Number(e.getAttribute('data-index')),
        oid: e.getAttribute('data-oid') ?? '',
        graph: e.getAttribute('data-graph') ?? '',
        labels: Array.from(e.querySelectorAll('[data-testid="ref-label"]')).map((l) => l.textContent ?? ''),
        unreachable: e.getAttribute('data-unreachable') === 'true',
      }))
      .sort((a, b) => a.index - b.index)
      .map(({ oid, graph, labels, unreachable }) => ({ oid, graph, labels, unreachable })),
  );
}

/** Same commits in the same order, and the same lines of graph altogether (each row holds its commit's lines). */
function sameGraph(screen: { oid: string; graph: string }[], expected: { oids: string[]; text: string }): void {
  expect(screen.map((r) => r.oid)).toEqual(expected.oids);
  expect(screen.map((r) => r.graph).join('\n')).toBe(expected.text);
}

test('history fixture: all refs drawn as git log --graph --all, with labels; one ref; author filter', async ({ page }, testInfo) => {
  await gotoHome(page);
  const { repo } = await openViaInput(page, repoFolder('history'));
  const all = gitGraph('history', ['--all']);
  await go(page, repo, 'history/HEAD?mode=all&refs=all');
  await expect(page.getByTestId('history-count')).toHaveText(`${all.oids.length} commits`);
  const rows = await rowsOnScreen(page);
  sameGraph(rows, all);
  // The octopus: the commit line with its dashes, and rows of more than one line.
  expect(rows.some((r) => /^\*---\./m.test(r.graph))).toBe(true);
  // Labels as git decorates: HEAD on its branch, tags peeled to their commits.
  const decorations = git('history', ['log', '--all', '--format=%H%x09%D', '--decorate=short'])
    .toString('utf8')
    .split('\n')
    .filter((l) => l.includes('\t') && !l.endsWith('\t'));
  for (const d of decorations) {
    const [oid, names] = d.split('\t');
    const row = rows.find((r) => r.oid === oid);
    expect(row, oid).toBeDefined();
    for (const n of names.split(', ')) {
      const want = n.startsWith('HEAD -> ') ? `HEAD → ${n.slice(8)}` : n;
      expect(row?.labels, `${oid}: ${n}`).toContain(want);
    }
  }
  await shot(page, testInfo, 'history-all-refs');
  await page.screenshot({ path: testInfo.outputPath('all-refs.png'), fullPage: true });
  await page.locator('[data-testid="history-row"]', { hasText: 'Octopus' }).screenshot({ path: testInfo.outputPath('octopus-row.png') });
  await page
    .getByTestId('history-view')
    .locator('.history-list')
    .screenshot({ path: testInfo.outputPath('merge-stretch.png') });

  // The keyboard: a row takes focus, arrows move, Enter opens the commit.
  await page.getByTestId('history-row').first().focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await page.waitForFunction((oid) => window.location.hash.endsWith(`/object/${oid}`), all.oids[1]);

  // One ref (topic), all parents.
  await go(page, repo, 'history/topic?mode=all');
  const topic = gitGraph('history', ['topic']);
  await expect(page.getByTestId('history-count')).toHaveText(`${topic.oids.length} commits`);
  sameGraph(await rowsOnScreen(page), topic);
  await page.screenshot({ path: testInfo.outputPath('one-ref.png'), fullPage: true });

  // The author filter hides the others as git log --graph --author does (edges to hidden commits go).
  await go(page, repo, 'history/HEAD?mode=all&refs=all');
  await expect(page.getByTestId('history-count')).toHaveText(`${all.oids.length} commits`);
  // git's --author: a regular expression, case-sensitive.
  await page.getByTestId('history-author').fill('Noor');
  await page.getByTestId('history-author').press('Enter');
  const noor = gitGraph('history', ['--all', '--author=Noor']);
  await expect(page.getByTestId('history-count')).toHaveText(`${noor.oids.length} commits`);
  sameGraph(await rowsOnScreen(page), noor);
  await page.screenshot({ path: testInfo.outputPath('author-filter.png'), fullPage: true });

  // A path draws git log --graph -- <path>: the simplified history, merges joined to their
  // nearest shown ancestors; setting it clears the author.
  for (const path of ['README.md', 'src']) {
    await page.getByTestId('history-path').fill(path);
    await page.getByTestId('history-path').press('Enter');
    const simplified = gitGraph('history', ['--all', '--', path]);
    await expect(page.getByTestId('history-count')).toHaveText(`${simplified.oids.length} commits`);
    sameGraph(await rowsOnScreen(page), simplified);
    await expect(page.getByTestId('history-author')).toHaveValue('');
    await page.screenshot({ path: testInfo.outputPath(`path-graph-${path.replace(/\W/g, '_')}.png`), fullPage: true });
  }
});

test('dangling fixture: unreachable commits are added to the graph and marked', async ({ page }, testInfo) => {
  const unreachable = expectFile('dangling', 'fsck-unreachable.txt')
    .toString('utf8')
    .split('\n')
    .filter((l) => l.startsWith('unreachable commit '))
    .map((l) => l.slice('unreachable commit '.length))
    .sort();
  expect(unreachable.length).toBeGreaterThan(0);
  const reachable = git('dangling', ['rev-list', '--all']).toString('utf8').split('\n').filter(Boolean);
  await gotoHome(page);
  const { repo } = await openViaInput(page, repoFolder('dangling'));
  await go(page, repo, 'history/HEAD?mode=all&refs=all&unreachable=1');
  await expect(page.getByTestId('history-count')).toHaveText(`${reachable.length + unreachable.length} commits`);
  const rows = await rowsOnScreen(page);
  expect(
    rows
      .filter((r) => r.unreachable)
      .map((r) => r.oid)
      .sort(),
  ).toEqual(unreachable);
  expect(
    rows
      .filter((r) => !r.unreachable)
      .map((r) => r.oid)
      .sort(),
  ).toEqual([...reachable].sort());
  // The same graph as git log --graph --all <the unreachable commits, by id>.
  sameGraph(rows, gitGraph('dangling', ['--all', ...unreachable]));
  await shot(page, testInfo, 'history-unreachable');
  await page.screenshot({ path: testInfo.outputPath('unreachable.png'), fullPage: true });
});

test("a clock skewed by a month: rows shown early are redrawn in git's order", async ({ page }) => {
  // main: c0..c119, an hour apart; "late", a child of c10 dated a month before it, and "old", its
  // child, are met only after the first pages went out with c10 decided: the graph starts over.
  const { execFileSync } = await import('node:child_process');
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = mkdtempSync(join(tmpdir(), 'packscope-skew-'));
  try {
    const gitDir = join(dir, '.git');
    execFileSync('git', ['init', '-q', '--bare', gitDir]);
    const t0 = 1_700_000_000;
    let stream = '';
    const commit = (ref: string, mark: number, date: number, from?: number) => {
      const message = `c${mark}`;
      stream += `commit ${ref}\nmark :${mark}\ncommitter A <a@x> ${date} +0000\ndata ${message.length}\n${message}\n${from ? `from :${from}\n` : 'deleteall\n'}\n`;
    };
    for (let i = 1; i <= 120; i++) commit('refs/heads/main', i, t0 + i * 3600, i > 1 ? i - 1 : undefined);
    commit('refs/heads/late', 200, t0 - 30 * 86_400, 11);
    commit('refs/heads/old', 201, t0 - 29 * 86_400, 200);
    execFileSync('git', ['--git-dir', gitDir, 'fast-import', '--quiet'], { input: stream });
    execFileSync('git', ['--git-dir', gitDir, 'symbolic-ref', 'HEAD', 'refs/heads/main']);
    const text = execFileSync('git', ['--git-dir', gitDir, 'log', '--graph', '--format=%H', '--all']).toString('utf8');
    const expected = { oids: [] as string[], text: '' };
    expected.text = text
      .split('\n')
      .slice(0, -1)
      .map((line) => {
        const m = /^(.*?)([0-9a-f]{40})$/.exec(line);
        if (!m) return line.trimEnd();
        expected.oids.push(m[2]);
        return m[1].trimEnd();
      })
      .join('\n');

    await gotoHome(page);
    const { repo } = await openViaInput(page, dir);
    await go(page, repo, 'history/HEAD?mode=all&refs=all');
    await expect(page.getByTestId('history-count')).toHaveText(`${expected.oids.length} commits`);
    await expect(page.getByTestId('history-count')).toHaveAttribute('data-restarts', '1');
    // Rows are virtualized: scroll through them all, collecting each one once.
    const seen = new Map<number, { oid: string; graph: string }>();
    for (let y = 0; seen.size < expected.oids.length && y < 200; y++) {
      for (const r of await page
        .getByTestId('history-row')
        .evaluateAll((els) => els.map((e) => ({ i: Number(e.getAttribute('data-index')), oid: e.getAttribute('data-oid') ?? '', graph: e.getAttribute('data-graph') ?? '' }))))
        seen.set(r.i, r);
      await page.mouse.wheel(0, 600);
      await page.waitForTimeout(50);
    }
    const rows = [...seen.entries()].sort((a, b) => a[0] - b[0]).map(([, r]) => r);
    sameGraph(rows, expected);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * git.git (80k commits from HEAD, 4,295 refs): time to the first rows and to the whole graph,
 * the page's heap, the first rows against git's own graph, and screenshots. With a commit-graph
 * file (a copy of git.git after `git commit-graph write --reachable`) the walk goes by generation.
 * Runs only when PACKSCOPE_GITGIT names the repository (`PACKSCOPE_GITGIT=/work/.mirror/git+git/repo`).
 */
test('git.git: first page, whole graph, memory, and git log --graph on the first rows', async ({ page }, testInfo) => {
  const gitgit = process.env.PACKSCOPE_GITGIT;
  test.skip(!gitgit, 'set PACKSCOPE_GITGIT to a clone of git.git');
  test.setTimeout(900_000);
  const { execFileSync } = await import('node:child_process');
  const gitLog = (args: string[]) => execFileSync('git', ['--git-dir', gitgit!, 'log', '--graph', '--format=%H', ...args], { maxBuffer: 1 << 30 }).toString('utf8');
  await gotoHome(page);
  const { repo } = await openViaInput(page, gitgit!);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const pageHeap = async () => Math.round(((await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0) / 1048576);
  const report: Record<string, number | string> = {};

  // One ref, all parents: the first rows, checked line for line against git.
  let started = Date.now();
  await go(page, repo, 'history/HEAD?mode=all');
  await expect(page.getByTestId('history-row').first()).toBeVisible({ timeout: 120_000 });
  report.headFirstRowsMs = Date.now() - started;
  report.headFirstRowsWorkerMs = Number(await page.getByTestId('history-timing').getAttribute('data-first-ms'));
  const first = await rowsOnScreen(page);
  const expected = gitLog(['HEAD']).split('\n');
  const want: string[] = [];
  const oids: string[] = [];
  for (const line of expected) {
    const m = /^(.*?)([0-9a-f]{40})$/.exec(line);
    if (m) {
      if (oids.length === first.length) break;
      oids.push(m[2]);
      want.push(m[1].trimEnd());
    } else want.push(line.trimEnd());
  }
  expect(first.map((r) => r.oid)).toEqual(oids);
  // Lines after the last commit shown belong to it: compare up to and including its own.
  expect(
    first
      .map((r) => r.graph)
      .join('\n')
      .startsWith(want.join('\n')),
  ).toBe(true);
  // The page is as tall as 80k rows: a screenshot of the window, not of the whole page.
  await testInfo.attach('gitgit-head', { body: await page.screenshot({ path: testInfo.outputPath('gitgit-head.png') }), contentType: 'image/png' });

  // A merge-heavy stretch further down.
  await page.mouse.wheel(0, 40_000);
  await page.waitForTimeout(1500);
  await testInfo.attach('gitgit-merges', { body: await page.screenshot({ path: testInfo.outputPath('gitgit-merges.png') }), contentType: 'image/png' });

  // The whole graph.
  started = Date.now();
  await page.getByRole('button', { name: 'Load all' }).click();
  await expect(page.getByTestId('history-count')).toHaveText(/^[\d,.\s\u00a0\u202f]+ commits$/, { timeout: 900_000 });
  report.headAllMs = Date.now() - started;
  report.headAllWorkerMs = Number(await page.getByTestId('history-timing').getAttribute('data-all-ms'));
  report.headCount = (await page.getByTestId('history-count').textContent()) ?? '';
  report.pageHeapMB = await pageHeap();

  // Every ref, with labels.
  started = Date.now();
  await go(page, repo, 'history/HEAD?mode=all&refs=all');
  await expect(page.getByTestId('history-row').first()).toBeVisible({ timeout: 300_000 });
  report.allRefsFirstRowsMs = Date.now() - started;
  await expect(page.getByTestId('ref-label').first()).toBeVisible();
  await testInfo.attach('gitgit-all-refs', { body: await page.screenshot({ path: testInfo.outputPath('gitgit-all-refs.png') }), contentType: 'image/png' });
  console.log(`git.git history graph: ${JSON.stringify(report)}`);
  await testInfo.attach('gitgit-history-graph.json', { body: JSON.stringify(report, null, 2), contentType: 'application/json' });
});
