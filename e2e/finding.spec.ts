import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { expect, test, type Page, type TestInfo } from '@playwright/test';
import { go, shot } from './support/app.ts';
import { gitDir } from './support/git.ts';
import { gotoHome, openViaInput } from './support/open.ts';
import { isolatedGitEnv } from '../tests/support/git-env.ts';

/**
 * Finding one's way: folder listings with each entry's last commit and size (git's answers:
 * `git log -1 -- <path>`, `git cat-file -s`), the filter of a folder, the `t` file finder, a
 * repository whose HEAD names a missing branch or that has no refs, and error hints that match
 * the error.
 */

const ENV = isolatedGitEnv({ GIT_LITERAL_PATHSPECS: '1' });
const SHOTS = process.env.FINDING_SHOTS;

function git(dir: string, args: string[]): string {
  return execFileSync('git', [`--git-dir=${dir}`, ...args], { env: ENV, maxBuffer: 1 << 28 }).toString();
}

async function snap(page: Page, testInfo: TestInfo, name: string, fullPage = true): Promise<void> {
  if (fullPage) await shot(page, testInfo, name);
  else await testInfo.attach(name, { body: await page.screenshot(), contentType: 'image/png' });
  if (SHOTS) {
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage });
  }
}

let work: string;
test.beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'packscope-finding-'));
});
test.afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A copy of a fixture's git dir (so HEAD and refs can be changed). */
function copyOf(name: string, as: string): string {
  const dir = join(work, as);
  cpSync(gitDir(name), dir, { recursive: true });
  return dir;
}

test('listing: every entry shows the commit git log -1 names and the size git gives, filled in as found', async ({ page }, testInfo) => {
  const dir = gitDir('history');
  await gotoHome(page);
  const { repo } = await openViaInput(page, dir);
  await go(page, repo, 'browse/HEAD');
  await expect(page.getByTestId('last-change-status')).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
  const lines = git(dir, ['ls-tree', '-z', 'HEAD']).split('\0').filter(Boolean);
  await expect(page.getByTestId('tree-entry')).toHaveCount(lines.length);
  let checked = 0;
  for (const line of lines) {
    const tab = line.indexOf('\t');
    const meta = line.slice(0, tab);
    const name = line.slice(tab + 1);
    const [, type, oid] = meta.split(' ');
    if (!/^[\x20-\x7e]+$/.test(name)) continue; // git log cannot be handed odd bytes here; the unit test covers them
    const row = page.locator(`[data-testid=tree-entry][data-name="${name.replace(/["\\]/g, '\\$&')}"]`);
    const want = git(dir, ['log', '-1', '--format=%H%x00%s', 'HEAD', '--', name]).trim().split('\0');
    await expect(row.getByTestId('entry-commit'), name).toHaveAttribute('data-commit', want[0]);
    await expect(row.getByTestId('entry-commit').locator('.lc-message'), name).toHaveText(want[1]);
    if (type === 'blob') {
      const size = Number(git(dir, ['cat-file', '-s', oid]).trim());
      const shown = (await row.getByTestId('entry-size').textContent()) ?? '';
      expect(shown, name).toMatch(size < 1024 ? new RegExp(`^${size} B$`) : /KiB|MiB/);
    } else {
      await expect(row.getByTestId('entry-size'), name).toHaveText('');
    }
    checked++;
  }
  expect(checked).toBeGreaterThan(10);
  await snap(page, testInfo, 'listing-last-commits');

  // A sub-folder: its entries' commits too.
  const sub = git(dir, ['ls-tree', '-d', '--name-only', 'HEAD']).trim().split('\n')[0];
  await go(page, repo, `browse/HEAD/${encodeURIComponent(sub)}`);
  await expect(page.getByTestId('last-change-status')).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
  for (const name of git(dir, ['ls-tree', '--name-only', `HEAD:${sub}`])
    .trim()
    .split('\n')) {
    const want = git(dir, ['log', '-1', '--format=%H', 'HEAD', '--', `${sub}/${name}`]).trim();
    await expect(page.locator(`[data-testid=tree-entry][data-name="${name}"]`).getByTestId('entry-commit')).toHaveAttribute('data-commit', want);
  }
  await snap(page, testInfo, 'listing-subfolder');
});

