import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { expect, type Page } from '@playwright/test';

/**
 * The three ways a person gives the app a folder, driven through the app's own code paths:
 * the "Open folder…" button (showDirectoryPicker, here resolving to a real directory handle in
 * the origin-private file system), the webkitdirectory input, and a drop of single files.
 * Each returns the repository key the app put in the URL and the milliseconds from the choice
 * (the click, the input's change, the drop) to the overview URL.
 */

export interface Opened {
  repo: string;
  /** Milliseconds from the choice to the overview URL. */
  ms: number;
  /** Date.now() at the choice. */
  startedAt: number;
}

const OPEN_TIMEOUT = 120_000;

/** Loads the home page. */
export async function gotoHome(page: Page): Promise<void> {
  await page.goto('/');
  await expect(page.getByTestId('folder-input')).toBeAttached();
}

/** The repository key in the current URL (#/<repo>/...). */
export function repoKey(page: Page): string {
  const hash = new URL(page.url()).hash;
  const m = hash.match(/^#\/([^/?]+)/);
  if (!m) throw new Error(`no repository in the URL ${page.url()}`);
  return decodeURIComponent(m[1]);
}

/** Waits until the app shows the overview of the opened repository (or fails with its error). */
export async function waitOpened(page: Page, startedAt: number): Promise<Opened> {
  const deadline = Date.now() + OPEN_TIMEOUT;
  for (;;) {
    if (/^#\/[^/]+\/overview/.test(new URL(page.url()).hash)) break;
    const error = page.locator('.error-box');
    // A damaged repository's overview shows its problems in error boxes too: an error box means
    // the open failed only while the overview has not come (looked at again after finding it).
    if ((await error.count()) && !/^#\/[^/]+\/overview/.test(new URL(page.url()).hash)) throw new Error(`the app could not open the folder: ${(await error.first().innerText()).replace(/\s+/g, ' ')}`);
    if (Date.now() > deadline) throw new Error(`the overview did not appear within ${OPEN_TIMEOUT} ms (URL ${page.url()})`);
    await page.waitForTimeout(20);
  }
  return { repo: repoKey(page), ms: Date.now() - startedAt, startedAt };
}

/** Files to copy for the picker, relative to `folder`: of a work tree only .git/…; no index, hooks or logs. */
function filesToCopy(folder: string): { rel: string; abs: string }[] {
  const out: { rel: string; abs: string }[] = [];
  const skip = (rel: string) => /(^|\/)\.git\/(index|hooks|logs)(\/|$)/.test(rel) || /^(index|hooks|logs)(\/|$)/.test(rel);
  const hasDotGit = (() => {
    try {
      return statSync(join(folder, '.git')).isDirectory();
    } catch {
      return false;
    }
  })();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const abs = join(dir, name);
      const rel = relative(folder, abs).split('\\').join('/');
      if (skip(rel)) continue;
      if (statSync(abs).isDirectory()) walk(abs);
      else out.push({ rel, abs });
    }
  };
  walk(hasDotGit ? join(folder, '.git') : folder);
  return out;
}

const CHUNK = 4 * 1024 * 1024; // bytes per page.evaluate (base64 makes it a third larger)

/**
 * Copies `folder` into the origin-private file system (a work tree: only its .git), makes
 * window.showDirectoryPicker resolve to that real FileSystemDirectoryHandle, and clicks
 * "Open folder…". The page must be on the home view.
 */
export async function openViaPicker(page: Page, folder: string): Promise<Opened> {
  const root = basename(folder);
  await page.evaluate(async (root) => {
    const opfs = await navigator.storage.getDirectory();
    await opfs.removeEntry(root, { recursive: true }).catch(() => undefined);
    await opfs.getDirectoryHandle(root, { create: true });
  }, root);
  for (const f of filesToCopy(folder)) {
    await writeOpfs(page, root, f.rel, readFileSync(f.abs));
  }
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

/** Chooses `folder` with the <input type=file webkitdirectory> (Playwright's directory upload). */
export async function openViaInput(page: Page, folder: string): Promise<Opened> {
  const input = page.getByTestId('folder-input');
  await expect(input).toHaveAttribute('webkitdirectory', '');
  const startedAt = Date.now();
  await input.setInputFiles(folder);
  return waitOpened(page, startedAt);
}

/**
 * Drops plain files (e.g. one .pack and its .idx) on the page: dragover + drop with a
 * DataTransfer built in the page from File objects, so the app's plain-files path runs.
 */
export async function openViaDrop(page: Page, files: string[]): Promise<Opened> {
  const payload = files.map((f) => ({ name: basename(f), b64: readFileSync(f).toString('base64') }));
  const startedAt = Date.now();
  await page.evaluate((payload) => {
    const dt = new DataTransfer();
    for (const { name, b64 } of payload) {
      const bin = atob(b64);
      const bytes = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      dt.items.add(new File([bytes], name, { type: 'application/octet-stream', lastModified: 1600000000000 }));
    }
    const target = document.querySelector('main') ?? document.body;
    const init = { dataTransfer: dt, bubbles: true, cancelable: true, composed: true };
    target.dispatchEvent(new DragEvent('dragenter', init));
    target.dispatchEvent(new DragEvent('dragover', init));
    target.dispatchEvent(new DragEvent('drop', init));
  }, payload);
  return waitOpened(page, startedAt);
}

/** Writes (replaces) one OPFS file, creating its folders. */
export async function writeOpfs(page: Page, root: string, path: string, bytes: Buffer): Promise<void> {
  for (let at = 0; at === 0 || at < bytes.length; at += CHUNK) {
    await page.evaluate(
      async ({ root, path, b64, append }) => {
        let dir = await (await navigator.storage.getDirectory()).getDirectoryHandle(root, { create: true });
        const parts = path.split('/');
        for (const p of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(p, { create: true });
        const file = await dir.getFileHandle(parts[parts.length - 1], { create: true });
        const writable = await file.createWritable({ keepExistingData: append });
        if (append) await writable.seek((await file.getFile()).size);
        const bin = atob(b64);
        const chunk = new Uint8Array(bin.length);
        for (let i = 0; i < bin.length; i++) chunk[i] = bin.charCodeAt(i);
        await writable.write(chunk);
        await writable.close();
      },
      { root, path, b64: bytes.subarray(at, at + CHUNK).toString('base64'), append: at > 0 },
    );
  }
}
