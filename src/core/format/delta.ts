import { fail, type ErrorPlace } from '../errors.ts';

/**
 * Git's delta format: two sizes, then instructions that build the target from the base.
 *
 * | bytes  | field                                                              |
 * |--------|--------------------------------------------------------------------|
 * | varint | base size   (7 bits a byte, little-endian, MSB = more)             |
 * | varint | target size                                                        |
 * | 1      | instruction: MSB set = copy, else insert of (byte & 0x7f) bytes     |
 *
 * A copy instruction: bits 0-3 say which of 4 offset bytes follow, bits 4-6 which of 3 size
 * bytes follow (little-endian); a size of 0 means 0x10000. An insert of 0 bytes is reserved.
 */

/** The two sizes at the start of a delta, and where the instructions begin. */
export interface DeltaHeader {
  baseSize: number;
  targetSize: number;
  instructionsAt: number;
}

function varint(delta: Uint8Array, pos: number, place: ErrorPlace): [number, number] {
  let value = 0;
  let scale = 1;
  let c: number;
  do {
    if (pos >= delta.length) fail('CorruptObject', 'delta header ends early', place);
    c = delta[pos++];
    value += (c & 0x7f) * scale;
    scale *= 128;
    if (scale > 2 ** 56) fail('CorruptObject', 'delta size does not fit in 53 bits', place);
  } while (c & 0x80);
  return [value, pos];
}

/** Reads the base and target sizes. `delta` may be just the first bytes of the delta data. */
export function readDeltaHeader(delta: Uint8Array, place: ErrorPlace = {}): DeltaHeader {
  const [baseSize, p1] = varint(delta, 0, place);
  const [targetSize, p2] = varint(delta, p1, place);
  return { baseSize, targetSize, instructionsAt: p2 };
}

/** The base offset and length of the copy instruction `readCopy` read last. */
export let copyOffset = 0;
export let copyLength = 0;

/**
 * Reads the operand bytes of copy instruction `cmd` (MSB set) at `pos`: sets copyOffset and
 * copyLength, returns the position after them (which may pass the delta's end: the caller checks).
 * Module variables rather than a returned object: this runs once per instruction of every delta.
 */
export function readCopy(delta: Uint8Array, pos: number, cmd: number): number {
  let offset = 0;
  let length = 0;
  if (cmd & 0x01) offset = delta[pos++];
  if (cmd & 0x02) offset |= delta[pos++] << 8;
  if (cmd & 0x04) offset |= delta[pos++] << 16;
  if (cmd & 0x08) offset += delta[pos++] * 0x1000000;
  if (cmd & 0x10) length = delta[pos++];
  if (cmd & 0x20) length |= delta[pos++] << 8;
  if (cmd & 0x40) length |= delta[pos++] << 16;
  copyOffset = offset;
  copyLength = length === 0 ? 0x10000 : length;
  return pos;
}

/** One decoded instruction, for the delta-chain view. */
export type DeltaInstruction = { op: 'copy'; at: number; baseOffset: number; length: number } | { op: 'insert'; at: number; length: number };

/**
 * Applies a delta to its base. Every copy is checked against the base, every insert against the
 * delta, and the result must be exactly the declared target size. With `into` (at least the
 * target size, not overlapping the base) the result is written there and a view of it returned:
 * no allocation, for results that are parsed and dropped.
 */
export function applyDelta(base: Uint8Array, delta: Uint8Array, place: ErrorPlace = {}, into?: Uint8Array): Uint8Array {
  const header = readDeltaHeader(delta, place);
  if (header.baseSize !== base.length) {
    fail('CorruptObject', `delta expects a base of ${header.baseSize} bytes, the base has ${base.length}`, place);
  }
  const targetSize = header.targetSize;
  const out = into !== undefined && into.length >= targetSize ? into.subarray(0, targetSize) : new Uint8Array(targetSize);
  let pos = header.instructionsAt;
  let outPos = 0;
  const end = delta.length;
  while (pos < end) {
    const cmd = delta[pos++];
    if (cmd & 0x80) {
      pos = readCopy(delta, pos, cmd);
      const offset = copyOffset;
      const length = copyLength;
      if (pos > end) fail('CorruptObject', 'delta copy instruction is cut off', place);
      if (offset + length > base.length || outPos + length > targetSize) {
        fail('CorruptObject', `delta copies [${offset}, ${offset + length}) from a base of ${base.length} bytes into a target of ${targetSize}`, place);
      }
      if (length < 16) {
        for (let i = 0; i < length; i++) out[outPos + i] = base[offset + i];
      } else {
        out.set(base.subarray(offset, offset + length), outPos);
      }
      outPos += length;
    } else if (cmd !== 0) {
      if (pos + cmd > end || outPos + cmd > targetSize) {
        fail('CorruptObject', `delta inserts ${cmd} bytes past the end of the delta or the target`, place);
      }
      if (cmd < 16) {
        for (let i = 0; i < cmd; i++) out[outPos + i] = delta[pos + i];
      } else {
        out.set(delta.subarray(pos, pos + cmd), outPos);
      }
      pos += cmd;
      outPos += cmd;
    } else {
      fail('CorruptObject', 'delta holds the reserved instruction 0', place);
    }
  }
  if (outPos !== targetSize) fail('CorruptObject', `delta produced ${outPos} bytes, it declares ${targetSize}`, place);
  return out;
}

/** Lists a delta's instructions (for the delta-chain view); validates as applyDelta does. */
export function listDeltaInstructions(delta: Uint8Array, place: ErrorPlace = {}): DeltaInstruction[] {
  const header = readDeltaHeader(delta, place);
  const list: DeltaInstruction[] = [];
  let pos = header.instructionsAt;
  let outPos = 0;
  while (pos < delta.length) {
    const cmd = delta[pos++];
    if (cmd & 0x80) {
      pos = readCopy(delta, pos, cmd);
      const offset = copyOffset;
      const length = copyLength;
      list.push({ op: 'copy', at: outPos, baseOffset: offset, length });
      outPos += length;
    } else if (cmd !== 0) {
      list.push({ op: 'insert', at: outPos, length: cmd });
      pos += cmd;
      outPos += cmd;
    } else {
      fail('CorruptObject', 'delta holds the reserved instruction 0', place);
    }
  }
  return list;
}
