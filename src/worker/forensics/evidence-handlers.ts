import { exportObject } from '../../core/export/object-export.ts';
import type { EvidenceRequests } from '../../protocol/evidence.ts';
import type { Handlers } from '../../protocol/rpc.ts';
import { parseOid } from '../../core/hash/hex.ts';
import { current } from '../state.ts';
import { exportTreeZip } from '../../core/export/archive.ts';

/**
 * Evidence the person keeps: an object saved as a file (loose object, raw, content, cat-file
 * -p text) and a tree saved as a zip. The bytes go to the page as transferables; the page
 * offers them as downloads. Nothing is written into the opened folder.
 */
export const evidenceHandlers: Pick<Handlers, keyof EvidenceRequests> = {
  async exportObject({ oid, form, fileName }, ctx) {
    const s = current();
    const obj = s.db.read(parseOid(oid, s.db.algo));
    const exported = exportObject(oid.toLowerCase(), obj, form, s.db.algo, fileName);
    // The content form may share the database's buffers; send a copy the page can own.
    const bytes = exported.bytes.slice();
    ctx.transfer(bytes.buffer);
    return { bytes, name: exported.name, type: obj.type, size: obj.data.length };
  },

  async exportTreeZip(args, ctx) {
    const s = current();
    const answer = await exportTreeZip(s.db, s.refs, s.title, args, ctx);
    if (answer.kind === 'zip') ctx.transfer(...answer.blocks.map((b) => b.buffer as ArrayBuffer));
    return answer;
  },
};