test('filter: a folder narrows to names containing the text; t finds any of 200,000 files of the commit', async ({ page }, testInfo) => {
  const dir = gitDir('big');
  await gotoHome(page);
  const { repo } = await openViaInput(page, dir);
  const folder = 'd/0/1';
  await go(page, repo, `browse/HEAD/${folder}`);
  await expect(page.getByTestId('tree-entry').first()).toBeVisible();
  const names = git(dir, ['ls-tree', '--name-only', `HEAD:${folder}`])
    .trim()
    .split('\n');
  const matching = names.filter((n) => n.includes('5'));
  expect(matching.length).toBeGreaterThan(5);
  await page.getByTestId('listing-filter').fill('5');
  await expect(page.getByTestId('filter-count')).toContainText(`${matching.length} of ${names.length} entries match`);
  expect(await page.getByTestId('tree-entry').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-name')))).toEqual(matching);
  await snap(page, testInfo, 'listing-filtered');
  await page.getByTestId('listing-filter').fill('no-such-name-here');
  await expect(page.getByTestId('filter-count')).toHaveText(/No entry's name contains/);
  await page.getByTestId('listing-filter').fill('');
  await expect(page.getByTestId('tree-entry')).toHaveCount(names.length + 0);

  // The file finder over every path of the commit.
  const files = git(dir, ['ls-tree', '-r', '--name-only', 'HEAD']).trim().split('\n');
  const fmt = (n: number) => n.toLocaleString('en-US');
  await page.getByTestId('tree-count').click();
  await page.keyboard.press('t');
  await expect(page.getByTestId('file-finder')).toBeVisible();
  await expect(page.getByTestId('finder-count')).toHaveText(`${fmt(files.length)} of ${fmt(files.length)} files, best 1,000 shown`, { timeout: 30_000 });
  const target = files[files.length - 3];
  await page.getByTestId('finder-input').fill(target);
  await expect(page.getByTestId('finder-row').first()).toHaveAttribute('data-path', target);
  await snap(page, testInfo, 'file-finder');
  // A fuzzy query: its letters in order, with gaps; every path listed holds them in order.
  const fuzzy = 'd99f097';
  const inOrder = (path: string) => {
    let k = 0;
    for (const ch of path) if (ch === fuzzy[k]) k++;
    return k === fuzzy.length;
  };
  await page.getByTestId('finder-input').fill(fuzzy);
  const total = files.filter(inOrder).length;
  await expect(page.getByTestId('finder-count')).toHaveText(new RegExp(`^${fmt(total)} of ${fmt(files.length)} files`));
  for (const p of await page.getByTestId('finder-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-path') ?? ''))) expect(inOrder(p), p).toBe(true);
  // Arrow keys and Enter: the second match opens.
  const second = (await page.getByTestId('finder-row').nth(1).getAttribute('data-path')) ?? '';
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('file-finder')).toHaveCount(0);
  await expect(page).toHaveURL(new RegExp(`/browse/HEAD/${second}$`));
  await expect(page.getByTestId('blob-text')).toBeVisible();
  // On a file's page too; Escape closes.
  await page.getByTestId('blob-text').click();
  await page.keyboard.press('t');
  await expect(page.getByTestId('file-finder')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('file-finder')).toHaveCount(0);
  // From the button on a folder page.
  await go(page, repo, 'browse/HEAD');
  await page.getByTestId('open-finder').click();
  await expect(page.getByTestId('file-finder')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('file-finder')).toHaveCount(0);
});

test('HEAD names a missing branch: Browse opens a branch tip, HEAD lists the tips and tags', async ({ page }, testInfo) => {
  const dir = copyOf('history', 'missing-head.git');
  writeFileSync(join(dir, 'HEAD'), 'ref: refs/heads/gone\n');
  await gotoHome(page);
  const { repo } = await openViaInput(page, dir);
  await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Browse', exact: true }).click();
  await expect(page).toHaveURL(/\/browse\/main$/);
  const root = git(dir, ['ls-tree', '--name-only', 'main']).trim().split('\n');
  await expect(page.getByTestId('tree-entry')).toHaveCount(root.length);
  await snap(page, testInfo, 'missing-head-browse');

  await go(page, repo, 'browse/HEAD');
  await expect(page.getByTestId('start-points')).toContainText('HEAD names refs/heads/gone, which is not in this repository');
  const refs = git(dir, ['for-each-ref', '--format=%(refname)']).trim().split('\n');
  await expect(page.getByTestId('start-point')).toHaveCount(refs.length);
  await expect(page.getByTestId('browse-error')).toHaveCount(0);
  await snap(page, testInfo, 'missing-head-start-points');
  await page.locator('[data-testid=start-point][data-rev="main"]').getByRole('link', { name: 'History' }).click();
  await expect(page.getByTestId('history-row').first()).toHaveAttribute('data-oid', git(dir, ['rev-parse', 'main']).trim());

  await go(page, repo, 'history/HEAD');
  await expect(page.getByTestId('start-points')).toBeVisible();
  await expect(page.getByTestId('history-error')).toHaveCount(0);
});

