import { expect, test } from '@playwright/test';
import { go, hexDigits, numbersIn, shot, textOf } from './support/app.ts';
import { batchCheck, chainOf, entriesCount, headersOf, messageOf, meta, parseTree, printed, refs, repoFolder, utf8, verifiedPacks, verifyPack } from './support/git.ts';
import { gotoHome, openViaPicker } from './support/open.ts';
import { attrs, expectLines, objectPart, scrollToEnd } from './support/views.ts';

/**
 * `varied` (168 objects, one pack, chains up to 18) opened with the "Open folder…" button
 * (showDirectoryPicker resolving to a real directory handle in the origin-private file system).
 * Everything on screen is compared with git's answers in fixtures/build/varied/expect/.
 */

const NAME = 'varied';
const listing = batchCheck(NAME);
const info = meta(NAME);
const pack = verifiedPacks(NAME)[0];
const entries = verifyPack(NAME, pack);
const shown = printed(NAME);

let repo = '';
test.beforeEach(async ({ page }, testInfo) => {
  await gotoHome(page);
  await shot(page, testInfo, 'home');
  ({ repo } = await openViaPicker(page, repoFolder(NAME)));
});

test('overview: object entries, the pack, the refs', async ({ page }, testInfo) => {
  const entriesBox = page.getByTestId('overview-object-entries');
  await expect(entriesBox).toBeVisible();
  await shot(page, testInfo, 'overview');
  // One pack, no loose objects: the entries add up to git's object count.
  expect(listing.length).toBe(info.objects);
  expect(entriesCount(info)).toBe(info.objects);
  expect(numbersIn(await textOf(entriesBox))).toContain(entriesCount(info));
  await expect(page.locator(`[data-testid=pack-row][data-pack="${pack}"]`)).toBeVisible();
  await expect(page.getByTestId('pack-row')).toHaveCount(info.packs.length);
  await expect(page.getByTestId('ref-row')).toHaveCount(refs(NAME).length);
  for (const r of refs(NAME)) {
    const row = page.locator(`[data-testid=ref-row][data-ref="${r.ref}"]`);
    await expect(row, r.ref).toBeAttached();
    await expect(row, r.ref).toContainText(r.oid);
  }
});

test('objects list: the total, the first rows, jumping to an ambiguous prefix', async ({ page }, testInfo) => {
  await go(page, repo, 'objects');
  const total = page.getByTestId('objects-total');
  await expect(total).toBeVisible();
  expect(numbersIn(await textOf(total))).toContain(listing.length);
  // git lists objects sorted by id; so does the list (it is the idx/midx order).
  const first = page.locator(`[data-testid=object-row][data-index="0"]`);
  await expect(first).toHaveAttribute('data-oid', listing[0].oid);
  await expect(page.locator(`[data-testid=object-row][data-index="1"]`)).toHaveAttribute('data-oid', listing[1].oid);
  await shot(page, testInfo, 'objects');
  // Every rendered row: its index in git's listing, and git's type and size; where verify-pack
  // has it, its stored size, offset and depth appear in the row too.
  const rows = await page
    .getByTestId('object-row')
    .evaluateAll((els) =>
      els.map((e) => ({ oid: e.getAttribute('data-oid') ?? '', index: Number(e.getAttribute('data-index')), cells: [...e.querySelectorAll('[role=gridcell]')].map((c) => c.textContent ?? '') })),
    );
  expect(rows.length).toBeGreaterThan(10);
  const byOid = new Map(entries.map((e) => [e.oid, e]));
  for (const r of rows) {
    expect(listing[r.index]?.oid, `row ${r.index}`).toBe(r.oid);
    const text = r.cells.join(' | ');
    expect(text, `row ${r.index}`).toContain(listing[r.index].type);
    const numbers = r.cells.filter((c) => c !== r.oid && !c.startsWith('pack-')).flatMap((c) => numbersIn(c));
    const e = byOid.get(r.oid)!;
    for (const [what, n] of [
      ['size', listing[r.index].size],
      ['stored', e.stored],
      ['offset', e.offset],
      ['depth', e.depth],
    ] as const)
      expect(numbers, `${what} in row ${r.index}: ${text}`).toContain(n);
  }

  // The first 4-hex prefix git's listing shares between objects (varied has `4a25`).
  const byPrefix = new Map<string, string[]>();
  for (const o of listing) byPrefix.set(o.oid.slice(0, 4), [...(byPrefix.get(o.oid.slice(0, 4)) ?? []), o.oid]);
  const [prefix, ids] = [...byPrefix].find(([, v]) => v.length > 1) ?? [];
  expect(prefix, 'varied has an ambiguous 4-hex prefix').toBeDefined();
  await page.getByTestId('jump-input').fill(prefix!);
  await page.getByTestId('jump-input').press('Enter');
  const candidates = page.getByTestId('jump-candidates');
  await expect(candidates).toBeVisible();
  for (const id of ids!) await expect(candidates).toContainText(id);
  await shot(page, testInfo, 'objects-jump-candidates');
});

