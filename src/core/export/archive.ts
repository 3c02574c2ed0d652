import { fail } from '../errors.ts';
import { planTreeExport, DEFAULT_EXPORT_LIMITS, type ExportLimits, type ExportRefusal } from './tree-plan.ts';
import { writeTreeZip, type TreeZip } from './tree-zip.ts';
import { fromHex, toHex } from '../hash/hex.ts';
import { parseCommit } from '../objects/commit.ts';
import { parseTag } from '../objects/tag.ts';
import { parseTree } from '../objects/tree.ts';
import type { ObjectDatabase } from '../odb/database.ts';
import type { RefMap } from '../repo/refs.ts';
import type { Pacing } from '../pacing.ts';
import { resolveToOid } from '../browse/browse.ts';

/**
 * A tree (or a sub-folder of it) as `git archive --format=zip` writes it: the tree a name leads
 * to, measured first (refused past the limits), then written, with progress and pauses through
 * the caller's Pacing.
 */

/** A tree written as a zip archive: the writer's blocks and counts, with where it came from. */
export interface TreeZipDone extends TreeZip {
  kind: 'zip';
  /** The file name to offer: `<repo>-<short id>[-<path>].zip`. */
  name: string;
  /** The commit the tree was taken from, when it was named through one. */
  commit?: string;
  tree: string;
  /** Unix seconds stamped on every entry (commit time, or the export time for a bare tree). */
  mtime: number;
  /** Milliseconds spent measuring, and writing. */
  planMs: number;
  writeMs: number;
}

/** An export refused before anything was written, because the tree expands too far. */
export interface TreeZipRefused {
  kind: 'refused';
  refusal: ExportRefusal;
  planMs: number;
}

/** The answer to exportTreeZip. */
export type TreeZipAnswer = TreeZipDone | TreeZipRefused;

/** The tree to archive, and the commit it came through (for the time stamp and comment). */
export interface ArchiveSource {
  tree: Uint8Array;
  commit?: { oid: string; time: number };
}

const utf8 = new TextDecoder('utf-8');

/**
 * Finds the tree `rev` names, as `git archive` does: tags are peeled, a commit gives its tree
 * and its committer time; then walks down `path` (names as the views show them).
 */
export function archiveSource(db: ObjectDatabase, refs: RefMap, rev: string, path: string[]): ArchiveSource {
  let oid = resolveToOid(db, refs, rev);
  let commit: ArchiveSource['commit'];
  let tree: Uint8Array | undefined;
  for (let hops = 0; hops < 100 && !tree; hops++) {
    const obj = db.read(oid);
    if (obj.type === 'tag') oid = fromHex(parseTag(obj.data).object);
    else if (obj.type === 'commit') {
      const c = parseCommit(obj.data);
      commit = { oid: toHex(oid), time: c.committer.time };
      tree = fromHex(c.tree);
    } else if (obj.type === 'tree') tree = oid;
    else fail('BadName', `${toHex(oid)} is a blob: there is no tree to archive (export it as a file instead)`);
  }
  if (!tree) return fail('BadName', `${rev} is a chain of more than 100 tags`);
  for (let i = 0; i < path.length; i++) {
    const obj = db.read(tree);
    if (obj.type !== 'tree') fail('CorruptObject', `${path.slice(0, i).join('/') || 'the root'} should be a tree but is a ${obj.type}`);
    const entry = parseTree(obj.data, db.algo).find((e) => utf8.decode(e.name) === path[i]);
    if (!entry) fail('NotFound', `${path.slice(0, i + 1).join('/')} does not exist in this tree`);
    if (entry.mode !== '40000' && entry.mode !== '040000') fail('NotFound', `${path.slice(0, i + 1).join('/')} is not a folder`);
    tree = entry.oid.slice();
  }
  return { tree, commit };
}

/** `<repo>-<short id>[-<path>].zip`, without characters a file name cannot hold. */
export function archiveName(title: string, source: ArchiveSource, path: string[]): string {
  const short = (source.commit?.oid ?? toHex(source.tree)).slice(0, 7);
  const parts = [title, short, ...(path.length ? [path.join('-')] : [])];
  const clean = parts
    .join('-')
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters cannot stand in a file name; they are replaced.
    .replace(/[\u0000-\u001f\\/:*?"<>|]+/g, '_')
    .trim();
  return `${clean || short}.zip`;
}

/** Measures, then writes, the tree as a zip archive; progress and pauses (the worker's cancellation) through `pacing`. */
export async function exportTreeZip(db: ObjectDatabase, refs: RefMap, title: string, args: { rev: string; path: string[]; limits?: Partial<ExportLimits> }, pacing: Pacing): Promise<TreeZipAnswer> {
  const source = archiveSource(db, refs, args.rev, args.path);
  const limits: ExportLimits = { ...DEFAULT_EXPORT_LIMITS, ...args.limits };
  const planStart = performance.now();
  const planned = await planTreeExport(db, source.tree, {
    limits,
    pause: () => pacing.pause(),
    onProgress: (trees) => pacing.progress(trees, 0, `Measuring the tree: ${trees.toLocaleString('en-US')} folders read`),
  });
  const planMs = Math.round(performance.now() - planStart);
  if (planned.kind === 'refused') return { kind: 'refused', refusal: planned.refusal, planMs };
  const writeStart = performance.now();
  // git archive: the commit's committer time; for a bare tree, the time of the export.
  const mtime = source.commit?.time ?? Math.floor(Date.now() / 1000);
  const zip = await writeTreeZip(db, planned.plan, {
    mtime,
    comment: source.commit?.oid,
    pause: () => pacing.pause(),
    onProgress: (written, total) => pacing.progress(written, total, 'Writing the zip'),
  });
  const writeMs = Math.round(performance.now() - writeStart);
  return {
    kind: 'zip',
    blocks: zip.blocks,
    name: archiveName(title, source, args.path),
    bytes: zip.bytes,
    ...(source.commit ? { commit: source.commit.oid } : {}),
    tree: toHex(source.tree),
    mtime,
    files: zip.files,
    directories: zip.directories,
    symlinks: zip.symlinks,
    submodules: zip.submodules,
    contentBytes: zip.contentBytes,
    problems: zip.problems,
    planMs,
    writeMs,
  };
}
