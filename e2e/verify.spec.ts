import { createHash } from 'node:crypto';
import { chmodSync, cpSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { go, shot } from './support/app.ts';
import { gitDir, verifiedPacks, verifyPack } from './support/git.ts';
import { gotoHome, openViaInput } from './support/open.ts';

/**
 * Verify on damaged copies of `varied`, made here on disk: the findings on screen name the
 * file, the offset (hex) and the kind of the damage made; an intact copy says "no problems
 * found"; the JSON report's evidence hashes equal node:crypto's over the same files.
 */

const NAME = 'varied';

/**
 * A folder holding a writable copy of varied's .git (the work tree itself is not needed). The
 * file input hands the app every file under it; the app opens their common folder, the .git,
 * so paths on screen and in the report are relative to it (`objects/pack/…`).
 */
function copyOf(dir: string): { work: string; packDir: string } {
  cpSync(gitDir(NAME), join(dir, '.git'), { recursive: true });
  const packDir = join(dir, '.git', 'objects', 'pack');
  for (const f of readdirSync(packDir)) chmodSync(join(packDir, f), 0o644);
  return { work: dir, packDir };
}

/** Opens the folder and runs Verify everything until the verdict shows. */
async function verify(page: Page, folder: string): Promise<string> {
  await gotoHome(page);
  const { repo } = await openViaInput(page, folder);
  await go(page, repo, 'verify');
  await page.getByTestId('verify-run').click();
  await expect(page.getByTestId('verify-verdict')).toBeVisible({ timeout: 30_000 });
  return repo;
}

/** The finding rows whose data attributes match. */
function rowsWith(page: Page, attrs: Record<string, string>) {
  return page.locator(
    `[data-testid="finding-row"]${Object.entries(attrs)
      .map(([k, v]) => `[data-${k}="${v}"]`)
      .join('')}`,
  );
}

test('a zlib stream with flipped bytes: the finding names the pack, the entry offset in hex and CorruptObject', async ({ page }, testInfo) => {
  const packName = verifiedPacks(NAME)[0];
  // A whole (non-delta) blob, compressed well, whose stream is long enough to damage inside.
  const victim = verifyPack(NAME, packName).find((e) => e.type === 'blob' && e.base === undefined && e.stored >= 60 && e.stored < e.size * 0.8);
  expect(victim, 'varied has a compressed whole blob').toBeDefined();
  const { work, packDir } = copyOf(testInfo.outputPath('zlib'));
  const packPath = join(packDir, `${packName}.pack`);
  const pack = Buffer.from(readFileSync(packPath));
  for (let i = victim!.offset + 8; i < victim!.offset + 30; i++) pack[i] ^= 0xa5;
  writeFileSync(packPath, pack);

  await verify(page, work);
  const file = `objects/pack/${packName}.pack`;
  const hex = `0x${victim!.offset.toString(16)}`;
  await expect(page.getByTestId('verify-verdict')).toHaveAttribute('data-clean', 'false');
  const corrupt = rowsWith(page, { file, offset: String(victim!.offset), kind: 'CorruptObject' });
  await expect(corrupt.first()).toBeVisible();
  await expect(corrupt.first()).toContainText(file);
  await expect(corrupt.first().getByTestId('finding-offset')).toHaveText(hex);
  await expect(corrupt.first()).toContainText(victim!.oid.slice(0, 12));
  // The pack's trailing checksum no longer matches either.
  await expect(rowsWith(page, { file, check: 'trailer', kind: 'BadChecksum' })).toHaveCount(1);
  await shot(page, testInfo, 'zlib-findings');

  // The file link opens the annotated bytes at the entry.
  await corrupt.first().getByRole('link', { name: file }).click();
  await expect(page).toHaveURL(new RegExp(`/hex/objects/pack/${packName}\\.pack\\?at=${victim!.offset}$`));
});

test('an idx CRC altered: a crc finding at the entry offset; the JSON report hashes the evidence as node:crypto does', async ({ page }, testInfo) => {
  const packName = verifiedPacks(NAME)[0];
  const { work, packDir } = copyOf(testInfo.outputPath('crc'));
  const idxPath = join(packDir, `${packName}.idx`);
  // idx v2: 8-byte header, 256 fanout words, N ids, N CRC32s, N 4-byte offsets, trailer.
  const idx = Buffer.from(readFileSync(idxPath));
  const count = idx.readUInt32BE(8 + 255 * 4);
  const position = Math.floor(count / 2);
  idx[8 + 1024 + count * 20 + position * 4] ^= 0x5a;
  const entryOffset = idx.readUInt32BE(8 + 1024 + count * 24 + position * 4);
  const oid = idx.subarray(8 + 1024 + position * 20, 8 + 1024 + position * 20 + 20).toString('hex');
  writeFileSync(idxPath, idx);

  await verify(page, work);
  const crc = rowsWith(page, { check: 'crc', kind: 'Mismatch', file: `objects/pack/${packName}.pack`, offset: String(entryOffset) });
  await expect(crc).toHaveCount(1);
  await expect(crc.getByTestId('finding-offset')).toHaveText(`0x${entryOffset.toString(16)}`);
  await expect(crc).toContainText(oid.slice(0, 12));
  await expect(rowsWith(page, { file: `objects/pack/${packName}.idx`, check: 'trailer', kind: 'BadChecksum' })).toHaveCount(1);

  // Filter to the CRC check: only that row is left.
  await page.getByTestId('filter-check').selectOption('crc');
  await expect(page.getByTestId('finding-row')).toHaveCount(1);
  await page.getByTestId('filter-check').selectOption('all');

  const downloading = page.waitForEvent('download');
  await page.getByTestId('report-json').click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^packscope-report-.*\.json$/);
  const report = JSON.parse(readFileSync(await download.path(), 'utf8')) as {
    evidence: { path: string; size: number; sha256: string }[];
    findings: { check: string; file: string; offset: number; offsetHex: string }[];
    summary: { verdict: string };
  };
  expect(report.summary.verdict).toBe('problems');
  expect(report.findings).toContainEqual(expect.objectContaining({ check: 'crc', offset: entryOffset, offsetHex: `0x${entryOffset.toString(16)}` }));
  const idxEvidence = report.evidence.find((e) => e.path === `objects/pack/${packName}.idx`);
  expect(idxEvidence?.sha256).toBe(createHash('sha256').update(idx).digest('hex'));
  expect(idxEvidence?.size).toBe(idx.length);
  // Every evidence file, not only the damaged one.
  for (const e of report.evidence)
    expect(e.sha256, e.path).toBe(
      createHash('sha256')
        .update(readFileSync(join(work, '.git', e.path)))
        .digest('hex'),
    );
  await shot(page, testInfo, 'crc-findings');
});

