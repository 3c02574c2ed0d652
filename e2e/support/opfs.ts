import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect, type Page } from '@playwright/test';
import { waitOpened, writeOpfs, type Opened } from './open.ts';

/**
 * The origin-private file system as a folder the app opens with "Open folder…", in steps the
 * anatomy specs need apart (open.ts's openViaPicker does them in one): copy a git dir in, read
 * its files' modification times (the browser sets them at write time, not the fixture's),
 * rewrite a file to give it a later time, open it with the picker, read a file back.
 */

/** Copies the files of `gitDir` (no index, hooks, logs) into OPFS `<root>/.git/`, in name order. */
export async function copyGitDirToOpfs(page: Page, gitDir: string, root: string): Promise<void> {
  await page.evaluate(async (root) => {
    const opfs = await navigator.storage.getDirectory();
    await opfs.removeEntry(root, { recursive: true }).catch(() => undefined);
    await opfs.getDirectoryHandle(root, { create: true });
  }, root);
  const walk = (dir: string): string[] =>
    readdirSync(dir)
      .sort()
      .flatMap((name) => {
        const abs = join(dir, name);
        const rel = relative(gitDir, abs).split('\\').join('/');
        if (/^(index|hooks|logs)(\/|$)/.test(rel)) return [];
        return statSync(abs).isDirectory() ? walk(abs) : [rel];
      });
  for (const rel of walk(gitDir)) await writeOpfs(page, root, `.git/${rel}`, readFileSync(join(gitDir, rel)));
}

/** Every file of an OPFS folder with its size and lastModified (ms), by name. */
export async function opfsListing(page: Page, root: string, dirPath: string): Promise<Record<string, { size: number; mtimeMs: number }>> {
  return page.evaluate(
    async ({ root, dirPath }) => {
      let dir = await (await navigator.storage.getDirectory()).getDirectoryHandle(root);
      for (const p of dirPath.split('/').filter(Boolean)) dir = await dir.getDirectoryHandle(p);
      const out: Record<string, { size: number; mtimeMs: number }> = {};
      for await (const [name, h] of (dir as unknown as { entries(): AsyncIterable<[string, FileSystemHandle]> }).entries()) {
        if (h.kind !== 'file') continue;
        const f = await (h as FileSystemFileHandle).getFile();
        out[name] = { size: f.size, mtimeMs: f.lastModified };
      }
      return out;
    },
    { root, dirPath },
  );
}

/** The bytes of an OPFS file, or undefined when it does not exist. */
export async function readOpfs(page: Page, root: string, path: string): Promise<Buffer | undefined> {
  const b64 = await page.evaluate(
    async ({ root, path }) => {
      try {
        let dir = await (await navigator.storage.getDirectory()).getDirectoryHandle(root);
        const parts = path.split('/');
        for (const p of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(p);
        const bytes = new Uint8Array(await (await (await dir.getFileHandle(parts[parts.length - 1])).getFile()).arrayBuffer());
        let bin = '';
        for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
        return btoa(bin);
      } catch {
        return undefined;
      }
    },
    { root, path },
  );
  return b64 === undefined ? undefined : Buffer.from(b64, 'base64');
}

/**
 * Makes the OPFS files `paths` have modification times in distinct whole seconds, in the given
 * order (each later than the one before), by rewriting their own bytes after the clock passes
 * the next second. git and the app compare pack times in whole seconds and break ties by
 * directory order, which a browser's and a disk's listings need not share.
 */
export async function spreadMtimes(page: Page, root: string, dirPath: string, names: string[]): Promise<void> {
  let last = -1;
  for (const name of names) {
    const now = (await opfsListing(page, root, dirPath))[name];
    if (!now) throw new Error(`no ${dirPath}/${name} in OPFS ${root}`);
    if (Math.floor(now.mtimeMs / 1000) > last) {
      last = Math.floor(now.mtimeMs / 1000);
      continue;
    }
    const bytes = await readOpfs(page, root, `${dirPath}/${name}`);
    const wait = (last + 1) * 1000 - Date.now() + 30;
    if (wait > 0) await page.waitForTimeout(wait);
    await writeOpfs(page, root, `${dirPath}/${name}`, bytes!);
    last = Math.floor((await opfsListing(page, root, dirPath))[name].mtimeMs / 1000);
  }
}

/** Points showDirectoryPicker at OPFS `<root>` and clicks "Open folder…" (page on the home view). */
export async function openOpfsViaPicker(page: Page, root: string): Promise<Opened> {
  await page.evaluate(async (root) => {
    const handle = await (await navigator.storage.getDirectory()).getDirectoryHandle(root);
    (window as unknown as { showDirectoryPicker: () => Promise<FileSystemDirectoryHandle> }).showDirectoryPicker = async () => handle;
  }, root);
  const button = page.getByRole('button', { name: 'Open folder…' });
  await expect(button).toBeEnabled();
  const startedAt = Date.now();
  await button.click();
  return waitOpened(page, startedAt);
}
