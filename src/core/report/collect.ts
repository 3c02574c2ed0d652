import type { DirectoryReader, FileEntry, RepositoryFiles } from '../repo/discover.ts';
import type { EvidenceSource } from './evidence.ts';

/**
 * Which files are evidence: every file the repository was read from (packs and their
 * companions, midx layers, loose objects, refs, config, the staging index), and every other
 * file under the git directory (logs, hooks, info, shallow, …), because an examiner hashes the
 * whole copy, not only the parts a tool understood. The working tree around a `.git` is not
 * evidence of the object store and is left out. Paths are unique and sorted.
 */

/** Limits of the walk, so a folder built to exhaust it cannot. */
export interface CollectLimits {
  /** Most files listed beyond the repository's own (default 200,000). */
  maxExtraFiles: number;
  /** Deepest folder followed (default 64). */
  maxDepth: number;
}

/** What was collected, and what could not be. */
export interface CollectedEvidence {
  files: EvidenceSource[];
  /** Paths that were listed but could not be opened, and walks cut short, as sentences. */
  skipped: string[];
}

const DEFAULT_LIMITS: CollectLimits = { maxExtraFiles: 200_000, maxDepth: 64 };

function join(a: string, b: string): string {
  return a === '' ? b : `${a}/${b}`;
}

/** The files the repository was opened from. */
export function repositoryFileEntries(files: RepositoryFiles): FileEntry[] {
  const out = [...files.packDirFiles, ...files.midxChainFiles, ...files.looseObjects, ...files.refFiles];
  if (files.config) out.push(files.config);
  if (files.index) out.push(files.index);
  return out;
}

/** Collects the evidence files; see the file comment. */
export async function collectEvidence(files: RepositoryFiles, reader: DirectoryReader, limits: Partial<CollectLimits> = {}): Promise<CollectedEvidence> {
  const { maxExtraFiles, maxDepth } = { ...DEFAULT_LIMITS, ...limits };
  const byPath = new Map<string, EvidenceSource>();
  for (const f of repositoryFileEntries(files)) byPath.set(f.path, { path: f.path, source: f.source, mtimeMs: f.mtimeMs });
  const skipped: string[] = [];

  // The git directory when there is one; otherwise the opened folder is the object store itself.
  const top = files.gitDir ?? (files.objectsDir !== undefined ? files.objectsDir : files.packDir);
  const stack: { dir: string; depth: number }[] = [{ dir: top, depth: 0 }];
  let extra = 0;
  while (stack.length > 0) {
    const { dir, depth } = stack.pop() as { dir: string; depth: number };
    const entries = await reader.list(dir);
    if (!entries) {
      skipped.push(`${dir || '.'}: the folder could not be listed`);
      continue;
    }
    for (const e of entries) {
      const path = join(dir, e.name);
      if (e.kind === 'directory') {
        if (depth + 1 > maxDepth) skipped.push(`${path}: deeper than ${maxDepth} folders, not listed`);
        else stack.push({ dir: path, depth: depth + 1 });
        continue;
      }
      if (byPath.has(path)) continue;
      if (extra >= maxExtraFiles) {
        skipped.push(`${path} and later files: more than ${maxExtraFiles} files besides the repository's own, not hashed`);
        stack.length = 0;
        break;
      }
      try {
        const opened = await reader.open(path);
        byPath.set(path, { path, source: opened.source, mtimeMs: opened.mtimeMs });
        extra++;
      } catch (err) {
        skipped.push(`${path}: could not be opened (${err instanceof Error ? err.message : String(err)})`);
      }
    }
  }
  const sorted = [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files: sorted, skipped };
}
