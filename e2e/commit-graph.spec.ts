import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page, type TestInfo } from '@playwright/test';
import { go, numbersIn, shot as attach, textOf } from './support/app.ts';
import { gitDir, repoFolder } from './support/git.ts';
import { gotoHome, openViaInput } from './support/open.ts';
import { isolatedGitEnv } from '../tests/support/git-env.ts';

/**
 * The commit-graph view (#/<repo>/commit-graph) on `commit-graph` (one file with GDA2, EDGE and
 * Bloom filters) and `commit-graph-split` (a chain of three layers): the chunk table against the
 * file's own bytes, the commit count against git rev-list, the Bloom settings git writes, the
 * annotated hex of a CDAT row, and Verify against `git commit-graph verify`.
 */

/** Attaches the screenshot and keeps it as a file of the test's output folder (to look at). */
async function shot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  await attach(page, testInfo, name);
  await page.screenshot({ path: testInfo.outputPath(`${name}.png`), fullPage: true });
}

function git(name: string, args: string[]): { out: string; status: number } {
  try {
    const out = execFileSync('git', ['--git-dir', gitDir(name), ...args], { env: isolatedGitEnv(), stdio: ['ignore', 'pipe', 'pipe'] }).toString();
    return { out, status: 0 };
  } catch (err) {
    const e = err as { status: number; stdout: Buffer };
    return { out: e.stdout.toString(), status: e.status };
  }
}

/** The chunk table as the file says: id and offset of each entry (read here, byte by byte). */
function chunkTable(bytes: Buffer): { id: string; offset: number; length: number }[] {
  const n = bytes[6];
  const out: { id: string; offset: number; length: number }[] = [];
  for (let i = 0; i < n; i++) {
    const at = 8 + 12 * i;
    const offset = Number(bytes.readBigUInt64BE(at + 4));
    out.push({ id: bytes.toString('latin1', at, at + 4), offset, length: Number(bytes.readBigUInt64BE(at + 16)) - offset });
  }
  return out;
}

test('commit-graph: chunks equal the file, commits equal git rev-list, Bloom settings, hex of a row, verify as git', async ({ page }, testInfo) => {
  const NAME = 'commit-graph';
  const file = readFileSync(join(gitDir(NAME), 'objects/info/commit-graph'));
  const chunks = chunkTable(file);
  const commits = Number(git(NAME, ['rev-list', '--all', '--count']).out.trim());
  expect(git(NAME, ['commit-graph', 'verify']).status, 'git commit-graph verify').toBe(0);

  await gotoHome(page);
  const { repo } = await openViaInput(page, repoFolder(NAME));
  await expect(page.getByTestId('commit-graph-card')).toBeVisible();
  await shot(page, testInfo, 'overview');
  await page.getByTestId('commit-graph-card').getByRole('link', { name: 'Anatomy and verify' }).click();
  await expect(page).toHaveURL(new RegExp(`#/${repo}/commit-graph$`));
  await expect(page.getByTestId('commit-graph-chunks')).toBeVisible();

  expect(numbersIn(await textOf(page.getByTestId('commit-graph-commits')))).toEqual([commits]);
  const rows = await page
    .getByTestId('commit-graph-chunks')
    .locator('tbody tr')
    .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')));
  expect(rows.map((r) => ({ id: r[0], offset: Number(/\((\d[\d,]*)\)/.exec(r[1])?.[1].replace(/,/g, '')), length: Number(r[2].replace(/,/g, '')) }))).toEqual(chunks);
  // Bloom: git's defaults (murmur3 v1, 7 hashes, 10 bits per entry); every commit has a filter.
  const bloom = page.getByTestId('commit-graph-bloom');
  await expect(bloom).toContainText('hash version 1, 7 hashes per path, 10 bits per changed path');
  const histogram = await bloom.locator('tbody tr td:nth-child(2)').allTextContents();
  expect(histogram.reduce((s, t) => s + Number(t.replace(/,/g, '')), 0)).toBe(commits);
  // The octopus (HEAD^ has four parents) is in EDGE.
  await expect(page.getByTestId('commit-graph-generations')).toContainText('1 commit with more than two parents');
  await expect(page.getByTestId('commit-graph-rows').locator('tbody tr')).toHaveCount(Math.min(50, commits));
  await shot(page, testInfo, 'commit-graph');

  await page.getByTestId('commit-graph-verify-run').click();
  await expect(page.getByTestId('commit-graph-verify-exit')).toHaveText('exit 0');
  await expect(page.getByTestId('commit-graph-verify-result')).toContainText(`${commits} commits checked`);
  await page.getByTestId('commit-graph-verify').screenshot({ path: testInfo.outputPath('verify.png') });

  // The hex view of the first CDAT row: the parent slot is annotated with the parent's id.
  const cdat = chunks.find((c) => c.id === 'CDAT');
  if (!cdat) throw new Error('no CDAT');
  await go(page, repo, `hex/.git/objects/info/commit-graph?at=${cdat.offset + 20}`);
  await expect(page.getByTestId('hex-annotation-label')).toHaveText('parent 1 of 0');
  await expect(page.getByTestId('hex-annotation-detail')).toContainText(/no parent|position \d+: [0-9a-f]{40}/);
  await shot(page, testInfo, 'hex');
});