test('commits: the message after the blank line is git’s', async ({ page }, testInfo) => {
  const commits = shown.filter((o) => o.type === 'commit');
  expect(commits.length).toBeGreaterThan(0);
  let checked = 0;
  for (const c of commits) {
    // A commit with an `encoding` header is not UTF-8; that is decoding, not this test.
    if (headersOf(c.body).some((h) => h.startsWith('encoding '))) continue;
    const message = utf8(messageOf(c.body));
    if (message === undefined) continue;
    await go(page, repo, `object/${c.oid}`);
    const box = await objectPart(page, 'commit-message');
    await shot(page, testInfo, `commit-${c.oid.slice(0, 10)}`);
    expect((await textOf(box)).trimEnd(), `message of ${c.oid}`).toBe(message.trimEnd());
    checked++;
  }
  expect(checked).toBeGreaterThan(5);
});

test('tags: the message is git’s', async ({ page }, testInfo) => {
  const tags = shown.filter((o) => o.type === 'tag');
  expect(tags.length).toBeGreaterThan(0);
  for (const t of tags) {
    const message = utf8(messageOf(t.body));
    if (message === undefined) continue;
    await go(page, repo, `object/${t.oid}`);
    const box = await objectPart(page, 'tag-message');
    await shot(page, testInfo, `tag-${t.oid.slice(0, 10)}`);
    expect((await textOf(box)).trimEnd(), `message of ${t.oid}`).toBe(message.trimEnd());
  }
});

test('trees: the entry names are git’s', async ({ page }, testInfo) => {
  const trees = shown.filter((o) => o.type === 'tree');
  expect(trees.length).toBeGreaterThan(0);
  for (const t of trees) {
    const lines = parseTree(t.body);
    await go(page, repo, `object/${t.oid}`);
    if (lines.length === 0) continue; // the empty tree has no entries to wait for
    await objectPart(page, 'tree-entry');
    await shot(page, testInfo, `tree-${t.oid.slice(0, 10)}`);
    const names = await attrs(page.getByTestId('tree-entry'), 'data-name');
    expect(names.length, `entries of ${t.oid}`).toBe(lines.length);
    // Names that are UTF-8 must appear exactly; a non-UTF-8 name (\377\376.bin) is only counted.
    for (const l of lines) {
      const name = utf8(l.name);
      if (name !== undefined) expect(names, `tree ${t.oid}`).toContain(name);
    }
  }
});

test('text blobs: the text is git’s', async ({ page }, testInfo) => {
  const blobs = shown.filter((o) => o.type === 'blob' && o.body.length > 0 && !o.body.includes(0) && utf8(o.body) !== undefined);
  expect(blobs.length).toBeGreaterThan(3);
  for (const b of blobs) {
    await go(page, repo, `object/${b.oid}`);
    const box = await objectPart(page, 'blob-text');
    await shot(page, testInfo, `blob-${b.oid.slice(0, 10)}`);
    const text = utf8(b.body)!;
    const lineCount = text.replace(/\n$/, '').split('\n').length;
    // The text view renders the lines in view: check those, from line 1, then the end.
    expect((await expectLines(box, text, `blob ${b.oid}`))[0]).toBe(1);
    await scrollToEnd(box);
    expect(await expectLines(box, text, `blob ${b.oid} (scrolled to the end)`)).toContain(lineCount);
  }
});

test('the binary blob: the hex dump shows its bytes', async ({ page }, testInfo) => {
  const binary = shown.filter((o) => o.type === 'blob' && o.body.includes(0)).sort((a, b) => b.body.length - a.body.length)[0];
  expect(binary, 'varied has a binary blob in expect/p').toBeDefined();
  await go(page, repo, `object/${binary.oid}`);
  const dump = await objectPart(page, 'hex-dump');
  await shot(page, testInfo, `binary-${binary.oid.slice(0, 10)}`);
  const digits = hexDigits(await textOf(dump));
  expect(digits).toContain(binary.body.subarray(0, 16).toString('hex'));
  // Past the 0..255 ramp the bytes are pseudo-random: row 0x100 (in the first screenful) too.
  expect(binary.body.length).toBeGreaterThan(288);
  expect(digits).toContain(binary.body.subarray(256, 272).toString('hex'));
});

test('delta chains: the same bases and depth as git verify-pack', async ({ page }, testInfo) => {
  const deltas = entries.filter((e) => e.base !== undefined);
  expect(deltas.length).toBeGreaterThan(0);
  // The deepest chain, a depth-1 delta, and a deltified tree.
  const deepest = [...deltas].sort((a, b) => b.depth - a.depth)[0];
  const picks = [deepest, deltas.find((e) => e.depth === 1), deltas.find((e) => e.type === 'tree')].filter((e, i, all) => e && all.indexOf(e) === i);
  for (const d of picks) {
    const bases = chainOf(entries, d!.oid);
    expect(bases.length, `verify-pack depth of ${d!.oid}`).toBe(d!.depth);
    await go(page, repo, `object/${d!.oid}`);
    const chain = await objectPart(page, 'delta-chain');
    await chain.scrollIntoViewIfNeeded();
    await shot(page, testInfo, `delta-${d!.oid.slice(0, 10)}-depth-${d!.depth}`);
    // The steps may include the object itself; its bases must be git's, in chain order (either way round).
    const steps = (await attrs(chain.getByTestId('chain-step'), 'data-oid')).filter((o) => o !== d!.oid);
    expect(steps.length, `bases of ${d!.oid}`).toBe(d!.depth);
    expect([steps, [...steps].reverse()], `bases of ${d!.oid}`).toContainEqual(bases);
  }
});
