import { PackscopeError, fail, toWire } from '../../errors.ts';
import { listDeltaInstructions, readDeltaHeader } from '../../format/delta.ts';
import { toHex } from '../../hash/hex.ts';
import { PACK_OFS_DELTA, PACK_REF_DELTA, typeName } from '../../objects/types.ts';
import type { DeltaChainDetail, DeltaStepDetail } from '../types.ts';
import { parseOid } from '../../hash/hex.ts';
import type { OpenRepository } from '../../repo/open-repository.ts';

type Instruction = NonNullable<DeltaStepDetail['instructions']>[number];

/** Instructions listed over a whole chain at most (each step also honours the caller's cap). */
const MAX_LISTED = 50_000;

/**
 * A packed object's delta chain, walked from the object down to its full base (iteratively,
 * cycles and depth checked), each delta inflated and its instructions listed with the engine's
 * `listDeltaInstructions`. Totals count every instruction; the list stops at `maxInstructions`
 * a step. A step that cannot be read ends the walk: the steps read so far are returned with
 * the error. Each delta is also checked the way `applyDelta` checks it (copies inside the base,
 * the result exactly the declared size).
 */
export function deltaSteps(repo: OpenRepository, oidHex: string, maxInstructions: number): DeltaChainDetail {
  const db = repo.db;
  const oid = parseOid(oidHex, db.algo);
  const loc = db.locate(oid) ?? fail('NotFound', `object ${oidHex} is not in this repository`);
  if (loc.kind === 'loose') {
    const info = db.infoAt(loc);
    return { steps: [{ oid: oidHex, offset: 0, entryType: info.type, storedSize: loc.file.source.size, size: info.size }], storedIn: { kind: 'loose', file: loc.file.path } };
  }
  const pack = loc.pack;
  const file = pack.data.name;
  const perStep = Math.max(0, Math.min(Math.floor(maxInstructions) || 0, MAX_LISTED));
  let budget = MAX_LISTED;
  const steps: DeltaStepDetail[] = [];
  let error: PackscopeError | undefined;
  const visited = new Set<number>();
  let current = loc.offset;
  try {
    for (;;) {
      visited.add(current);
      const header = pack.entryHeader(current);
      const position = pack.positionAtOffset(current);
      const t = header.type;
      const isDelta = t === PACK_OFS_DELTA || t === PACK_REF_DELTA;
      const step: DeltaStepDetail = {
        offset: current,
        entryType: t === PACK_OFS_DELTA ? 'ofs-delta' : t === PACK_REF_DELTA ? 'ref-delta' : typeName(t),
        storedSize: pack.entryEnd(current) - current,
        size: header.size,
      };
      if (position >= 0) step.oid = pack.idx.oidHexAt(position);
      steps.push(step);
      if (!isDelta) break;

      const base = pack.baseOffsetOf(header);
      step.baseOffset = base;
      const basePosition = pack.positionAtOffset(base);
      if (header.baseOid) step.baseOid = toHex(header.baseOid);
      else if (basePosition >= 0) step.baseOid = pack.idx.oidHexAt(basePosition);

      const place = { file, offset: current };
      const delta = pack.inflateEntry(header);
      const sizes = readDeltaHeader(delta, place);
      step.baseSize = sizes.baseSize;
      step.resultSize = sizes.targetSize;
      const all = listDeltaInstructions(delta, place);
      let copied = 0;
      let inserted = 0;
      let produced = 0;
      for (const ins of all) {
        if (ins.op === 'copy') {
          copied += ins.length;
          if (ins.baseOffset + ins.length > sizes.baseSize && !error) {
            error = new PackscopeError('CorruptObject', `delta copies [${ins.baseOffset}, ${ins.baseOffset + ins.length}) from a base of ${sizes.baseSize} bytes`, place);
          }
        } else {
          inserted += ins.length;
        }
        produced += ins.length;
      }
      if (produced !== sizes.targetSize && !error) error = new PackscopeError('CorruptObject', `delta produces ${produced} bytes, it declares ${sizes.targetSize}`, place);
      step.copiedBytes = copied;
      step.insertedBytes = inserted;
      const listed = Math.min(all.length, perStep, budget);
      budget -= listed;
      step.instructions = all
        .slice(0, listed)
        .map((ins): Instruction => (ins.op === 'copy' ? { op: 'copy', at: ins.at, length: ins.length, baseOffset: ins.baseOffset } : { op: 'insert', at: ins.at, length: ins.length }));
      if (all.length > listed) step.moreInstructions = all.length - listed;

      if (visited.has(base)) fail('DeltaCycle', `delta chain from offset ${loc.offset} returns to offset ${base}`, place);
      if (steps.length > pack.ctx.maxDeltaDepth) fail('DeltaTooDeep', `delta chain from offset ${loc.offset} is longer than ${pack.ctx.maxDeltaDepth}`, { file, offset: loc.offset });
      current = base;
    }
  } catch (err) {
    error = err instanceof PackscopeError ? err : new PackscopeError('CorruptObject', err instanceof Error ? err.message : String(err), { file, offset: current });
  }
  const result: DeltaChainDetail = { steps: steps.reverse(), storedIn: { kind: 'pack', file } };
  if (error) result.error = toWire(error);
  return result;
}
