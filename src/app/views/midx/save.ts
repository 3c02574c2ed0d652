import type { WireError } from '../../../core/errors.ts';
import type { RepoSummary } from '../../../protocol/messages.ts';
import { useRecents } from '../../stores/recents.ts';

/**
 * Saving a multi-pack-index into the opened folder through the File System Access API. Only a
 * folder opened from a directory handle (the picker, a drop, a remembered folder) can be written;
 * the browser asks the person for write permission first. The file is written under its final
 * name: a writable stream's data replaces the file atomically when the stream closes.
 */

/** From the opened folder to its pack directory, by what the folder is. */
const PACK_DIR: Record<RepoSummary['rootKind'], string[]> = {
  worktree: ['.git', 'objects', 'pack'],
  gitdir: ['objects', 'pack'],
  objects: ['pack'],
  pack: [],
};

/** The remembered directory handle of the open repository, when it was opened from one. */
export function folderHandle(repoKey: string | undefined): FileSystemDirectoryHandle | undefined {
  if (!repoKey?.startsWith('recent-')) return undefined;
  const id = repoKey.slice('recent-'.length);
  return useRecents.getState().recents.find((r) => r.id === id)?.handle;
}

/** Where the file lands, relative to the opened folder, for messages. */
export function midxPath(rootKind: RepoSummary['rootKind']): string {
  return [...PACK_DIR[rootKind], 'multi-pack-index'].join('/');
}

type PermissionHandle = FileSystemDirectoryHandle & {
  queryPermission?: (d: { mode: 'readwrite' }) => Promise<PermissionState>;
  requestPermission?: (d: { mode: 'readwrite' }) => Promise<PermissionState>;
};

function ioError(detail: string, file: string): WireError {
  return { kind: 'Io', message: `Io at ${file}: ${detail}`, detail, file };
}

/** Writes `bytes` as the folder's `multi-pack-index`; resolves with the path, rejects with a WireError. */
export async function saveMidx(handle: FileSystemDirectoryHandle, rootKind: RepoSummary['rootKind'], bytes: Uint8Array): Promise<string> {
  const path = midxPath(rootKind);
  const h = handle as PermissionHandle;
  let state: PermissionState = 'granted';
  if (h.queryPermission) state = await h.queryPermission({ mode: 'readwrite' });
  if (state !== 'granted' && h.requestPermission) state = await h.requestPermission({ mode: 'readwrite' });
  if (state !== 'granted') throw ioError('the browser was not given permission to write to the folder; nothing was written', path);
  let dir: FileSystemDirectoryHandle = handle;
  try {
    for (const name of PACK_DIR[rootKind]) dir = await dir.getDirectoryHandle(name);
  } catch (err) {
    throw ioError(`the pack folder could not be opened for writing (${err instanceof Error ? err.message : String(err)}); nothing was written`, path);
  }
  let writable: FileSystemWritableFileStream | undefined;
  try {
    const file = await dir.getFileHandle('multi-pack-index', { create: true });
    writable = await file.createWritable();
    await writable.write(bytes as Uint8Array<ArrayBuffer>);
    await writable.close();
  } catch (err) {
    // An unclosed stream leaves the old file as it was; abort drops the temporary data.
    await writable?.abort().catch(() => undefined);
    throw ioError(`writing failed: ${err instanceof Error ? err.message : String(err)}; the previous file, if any, is unchanged`, path);
  }
  return path;
}

/** Offers `bytes` as a download named `multi-pack-index`. */
export function downloadMidx(bytes: Uint8Array): void {
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = 'multi-pack-index';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
