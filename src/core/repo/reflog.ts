import { PackscopeError } from '../errors.ts';
import type { HashAlgo } from '../hash/algo.ts';
import type { FileEntry } from './discover.ts';

/**
 * Reflogs (`logs/HEAD`, `logs/refs/...`): one line per ref update. git fsck counts every id a
 * reflog names as reachable unless `--no-reflogs` is given, which is how an amended or
 * reset-away commit stays "reachable" for a while. An examiner wants them both ways: as roots
 * (what git would keep) and as evidence (what a ref used to point at).
 *
 *   <old-id> SP <new-id> SP <name> SP <<email>> SP <unix time> SP <zone> [TAB <message>] LF
 *
 * The all-zero id stands for "no object" (a ref created or deleted) and names nothing.
 */

/** One reflog, with the ids its lines name (old and new, in file order, zero ids left out). */
export interface Reflog {
  /** The ref's name: `HEAD`, `refs/heads/main`. */
  ref: string;
  /** The file it was read from (relative to the opened folder). */
  file: string;
  oids: string[];
  /** Lines that do not parse (a damaged reflog): 1-based line numbers. */
  badLines: number[];
}

/** Parses one reflog file. */
export function parseReflog(file: FileEntry, ref: string, algo: HashAlgo): Reflog {
  const size = file.source.size;
  if (size > 256 << 20) throw new PackscopeError('TooLarge', `reflog of ${size} bytes; packscope reads reflogs up to 256 MiB`, { file: file.path });
  const text = new TextDecoder('latin1').decode(file.source.read(0, size));
  const zero = '0'.repeat(algo.hexSize);
  const id = `[0-9a-f]{${algo.hexSize}}`;
  const line = new RegExp(`^(${id}) (${id}) `);
  const oids: string[] = [];
  const badLines: number[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] === '') continue;
    const m = line.exec(lines[i]);
    if (!m) {
      badLines.push(i + 1);
      continue;
    }
    if (m[1] !== zero) oids.push(m[1]);
    if (m[2] !== zero) oids.push(m[2]);
  }
  return { ref, file: file.path, oids, badLines };
}

/** Every reflog of the repository; `gitDir` is the prefix of the paths ('' when the root is the git dir). */
export function readReflogs(files: FileEntry[], gitDir: string, algo: HashAlgo): { reflogs: Reflog[]; problems: PackscopeError[] } {
  const prefix = `${gitDir === '' ? '' : `${gitDir}/`}logs/`;
  const reflogs: Reflog[] = [];
  const problems: PackscopeError[] = [];
  for (const f of files) {
    if (!f.path.startsWith(prefix)) continue;
    try {
      reflogs.push(parseReflog(f, f.path.slice(prefix.length), algo));
    } catch (err) {
      problems.push(err instanceof PackscopeError ? err : new PackscopeError('Io', String(err), { file: f.path }));
    }
  }
  reflogs.sort((a, b) => (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0));
  return { reflogs, problems };
}