test('no refs at all: the newest tip commits are offered, as git names them', async ({ page }, testInfo) => {
  const dir = copyOf('history', 'no-refs.git');
  // A second tip: a commit on an older one that no ref names (as after a branch was deleted).
  execFileSync('git', [`--git-dir=${dir}`, 'commit-tree', 'HEAD~2^{tree}', '-p', 'HEAD~3', '-m', 'A lost experiment'], {
    env: {
      ...ENV,
      GIT_AUTHOR_NAME: 'Lost',
      GIT_AUTHOR_EMAIL: 'lost@example.com',
      GIT_COMMITTER_NAME: 'Lost',
      GIT_COMMITTER_EMAIL: 'lost@example.com',
      GIT_AUTHOR_DATE: '1708090000 +0000',
      GIT_COMMITTER_DATE: '1708090000 +0000',
    },
  });
  // git's answer: every commit in the folder, and which of them no commit names as parent.
  const commits = git(dir, ['cat-file', '--batch-all-objects', '--batch-check=%(objectname) %(objecttype)'])
    .trim()
    .split('\n')
    .filter((l) => l.endsWith(' commit'))
    .map((l) => l.split(' ')[0]);
  const withParents = execFileSync('git', [`--git-dir=${dir}`, 'rev-list', '--no-walk', '--parents', '--stdin'], { env: ENV, input: commits.join('\n') + '\n' })
    .toString()
    .trim()
    .split('\n')
    .map((l) => l.split(' '));
  const named = new Set(withParents.flatMap((l) => l.slice(1)));
  const tips = commits.filter((c) => !named.has(c));
  expect(tips.length).toBeGreaterThan(1);
  rmSync(join(dir, 'refs'), { recursive: true, force: true });
  rmSync(join(dir, 'packed-refs'), { force: true });
  mkdirSync(join(dir, 'refs'));
  writeFileSync(join(dir, 'HEAD'), 'ref: refs/heads/main\n');
  await gotoHome(page);
  await openViaInput(page, dir);
  await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Browse', exact: true }).click();
  await expect(page.getByTestId('start-points')).toContainText('commits no other commit names as parent', { timeout: 30_000 });
  const shown = await page.getByTestId('start-point').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-rev') ?? ''));
  expect([...shown].sort()).toEqual([...tips].sort());
  await snap(page, testInfo, 'no-refs-start-points');
  await page.getByTestId('start-point').first().getByRole('link', { name: 'Browse' }).click();
  await expect(page.getByTestId('tree-entry').first()).toBeVisible();
});

test('error hints match the error: a wrong path and an unknown name get no index advice', async ({ page }, testInfo) => {
  await gotoHome(page);
  const { repo } = await openViaInput(page, gitDir('history'));
  await go(page, repo, 'browse/HEAD/no-such-file.txt');
  const box = page.getByTestId('browse-error').locator('.error-box');
  await expect(box).toContainText('no-such-file.txt does not exist');
  await expect(box.locator('.error-advice')).toHaveText(/no such path at this revision/);
  await expect(box).not.toContainText('.idx');
  await snap(page, testInfo, 'error-wrong-path');
  await go(page, repo, 'browse/no-such-branch');
  await expect(box.locator('.error-advice')).toHaveText(/No branch, tag or object has this name/);
  await expect(box).not.toContainText('.idx');
});

