import { fail } from '../errors.ts';
import { parseHeaders, parseSignature, type HeaderField, type Signature } from './commit.ts';
import { parseTypeName, type ObjectType } from './types.ts';

/** A parsed annotated tag. */
export interface Tag {
  object: string;
  type: ObjectType;
  name: string;
  tagger: Signature | undefined;
  message: string;
  fields: HeaderField[];
}

/** Parses an annotated tag: `object`, `type`, `tag`, optional `tagger`, then the message. */
export function parseTag(data: Uint8Array): Tag {
  const { fields, message } = parseHeaders(data, 'tag');
  const object = fields.find((f) => f.key === 'object')?.value;
  const typeText = fields.find((f) => f.key === 'type')?.value ?? '';
  const type = parseTypeName(typeText);
  if (!object || !type) fail('CorruptObject', 'tag has no valid object or type line');
  const tagger = fields.find((f) => f.key === 'tagger')?.value;
  return {
    object,
    type,
    name: fields.find((f) => f.key === 'tag')?.value ?? '',
    tagger: tagger === undefined ? undefined : parseSignature(tagger),
    message,
    fields,
  };
}