test('an intact copy: no problems found, with what was checked', async ({ page }, testInfo) => {
  const { work } = copyOf(testInfo.outputPath('intact'));
  await verify(page, work);
  const verdict = page.getByTestId('verify-verdict');
  await expect(verdict).toHaveAttribute('data-clean', 'true');
  await expect(verdict).toContainText(/No problems found: \d[\d,]* objects checked, \d+ files checksummed \(.+ hashed\) in .+/);
  await expect(page.getByTestId('finding-row')).toHaveCount(0);
  await shot(page, testInfo, 'clean');
});

test('a long run (210,001 objects): progress with Cancel keeps the place, Continue finishes it, the tab shows the last run again', async ({ page }, testInfo) => {
  await gotoHome(page);
  const { repo } = await openViaInput(page, gitDir('big'));
  await go(page, repo, 'verify');
  await page.getByTestId('verify-run').click();
  const progress = page.getByTestId('verify-progress');
  await expect(progress).toBeVisible();
  await expect(progress.locator('progress')).toBeVisible();
  // The task bar counts objects, of every object the run will check.
  await expect(page.locator('.taskbar .task-count').first()).toContainText(/^[\d,]+ of 210,001 objects/);
  await shot(page, testInfo, 'running');
  await page.getByTestId('verify-cancel').click();
  const verdict = page.getByTestId('verify-verdict');
  await expect(verdict).toContainText(/Stopped after .+ at \d+%/);
  await expect(verdict).toHaveAttribute('data-clean', 'false');

  await page.getByTestId('verify-continue').click();
  await expect(verdict).toHaveAttribute('data-clean', 'true', { timeout: 60_000 });
  await expect(verdict).toContainText('No problems found');
  await expect(verdict).toContainText('210,001 objects');
  const text = (await verdict.textContent()) ?? '';

  // Leaving the tab and coming back shows the same run, not a new one.
  await go(page, repo, 'overview');
  await go(page, repo, 'verify');
  await expect(page.getByTestId('verify-verdict')).toHaveText(text);
  await expect(page.getByTestId('verify-run')).toHaveText('Verify again');
});

test('a verify helper that cannot start: the main engine checks its part, nothing is skipped, and the verdict says so', async ({ page }, testInfo) => {
  await gotoHome(page);
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  test.skip(cores < 2, 'helpers need a spare core');
  const { repo } = await openViaInput(page, gitDir('big'));
  // The test hook (tree-helper/protocol.ts): each helper throws, uncaught, as it starts.
  const engine = page.workers().find((w) => /\/worker-[^/]*\.js$/.test(w.url()));
  if (!engine)
    throw new Error(
      `no engine worker among ${page
        .workers()
        .map((w) => w.url())
        .join(', ')}`,
    );
  await engine.evaluate(() => ((self as { packscopeCrashHelpersForTest?: boolean }).packscopeCrashHelpersForTest = true));
  await go(page, repo, 'verify');
  await page.getByTestId('verify-run').click();
  const verdict = page.getByTestId('verify-verdict');
  await expect(verdict).toHaveAttribute('data-clean', 'true', { timeout: 90_000 });
  await expect(verdict).toContainText('210,001 objects checked');
  await expect(verdict).toContainText(/helper workers? stopped; the main engine checked (its part|their parts): nothing was skipped/);
  await expect(verdict).not.toContainText('on 2 threads');
  await shot(page, testInfo, 'helper-stopped');

  // Without the hook, the next run has its helper.
  await engine.evaluate(() => ((self as { packscopeCrashHelpersForTest?: boolean }).packscopeCrashHelpersForTest = false));
  await page.getByTestId('verify-run').click();
  await expect(verdict).toContainText(/No problems found: 210,001 objects checked, .* on [2-4] threads\./, { timeout: 90_000 });
});
