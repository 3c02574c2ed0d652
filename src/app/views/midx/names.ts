/** git's words for the parts of a multi-pack-index, and the colour group of each region. */

/** What git calls each chunk (Documentation/gitformat-pack.txt). */
export const CHUNK_NAMES: Record<string, string> = {
  PNAM: 'packfile names',
  OIDF: 'OID fanout',
  OIDL: 'OID lookup',
  OOFF: 'object offsets',
  LOFF: 'large offsets',
  RIDX: 'reverse index',
  BTMP: 'bitmapped packfiles',
};

/** A sentence on what a chunk holds. */
export const CHUNK_DETAILS: Record<string, string> = {
  PNAM: 'the names of the packs, each ending in a NUL, padded to 4 bytes',
  OIDF: '256 counts: objects whose first id byte is at most i',
  OIDL: 'every object id, sorted',
  OOFF: 'per object: the pack-int-id and the offset in that pack',
  LOFF: '64-bit offsets for packs over 4 GiB',
  RIDX: 'object positions in pseudo-pack order (for the multi-pack bitmap)',
  BTMP: 'per pack: its first bit in the multi-pack bitmap and its object count',
};

/** The CSS class of a region of the file map. */
export function regionClass(name: string): string {
  if (name in CHUNK_NAMES) return `mx-r-${name.toLowerCase()}`;
  if (name === 'header') return 'mx-r-header';
  if (name === 'chunk table') return 'mx-r-table';
  if (name === 'checksum') return 'mx-r-trailer';
  return 'mx-r-other';
}

/** `pack-….idx` -> `pack-…`, the name the pack pages use. */
export function packStem(name: string): string {
  return name.replace(/\.(idx|pack)$/, '');
}

/** `pack-1bdc9be111db…` for tight spaces. */
export function shortPack(name: string): string {
  const stem = packStem(name);
  return stem.length > 17 ? `${stem.slice(0, 17)}…` : stem;
}