test('commit-graph split chain: three layers, positions continue, the base without Bloom filters, verify', async ({ page }, testInfo) => {
  const NAME = 'commit-graph-split';
  const chain = readFileSync(join(gitDir(NAME), 'objects/info/commit-graphs/commit-graph-chain'), 'utf8')
    .trim()
    .split('\n');
  const commits = Number(git(NAME, ['rev-list', '--all', '--count']).out.trim());
  await gotoHome(page);
  const { repo } = await openViaInput(page, repoFolder(NAME));
  await go(page, repo, 'commit-graph');
  const layers = page.getByTestId('commit-graph-chain').getByRole('button');
  await expect(layers).toHaveCount(chain.length);
  expect(numbersIn(await textOf(page.getByTestId('commit-graph-commits')))).toEqual([commits]);
  await expect(layers.nth(2)).toContainText(`positions ${commits - 3}–${commits - 1}`);
  await expect(page.getByTestId('commit-graph-layer')).toContainText(`graph-${chain[2]}.graph`);
  await layers.nth(0).click();
  await expect(page.getByTestId('commit-graph-layer')).toContainText(`graph-${chain[0]}.graph`);
  await expect(page.getByTestId('commit-graph-layer')).toContainText('No Bloom filters in this layer');
  await shot(page, testInfo, 'chain');
  await page.getByTestId('commit-graph-verify-run').click();
  await expect(page.getByTestId('commit-graph-verify-exit')).toHaveText('exit 0');
  await shot(page, testInfo, 'chain-verified');
});

test("commit-graph: a damaged copy (a parent position and a commit date changed): Verify shows git's lines and exit code", async ({ page }, testInfo) => {
  const work = mkdtempSync(join(tmpdir(), 'packscope-e2e-commit-graph-'));
  try {
    cpSync(gitDir('commit-graph'), join(work, '.git'), { recursive: true });
    const file = join(work, '.git/objects/info/commit-graph');
    chmodSync(file, 0o644);
    const bytes = readFileSync(file);
    const cdat = chunkTable(bytes).find((c) => c.id === 'CDAT');
    if (!cdat) throw new Error('no CDAT');
    // Row 0's first parent moved to position 0 (itself or another commit), row 1's time + 60 s; checksum left stale.
    bytes.writeUInt32BE(0, cdat.offset + 20);
    bytes.writeUInt32BE(bytes.readUInt32BE(cdat.offset + 36 + 32) + 60, cdat.offset + 36 + 32);
    writeFileSync(file, bytes);
    let theirs: { stderr: string; status: number };
    try {
      execFileSync('git', ['--git-dir', join(work, '.git'), 'commit-graph', 'verify', '--no-progress'], { stdio: ['ignore', 'pipe', 'pipe'] });
      theirs = { stderr: '', status: 0 };
    } catch (err) {
      const e = err as { status: number; stderr: Buffer };
      theirs = { stderr: e.stderr.toString(), status: e.status };
    }
    expect(theirs.status).toBe(1);

    await gotoHome(page);
    const { repo } = await openViaInput(page, join(work, '.git'));
    await go(page, repo, 'commit-graph');
    await page.getByTestId('commit-graph-verify-run').click();
    await expect(page.getByTestId('commit-graph-verify-exit')).toHaveText(`exit ${theirs.status}`);
    const lines = await page.getByTestId('commit-graph-verify-result').getByTestId('commit-graph-verify-line').allTextContents();
    expect(lines.join('\n') + '\n').toBe(theirs.stderr);
    await page.getByTestId('commit-graph-verify').screenshot({ path: testInfo.outputPath('verify-damaged.png') });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

/**
 * The measurement on git's own repository with a commit-graph (203k commits on all refs): time
 * to the anatomy, and to `verify`'s answer (every commit read from the packs), with the page's
 * heap. Runs only when PACKSCOPE_GITGIT_COMMIT_GRAPH names such a git dir (not a fixture: a copy
 * of git.git's objects with `git commit-graph write --reachable --changed-paths` run in it).
 */
test('git.git: commit-graph anatomy and verify, time and memory', async ({ page }, testInfo) => {
  const gitgit = process.env.PACKSCOPE_GITGIT_COMMIT_GRAPH;
  test.skip(!gitgit, 'set PACKSCOPE_GITGIT_COMMIT_GRAPH to a git.git dir with objects/info/commit-graph');
  test.setTimeout(600_000);
  await gotoHome(page);
  const opened = await openViaInput(page, gitgit!);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const heap = async () => Math.round(((await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0) / 1048576);
  const started = Date.now();
  await go(page, opened.repo, 'commit-graph');
  await expect(page.getByTestId('commit-graph-chunks')).toBeVisible({ timeout: 120_000 });
  const anatomyMs = Date.now() - started;
  await shot(page, testInfo, 'gitgit-commit-graph');
  const verifyStarted = Date.now();
  await page.getByTestId('commit-graph-verify-run').click();
  await expect(page.getByTestId('commit-graph-verify-exit')).toHaveText('exit 0', { timeout: 540_000 });
  const verifyMs = Date.now() - verifyStarted;
  const commits = numbersIn(await textOf(page.getByTestId('commit-graph-commits')))[0];
  const line = `git.git commit-graph: ${commits} commits; anatomy shown in ${anatomyMs} ms; verify ${verifyMs} ms; page heap ${await heap()} MiB`;
  testInfo.annotations.push({ type: 'measurement', description: line });
  console.log(line);
});
