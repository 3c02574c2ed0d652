import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { expect, test } from '@playwright/test';
import { go, shot } from './support/app.ts';
import { expectFile, git, gitDir, headersOf, messageOf, utf8, verifiedPacks, verifyPack, type PackEntry } from './support/git.ts';
import { gotoHome, openViaInput } from './support/open.ts';
import { objectPart } from './support/views.ts';

/**
 * A copy of `varied` with bytes inside one whole (non-delta) blob's zlib stream overwritten:
 * that object's page shows a CorruptObject error naming the pack file and the entry's offset,
 * and other objects still read fine.
 */

const NAME = 'varied';
const FROM = 8; // corrupt bytes [offset + FROM, offset + TO) of the entry
const TO = 30;

/** Length of a pack entry's header (type + size varint); an OFS/REF delta never gets here. */
function headerLength(pack: Buffer, offset: number): number {
  let n = 1;
  while (pack[offset + n - 1] & 0x80) n++;
  return n;
}

function corrupt(pack: Buffer, e: PackEntry): Buffer {
  const out = Buffer.from(pack);
  for (let i = e.offset + FROM; i < e.offset + TO; i++) out[i] ^= 0xa5;
  return out;
}

/** True when an inflater that does not check Adler-32 (fflate does not) notices the damage. */
function damageShows(pack: Buffer, e: PackEntry): boolean {
  const start = e.offset + headerLength(pack, e.offset) + 2; // skip the 2-byte zlib header
  try {
    return inflateRawSync(pack.subarray(start, e.offset + e.stored)).length !== e.size;
  } catch {
    return true;
  }
}

test('a corrupt blob shows CorruptObject with file and offset; the rest still reads', async ({ page }, testInfo) => {
  const packName = verifiedPacks(NAME)[0];
  const entries = verifyPack(NAME, packName);
  // A work tree holding only the .git dir (the work tree's odd file names, such as the
  // non-UTF-8 \xff\xfe.bin, cannot be copied through Node's string paths, and are not needed).
  const work = testInfo.outputPath('varied-corrupt');
  cpSync(gitDir(NAME), join(work, '.git'), { recursive: true });
  const packPath = join(work, '.git', 'objects', 'pack', `${packName}.pack`);
  const pack = readFileSync(packPath);

  // A blob stored whole, compressed (so its stream is Huffman-coded, not a stored block), long
  // enough that the damaged bytes lie inside it, and whose damage an inflater must notice.
  const victim = entries.filter((e) => e.type === 'blob' && e.base === undefined && e.stored >= TO + 10 && e.stored < e.size * 0.8).find((e) => damageShows(corrupt(pack, e), e));
  expect(victim, 'varied has a compressed whole blob to damage').toBeDefined();
  writeFileSync(packPath, corrupt(pack, victim!));
  testInfo.annotations.push({ type: 'corrupted', description: `${victim!.oid} at ${packName}.pack offset ${victim!.offset}, bytes +${FROM}..+${TO}` });

  await gotoHome(page);
  const { repo } = await openViaInput(page, work);
  await expect(page.getByTestId('overview-object-entries')).toBeVisible();
  await shot(page, testInfo, 'overview');

  await go(page, repo, `object/${victim!.oid}`);
  const error = page.getByTestId('object-error');
  await expect(error).toBeVisible();
  await shot(page, testInfo, 'corrupt-object');
  await expect(error).toContainText('CorruptObject');
  await expect(error).toContainText(`${packName}.pack`);
  await expect(error).toContainText(`0x${victim!.offset.toString(16)}`);
  await expect(error).toContainText(String(victim!.offset));

  // Another object still reads: HEAD's commit, and a healthy blob.
  const head = expectFile(NAME, 'head.txt').toString('utf8').trim().split('\n')[1];
  const raw = git(NAME, ['cat-file', 'commit', head]);
  expect(
    headersOf(raw).some((h) => h.startsWith('encoding ')),
    'HEAD of varied is UTF-8',
  ).toBe(false);
  await go(page, repo, `object/${head}`);
  const message = await objectPart(page, 'commit-message');
  await shot(page, testInfo, 'healthy-commit');
  expect((await message.textContent())?.trimEnd()).toBe(utf8(messageOf(raw))?.trimEnd());

  const healthy = entries.find((e) => e.type === 'blob' && e.oid !== victim!.oid && e.base === undefined && e.size > 0);
  await go(page, repo, `object/${healthy!.oid}`);
  await expect(page.getByTestId('blob-text').or(page.getByTestId('hex-dump')).or(page.getByTestId('image-preview')).first()).toBeVisible();
  await expect(page.getByTestId('object-error')).toHaveCount(0);
  await shot(page, testInfo, 'healthy-blob');
});
