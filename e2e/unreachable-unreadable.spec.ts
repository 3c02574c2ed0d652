import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { unzipSync } from 'fflate';
import { go, shot } from './support/app.ts';
import { dependentsOf, expectFile, gitDir, verifiedPacks, verifyPack } from './support/git.ts';
import { gotoHome, openViaInput } from './support/open.ts';

/**
 * An unreachable object that cannot be read (here: the dangling fixture's loose dangling tree,
 * its zlib stream overwritten) is its own category on the Unreachable page: marked unreadable
 * with the reason, counted apart, never dangling, and not offered in lost-found.
 */

const TREE = 'b4b9e676d714590901a1532f24f229e47063e214';
let dir: string;

test.beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'packscope-unreadable-'));
  cpSync(gitDir('dangling'), join(dir, 'damaged.git'), { recursive: true });
  const file = join(dir, 'damaged.git', 'objects', TREE.slice(0, 2), TREE.slice(2));
  const bytes = readFileSync(file);
  bytes.fill(0xff, 2);
  writeFileSync(file, bytes);
});

test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('an unreadable unreachable object: its own category, with the reason, not dangling, not in lost-found', async ({ page }, testInfo) => {
  const unreachable = expectFile('dangling', 'fsck-unreachable.txt').toString('utf8').split('\n').filter(Boolean);
  const dangling = expectFile('dangling', 'fsck-dangling.txt').toString('utf8').split('\n').filter(Boolean);
  expect(dangling).toContain(`dangling tree ${TREE}`);
  await gotoHome(page);
  const { repo } = await openViaInput(page, join(dir, 'damaged.git'));
  await go(page, repo, 'unreachable');
  await expect(page.getByTestId('reach-unreadable-count')).toHaveText('1');
  await expect(page.getByTestId('reach-unreachable-count')).toHaveText(String(unreachable.length - 1));
  // What only the unreadable tree named is nobody's now: dangling, as git would say too.
  const danglingRows = await page.locator('[data-testid=unreachable-row][data-dangling=yes]').count();
  await expect(page.getByTestId('reach-dangling-count')).toHaveText(String(danglingRows));
  const row = page.locator(`[data-testid=unreachable-row][data-oid="${TREE}"]`);
  await expect(row).toHaveAttribute('data-unreadable', 'yes');
  await expect(row).toHaveAttribute('data-dangling', 'no');
  await expect(row).toContainText('unreadable');
  await expect(page.getByTestId('reach-unreadable')).toContainText(TREE.slice(0, 7));
  await shot(page, testInfo, 'unreadable-unreachable');

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: /lost-found/i }).click();
  const zip = unzipSync(new Uint8Array(readFileSync(await (await download).path())));
  const names = Object.keys(zip).filter((n) => !n.endsWith('/'));
  expect(names).not.toContain(`lost-found/other/${TREE}`);
  expect(names.length).toBe(danglingRows);
});

test('one damaged tree under many tree deltas: the unreadable objects are listed once under the place they fail at', async ({ page }) => {
  const packName = verifiedPacks('varied')[0];
  const entries = verifyPack('varied', packName);
  const victim = entries.filter((e) => e.type === 'tree' && e.base === undefined).sort((a, b) => dependentsOf(entries, b.oid).size - dependentsOf(entries, a.oid).size)[0];
  expect(dependentsOf(entries, victim.oid).size).toBeGreaterThan(2);
  const work = join(dir, 'varied-tree');
  cpSync(gitDir('varied'), join(work, '.git'), { recursive: true });
  const packPath = join(work, '.git', 'objects', 'pack', `${packName}.pack`);
  const pack = readFileSync(packPath);
  let header = 1;
  while (pack[victim.offset + header - 1] & 0x80) header++;
  // The zlib stream's two header bytes: every reader of this tree fails right there.
  pack[victim.offset + header] = 0xff;
  pack[victim.offset + header + 1] = 0xff;
  writeFileSync(packPath, pack);

  await gotoHome(page);
  const { repo } = await openViaInput(page, work);
  await go(page, repo, 'unreachable');
  const group = page.getByTestId('unreadable-group').first();
  await expect(group).toContainText(`fail at the same place, objects/pack/${packName}.pack 0x${victim.offset.toString(16)}`);
});
