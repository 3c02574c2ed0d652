import type { ByteSource } from '../bytes/source.ts';
import { PackscopeError } from '../errors.ts';

/**
 * Finding the object store inside whatever folder a person opened: a working tree, a `.git`
 * folder, an `objects` folder or a pack folder. The host (Node fs, the File System Access API,
 * a file input) lists directories and opens files; this module decides which paths matter.
 */

/** One entry of a directory listing. */
export interface DirEntry {
  name: string;
  kind: 'file' | 'directory';
}

/** An opened file: its bytes and its modification time (packs are searched newest first). */
export interface FileEntry {
  /** Path relative to the opened folder, `/`-separated. */
  path: string;
  source: ByteSource;
  mtimeMs: number;
}

/** What a host provides: listing and opening by `/`-separated path relative to the root ('' = root). */
export interface DirectoryReader {
  /** The entries of a directory, or undefined when it does not exist. */
  list(path: string): Promise<DirEntry[] | undefined>;
  /** Opens a file. */
  open(path: string): Promise<FileEntry>;
}

/** What kind of folder was opened. */
export type RootKind = 'worktree' | 'gitdir' | 'objects' | 'pack';

/** Every file the object database needs, opened. */
export interface RepositoryFiles {
  rootKind: RootKind;
  /** The git directory ('' if it is the root), when known. */
  gitDir: string | undefined;
  /** The objects directory, when known. */
  objectsDir: string | undefined;
  /** The pack directory. */
  packDir: string;
  /** Every file directly inside the pack directory. */
  packDirFiles: FileEntry[];
  /** Files inside `multi-pack-index.d/`. */
  midxChainFiles: FileEntry[];
  /** `objects/info/commit-graph` and the files of `objects/info/commit-graphs/` (split chains), when present. */
  commitGraphFiles?: FileEntry[];
  /** Loose object files. */
  looseObjects: FileEntry[];
  /** HEAD, packed-refs and every file under refs/. */
  refFiles: FileEntry[];
  /** The repository config, when present. */
  config: FileEntry | undefined;
  /** The staging index (`<gitdir>/index`), when present: git fsck counts its entries as reachable. */
  index?: FileEntry;
  /** Every file under `<gitdir>/logs/` (reflogs): git fsck counts the ids they name as reachable. */
  reflogFiles?: FileEntry[];
  /** Things that could not be listed or opened; the rest still loads. */
  problems: PackscopeError[];
}

function join(a: string, b: string): string {
  return a === '' ? b : `${a}/${b}`;
}

const HEX2 = /^[0-9a-f]{2}$/;
const LOOSE_NAME = /^([0-9a-f]{38}|[0-9a-f]{62})$/;
const PACK_FILE = /\.(pack|idx|rev|bitmap|keep|promisor|mtimes)$|^multi-pack-index$/;

function has(entries: DirEntry[], name: string, kind: DirEntry['kind']): boolean {
  return entries.some((e) => e.name === name && e.kind === kind);
}

