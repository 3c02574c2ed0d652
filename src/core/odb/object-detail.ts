import { PackscopeError, fail, toWire } from '../errors.ts';
import { parseOid, toHex } from '../hash/hex.ts';
import type { ChainStepInfo, ObjectDetail, ObjectRow } from '../objects/detail-types.ts';
import { describeContent } from '../objects/describe.ts';
import { indexTree } from '../objects/tree-index.ts';
import { PACK_OFS_DELTA, PACK_REF_DELTA, typeName } from '../objects/types.ts';
import type { ObjectDatabase, ObjectLocation } from './database.ts';
import { rememberTree } from './tree-listing.ts';

/** An object of the database as the object page and the objects list show it: place, chain, content. */

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
    // A tree is indexed once here and kept for the pages the view asks for next.
    const tree = obj.type === 'tree' ? rememberTree(db, oidHex, indexTree(obj.data, db.algo)) : undefined;
    detail.content = describeContent(obj.type, obj.data, db.algo, tree);
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
