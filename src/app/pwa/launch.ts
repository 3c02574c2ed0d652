import { openFiles } from '../lib/open.ts';

/**
 * Files the operating system hands to the installed app ("Open with packscope" on a .pack, .idx,
 * .rev, .midx or .bitmap; the manifest's file_handlers). Chromium delivers them through
 * window.launchQueue as file handles; they open exactly as dropped files do. Elsewhere there is
 * no launchQueue and nothing happens.
 */

interface LaunchParams {
  readonly files?: readonly FileSystemHandle[];
}

interface LaunchQueue {
  setConsumer(consumer: (params: LaunchParams) => void): void;
}

/** Takes the files of launches (the first one and any later ones while open); false where the API is absent. */
export function consumeLaunchQueue(): boolean {
  const queue = (window as unknown as { launchQueue?: LaunchQueue }).launchQueue;
  if (!queue || typeof queue.setConsumer !== 'function') return false;
  queue.setConsumer((params) => void openLaunched(params.files ?? []));
  return true;
}

async function openLaunched(handles: readonly FileSystemHandle[]): Promise<void> {
  const startedAt = performance.now();
  const files: { path: string; file: File }[] = [];
  for (const handle of handles) {
    if (handle.kind !== 'file') continue;
    const file = await (handle as FileSystemFileHandle).getFile();
    files.push({ path: file.name, file });
  }
  // A launch without files is the app started from its icon: nothing to open.
  if (files.length === 0) return;
  await openFiles(files, files.length === 1 ? files[0].path : `${files.length} files`, startedAt);
}
