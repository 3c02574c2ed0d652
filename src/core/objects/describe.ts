import { fail } from '../errors.ts';
import { toHex } from '../hash/hex.ts';
import type { HashAlgo } from '../hash/algo.ts';
import { parseSignature, type Signature } from './commit.ts';
import type { HeaderInfo, ObjectContent, PersonInfo, TreeEntryInfo } from './detail-types.ts';
import { bytesAre, forEachHeaderField, utf8Boundary, type FieldRange } from './header-scan.ts';
import { quotePathBytes } from './quote.ts';
import { indexTree, treeEntryAt, type TreeIndex } from './tree-index.ts';
import { modeType, type TreeEntry } from './tree.ts';
import { parseTypeName } from './types.ts';

/** Turning decoded objects into the plain data the views show, bounded against hostile sizes. */

/** Text shown inline on the object page; larger text blobs are fetched whole by the viewer. */
const INLINE_TEXT_BYTES = 1 << 20;
/** Bytes of a binary blob sent for the hex view. */
const HEX_HEAD_BYTES = 64 << 10;

/**
 * What one answer carries of a commit, tag or tree, whatever the object holds (a hostile commit
 * may have a million parents, a tree millions of entries, a header or message megabytes): the
 * first items with counts, values cut with their sizes. The object page offers the raw object
 * (virtualized) for the rest, and tree entries come a page at a time (`treeEntries`).
 */
export const DETAIL_LIMITS = {
  parents: 100,
  headers: 50,
  /** An id-like value (tree, parent, object, type). */
  idBytes: 256,
  /** A header value (gpgsig, mergetag), a person line, a tag name. */
  valueBytes: 16 << 10,
  keyBytes: 256,
  messageBytes: 256 << 10,
  /** Tree entries in the object and browse answers; `treeEntries` pages hold at most `treePage`. */
  firstEntries: 200,
  treePage: 500,
  /** A tree entry's name (no file system takes more than 255 bytes for one). */
  nameBytes: 1024,
} as const;

/** A signature as the views show it. */
export function person(s: Signature): PersonInfo {
  return { name: s.name, email: s.email, time: s.time, zone: s.zone, zoneMinutes: s.zoneMinutes };
}

const utf8 = new TextDecoder('utf-8');

/** A tree entry for the views; a name longer than `DETAIL_LIMITS.nameBytes` is cut, with its length. */
export function treeEntryInfo(e: TreeEntry): TreeEntryInfo {
  const long = e.name.length > DETAIL_LIMITS.nameBytes;
  const name = long ? e.name.subarray(0, utf8Boundary(e.name, 0, DETAIL_LIMITS.nameBytes)) : e.name;
  const quoted = quotePathBytes(name);
  const info: TreeEntryInfo = { mode: e.mode, type: modeType(e.mode), name: utf8.decode(name), oid: toHex(e.oid) };
  if (quoted !== name) info.quoted = new TextDecoder('latin1').decode(quoted);
  if (long) info.nameBytes = e.name.length;
  return info;
}

/** Entries [start, start + count) of an indexed tree, in git's order or through `order`. */
export function treeEntriesAt(index: TreeIndex, order: Uint32Array | undefined, start: number, count: number): TreeEntryInfo[] {
  const from = Math.max(0, Math.floor(start));
  const end = Math.min(index.count, from + Math.max(0, Math.min(Math.floor(count), DETAIL_LIMITS.treePage)));
  const out: TreeEntryInfo[] = [];
  for (let i = from; i < end; i++) out.push(treeEntryInfo(treeEntryAt(index, order ? order[i] : i)));
  return out;
}

/** The bytes [start, end) decoded, at most `max` of them (cut at a UTF-8 boundary); `bytes` is set when cut. */
function decodeCut(data: Uint8Array, start: number, end: number, max: number, decoder: TextDecoder = utf8): { text: string; bytes?: number } {
  if (end - start <= max) return { text: decoder.decode(data.subarray(start, end)) };
  return { text: decoder.decode(data.subarray(start, utf8Boundary(data, start, start + max))), bytes: end - start };
}

