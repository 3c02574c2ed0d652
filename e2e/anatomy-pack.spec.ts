import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { go, numbersIn, shot, textOf } from './support/app.ts';
import { factOf, offsetIn, verifyPackSummary, waitHash } from './support/anatomy.ts';
import { batchCheck, chainOf, gitDir, repoFolder, verifiedPacks, verifyPack, type PackEntry } from './support/git.ts';
import { gotoHome, openViaInput } from './support/open.ts';

/**
 * The pack pages (#/<repo>/packs, #/<repo>/pack/<name>), the byte map and the annotated hex
 * view of a .pack, against `git verify-pack -v` (fixtures/build/<name>/expect/): counts by type,
 * the chain-length histogram, which entry covers which byte, entries in offset order, and what
 * the entry header at an object's offset says.
 */

const TYPES = ['commit', 'tree', 'blob', 'tag'] as const;

async function openPack(page: Page, name: string): Promise<{ repo: string; pack: string; entries: PackEntry[] }> {
  const pack = verifiedPacks(name)[0];
  await gotoHome(page);
  const { repo } = await openViaInput(page, repoFolder(name));
  await expect(page.getByTestId('overview-object-entries')).toBeVisible();
  return { repo, pack, entries: verifyPack(name, pack) };
}

/** The pack page, once its scan is done (statistics and the byte map shown). */
async function packPage(page: Page, repo: string, pack: string): Promise<void> {
  await go(page, repo, `pack/${pack}`);
  await expect(page.getByTestId('pack-view')).toHaveAttribute('data-pack', pack);
  await expect(page.getByTestId('pack-stats')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('byte-map')).toHaveAttribute('data-bytes-per-px', /\d/);
}

for (const NAME of ['varied', 'long-chains']) {
  test(`${NAME}: packs page and pack statistics equal git verify-pack -v`, async ({ page }, testInfo) => {
    const { repo, pack, entries } = await openPack(page, NAME);
    const maxDepth = Math.max(...entries.map((e) => e.depth));

    // The packs page: the pack, its objects, and after "Compute", its longest chain.
    await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Packs', exact: true }).click();
    await waitHash(page, new RegExp(`^#/${repo}/packs$`));
    const row = page.locator(`[data-testid=packs-row][data-pack="${pack}"]`);
    await expect(row).toBeVisible();
    await expect(page.getByTestId('packs-row')).toHaveCount(verifiedPacks(NAME).length);
    await page.getByTestId('compute-all').click();
    await expect(page.getByTestId('compute-all')).toHaveText(/computed for all packs/, { timeout: 30_000 });
    const cells = await row.locator('td').allTextContents();
    expect(numbersIn(cells[1]), 'objects').toEqual([entries.length]);
    expect(numbersIn(cells[8]), 'max chain').toEqual([maxDepth]);
    await shot(page, testInfo, 'packs');

    // The pack page: the link from the packs page.
    await row.getByRole('link').first().click();
    await waitHash(page, new RegExp(`^#/${repo}/pack/${pack}$`));
    await expect(page.getByTestId('pack-stats')).toBeVisible();
    await shot(page, testInfo, 'pack');

    // The histogram as git prints it, line for line.
    const histogram = page.getByTestId('chain-histogram');
    expect((await textOf(histogram)).trim().split('\n')).toEqual(verifyPackSummary(NAME, pack));

    // Objects by type: all, whole (depth 0), deltas (depth > 0).
    const types = page.getByTestId('pack-types');
    for (const t of TYPES) {
      const of = entries.filter((e) => e.type === t);
      const cells = await types.locator(`tbody tr[data-type=${t}] td`).allTextContents();
      expect(numbersIn(cells[1]), `${t}: objects`).toEqual([of.length]);
      expect(numbersIn(cells[2]), `${t}: whole`).toEqual([of.filter((e) => e.depth === 0).length]);
      expect(numbersIn(cells[3]), `${t}: deltas`).toEqual([of.filter((e) => e.depth > 0).length]);
    }
    const foot = await types.locator('tfoot td').allTextContents();
    expect(numbersIn(foot[1]), 'all objects').toEqual([entries.length]);
    expect(numbersIn(foot[2]), 'non delta').toEqual([entries.filter((e) => e.depth === 0).length]);

    // Entries as stored: whole entries by type; ofs- and ref-deltas together are git's deltas.
    const kinds = page.getByTestId('pack-entry-kinds');
    const kind = async (k: string) => numbersIn((await kinds.locator(`tbody tr[data-kind=${k}] td`).allTextContents())[1])[0];
    for (const t of TYPES) expect(await kind(t), `${t} entries`).toBe(entries.filter((e) => e.type === t && e.depth === 0).length);
    expect((await kind('ofs-delta')) + (await kind('ref-delta')), 'delta entries').toBe(entries.filter((e) => e.depth > 0).length);
    await histogram.scrollIntoViewIfNeeded();
    await shot(page, testInfo, 'pack-statistics');
  });
}

