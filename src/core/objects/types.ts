/** Git's object types, with the numbers pack entry headers use. */
export type ObjectType = 'commit' | 'tree' | 'blob' | 'tag';

/** Pack entry type numbers (3 bits in the entry header); 0 and 5 are invalid. */
export const PACK_COMMIT = 1;
export const PACK_TREE = 2;
export const PACK_BLOB = 3;
export const PACK_TAG = 4;
export const PACK_OFS_DELTA = 6;
export const PACK_REF_DELTA = 7;

/** A pack entry type number. */
export type PackEntryType = 1 | 2 | 3 | 4 | 6 | 7;

const NAMES: Record<number, ObjectType> = { 1: 'commit', 2: 'tree', 3: 'blob', 4: 'tag' };
const NUMBERS: Record<ObjectType, number> = { commit: 1, tree: 2, blob: 3, tag: 4 };

/** The object type of a base entry type number (1..4). */
export function typeName(packType: number): ObjectType {
  const name = NAMES[packType];
  if (!name) throw new RangeError(`pack type ${packType} is not an object type`);
  return name;
}

/** The entry type number of an object type. */
export function typeNumber(type: ObjectType): number {
  return NUMBERS[type];
}

/** Parses `commit`/`tree`/`blob`/`tag`; undefined for anything else. */
export function parseTypeName(name: string): ObjectType | undefined {
  return name in NUMBERS ? (name as ObjectType) : undefined;
}

/** A decoded object. */
export interface GitObject {
  type: ObjectType;
  data: Uint8Array;
}