/** A field's value as `parseHeaders` gives it (continuation lines joined by `\n`), cut at `max` bytes. */
function fieldValue(data: Uint8Array, f: FieldRange, max: number): { text: string; bytes?: number } {
  const v = decodeCut(data, f.valueStart, f.valueEnd, max);
  return v.text.includes('\n ') ? { ...v, text: v.text.replaceAll('\n ', '\n') } : v;
}

function headerInfo(data: Uint8Array, f: FieldRange): HeaderInfo {
  const key = decodeCut(data, f.keyStart, f.keyEnd, DETAIL_LIMITS.keyBytes);
  const value = fieldValue(data, f, DETAIL_LIMITS.valueBytes);
  const info: HeaderInfo = { key: key.bytes === undefined ? key.text : `${key.text}…`, value: value.text };
  if (value.bytes !== undefined) info.valueBytes = value.bytes;
  return info;
}

/** The message after the header, decoded in the object's encoding, cut at `DETAIL_LIMITS.messageBytes`. */
function messageOf(data: Uint8Array, start: number, encoding: string): { text: string; bytes?: number } {
  let decoder = utf8;
  try {
    decoder = new TextDecoder(encoding);
  } catch {
    // An encoding TextDecoder does not know: read as UTF-8, as parseHeaders does.
  }
  return decodeCut(data, Math.min(start, data.length), data.length, DETAIL_LIMITS.messageBytes, decoder);
}

type Commit = Extract<ObjectContent, { kind: 'commit' }>;
type Tag = Extract<ObjectContent, { kind: 'tag' }>;

/** A commit for the object page, bounded (see DETAIL_LIMITS); finds what parseCommit finds. */
export function describeCommit(data: Uint8Array): Commit {
  let tree: string | undefined;
  let author: Signature | undefined;
  let committer: Signature | undefined;
  let encoding: string | undefined;
  const parents: string[] = [];
  let parentCount = 0;
  const headers: HeaderInfo[] = [];
  let headerCount = 0;
  const messageStart = forEachHeaderField(data, 'commit', (f) => {
    const is = (word: string) => bytesAre(data, f.keyStart, f.keyEnd, word);
    if (is('parent')) {
      if (parents.length < DETAIL_LIMITS.parents) parents.push(fieldValue(data, f, DETAIL_LIMITS.idBytes).text);
      parentCount++;
      return;
    }
    if (tree === undefined && is('tree')) tree = fieldValue(data, f, DETAIL_LIMITS.idBytes).text;
    else if (author === undefined && is('author')) author = parseSignature(fieldValue(data, f, DETAIL_LIMITS.valueBytes).text);
    else if (committer === undefined && is('committer')) committer = parseSignature(fieldValue(data, f, DETAIL_LIMITS.valueBytes).text);
    else {
      if (encoding === undefined && is('encoding')) encoding = fieldValue(data, f, DETAIL_LIMITS.keyBytes).text;
      headerCount++;
      if (headers.length < DETAIL_LIMITS.headers) headers.push(headerInfo(data, f));
    }
  });
  if (!tree) fail('CorruptObject', 'commit has no tree line');
  const message = messageOf(data, messageStart, encoding ?? 'utf-8');
  const content: Commit = {
    kind: 'commit',
    tree,
    parents,
    parentCount,
    author: person(author ?? parseSignature('')),
    committer: person(committer ?? parseSignature('')),
    encoding: encoding ?? 'utf-8',
    message: message.text,
    headers,
    headerCount,
  };
  if (message.bytes !== undefined) content.messageBytes = message.bytes;
  return content;
}

