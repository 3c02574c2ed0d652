import { fail } from '../../errors.ts';
import type { FileEntry, RepositoryFiles } from '../../repo/discover.ts';
import type { FolderFile } from '../types.ts';

/**
 * The files of the opened folder that the session knows, each with the kind that decides how
 * the hex view annotates it. Names follow git's: `pack-<hash>.{pack,idx,rev,bitmap,mtimes,keep,
 * promisor}`, `multi-pack-index`, `multi-pack-index.d/multi-pack-index-chain` and its
 * `multi-pack-index-<hash>.midx` layers, `objects/xx/yyyy…` loose objects, refs, config.
 */

/** A known file with its kind. */
export interface KnownFile {
  entry: FileEntry;
  kind: FolderFile['kind'];
}

const BY_EXTENSION: Record<string, FolderFile['kind']> = {
  pack: 'pack',
  idx: 'idx',
  rev: 'rev',
  bitmap: 'bitmap',
  mtimes: 'mtimes',
  keep: 'keep',
  promisor: 'promisor',
  midx: 'midx',
};

/** The kind of a file of the pack folder (or of `multi-pack-index.d/`), from its name. */
export function packFolderKind(path: string): FolderFile['kind'] {
  const base = path.replace(/^.*\//, '');
  if (base === 'multi-pack-index') return 'midx';
  if (base === 'multi-pack-index-chain') return 'midx-chain';
  const ext = /\.([a-z]+)$/.exec(base)?.[1];
  return (ext !== undefined && BY_EXTENSION[ext]) || 'other';
}

const byPath = (a: KnownFile, b: KnownFile): number => (a.entry.path < b.entry.path ? -1 : a.entry.path > b.entry.path ? 1 : 0);

const listed = new WeakMap<RepositoryFiles, { all: KnownFile[]; byPath: Map<string, KnownFile> }>();

/** Every file the session opened: pack folder, midx chain, refs and config, then loose objects. */
export function knownFiles(files: RepositoryFiles): KnownFile[] {
  return listing(files).all;
}

function listing(files: RepositoryFiles): { all: KnownFile[]; byPath: Map<string, KnownFile> } {
  let l = listed.get(files);
  if (!l) {
    const all = collect(files);
    l = { all, byPath: new Map(all.map((f) => [f.entry.path, f])) };
    listed.set(files, l);
  }
  return l;
}

function collect(files: RepositoryFiles): KnownFile[] {
  const out: KnownFile[] = [];
  out.push(...files.packDirFiles.map((entry) => ({ entry, kind: packFolderKind(entry.path) })).sort(byPath));
  out.push(...files.midxChainFiles.map((entry) => ({ entry, kind: packFolderKind(entry.path) })).sort(byPath));
  const graphKind = (path: string): FolderFile['kind'] => (path.endsWith('/commit-graph-chain') ? 'commit-graph-chain' : 'commit-graph');
  out.push(...(files.commitGraphFiles ?? []).map((entry): KnownFile => ({ entry, kind: graphKind(entry.path) })).sort(byPath));
  const refs: KnownFile[] = files.refFiles.map((entry) => ({ entry, kind: 'ref' }));
  if (files.config) refs.push({ entry: files.config, kind: 'other' });
  if (files.index) refs.push({ entry: files.index, kind: 'other' });
  out.push(...refs.sort(byPath));
  out.push(...files.looseObjects.map((entry): KnownFile => ({ entry, kind: 'loose' })).sort(byPath));
  return out;
}

/** The listing the files view and the hex view's picker show. */
export function folderFileList(files: RepositoryFiles): FolderFile[] {
  return knownFiles(files).map((f) => ({ path: f.entry.path, size: f.entry.source.size, kind: f.kind }));
}

/**
 * The file named `path`: its exact path relative to the opened folder, or else a file name
 * that only one file has (`pack-….pack` in a link made without knowing the folder's layout).
 */
export function findFile(files: RepositoryFiles, path: string): KnownFile {
  const { all, byPath: exactly } = listing(files);
  const exact = exactly.get(path);
  if (exact) return exact;
  const base = path.replace(/^.*\//, '');
  const same = all.filter((f) => f.entry.path.replace(/^.*\//, '') === base);
  if (same.length === 1) return same[0];
  if (same.length > 1) fail('Ambiguous', `${same.length} files are named ${base}: ${same.map((f) => f.entry.path).join(', ')}`, { file: path });
  return fail('NotFound', 'no such file in the opened folder', { file: path });
}
