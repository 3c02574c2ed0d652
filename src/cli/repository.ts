import { statSync, type Stats } from 'node:fs';
import { basename, dirname } from 'node:path';
import { PackscopeError } from '../core/errors.ts';
import { ObjectDatabase } from '../core/odb/database.ts';
import { filesFromList } from '../core/repo/discover.ts';
import { readRefs, type RefMap } from '../core/repo/refs.ts';
import { discover, nodeInflater, openFileEntry } from './node-host.ts';

/** An opened repository: the database and its refs. */
export interface CliRepository {
  db: ObjectDatabase;
  refs: RefMap;
}

/** Opens `<path>` (a working tree, .git, objects or pack folder, or a single idx/pack file). */
export async function openRepository(path: string, options: { deltaBaseCacheBytes?: number } = {}): Promise<CliRepository> {
  let stat: Stats;
  try {
    stat = statSync(path);
  } catch {
    throw new PackscopeError('NotFound', 'no such file or folder', { file: path });
  }
  const files = stat.isDirectory() ? await discover(path) : filesFromList([openFileEntry(dirname(path), path)].concat(siblings(path)));
  const db = new ObjectDatabase(files, { inflater: nodeInflater, ...options });
  const refs = files.gitDir !== undefined ? readRefs(files.refFiles, files.gitDir) : new Map();
  return { db, refs };
}

function siblings(path: string): ReturnType<typeof openFileEntry>[] {
  const base = basename(path).replace(/\.(idx|pack)$/, '');
  const dir = dirname(path);
  const out = [];
  for (const ext of ['.idx', '.pack']) {
    const p = `${dir}/${base}${ext}`;
    if (p === path) continue;
    // Absent: the pair is incomplete and the database reports it. Present but not a regular
    // file (a FIFO planted as the .pack): openFileEntry refuses it, and that is the answer.
    if (statSync(p, { throwIfNoEntry: false }) === undefined) continue;
    out.push(openFileEntry(dir, p));
  }
  return out;
}
