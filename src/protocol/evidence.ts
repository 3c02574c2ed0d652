import type { ObjectExportForm } from '../core/export/object-export.ts';
import type { ExportLimits, ExportProblem, ExportRefusal } from '../core/export/tree-plan.ts';
import type { ObjectType } from '../core/objects/types.ts';
import type { TreeZipAnswer } from '../core/export/archive.ts';

/**
 * Requests of the evidence part of the forensics tools: exporting objects and trees as files
 * the person saves. Nothing is written into the opened folder; the page offers the bytes as
 * a download. Plain data; see messages.ts for the rules. Byte arrays travel as transferables.
 */

export type { ExportLimits, ExportProblem, ExportRefusal, ObjectExportForm };
/** The tree export's answer lives in core (core/export/archive.ts). */
export type { TreeZipAnswer, TreeZipDone, TreeZipRefused } from '../core/export/archive.ts';

/** One object in the chosen form, with the file name to offer. */
export interface ExportedObjectResult {
  bytes: Uint8Array;
  name: string;
  type: ObjectType;
  /** The object's content size (not the exported bytes' size). */
  size: number;
}

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