/** An annotated tag for the object page, bounded (see DETAIL_LIMITS); finds what parseTag finds. */
export function describeTag(data: Uint8Array): Tag {
  let object: string | undefined;
  let type: string | undefined;
  let name: string | undefined;
  let tagger: Signature | undefined;
  let encoding: string | undefined;
  const headers: HeaderInfo[] = [];
  let headerCount = 0;
  const messageStart = forEachHeaderField(data, 'tag', (f) => {
    const is = (word: string) => bytesAre(data, f.keyStart, f.keyEnd, word);
    if (object === undefined && is('object')) object = fieldValue(data, f, DETAIL_LIMITS.idBytes).text;
    else if (type === undefined && is('type')) type = fieldValue(data, f, DETAIL_LIMITS.idBytes).text;
    else if (name === undefined && is('tag')) name = fieldValue(data, f, DETAIL_LIMITS.valueBytes).text;
    else if (tagger === undefined && is('tagger')) tagger = parseSignature(fieldValue(data, f, DETAIL_LIMITS.valueBytes).text);
    else {
      if (encoding === undefined && is('encoding')) encoding = fieldValue(data, f, DETAIL_LIMITS.keyBytes).text;
      headerCount++;
      if (headers.length < DETAIL_LIMITS.headers) headers.push(headerInfo(data, f));
    }
  });
  const targetType = parseTypeName(type ?? '');
  if (!object || !targetType) fail('CorruptObject', 'tag has no valid object or type line');
  const message = messageOf(data, messageStart, encoding ?? 'utf-8');
  const content: Tag = { kind: 'tag', object, targetType, name: name ?? '', message: message.text, headers, headerCount };
  if (tagger) content.tagger = person(tagger);
  if (message.bytes !== undefined) content.messageBytes = message.bytes;
  return content;
}

/** Magic numbers of the image formats the viewer shows as <img>. */
export function sniffImage(bytes: Uint8Array): string | undefined {
  const b = bytes;
  if (b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return 'image/png';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b.length >= 6 && b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x38) return 'image/gif';
  if (b.length >= 12 && b[0] === 0x52 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x46 && b[8] === 0x57 && b[9] === 0x45 && b[10] === 0x42 && b[11] === 0x50) return 'image/webp';
  if (b.length >= 2 && b[0] === 0x42 && b[1] === 0x4d) return 'image/bmp';
  if (b.length >= 4 && b[0] === 0 && b[1] === 0 && b[2] === 1 && b[3] === 0) return 'image/x-icon';
  const head = new TextDecoder('latin1').decode(b.subarray(0, 512)).trimStart();
  if (/^(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*(<!DOCTYPE svg[^>]*>\s*)?<svg[\s>]/i.test(head)) return 'image/svg+xml';
  return undefined;
}

/** git's rule: binary when a NUL occurs in the first 8000 bytes. */
export function looksBinary(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 8000);
  for (let i = 0; i < n; i++) if (bytes[i] === 0) return true;
  return false;
}

/** Decodes content for the views. */
export function describeContent(type: string, data: Uint8Array, algo: HashAlgo, tree?: TreeIndex): ObjectContent {
  if (type === 'commit') return describeCommit(data);
  if (type === 'tag') return describeTag(data);
  if (type === 'tree') {
    const index = tree ?? indexTree(data, algo);
    return { kind: 'tree', entries: treeEntriesAt(index, undefined, 0, DETAIL_LIMITS.firstEntries), total: index.count };
  }
  const image = sniffImage(data);
  const binary = looksBinary(data);
  const content: ObjectContent = { kind: 'blob', size: data.length, truncated: false };
  if (image) content.image = image;
  if (!binary && image !== 'image/png') {
    content.text = utf8.decode(data.subarray(0, INLINE_TEXT_BYTES));
    content.truncated = data.length > INLINE_TEXT_BYTES;
  } else {
    content.head = data.slice(0, HEX_HEAD_BYTES);
    content.truncated = data.length > HEX_HEAD_BYTES;
  }
  return content;
}
