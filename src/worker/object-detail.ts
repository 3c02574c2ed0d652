import { PackscopeError, fail, toWire } from '../core/errors.ts';
import { fromHex, isHex, toHex } from '../core/hash/hex.ts';
import type { HashAlgo } from '../core/hash/algo.ts';
import { parseCommit, type Signature } from '../core/objects/commit.ts';
import { quotePathBytes } from '../core/objects/quote.ts';
import { parseTag } from '../core/objects/tag.ts';
import { modeType, parseTree, type TreeEntry } from '../core/objects/tree.ts';
import { PACK_OFS_DELTA, PACK_REF_DELTA, typeName } from '../core/objects/types.ts';
import type { ObjectDatabase, ObjectLocation } from '../core/odb/database.ts';
import type { ChainStepInfo, ObjectContent, ObjectDetail, ObjectRow, PersonInfo, TreeEntryInfo } from '../protocol/messages.ts';

/** Turning decoded objects into the plain data the views show. */

/** Text shown inline on the object page; larger text blobs are fetched whole by the viewer. */
const INLINE_TEXT_BYTES = 1 << 20;
/** Bytes of a binary blob sent for the hex view. */
const HEX_HEAD_BYTES = 64 << 10;

/** Parses a full hex id for this repository, or fails with BadName. */
export function parseOid(hex: string, algo: HashAlgo): Uint8Array {
  if (hex.length !== algo.hexSize || !isHex(hex)) fail('BadName', `"${hex}" is not a full ${algo.name} object id`);
  return fromHex(hex.toLowerCase());
}

export function person(s: Signature): PersonInfo {
  return { name: s.name, email: s.email, time: s.time, zone: s.zone, zoneMinutes: s.zoneMinutes };
}

const utf8 = new TextDecoder('utf-8');

export function treeEntryInfo(e: TreeEntry): TreeEntryInfo {
  const quoted = quotePathBytes(e.name);
  const info: TreeEntryInfo = { mode: e.mode, type: modeType(e.mode), name: utf8.decode(e.name), oid: toHex(e.oid) };
  if (quoted !== e.name) info.quoted = new TextDecoder('latin1').decode(quoted);
  return info;
}

/** Sorted like a file browser: folders first, then by name. */
export function browseOrder(entries: TreeEntryInfo[]): TreeEntryInfo[] {
  return [...entries].sort((a, b) => (a.type === 'tree') === (b.type === 'tree') ? (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) : a.type === 'tree' ? -1 : 1);
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
export function describeContent(type: string, data: Uint8Array, algo: HashAlgo): ObjectContent {
  if (type === 'commit') {
    const c = parseCommit(data);
    return { kind: 'commit', tree: c.tree, parents: c.parents, author: person(c.author), committer: person(c.committer), encoding: c.encoding, message: c.message, headers: c.fields };
  }
  if (type === 'tag') {
    const t = parseTag(data);
    const content: ObjectContent = { kind: 'tag', object: t.object, targetType: t.type, name: t.name, message: t.message };
    if (t.tagger) content.tagger = person(t.tagger);
    return content;
  }
  if (type === 'tree') return { kind: 'tree', entries: parseTree(data, algo).map(treeEntryInfo) };
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

/** The delta chain of a packed object: itself first, then each base. */
export function chainOf(loc: ObjectLocation): ChainStepInfo[] {
  if (loc.kind !== 'packed') return [];
  const pack = loc.pack;
  return pack.deltaChain(loc.offset).map((step) => {
    const pos = pack.positionAtOffset(step.offset);
    const t = step.header.type;
    return {
      oid: pos >= 0 ? pack.idx.oidHexAt(pos) : undefined,
      offset: step.offset,
      entryType: t === PACK_OFS_DELTA ? 'ofs-delta' : t === PACK_REF_DELTA ? 'ref-delta' : typeName(t),
      size: step.header.size,
      storedSize: pack.entryEnd(step.offset) - step.offset,
    };
  });
}

/** Everything the object page shows. Content errors are reported in `error`, not thrown. */
export function objectDetail(db: ObjectDatabase, oidHex: string): ObjectDetail {
  const oid = parseOid(oidHex, db.algo);
  const loc = db.locate(oid) ?? fail('NotFound', `object ${oidHex} is not in this repository`);
  let location: ObjectDetail['location'];
  let chain: ChainStepInfo[] = [];
  let chainError: unknown;
  if (loc.kind === 'packed') {
    const pack = loc.pack;
    const header = pack.entryHeader(loc.offset);
    const pos = pack.positionAtOffset(loc.offset);
    const t = header.type;
    location = {
      kind: 'packed',
      pack: pack.name,
      offset: loc.offset,
      storedSize: pack.entryEnd(loc.offset) - loc.offset,
      idxPosition: pos,
      entryType: t === PACK_OFS_DELTA ? 'ofs-delta' : t === PACK_REF_DELTA ? 'ref-delta' : typeName(t),
    };
    const crc = pos >= 0 ? pack.idx.crcAt(pos) : undefined;
    if (crc !== undefined) location.crc = crc;
    try {
      chain = chainOf(loc);
    } catch (err) {
      chainError = err;
    }
  } else {
    location = { kind: 'loose', path: loc.file.path, storedSize: loc.file.source.size };
  }
  let info: { type: ObjectDetail['type']; size: number } | undefined;
  try {
    info = db.infoAt(loc);
  } catch (err) {
    chainError ??= err;
  }
  const detail: ObjectDetail = { oid: oidHex, type: info?.type ?? 'blob', size: info?.size ?? 0, location, chain };
  if (!info) {
    detail.error = toWire(chainError);
    return detail;
  }
  try {
    const obj = db.readAt(loc);
    detail.content = describeContent(obj.type, obj.data, db.algo);
  } catch (err) {
    detail.error = toWire(err);
  }
  if (chainError && !detail.error) detail.error = toWire(chainError);
  return detail;
}

/** One row of the objects list; a damaged object gives a row with its error. */
export function objectRow(db: ObjectDatabase, index: number, oid: Uint8Array, loc: ObjectLocation): ObjectRow {
  const row: ObjectRow = { index, oid: toHex(oid) };
  try {
    if (loc.kind === 'packed') {
      row.pack = loc.pack.name;
      row.offset = loc.offset;
      row.storedSize = loc.pack.entryEnd(loc.offset) - loc.offset;
      const info = loc.pack.objectInfo(loc.offset);
      row.type = info.type;
      row.size = info.size;
      row.depth = loc.pack.deltaDepth(loc.offset);
    } else {
      row.pack = 'loose';
      row.storedSize = loc.file.source.size;
      const info = db.infoAt(loc);
      row.type = info.type;
      row.size = info.size;
      row.depth = 0;
    }
  } catch (err) {
    row.error = toWire(err instanceof PackscopeError ? err : new PackscopeError('CorruptObject', String(err)));
  }
  return row;
}