test.describe('varied', () => {
  const NAME = 'varied';

  test('byte map: a click opens the entry covering the clicked byte; the keyboard cursor walks verify-pack offset order', async ({ page }, testInfo) => {
    const { repo, pack, entries } = await openPack(page, NAME);
    const byOffset = [...entries].sort((a, b) => a.offset - b.offset);
    await packPage(page, repo, pack);
    const map = page.getByTestId('byte-map');
    await map.scrollIntoViewIfNeeded();
    await shot(page, testInfo, 'byte-map');
    expect(Number(await map.getAttribute('data-pack-bytes'))).toBe(statSync(join(gitDir(NAME), 'objects', 'pack', `${pack}.pack`)).size);

    // The map's geometry: byte under CSS x = data-view-start + x × data-bytes-per-px.
    const start = Number(await map.getAttribute('data-view-start'));
    const perPx = Number(await map.getAttribute('data-bytes-per-px'));
    const box = (await map.boundingBox())!;
    // The widest entry, clicked in its middle.
    const target = [...byOffset].sort((a, b) => b.stored - a.stored)[0];
    expect(target.stored / perPx, 'the widest entry spans several pixels').toBeGreaterThan(4);
    const x = Math.round((target.offset + target.stored / 2 - start) / perPx);
    const byte = start + x * perPx;
    const covering = byOffset.find((e) => e.offset <= byte && byte < e.offset + e.stored)!;
    expect(covering.oid).toBe(target.oid);
    await map.click({ position: { x, y: box.height / 2 } });
    await waitHash(page, new RegExp(`^#/${repo}/object/${covering.oid}$`));
    const facts = page.getByTestId('object-facts');
    await expect(facts).toBeVisible();
    await shot(page, testInfo, 'clicked-object');
    expect(offsetIn(await textOf(factOf(facts, 'Offset'))).dec, 'offset of the clicked object').toBe(covering.offset);
    await expect(factOf(facts, 'Pack')).toContainText(pack);

    // Back on the map: Home, then → walks the entries in offset order.
    await page.goBack();
    await waitHash(page, new RegExp(`^#/${repo}/pack/${pack}$`));
    await expect(map).toHaveAttribute('data-bytes-per-px', /\d/);
    const cursor = page.getByTestId('byte-map-cursor');
    await map.focus();
    await map.press('Home');
    for (let r = 0; r < 12; r++) {
      if (r > 0) await map.press('ArrowRight');
      await expect(cursor, `cursor at entry ${r}`).toHaveAttribute('data-rank', String(r));
      await expect(cursor, `entry ${r} in offset order`).toHaveAttribute('data-oid', byOffset[r].oid);
    }
    await map.press('End');
    await expect(cursor).toHaveAttribute('data-oid', byOffset[byOffset.length - 1].oid);
    await map.press('ArrowLeft');
    const chosen = byOffset[byOffset.length - 2];
    await expect(cursor).toHaveAttribute('data-oid', chosen.oid);
    await expect(cursor).toContainText(`0x${chosen.offset.toString(16)}`);
    await shot(page, testInfo, 'byte-map-cursor');
    await map.press('Enter');
    await waitHash(page, new RegExp(`^#/${repo}/object/${chosen.oid}$`));
    await expect(page.getByTestId('object-facts')).toBeVisible();
    expect(offsetIn(await textOf(factOf(page.getByTestId('object-facts'), 'Offset'))).dec).toBe(chosen.offset);
    await shot(page, testInfo, 'cursor-object');
  });

  test("hex view at an object's pack offset: the entry header's type is verify-pack's", async ({ page }, testInfo) => {
    const { repo, pack, entries } = await openPack(page, NAME);
    const bytes = readFileSync(join(gitDir(NAME), 'objects', 'pack', `${pack}.pack`));
    const sizes = new Map(batchCheck(NAME).map((l) => [l.oid, l.size]));
    const file = `.git/objects/pack/${pack}.pack`;
    // One whole object of each type present, and the shallowest and deepest deltas.
    const deltas = entries.filter((e) => e.depth > 0).sort((a, b) => a.depth - b.depth);
    const picks = [...TYPES.map((t) => entries.find((e) => e.type === t && e.depth === 0)).filter((e): e is PackEntry => e !== undefined), deltas[0], deltas[deltas.length - 1]];
    expect(picks.length).toBeGreaterThanOrEqual(5);

    const panel = page.getByTestId('hex-annotation');
    const label = page.getByTestId('hex-annotation-label');
    for (const e of picks) {
      const what = `${e.oid} (${e.type}${e.depth ? `, depth ${e.depth}` : ''}) at ${e.offset}`;
      await go(page, repo, `hex/${file}?at=${e.offset}`);
      await expect(page.getByTestId('hex-view')).toBeVisible();
      await expect(panel, what).toContainText(`0x${e.offset.toString(16)} (${e.offset.toLocaleString('en-US')})`);
      // The row holding the offset, and the byte there as the file has it.
      const row = page.locator(`[data-testid=hex-row][data-offset="${e.offset - (e.offset % 16)}"]`);
      await expect(row, what).toBeVisible();
      await expect(row.locator(`[data-o="${e.offset}"]`).first(), what).toHaveText(bytes[e.offset].toString(16).padStart(2, '0'));
      const detail = page.getByTestId('hex-annotation-detail');
      if (e.depth === 0) {
        await expect(label, what).toHaveText(`type+size: ${e.type}`);
        await expect(detail, what).toContainText(`${e.type}, ${e.size} bytes`);
      } else {
        await expect(label, what).toHaveText(/^type\+size: (ofs|ref)-delta$/);
        // git's size of a delta is its delta data's; the object's is cat-file's.
        await expect(detail, what).toContainText(`of a ${e.type}: ${e.size} bytes of delta data; the ${e.type} is ${sizes.get(e.oid)} bytes`);
      }
      await expect(panel, what).toContainText(e.oid);
      await shot(page, testInfo, `hex-${e.depth ? `delta-${e.depth}` : e.type}`);
      if (e.depth > 0) {
        // The next annotation: the base, which is verify-pack's base.
        await page.getByTestId('hex-grid').focus();
        await page.getByTestId('hex-grid').press('Tab');
        await expect(label, what).toHaveText(/^(ofs-delta base distance|ref-delta base id)$/);
        await expect(panel, `${what}: base`).toContainText(e.base!);
        await shot(page, testInfo, `hex-delta-${e.depth}-base`);
      }
    }
  });

  test("delta view: the chain's steps are verify-pack's bases, base first", async ({ page }, testInfo) => {
    const { repo, entries } = await openPack(page, NAME);
    const sizes = new Map(batchCheck(NAME).map((l) => [l.oid, l.size]));
    const e = entries.find((x) => x.depth === 2)!;
    expect(e, 'varied has a delta of depth 2').toBeDefined();
    const bases = chainOf(entries, e.oid);
    expect(bases.length).toBe(2);
    await go(page, repo, `delta/${e.oid}`);
    await expect(page.getByTestId('delta-view')).toBeVisible();
    const steps = page.getByTestId('delta-step');
    await expect(steps).toHaveCount(bases.length + 1);
    await shot(page, testInfo, 'delta');
    expect(await steps.evaluateAll((els) => els.map((el) => el.getAttribute('data-oid')))).toEqual([...bases].reverse().concat(e.oid));
    const facts = page.locator('.hx-delta-facts');
    await expect(factOf(facts, 'Depth')).toHaveText(`2 deltas on a ${entries.find((x) => x.oid === bases[bases.length - 1])!.type}`);
    expect(numbersIn(await textOf(factOf(facts, 'Result')))).toContain(sizes.get(e.oid));
    // Every delta's instructions are listed (two deltas, each with at least one).
    expect(await page.getByTestId('delta-instruction').count()).toBeGreaterThanOrEqual(2);
  });
});
