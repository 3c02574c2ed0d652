import type { OpenSource } from '../../protocol/messages.ts';
import { useRecents, ensurePermission } from '../stores/recents.ts';
import { useRepo } from '../stores/repo.ts';
import { hashFor } from './route.ts';

/**
 * The ways a folder reaches the worker: a directory handle (picker, drop, recents), a list of
 * files with paths (webkitdirectory input, dropped entries, dropped single files), the demo.
 */

async function openAndShow(source: OpenSource, key: string, startedAt: number): Promise<void> {
  const ok = await useRepo.getState().open(source, key, startedAt);
  if (ok) {
    const current = window.location.hash;
    // Keep the view when this is a reload of the same repository's URL.
    if (!current.startsWith(`#/${encodeURIComponent(key)}/`)) window.location.hash = hashFor(key, { view: 'overview' });
  }
}

/** Opens a directory handle and remembers it. */
export async function openHandle(handle: FileSystemDirectoryHandle, startedAt = performance.now()): Promise<void> {
  let key = 'local';
  try {
    key = `recent-${(await useRecents.getState().remember(handle)).id}`;
  } catch {
    // IndexedDB unavailable (private mode): the folder still opens, it just is not remembered.
  }
  await openAndShow({ kind: 'directory', handle }, key, startedAt);
}

/** Shows the system folder picker (File System Access API). */
export async function pickFolder(): Promise<void> {
  const picker = (window as unknown as { showDirectoryPicker?: (o?: { mode?: 'read' }) => Promise<FileSystemDirectoryHandle> }).showDirectoryPicker;
  if (!picker) return;
  let handle: FileSystemDirectoryHandle;
  try {
    handle = await picker({ mode: 'read' });
  } catch {
    return; // the person closed the picker
  }
  await openHandle(handle, performance.now());
}

/** True where showDirectoryPicker exists. */
export function hasFolderPicker(): boolean {
  return typeof (window as unknown as { showDirectoryPicker?: unknown }).showDirectoryPicker === 'function';
}

/** Opens files chosen with <input webkitdirectory> or dropped. */
export async function openFiles(files: { path: string; file: File }[], label: string, startedAt = performance.now()): Promise<void> {
  await openAndShow({ kind: 'files', label, files }, 'local', startedAt);
}

/** Opens the embedded demo repository. */
export async function openDemo(): Promise<void> {
  await openAndShow({ kind: 'demo' }, 'demo', performance.now());
}

/** Reopens a remembered folder; `ask` when called from a click (permission prompts need one). */
export async function reopenRecent(id: string, ask: boolean): Promise<'opened' | 'needs-permission' | 'unknown'> {
  const recent = useRecents.getState().recents.find((r) => r.id === id);
  if (!recent) return 'unknown';
  if (!(await ensurePermission(recent.handle, ask))) return 'needs-permission';
  await openHandle(recent.handle);
  return 'opened';
}

type EntryLike = {
  isFile: boolean;
  isDirectory: boolean;
  name: string;
  file?: (ok: (f: File) => void, err: (e: unknown) => void) => void;
  createReader?: () => { readEntries: (ok: (e: EntryLike[]) => void, err: (e: unknown) => void) => void };
};

async function walkEntry(entry: EntryLike, prefix: string, out: { path: string; file: File }[]): Promise<void> {
  const path = prefix ? `${prefix}/${entry.name}` : entry.name;
  if (entry.isFile && entry.file) {
    out.push({ path, file: await new Promise<File>((ok, err) => entry.file?.(ok, err)) });
    return;
  }
  if (!entry.isDirectory || !entry.createReader) return;
  const reader = entry.createReader();
  for (;;) {
    const batch = await new Promise<EntryLike[]>((ok, err) => reader.readEntries(ok, err));
    if (batch.length === 0) break;
    for (const e of batch) await walkEntry(e, path, out);
  }
}

/**
 * Handles a drop: a folder through getAsFileSystemHandle (Chromium) or webkitGetAsEntry
 * (Firefox, Safari), or loose files (single .pack/.idx/multi-pack-index). The items must be
 * read synchronously inside the drop event, so this takes them before awaiting anything.
 */
export async function openDrop(data: DataTransfer): Promise<void> {
  const startedAt = performance.now();
  const items = [...data.items].filter((i) => i.kind === 'file');
  const handles = items.map((i) => (i as DataTransferItem & { getAsFileSystemHandle?: () => Promise<FileSystemHandle | null> }).getAsFileSystemHandle?.());
  const entries = items.map((i) => (i as DataTransferItem & { webkitGetAsEntry?: () => EntryLike | null }).webkitGetAsEntry?.() ?? null);
  const files = [...data.files];
  if (handles.length === 1 && handles[0]) {
    const handle = await handles[0];
    if (handle && handle.kind === 'directory') {
      await openHandle(handle as FileSystemDirectoryHandle, startedAt);
      return;
    }
  }
  const dirEntry = entries.find((e) => e?.isDirectory);
  if (dirEntry) {
    const collected: { path: string; file: File }[] = [];
    await walkEntry(dirEntry, '', collected);
    await openFiles(collected, dirEntry.name, startedAt);
    return;
  }
  if (files.length > 0)
    await openFiles(
      files.map((f) => ({ path: f.name, file: f })),
      files.length === 1 ? files[0].name : `${files.length} files`,
      startedAt,
    );
}
