import { cpSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { go, shot } from './support/app.ts';
import { gitDir, verifiedPacks } from './support/git.ts';
import { gotoHome, openViaInput } from './support/open.ts';

/**
 * The pack page's header-and-trailer table shows the bytes that are in the .pack, not the
 * .idx's copies: on a pack cut short its "trailer checksum" is the file's last 20 bytes (with
 * the .idx's differing copy beside it), and a header whose count was changed shows that count.
 */

const NAME = 'varied';
let dir: string;
let pack: string;

test.beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'packscope-facts-'));
  pack = verifiedPacks(NAME)[0];
  cpSync(gitDir(NAME), join(dir, 'cut.git'), { recursive: true });
});

test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The value cell of a row of the pack's header table. */
async function field(page: import('@playwright/test').Page, name: string): Promise<string> {
  const row = page.getByTestId('pack-header').locator('tr', { has: page.locator(`td:text-is("${name}")`) });
  return ((await row.locator('td.field-value').textContent()) ?? '').trim();
}

test('a pack cut short and a header count changed: the table shows the file, and what the .idx says beside it', async ({ page }, testInfo) => {
  const path = join(dir, 'cut.git', 'objects', 'pack', `${pack}.pack`);
  const idxCopy = readFileSync(path).subarray(-20).toString('hex');
  truncateSync(path, readFileSync(path).length - 37);
  const bytes = readFileSync(path);
  bytes.writeUInt32BE(bytes.readUInt32BE(8) + 5, 8);
  writeFileSync(path, bytes);
  const lastBytes = bytes.subarray(-20).toString('hex');
  const idxCount = bytes.readUInt32BE(8) - 5;

  await gotoHome(page);
  const { repo } = await openViaInput(page, join(dir, 'cut.git'));
  await go(page, repo, `pack/${pack}`);
  await expect(page.getByTestId('pack-header')).toBeVisible();
  await expect.poll(() => field(page, 'trailer checksum')).toBe(`${lastBytes} (differs: the .idx's copy is ${idxCopy})`);
  expect(await field(page, 'number of objects')).toBe(`${idxCount + 5} (differs: the .idx lists ${idxCount})`);
  await shot(page, testInfo, 'pack-cut-short');
});
