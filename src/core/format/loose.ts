import type { ByteSource } from '../bytes/source.ts';
import { PackscopeError, fail } from '../errors.ts';
import { InflateFailure, type Inflater } from '../inflate/inflater.ts';
import { parseTypeName, type GitObject, type ObjectType } from '../objects/types.ts';

/**
 * A loose object: `objects/ab/cdef…`, one zlib stream of
 *
 * | bytes   | field                                 |
 * |---------|---------------------------------------|
 * | ascii   | type name: commit, tree, blob, tag    |
 * | 1       | space                                 |
 * | ascii   | decimal size, no leading zeros        |
 * | 1       | NUL                                   |
 * | size    | content                               |
 */

/** Largest header `<type> <size>\0` (a 20-digit size is already absurd). */
const MAX_HEADER = 32;

function parseHeader(head: Uint8Array, file: string): { type: ObjectType; size: number; contentAt: number } {
  const nul = head.indexOf(0);
  if (nul < 0) fail('CorruptObject', 'loose object header has no NUL within 32 bytes', { file, offset: 0 });
  const text = new TextDecoder('latin1').decode(head.subarray(0, nul));
  const match = /^([a-z]+) (0|[1-9][0-9]*)$/.exec(text);
  if (!match) fail('CorruptObject', `loose object header "${text}" is not "<type> <size>"`, { file, offset: 0 });
  const type = parseTypeName(match[1]);
  if (!type) fail('CorruptObject', `loose object has unknown type "${match[1]}"`, { file, offset: 0 });
  const size = Number(match[2]);
  if (!Number.isSafeInteger(size)) fail('TooLarge', `loose object declares size ${match[2]}`, { file, offset: 0 });
  return { type, size, contentAt: nul + 1 };
}

function wrap(err: unknown, file: string): Error {
  if (err instanceof PackscopeError) return err;
  const reason = err instanceof InflateFailure ? err.reason : err instanceof Error ? err.message : String(err);
  return new PackscopeError('CorruptObject', reason, { file, offset: 0 });
}

/** Type and size from the first bytes of a loose object. */
export function looseObjectInfo(source: ByteSource, inflater: Inflater): { type: ObjectType; size: number } {
  try {
    const head = inflater.inflatePrefix(source.read(0, Math.min(source.size, 512)), MAX_HEADER);
    const { type, size } = parseHeader(head.subarray(0, MAX_HEADER), source.name);
    return { type, size };
  } catch (err) {
    throw wrap(err, source.name);
  }
}

/** Reads a whole loose object, checking its size against the header and the limit. */
export function readLooseObject(source: ByteSource, inflater: Inflater, maxObjectBytes: number): GitObject {
  try {
    const compressed = source.read(0, source.size);
    const head = inflater.inflatePrefix(compressed.subarray(0, Math.min(compressed.length, 512)), MAX_HEADER);
    const { type, size, contentAt } = parseHeader(head.subarray(0, MAX_HEADER), source.name);
    if (size > maxObjectBytes || size > compressed.length * 1032 + 64) {
      fail('TooLarge', `loose object declares ${size} bytes, more than its ${compressed.length} compressed bytes can hold or the limit allows`, { file: source.name, offset: 0 });
    }
    const all = inflater.inflate(compressed, contentAt + size);
    return { type, data: all.subarray(contentAt) };
  } catch (err) {
    throw wrap(err, source.name);
  }
}
