import { cpSync, readFileSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { numbersIn, shot, textOf } from './support/app.ts';
import { factOf, midxVerifyStatus, offsetIn, readMidxLayout, runGit, showIndex, tableCells } from './support/anatomy.ts';
import { batchCheck, gitDir, meta, repoFolder } from './support/git.ts';
import { gotoHome, openViaInput } from './support/open.ts';
import { copyGitDirToOpfs, openOpfsViaPicker, opfsListing, readOpfs, spreadMtimes } from './support/opfs.ts';

/**
 * The multi-pack-index view (#/<repo>/midx) on `multi-pack` (8 packs, a midx over 6 of them,
 * objects shared between packs): the chunk table against the file's bytes, the packs it names
 * and the objects it takes from each against `git show-index`, the packs outside it; then the
 * Write panel's file against what `git multi-pack-index write` writes on the same packs.
 */

const NAME = 'multi-pack';
const info = meta(NAME);
const packs = info.packs.map((p) => p.name);
const index = Object.fromEntries(packs.map((p) => [p, showIndex(NAME, p)]));
const midxBytes = readFileSync(join(gitDir(NAME), 'objects', 'pack', 'multi-pack-index'));
// The file's plain byte layout (header, chunk table, PNAM/OIDL/OOFF), read in the test; every
// id and offset is checked against git's show-index below, the file by git's midx verify.
const layout = readMidxLayout(midxBytes);
const stem = (idxName: string) => idxName.replace(/\.idx$/, '');
const covered = layout.packNames.map(stem);
const uncovered = packs.filter((p) => !covered.includes(p));

function midxNav(page: Page) {
  return page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Multi-pack-index', exact: true });
}

test('midx: the chunk table equals the file, the packs and their objects equal git show-index, the packs outside it', async ({ page }, testInfo) => {
  // git's view of the fixture: the midx verifies, and its ids/offsets are show-index's.
  expect(midxVerifyStatus(NAME), 'git multi-pack-index verify').toBe(0);
  expect(layout.signature).toBe('MIDX');
  expect(covered.length, 'packs the midx names').toBe(info.midx!.packs);
  for (const p of packs) expect(covered.includes(p), `midx covers ${p}`).toBe(info.midx!.covers[p]);
  const distinct = [...new Set(covered.flatMap((p) => index[p].map((l) => l.oid)))].sort();
  expect(layout.oids, 'OIDL = the distinct ids of the covered packs (git show-index)').toEqual(distinct);
  layout.offsets.forEach((o, i) => {
    const line = index[covered[o.packId]].find((l) => l.oid === layout.oids[i]);
    expect(line?.offset, `${layout.oids[i]} at OOFF's offset in ${covered[o.packId]}`).toBe(o.offset);
  });
  const perPack = covered.map((_, k) => layout.offsets.filter((o) => o.packId === k).length);

  await gotoHome(page);
  const { repo } = await openViaInput(page, repoFolder(NAME));
  await expect(page.getByTestId('overview-object-entries')).toBeVisible();
  await shot(page, testInfo, 'overview');

  await midxNav(page).click();
  await expect(page).toHaveURL(new RegExp(`#/${repo}/midx$`));
  const chunks = page.getByTestId('midx-chunks');
  await expect(chunks).toBeVisible();
  await expect(page.getByTestId('midx-packs')).toBeVisible();
  await expect(page.getByTestId('midx-uncovered')).toBeVisible();
  await shot(page, testInfo, 'midx');

  // The chunk table: ids, offsets (hex and decimal), lengths, in table order.
  const rows = await tableCells(chunks);
  const shown = rows.map((cells) => {
    const offset = offsetIn(cells[1]);
    expect(offset.hex, `${cells[0]}: hex and decimal offsets agree`).toBe(offset.dec);
    return { id: cells[0].split(' ')[0], offset: offset.dec, length: Number(cells[2].replace(/,/g, '')) };
  });
  expect(shown).toEqual(layout.chunks);
  // Each offset links to the hex view of the file at that byte.
  const links = await chunks.locator('tbody tr td:nth-child(2) a').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
  expect(links.map((h) => Number(h.match(/[?&]at=(\d+)/)?.[1]))).toEqual(layout.chunks.map((c) => c.offset));
  for (const h of links) expect(decodeURIComponent(h)).toMatch(/\/hex\/.*multi-pack-index\?at=/);

  // Objects: the number of distinct ids over the covered packs.
  expect(numbersIn(await textOf(page.getByTestId('midx-objects')))).toContain(distinct.length);
  expect(numbersIn(await textOf(page.getByTestId('midx-layer-objects')))).toContain(distinct.length);
  expect(numbersIn(await textOf(factOf(page.getByTestId('midx-kind'), 'Packs covered')))).toEqual([covered.length]);
  expect(numbersIn(await textOf(factOf(page.getByTestId('midx-kind'), 'Packs outside it')))[0]).toBe(uncovered.length);

  // The packs it names, in pack-int-id order, with the objects it takes from each.
  const packRows = await tableCells(page.getByTestId('midx-packs'));
  expect(packRows.length).toBe(covered.length);
  packRows.forEach((cells, k) => {
    const p = covered[k];
    expect(Number(cells[0]), 'pack id').toBe(k);
    expect(cells[1]).toContain(`${p}.idx`);
    const inMidx = Number(cells[2].replace(/,/g, ''));
    // Bounds from git alone: at least the ids no other covered pack holds, at most the pack's.
    const others = new Set(covered.filter((q) => q !== p).flatMap((q) => index[q].map((l) => l.oid)));
    expect(inMidx, `${p}: objects in the midx`).toBeGreaterThanOrEqual(index[p].filter((l) => !others.has(l.oid)).length);
    expect(inMidx, `${p}: objects in the midx`).toBeLessThanOrEqual(index[p].length);
    expect(inMidx, `${p}: objects in the midx (OOFF)`).toBe(perPack[k]);
    expect(numbersIn(cells[3])[0], `${p}: objects in the pack (show-index)`).toBe(index[p].length);
  });
  expect(perPack.reduce((s, n) => s + n, 0)).toBe(distinct.length);

  // The packs it does not cover, each with its object count.
  const items = page.getByTestId('midx-uncovered').locator('li');
  await expect(items).toHaveCount(uncovered.length);
  for (const p of uncovered) {
    const li = items.filter({ hasText: p });
    await expect(li, p).toHaveCount(1);
    expect(Number((await textOf(li)).match(/([\d,]+) objects/)?.[1].replace(/,/g, '')), `${p}: objects`).toBe(index[p].length);
  }
  await page.getByTestId('midx-uncovered').scrollIntoViewIfNeeded();
  await shot(page, testInfo, 'midx-uncovered');
});

test('midx write: Download and Save into the folder give the bytes of git multi-pack-index write', async ({ page }, testInfo) => {
  const root = 'multi-pack-write';
  const packDir = '.git/objects/pack';
  await gotoHome(page);
  await copyGitDirToOpfs(page, gitDir(NAME), root);
  // The browser dates the copies now. The two packs the midx does not cover share objects, so
  // their order decides which copy a new midx records: give them distinct seconds (git and the
  // app compare whole seconds, and break ties by listing order, which OPFS and disk need not share).
  await spreadMtimes(
    page,
    root,
    packDir,
    uncovered.map((p) => `${p}.pack`),
  );
  const times = await opfsListing(page, root, packDir);

  // git on a copy of the same pack folder, with the OPFS copies' times, the existing midx kept
  // (git builds on it, and so does the app).
  const bare = testInfo.outputPath('git-bare');
  runGit(['init', '-q', '--bare', bare]);
  cpSync(join(gitDir(NAME), 'objects', 'pack'), join(bare, 'objects', 'pack'), { recursive: true });
  for (const [name, t] of Object.entries(times)) utimesSync(join(bare, 'objects', 'pack', name), t.mtimeMs / 1000, t.mtimeMs / 1000);
  runGit(['--git-dir', bare, 'multi-pack-index', `--object-dir=${join(bare, 'objects')}`, 'write']);
  const want = readFileSync(join(bare, 'objects', 'pack', 'multi-pack-index'));
  runGit(['--git-dir', bare, 'multi-pack-index', `--object-dir=${join(bare, 'objects')}`, 'verify']);
  expect(want.readUInt32BE(8), "git's midx covers every pack").toBe(packs.length);
  expect(Buffer.compare(want, midxBytes)).not.toBe(0);

  const { repo } = await openOpfsViaPicker(page, root);
  expect(repo).toMatch(/^recent-/);
  await expect(page.getByTestId('overview-object-entries')).toBeVisible();
  await shot(page, testInfo, 'overview');
  await midxNav(page).click();
  const facts = page.getByTestId('midx-write-facts');
  await expect(facts).toBeVisible();
  await page.getByTestId('midx-write').scrollIntoViewIfNeeded();
  await shot(page, testInfo, 'midx-write');
  await expect(page.getByTestId('midx-write-same')).toHaveText(/differs/);
  expect(numbersIn(await textOf(factOf(facts, 'Packs')))).toEqual([packs.length]);
  expect(numbersIn(await textOf(factOf(facts, 'Objects')))).toEqual([batchCheck(NAME).length]);
  expect(numbersIn(await textOf(factOf(facts, 'Size')))[0]).toBe(want.length);

  // Download.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('midx-download').click()]);
  expect(download.suggestedFilename()).toBe('multi-pack-index');
  const got = readFileSync(await download.path());
  expectSameBytes(got, want, 'downloaded');

  // Save into the folder, read it back from OPFS.
  const save = page.getByTestId('midx-save');
  await expect(save).toBeEnabled();
  await save.click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved' })).toContainText(`${packDir}/multi-pack-index`);
  expectSameBytes((await readOpfs(page, root, `${packDir}/multi-pack-index`))!, want, 'saved');
  // Reloaded: the folder's midx is git's, covering every pack.
  await expect(page.getByTestId('midx-write-same')).toHaveText(/identical/);
  await expect(page.getByTestId('midx-packs').locator('tbody tr')).toHaveCount(packs.length);
  await expect(page.locator('#mx-uncovered')).toContainText('every pack in the folder is covered');
  await shot(page, testInfo, 'midx-after-save');
});

function expectSameBytes(got: Buffer, want: Buffer, what: string): void {
  if (Buffer.compare(got, want) === 0) return;
  let at = 0;
  while (at < got.length && at < want.length && got[at] === want[at]) at++;
  throw new Error(`${what} multi-pack-index differs from git's at byte ${at} (${got.length} bytes, git ${want.length})`);
}
