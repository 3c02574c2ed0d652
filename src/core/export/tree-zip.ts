import { toHex } from '../hash/hex.ts';
import type { TreeEntry } from '../objects/tree.ts';
import type { ObjectDatabase } from '../odb/database.ts';
import { entryKind, leftOutName, type ExportProblem, type TreeExportPlan } from './tree-plan.ts';
import { GitZipWriter } from './zip-writer.ts';

/**
 * Writes a measured tree (see tree-plan.ts) as a zip archive with the entries, order and
 * attributes of `git archive --format=zip`: depth first in tree order, each folder as
 * `name/` before its contents, submodules (gitlinks) as empty folders, links stored with
 * their target as content. Iterative, so nesting depth never touches the call stack. Objects
 * that cannot be read are left out and listed; every readable file is still written.
 */

/** Options of one archive. */
export interface TreeZipOptions {
  /** Unix seconds on every entry: the commit's committer time, or now for a bare tree. */
  mtime: number;
  /** The archive comment: git writes the commit id when the tree came from a commit. */
  comment?: string;
  /** Awaited between slices of work (the worker yields and checks cancellation there). */
  pause?: () => Promise<void>;
  /** Entries written so far, of the plan's total. */
  onProgress?: (written: number, total: number) => void;
}

/** A written archive and what went into it. */
export interface TreeZip {
  /** The archive, in blocks that each own their buffer (transferable, never concatenated). */
  blocks: Uint8Array[];
  bytes: number;
  files: number;
  directories: number;
  symlinks: number;
  submodules: number;
  /** Sum of the file contents, uncompressed. */
  contentBytes: number;
  /** Objects left out, and why. */
  problems: ExportProblem[];
}

interface Frame {
  entries: TreeEntry[];
  next: number;
  prefix: Uint8Array;
  /** Names met so far in this tree (hex): a repeat is left out, as the plan did. */
  seen: Set<string>;
  shownPrefix: string;
}

const SLICE_MS = 12;
const SLASH = 0x2f;
const utf8 = new TextDecoder('utf-8');

function join(prefix: Uint8Array, name: Uint8Array, slash: boolean): Uint8Array {
  const out = new Uint8Array(prefix.length + name.length + (slash ? 1 : 0));
  out.set(prefix, 0);
  out.set(name, prefix.length);
  if (slash) out[out.length - 1] = SLASH;
  return out;
}

/** Writes the planned tree as a zip archive. */
export async function writeTreeZip(db: ObjectDatabase, plan: TreeExportPlan, options: TreeZipOptions): Promise<TreeZip> {
  const writer = new GitZipWriter(options.mtime);
  const problems = [...plan.problems];
  const result = { files: 0, directories: 0, symlinks: 0, submodules: 0, contentBytes: 0 };
  const rootEntries = plan.trees.get(toHex(plan.root)) ?? [];
  const stack: Frame[] = [{ entries: rootEntries, next: 0, prefix: new Uint8Array(0), shownPrefix: '', seen: new Set() }];
  let sliceStart = Date.now();
  const total = plan.totals.entries;

  while (stack.length > 0) {
    if (Date.now() - sliceStart > SLICE_MS) {
      options.onProgress?.(writer.count, total);
      if (options.pause) await options.pause();
      sliceStart = Date.now();
    }
    const frame = stack[stack.length - 1];
    if (frame.next === frame.entries.length) {
      stack.pop();
      continue;
    }
    const index = frame.next++;
    const entry = frame.entries[index];
    if (leftOutName(frame.entries, index, frame.seen)) continue; // listed by the plan
    const hex = toHex(entry.oid);
    const kind = entryKind(entry.mode);
    const shown = frame.shownPrefix + utf8.decode(entry.name);
    if (kind === 'gitlink') {
      writer.addDirectory(join(frame.prefix, entry.name, true));
      result.submodules++;
      continue;
    }
    if (kind === 'dir') {
      const entries = plan.trees.get(hex);
      if (!entries) continue; // unreadable: listed by the plan
      const prefix = join(frame.prefix, entry.name, true);
      writer.addDirectory(prefix);
      result.directories++;
      stack.push({ entries, next: 0, prefix, shownPrefix: `${shown}/`, seen: new Set() });
      continue;
    }
    if (!plan.blobSizes.has(hex)) continue; // missing or not a blob: listed by the plan
    let data: Uint8Array;
    try {
      data = db.read(entry.oid).data;
    } catch (err) {
      problems.push({ path: shown, oid: hex, message: err instanceof Error ? err.message : String(err) });
      continue;
    }
    const mode = kind === 'exec' ? 0o100755 : kind === 'symlink' ? 0o120000 : 0o100644;
    await writer.addFile(join(frame.prefix, entry.name, false), kind, mode, data, options.pause);
    if (kind === 'symlink') result.symlinks++;
    else result.files++;
    result.contentBytes += data.length;
  }
  options.onProgress?.(writer.count, total);
  // With entries left out, the archive's comment lists them (after the commit id), so whoever
  // unpacks it later learns what it does not hold; without, it stays git archive's.
  const blocks = writer.finish(problems.length === 0 ? options.comment : leftOutComment(options.comment, problems));
  return { blocks, bytes: blocks.reduce((s, b) => s + b.length, 0), ...result, problems };
}

/** The archive comment naming what was left out: at most ~60,000 bytes (a zip comment holds 65,535). */
export function leftOutComment(commit: string | undefined, problems: readonly ExportProblem[]): string {
  const encoder = new TextEncoder();
  let text = `${commit ? `${commit}\n` : ''}packscope left out ${problems.length} entr${problems.length === 1 ? 'y' : 'ies'}:\n`;
  let bytes = encoder.encode(text).length;
  for (let i = 0; i < problems.length; i++) {
    const line = `${JSON.stringify(problems[i].path)}: ${problems[i].message}\n`;
    const size = encoder.encode(line).length;
    if (bytes + size > 60_000) {
      text += `and ${problems.length - i} more\n`;
      break;
    }
    text += line;
    bytes += size;
  }
  return text;
}