/** git's answer for a text search grouped by path: path -> blobs containing `needle` (case ignored) seen there in `commits`, within `prefix`. */
function pathsHolding(dir: string, commits: string[], needle: string, prefix = ''): Map<string, Set<string>> {
  const contains = new Map<string, boolean>();
  const out = new Map<string, Set<string>>();
  for (const c of commits) {
    for (const line of git(dir, ['ls-tree', '-r', '-z', c]).split('\0').filter(Boolean)) {
      const tab = line.indexOf('\t');
      const [, type, oid] = line.slice(0, tab).split(' ');
      const path = line.slice(tab + 1);
      if (type !== 'blob' || !path.startsWith(prefix)) continue;
      if (!contains.has(oid)) {
        const bytes = execFileSync('git', [`--git-dir=${dir}`, 'cat-file', 'blob', oid], { env: ENV });
        contains.set(oid, !bytes.subarray(0, 8000).includes(0) && bytes.toString('utf8').toLowerCase().includes(needle));
      }
      if (!contains.get(oid)) continue;
      let set = out.get(path);
      if (!set) out.set(path, (set = new Set()));
      set.add(oid);
    }
  }
  return out;
}

/** The grouped results on screen: card path -> version blob ids, in the order shown. */
async function cardsOnScreen(page: Page): Promise<Map<string, string[]>> {
  await expect(page.locator('[data-testid=search-group][data-group=pending]')).toHaveCount(0, { timeout: 30_000 });
  // Every card shows all its versions.
  for (const more of await page.getByTestId('search-group-all').all()) await more.click();
  const cards = await page
    .locator('[data-testid=search-group][data-group=path]')
    .evaluateAll((els) =>
      els.map((e) => [e.getAttribute('data-path') ?? '', Array.from(e.querySelectorAll('[data-testid=search-version]'), (v) => v.getAttribute('data-oid') ?? '')] as [string, string[]]),
    );
  return new Map(cards);
}

test('search: blob matches grouped by path with their versions newest first; limited to a ref, a path and dates; the total beyond the shown', async ({ page }, testInfo) => {
  const dir = gitDir('history');
  const NEEDLE = 'gauge';
  // The results are virtualized: a tall window renders every card.
  await page.setViewportSize({ width: 1280, height: 12_000 });
  await gotoHome(page);
  const { repo } = await openViaInput(page, dir);
  await go(page, repo, `search?q=${NEEDLE}`);
  await expect(page.getByTestId('search-status')).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
  const all = git(dir, ['rev-list', '--all']).trim().split('\n');
  const want = pathsHolding(dir, all, NEEDLE);
  const shown = await cardsOnScreen(page);
  expect([...shown.keys()].sort()).toEqual([...want.keys()].sort());
  for (const [path, oids] of shown) expect([...oids].sort(), path).toEqual([...(want.get(path) ?? [])].sort());
  // src/main.c: five versions, newest first (each version's commit is the newest holding it there).
  const main = page.locator('[data-testid=search-group][data-path="src/main.c"]');
  await expect(main.getByTestId('search-group-count')).toHaveText(`${want.get('src/main.c')?.size} versions match`);
  const times = await main.getByTestId('search-version').evaluateAll((els) => els.map((e) => e.getAttribute('data-commit') ?? ''));
  const commitTimes = times.map((c) => Number(git(dir, ['log', '-1', '--format=%ct', c]).trim()));
  expect(commitTimes).toEqual([...commitTimes].sort((a, b) => b - a));
  await page.setViewportSize({ width: 1280, height: 900 });
  await snap(page, testInfo, 'search-grouped');
  await page.setViewportSize({ width: 1280, height: 12_000 });

  // Limited to the topic branch, paths under src/, since a day: git's answer within those limits.
  const since = 1708043336; // 9a28ad6 "Move the helpers to lib/", the newest commit of topic (committer date)
  const day = new Date(since * 1000).toISOString().slice(0, 10);
  await page.getByTestId('search-ref').fill('topic');
  await page.getByTestId('search-path').fill('src/');
  await page.getByTestId('search-since').fill(day);
  await page.getByTestId('search-submit').click();
  await expect(page).toHaveURL(/ref=topic/);
  await expect(page.getByTestId('search-status')).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
  const dayStart = Date.parse(`${day}T00:00:00Z`) / 1000;
  const inScope = git(dir, ['rev-list', `--since=${dayStart}`, 'topic'])
    .trim()
    .split('\n');
  expect(inScope.length).toBeLessThan(git(dir, ['rev-list', 'topic']).trim().split('\n').length);
  const limited = pathsHolding(dir, inScope, NEEDLE, 'src/');
  const shownLimited = await cardsOnScreen(page);
  expect([...shownLimited.keys()].sort()).toEqual([...limited.keys()].sort());
  for (const [path, oids] of shownLimited) expect([...oids].sort(), path).toEqual([...(limited.get(path) ?? [])].sort());
  await expect(page.getByTestId('search-scope')).toContainText(`within ${inScope.length} commit${inScope.length === 1 ? '' : 's'}`);
  await page.setViewportSize({ width: 1280, height: 900 });
  await snap(page, testInfo, 'search-limited');

  // A message search limited to the ref: git log topic --grep, case ignored.
  await go(page, repo, `search?kind=message&q=the&ref=topic`);
  await expect(page.getByTestId('search-status')).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
  const grep = git(dir, ['log', '-i', '--format=%H', '--grep=the', 'topic']).trim().split('\n');
  expect((await page.locator('[data-testid=search-result][data-kind=commit]').evaluateAll((els) => els.map((e) => e.getAttribute('data-oid') ?? ''))).sort()).toEqual([...grep].sort());
});

