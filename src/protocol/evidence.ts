import type { ObjectExportForm } from '../core/export/object-export.ts';
import type { ExportLimits, ExportProblem, ExportRefusal } from '../core/export/tree-plan.ts';
import type { ObjectType } from '../core/objects/types.ts';

/**
 * Requests of the evidence part of the forensics tools: exporting objects and trees as files
 * the person saves. Nothing is written into the opened folder; the page offers the bytes as
 * a download. Plain data; see messages.ts for the rules. Byte arrays travel as transferables.
 */

export type { ExportLimits, ExportProblem, ExportRefusal, ObjectExportForm };

/** One object in the chosen form, with the file name to offer. */
export interface ExportedObjectResult {
  bytes: Uint8Array;
  name: string;
  type: ObjectType;
  /** The object's content size (not the exported bytes' size). */
  size: number;
}

/** A tree written as a zip archive. */
export interface TreeZipDone {
  kind: 'zip';
  /** The archive in blocks (each its own buffer); the page joins them into one Blob. */
  blocks: Uint8Array[];
  /** The file name to offer: `<repo>-<short id>[-<path>].zip`. */
  name: string;
  bytes: number;
  /** The commit the tree was taken from, when it was named through one. */
  commit?: string;
  tree: string;
  /** Unix seconds stamped on every entry (commit time, or the export time for a bare tree). */
  mtime: number;
  files: number;
  directories: number;
  symlinks: number;
  submodules: number;
  contentBytes: number;
  /** Objects left out (unreadable, missing, wrong type, unsafe name), each with its reason. */
  problems: ExportProblem[];
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

export interface EvidenceRequests {
  /** An object as a loose-object file, its `<type> <size>\0` bytes, its content, or cat-file -p text. */
  exportObject: [{ oid: string; form: ObjectExportForm; fileName?: string }, ExportedObjectResult];
  /**
   * The tree a commit, tag or tree names (`rev`), or its sub-folder `path`, as a zip like
   * `git archive --format=zip`; measured first and refused when it expands past the limits.
   * Reports progress; cancellable.
   */
  exportTreeZip: [{ rev: string; path: string[]; limits?: Partial<ExportLimits> }, TreeZipAnswer];
}
