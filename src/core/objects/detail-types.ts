import type { WireError } from '../errors.ts';
import type { ObjectType } from './types.ts';

/**
 * An object as the views show it: its place (pack entry or loose file), its delta chain, and its
 * content decoded and bounded (see DETAIL_LIMITS in describe.ts). Plain data, built by
 * core/objects/describe.ts and core/odb/object-detail.ts, sent by the worker as it is.
 */

/** A delta-chain step: the object itself first, its bases after. */
export interface ChainStepInfo {
  oid: string | undefined;
  offset: number;
  /** The entry's own type: an object type, or `ofs-delta` / `ref-delta`. */
  entryType: ObjectType | 'ofs-delta' | 'ref-delta';
  /** Declared size (for deltas, the delta data's size). */
  size: number;
  storedSize: number;
}

/** One row of the objects list. */
export interface ObjectRow {
  index: number;
  oid: string;
  type?: ObjectType;
  size?: number;
  storedSize?: number;
  /** Pack name, or `loose`. */
  pack?: string;
  offset?: number;
  depth?: number;
  error?: WireError;
}

/** A tree entry as the views show it. */
export interface TreeEntryInfo {
  mode: string;
  type: ObjectType;
  /** The name decoded for display (invalid UTF-8 shown with replacement characters). */
  name: string;
  /** The name as git prints it quoted, when it is not plain text. */
  quoted?: string;
  oid: string;
  /** Set when `name` (and `quoted`) hold only the start of a longer name: its length in bytes. */
  nameBytes?: number;
}

/** A header field of a commit or tag, cut for display when long. */
export interface HeaderInfo {
  key: string;
  value: string;
  /** Set when `value` holds only the start of the value: its length in bytes (continuation lines included). */
  valueBytes?: number;
}

/** The order of a tree's entries: as git stores them, or folders first then by name (Browse). */
export type TreeOrder = 'git' | 'browse';

/** A person line. */
export interface PersonInfo {
  name: string;
  email: string;
  time: number;
  zone: string;
  zoneMinutes: number;
}

/** Decoded content, by type. */
export type ObjectContent =
  | {
      kind: 'commit';
      tree: string;
      /** The first parents, in order (a hostile commit may have a million); `parentCount` counts them all. */
      parents: string[];
      parentCount: number;
      author: PersonInfo;
      committer: PersonInfo;
      encoding: string;
      /** The message, or its start when `messageBytes` is set. */
      message: string;
      /** Set when the message is cut: its length in bytes. */
      messageBytes?: number;
      /** The fields not shown in their own places (all but the first tree, author and committer and the parents), the first of them; `headerCount` counts them all. */
      headers: HeaderInfo[];
      headerCount: number;
    }
  | {
      kind: 'tag';
      object: string;
      targetType: ObjectType;
      name: string;
      tagger?: PersonInfo;
      message: string;
      /** Set when the message is cut: its length in bytes. */
      messageBytes?: number;
      /** The fields beyond the first object, type, tag and tagger, the first of them; `headerCount` counts them all. */
      headers: HeaderInfo[];
      headerCount: number;
    }
  /** The first entries in git's order; `total` counts them all (the rest come from `treeEntries`). */
  | { kind: 'tree'; entries: TreeEntryInfo[]; total: number }
  | {
      kind: 'blob';
      size: number;
      /** Text content when the blob is text (no NUL in the first 8000 bytes, valid enough UTF-8). */
      text?: string;
      /** Image type when the bytes are a PNG, JPEG, GIF, WebP, BMP, ICO or SVG. */
      image?: string;
      /** The first bytes, for the hex view of binary content. */
      head?: Uint8Array;
      /** True when text/head hold only the start of a larger blob. */
      truncated: boolean;
    };

/** Everything the object page shows. */
export interface ObjectDetail {
  oid: string;
  type: ObjectType;
  size: number;
  location:
    | { kind: 'packed'; pack: string; offset: number; storedSize: number; crc?: number; idxPosition: number; entryType: ChainStepInfo['entryType'] }
    | { kind: 'loose'; path: string; storedSize: number };
  chain: ChainStepInfo[];
  /** Undefined when the content could not be decoded; see `error`. */
  content?: ObjectContent;
  error?: WireError;
}