test('search: how many matched in all, past the 2,000 shown', async ({ page }, testInfo) => {
  const dir = gitDir('big');
  await gotoHome(page);
  const { repo } = await openViaInput(page, dir);
  await go(page, repo, 'search?kind=oid&q=0');
  await expect(page.getByTestId('search-status')).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
  const ids = git(dir, ['cat-file', '--batch-all-objects', '--batch-check=%(objectname)'])
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('0')).length;
  expect(ids).toBeGreaterThan(2000);
  await expect(page.getByTestId('search-count')).toContainText(`${ids.toLocaleString('en-US')} objects with an id starting 0`);
  await expect(page.getByTestId('search-shown')).toContainText('the first 2,000 are shown');
  await snap(page, testInfo, 'search-total-past-shown', false);
});

test('a root folder of more than 200 entries lists its rows (virtualized), with last commits and the filter', async ({ page }, testInfo) => {
  const dir = join(work, 'wide.git');
  execFileSync('git', ['init', '-q', '--bare', dir], { env: ENV });
  const blob = execFileSync('git', [`--git-dir=${dir}`, 'hash-object', '-w', '--stdin'], { env: ENV, input: 'same text\n' })
    .toString()
    .trim();
  const names = Array.from({ length: 260 }, (_, i) => `file-${String(i).padStart(3, '0')}.txt`);
  const tree = execFileSync('git', [`--git-dir=${dir}`, 'mktree'], { env: ENV, input: names.map((n) => `100644 blob ${blob}\t${n}\n`).join('') })
    .toString()
    .trim();
  const who = {
    GIT_AUTHOR_NAME: 'Wide',
    GIT_AUTHOR_EMAIL: 'wide@example.com',
    GIT_COMMITTER_NAME: 'Wide',
    GIT_COMMITTER_EMAIL: 'wide@example.com',
    GIT_AUTHOR_DATE: '1700000000 +0000',
    GIT_COMMITTER_DATE: '1700000000 +0000',
  };
  const commit = execFileSync('git', [`--git-dir=${dir}`, 'commit-tree', tree, '-m', 'Many files at the root'], { env: { ...ENV, ...who } })
    .toString()
    .trim();
  execFileSync('git', [`--git-dir=${dir}`, 'update-ref', 'refs/heads/main', commit], { env: ENV });
  await gotoHome(page);
  const { repo } = await openViaInput(page, dir);
  await go(page, repo, 'browse/main');
  await expect(page.getByTestId('tree-count')).toHaveText('260 entries');
  await expect(page.getByTestId('tree-entry').first()).toBeVisible();
  await expect(page.locator('[data-testid=tree-entry][data-name="file-000.txt"]').getByTestId('entry-commit')).toHaveAttribute('data-commit', commit);
  await expect(page.locator('[data-testid=tree-entry][data-name="file-000.txt"]').getByTestId('entry-size')).toHaveText('10 B');
  expect(await page.getByTestId('tree-entry').count()).toBeLessThan(200);
  await page.getByTestId('listing-filter').fill('25');
  await expect(page.getByTestId('filter-count')).toContainText(`${names.filter((n) => n.includes('25')).length} of 260 entries match`);
  await snap(page, testInfo, 'wide-root');
});
