import type { ErrorKind } from './errors.ts';

/**
 * What a check found, whichever check: a whole verification (core/verify), `git multi-pack-index
 * verify` (midx-verify.ts), a pack walk (pack-walk.ts) or a `.rev` compared with its idx
 * (format/rev.ts). Every finding names the file and, where there is one, the byte offset and the
 * object, so an examiner can go to the bytes. Findings are plain data: they cross the worker
 * boundary and go into the findings report as they are.
 */

/** How bad: `error` = data is wrong or unreadable; `warning` = suspicious but readable; `info` = noted. */
export type Severity = 'error' | 'warning' | 'info';

/** Which check produced a finding. */
export type CheckId =
  | 'open' // a file could not be opened or parsed at all
  | 'trailer' // a file's trailing checksum (idx, pack, midx, rev, bitmap, mtimes)
  | 'idx-pack-checksum' // the idx's copy of its pack's checksum vs the pack's trailer
  | 'count' // object counts that disagree (idx vs pack header vs entries walked, midx vs idx)
  | 'crc' // CRC32 of an entry's stored bytes vs the idx
  | 'oid' // an object's id recomputed from its content vs the id it is stored under
  | 'object' // an object that cannot be read (zlib, header, delta application)
  | 'delta' // delta bases out of range, missing, cyclic or too deep
  | 'midx' // the multi-pack-index vs the idx files (what `git multi-pack-index verify` checks)
  | 'cross-check' // the .pack walked entry by entry vs what the .idx, .rev and midx claim
  | 'loose' // a loose object file
  | 'refs'; // loose refs, packed-refs, HEAD and reflogs: parse, resolve, name objects that exist (refs-check.ts)

/** One finding. */
export interface Finding {
  severity: Severity;
  check: CheckId;
  kind: ErrorKind;
  /** Path relative to the opened folder. */
  file: string;
  offset?: number;
  /** The object concerned, when there is one (hex). */
  oid?: string;
  /** A sentence a person can act on. */
  message: string;
  /**
   * The damage this finding follows from, when it lies elsewhere: a delta whose chain reaches a
   * damaged base names that base's entry. One damaged base can make dozens of findings; views and
   * the report group them under it.
   */
  cause?: { file: string; offset: number };
  /** Set where git would die at this finding (`multi-pack-index verify`): nothing after it was checked. */
  fatal?: boolean;
  /** Why, when the message is git's own line and does not say (the error that kept an .idx from loading). */
  reason?: string;
  /** A `.rev` entry that disagrees with the order the idx's offsets give: its pack-order index, the idx position expected and the one stored (absent past either end). */
  revEntry?: { index: number; expected?: number; found?: number };
}
