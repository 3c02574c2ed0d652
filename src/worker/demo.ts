import type { DirectoryReader } from '../core/repo/discover.ts';
import { fileListReader } from './directory-readers.ts';

/**
 * The embedded demo repository: public/demo holds a small real `.git` (built from the fixtures
 * by scripts/make-demo.mjs) and a manifest of its files. Same-origin only; nothing else is fetched.
 */
export async function demoReader(): Promise<DirectoryReader> {
  const base = new URL(`${import.meta.env.BASE_URL}demo/`, self.location.origin);
  const manifest = (await (await fetch(new URL('manifest.json', base))).json()) as { files: { path: string; mtimeMs: number }[] };
  const files = await Promise.all(
    manifest.files.map(async (f) => {
      const blob = await (await fetch(new URL(f.path, base))).blob();
      return { path: f.path, file: Object.assign(blob, { lastModified: f.mtimeMs }) };
    }),
  );
  return fileListReader(files);
}