/** Locates the object store below `reader`'s root and opens its files. */
export async function discoverRepository(reader: DirectoryReader): Promise<RepositoryFiles> {
  const problems: PackscopeError[] = [];
  const root = await reader.list('');
  if (!root) throw new PackscopeError('Io', 'the folder cannot be listed', { file: '.' });

  let rootKind: RootKind;
  let gitDir: string | undefined;
  let objectsDir: string | undefined;
  let packDir: string;
  if (has(root, '.git', 'directory')) {
    rootKind = 'worktree';
    gitDir = '.git';
  } else if (has(root, 'objects', 'directory') && (has(root, 'HEAD', 'file') || has(root, 'refs', 'directory'))) {
    rootKind = 'gitdir';
    gitDir = '';
  } else if (has(root, 'pack', 'directory') && !root.some((e) => e.kind === 'file' && PACK_FILE.test(e.name))) {
    rootKind = 'objects';
  } else if (root.some((e) => e.kind === 'file' && PACK_FILE.test(e.name)) || has(root, 'multi-pack-index.d', 'directory')) {
    rootKind = 'pack';
  } else if (has(root, 'objects', 'directory')) {
    rootKind = 'gitdir';
    gitDir = '';
  } else {
    throw new PackscopeError('NotFound', 'no git object store here: expected a working tree with .git, a .git folder, an objects folder, or a folder of .pack/.idx files', { file: '.' });
  }
  if (gitDir !== undefined) objectsDir = join(gitDir, 'objects');
  else if (rootKind === 'objects') objectsDir = '';
  packDir = objectsDir !== undefined ? join(objectsDir, 'pack') : '';

  const open = async (path: string): Promise<FileEntry | undefined> => {
    try {
      return await reader.open(path);
    } catch (err) {
      problems.push(err instanceof PackscopeError ? err : new PackscopeError('Io', `cannot open: ${err instanceof Error ? err.message : String(err)}`, { file: path }));
      return undefined;
    }
  };
  const openAll = async (paths: string[]): Promise<FileEntry[]> => (await Promise.all(paths.map(open))).filter((f): f is FileEntry => f !== undefined);

  const packEntries = (await reader.list(packDir)) ?? [];
  const packDirFiles = await openAll(packEntries.filter((e) => e.kind === 'file' && PACK_FILE.test(e.name)).map((e) => join(packDir, e.name)));
  const chainDir = join(packDir, 'multi-pack-index.d');
  const chainEntries = has(packEntries, 'multi-pack-index.d', 'directory') ? ((await reader.list(chainDir)) ?? []) : [];
  const midxChainFiles = await openAll(chainEntries.filter((e) => e.kind === 'file').map((e) => join(chainDir, e.name)));

  const loosePaths: string[] = [];
  if (objectsDir !== undefined) {
    const objectEntries = (await reader.list(objectsDir)) ?? [];
    const fanDirs = objectEntries.filter((e) => e.kind === 'directory' && HEX2.test(e.name));
    const listings = await Promise.all(fanDirs.map((d) => reader.list(join(objectsDir as string, d.name))));
    fanDirs.forEach((d, i) => {
      for (const e of listings[i] ?? []) {
        if (e.kind === 'file' && LOOSE_NAME.test(e.name)) loosePaths.push(join(join(objectsDir as string, d.name), e.name));
      }
    });
  }
  const looseObjects = await openAll(loosePaths);

  const commitGraphPaths: string[] = [];
  if (objectsDir !== undefined) {
    const infoDir = join(objectsDir, 'info');
    const infoEntries = (await reader.list(infoDir)) ?? [];
    if (has(infoEntries, 'commit-graph', 'file')) commitGraphPaths.push(join(infoDir, 'commit-graph'));
    if (has(infoEntries, 'commit-graphs', 'directory')) {
      const graphsDir = join(infoDir, 'commit-graphs');
      for (const e of (await reader.list(graphsDir)) ?? []) if (e.kind === 'file') commitGraphPaths.push(join(graphsDir, e.name));
    }
  }
  const commitGraphFiles = await openAll(commitGraphPaths);

  const refPaths: string[] = [];
  const reflogPaths: string[] = [];
  let config: FileEntry | undefined;
  let index: FileEntry | undefined;
  if (gitDir !== undefined) {
    const gitEntries = (await reader.list(gitDir)) ?? [];
    for (const name of ['HEAD', 'packed-refs']) if (has(gitEntries, name, 'file')) refPaths.push(join(gitDir, name));
    if (has(gitEntries, 'config', 'file')) config = await open(join(gitDir, 'config'));
    if (has(gitEntries, 'index', 'file')) index = await open(join(gitDir, 'index'));
    const walk = async (dir: string): Promise<void> => {
      const entries = (await reader.list(dir)) ?? [];
      for (const e of entries) {
        if (e.kind === 'directory') await walk(join(dir, e.name));
        else refPaths.push(join(dir, e.name));
      }
    };
    if (has(gitEntries, 'refs', 'directory')) await walk(join(gitDir, 'refs'));
    if (has(gitEntries, 'logs', 'directory')) {
      const before = refPaths.length;
      await walk(join(gitDir, 'logs'));
      reflogPaths.push(...refPaths.splice(before));
    }
  }
  const refFiles = await openAll(refPaths);
  const reflogFiles = await openAll(reflogPaths);

  return {
    rootKind,
    gitDir,
    objectsDir,
    packDir,
    packDirFiles,
    midxChainFiles,
    ...(commitGraphFiles.length > 0 ? { commitGraphFiles } : {}),
    looseObjects,
    refFiles,
    config,
    ...(index ? { index } : {}),
    ...(reflogFiles.length > 0 ? { reflogFiles } : {}),
    problems,
  };
}

/** Builds RepositoryFiles from a flat list of files (dropped single files, tests). */
export function filesFromList(files: FileEntry[]): RepositoryFiles {
  return {
    rootKind: 'pack',
    gitDir: undefined,
    objectsDir: undefined,
    packDir: '',
    packDirFiles: files.filter((f) => PACK_FILE.test(f.path.replace(/^.*\//, ''))),
    midxChainFiles: files.filter((f) => f.path.includes('multi-pack-index.d/')),
    looseObjects: [],
    refFiles: [],
    config: undefined,
    problems: [],
  };
}
