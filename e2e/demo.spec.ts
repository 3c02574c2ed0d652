import { expect, test, type Page } from '@playwright/test';
import { numbersIn, shot, textOf } from './support/app.ts';
import { entriesCount, git, meta, parseTree, utf8 } from './support/git.ts';
import { gotoHome, waitOpened } from './support/open.ts';
import { expectLines, objectPart } from './support/views.ts';

/**
 * The embedded demo repository (public/demo, a copy of fixtures/build/demo's git dir): the home
 * page's button, the overview, browsing HEAD into a folder and a file, and the history — all
 * compared with git run on fixtures/build/demo.
 */

const NAME = 'demo';

/** The browse view's row for an entry (its data-name is the decoded name, as on the object page). */
function entry(page: Page, name: string) {
  return page.locator(`[data-testid=tree-entry][data-name="${name.replace(/["\\]/g, '\\$&')}"]`);
}

async function expectEntries(page: Page, rev: string, what: string): Promise<void> {
  const lines = parseTree(git(NAME, ['ls-tree', rev]));
  await expect(page.getByTestId('tree-entry').first()).toBeVisible();
  await expect(page.getByTestId('tree-entry'), what).toHaveCount(lines.length);
  for (const l of lines) await expect(entry(page, utf8(l.name)!), `${what}: ${utf8(l.name)}`).toHaveCount(1);
}

test('home page: the ways to open a folder', async ({ page }, testInfo) => {
  await gotoHome(page);
  await shot(page, testInfo, 'home');
  await expect(page.getByRole('heading', { name: 'Look inside a git repository' })).toBeVisible();
  // Chromium has showDirectoryPicker: the picker button, the upload input and the demo button.
  await expect(page.getByRole('button', { name: 'Open folder…' })).toBeVisible();
  await expect(page.getByTestId('folder-input')).toHaveAttribute('webkitdirectory', '');
  await expect(page.getByRole('button', { name: 'Open the demo repository' })).toBeEnabled();
});

test('demo: overview, browse HEAD into a folder and a file, history', async ({ page }, testInfo) => {
  const info = meta(NAME);
  await gotoHome(page);
  const startedAt = Date.now();
  await page.getByRole('button', { name: 'Open the demo repository' }).click();
  const { repo } = await waitOpened(page, startedAt);
  expect(repo).toBe('demo');

  const entries = page.getByTestId('overview-object-entries');
  await expect(entries).toBeVisible();
  await shot(page, testInfo, 'overview');
  expect(numbersIn(await textOf(entries))).toContain(entriesCount(info));
  await expect(page.getByTestId('pack-row')).toHaveCount(info.packs.length);

  // Browse HEAD (the Browse tab).
  await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Browse', exact: true }).click();
  await expect(page).toHaveURL(/#\/demo\/browse\/HEAD/);
  await expectEntries(page, 'HEAD', 'HEAD');
  await shot(page, testInfo, 'browse-HEAD');

  // Into the first folder git lists that holds a text file, then that file.
  const isText = (oid: string) => {
    const bytes = git(NAME, ['cat-file', 'blob', oid]);
    return !bytes.includes(0) && utf8(bytes) !== undefined;
  };
  const top = parseTree(git(NAME, ['ls-tree', 'HEAD']));
  const folder = top
    .filter((l) => l.type === 'tree')
    .map((l) => utf8(l.name)!)
    .find((f) => parseTree(git(NAME, ['ls-tree', `HEAD:${f}`])).some((l) => l.type === 'blob' && isText(l.oid)))!;
  expect(folder, 'the demo has a folder with a text file').toBeDefined();
  await entry(page, folder).getByRole('link').first().click();
  await expect(page).toHaveURL(new RegExp(`#/demo/browse/HEAD/${encodeURIComponent(folder)}$`));
  await expect(page.getByTestId('breadcrumb')).toContainText(folder);
  await expectEntries(page, `HEAD:${folder}`, folder);
  await shot(page, testInfo, `browse-${folder}`);

  const inside = parseTree(git(NAME, ['ls-tree', `HEAD:${folder}`]));
  const file = utf8(inside.find((l) => l.type === 'blob' && isText(l.oid))!.name)!;
  await entry(page, file).getByRole('link').first().click();
  await expect(page).toHaveURL(new RegExp(`#/demo/browse/HEAD/${encodeURIComponent(folder)}/${encodeURIComponent(file).replace(/\./g, '\\.')}$`));
  await expect(page.getByTestId('breadcrumb')).toContainText(file);
  const text = utf8(git(NAME, ['cat-file', 'blob', `HEAD:${folder}/${file}`]))!;
  // Browse renders a Markdown file as a code host does; its lines are under Source.
  if (/\.(md|markdown)$/i.test(file)) await page.getByTestId('blob-viewer').getByRole('button', { name: 'Source' }).click();
  const box = await objectPart(page, 'blob-text');
  await shot(page, testInfo, `browse-${folder}-${file}`);
  expect((await expectLines(box, text, `${folder}/${file}`))[0]).toBe(1);

  // History of HEAD: the commit graph, in git log --graph's order.
  await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'History', exact: true }).click();
  await expect(page).toHaveURL(/#\/demo\/history\/HEAD/);
  const log = git(NAME, ['log', '--graph', '--format=%H', 'HEAD'])
    .toString('utf8')
    .split('\n')
    .map((l) => /[0-9a-f]{40}$/.exec(l)?.[0])
    .filter((l): l is string => l !== undefined);
  const rows = page.getByTestId('history-row');
  await expect(rows.first()).toBeVisible();
  await shot(page, testInfo, 'history');
  await expect(rows).toHaveCount(log.length);
  expect(await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-oid')))).toEqual(log);
});
