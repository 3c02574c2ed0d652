import type { DirEntry, DirectoryReader, FileEntry } from '../core/repo/discover.ts';
import { blobSource } from './blob-source.ts';

/** Folder access for the worker: a File System Access directory handle, or a flat file list. */

/** Reads a FileSystemDirectoryHandle (from showDirectoryPicker, a drop, or IndexedDB). */
export function handleReader(root: FileSystemDirectoryHandle): DirectoryReader {
  const dirCache = new Map<string, FileSystemDirectoryHandle | undefined>([['', root]]);
  async function dir(path: string): Promise<FileSystemDirectoryHandle | undefined> {
    if (dirCache.has(path)) return dirCache.get(path);
    const slash = path.lastIndexOf('/');
    const parent = await dir(slash < 0 ? '' : path.slice(0, slash));
    let handle: FileSystemDirectoryHandle | undefined;
    try {
      handle = parent ? await parent.getDirectoryHandle(path.slice(slash + 1)) : undefined;
    } catch {
      handle = undefined;
    }
    dirCache.set(path, handle);
    return handle;
  }
  return {
    async list(path) {
      const d = await dir(path);
      if (!d) return undefined;
      const out: DirEntry[] = [];
      for await (const [name, h] of (d as unknown as { entries(): AsyncIterable<[string, FileSystemHandle]> }).entries()) {
        out.push({ name, kind: h.kind === 'directory' ? 'directory' : 'file' });
      }
      return out;
    },
    async open(path) {
      const slash = path.lastIndexOf('/');
      const d = await dir(slash < 0 ? '' : path.slice(0, slash));
      if (!d) throw new Error(`no folder for ${path}`);
      const file = await (await d.getFileHandle(path.slice(slash + 1))).getFile();
      return { path, source: blobSource(path, file), mtimeMs: file.lastModified };
    },
  };
}

/** Reads a list of files with relative paths (a webkitdirectory input, a dropped entry tree, the demo). */
export function fileListReader(files: { path: string; file: Blob & { lastModified?: number } }[]): DirectoryReader {
  // Strip a common first folder (`repo/.git/…` from an input) so the root is the chosen folder.
  const byPath = new Map<string, Blob & { lastModified?: number }>();
  const dirs = new Map<string, Map<string, DirEntry['kind']>>();
  const addTo = (dir: string, name: string, kind: DirEntry['kind']): void => {
    let m = dirs.get(dir);
    if (!m) dirs.set(dir, (m = new Map()));
    m.set(name, kind);
  };
  dirs.set('', new Map());
  for (const { path, file } of files) {
    const clean = path.replace(/^\/+/, '');
    byPath.set(clean, file);
    const parts = clean.split('/');
    for (let i = 0; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      addTo(dir, parts[i], i === parts.length - 1 ? 'file' : 'directory');
    }
  }
  return {
    async list(path) {
      const m = dirs.get(path);
      return m ? [...m.entries()].map(([name, kind]) => ({ name, kind })) : undefined;
    },
    async open(path): Promise<FileEntry> {
      const file = byPath.get(path);
      if (!file) throw new Error(`no file ${path}`);
      return { path, source: blobSource(path, file), mtimeMs: file.lastModified ?? 0 };
    },
  };
}

/** The common leading folder of all paths ('' when none), so a chosen folder's name is not part of paths. */
export function commonRoot(paths: string[]): string {
  if (paths.length === 0) return '';
  const first = paths[0].split('/');
  let depth = first.length - 1;
  for (const p of paths) {
    const parts = p.split('/');
    let d = 0;
    while (d < depth && d < parts.length - 1 && parts[d] === first[d]) d++;
    depth = d;
  }
  return first.slice(0, depth).join('/');
}
