import type { RepoSummary } from '../../../protocol/messages.ts';

/** Where each kind of opened folder keeps its packs, relative to the folder (as the engine finds them). */
const PACK_DIRS: Record<RepoSummary['rootKind'], string> = {
  worktree: '.git/objects/pack/',
  gitdir: 'objects/pack/',
  objects: 'pack/',
  pack: '',
};

/** The path of a pack's `.pack` (or another extension) inside the opened folder, for hex links. */
export function packFilePath(rootKind: RepoSummary['rootKind'] | undefined, packName: string, extension = 'pack'): string {
  return `${rootKind ? PACK_DIRS[rootKind] : ''}${packName}.${extension}`;
}

/** The last part of a path. */
export function baseName(path: string): string {
  return path.replace(/^.*\//, '');
}
