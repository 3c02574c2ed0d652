import type { FolderFile, HexAnnotation } from '../../../protocol/anatomy.ts';

/** What each colour group of the hex view is called in the legend. */
export const KIND_LABELS: Record<HexAnnotation['kind'], string> = {
  header: 'header fields',
  fanout: 'fanout',
  oid: 'object ids',
  crc: 'CRC-32s',
  offset: 'offsets and positions',
  'large-offset': '64-bit offsets',
  'chunk-table': 'chunk table',
  chunk: 'chunk data, EWAH bitmaps',
  'pack-name': 'names',
  'entry-header': 'entry headers',
  'delta-base': 'delta bases',
  zlib: 'zlib streams',
  trailer: 'checksums',
  other: 'other',
};

/** The colour groups each kind of file can show, in the order they appear in it. */
export const KINDS_BY_FILE: Record<FolderFile['kind'], HexAnnotation['kind'][]> = {
  pack: ['header', 'entry-header', 'delta-base', 'zlib', 'trailer', 'other'],
  idx: ['header', 'fanout', 'oid', 'crc', 'offset', 'large-offset', 'trailer'],
  midx: ['header', 'chunk-table', 'pack-name', 'fanout', 'oid', 'offset', 'large-offset', 'chunk', 'other', 'trailer'],
  'midx-chain': ['pack-name', 'other'],
  'commit-graph': ['header', 'chunk-table', 'fanout', 'oid', 'offset', 'chunk', 'other', 'trailer'],
  'commit-graph-chain': ['other'],
  rev: ['header', 'offset', 'trailer'],
  bitmap: ['header', 'trailer', 'chunk', 'offset', 'entry-header', 'other'],
  mtimes: ['header', 'other', 'trailer'],
  keep: [],
  promisor: [],
  loose: ['zlib'],
  ref: [],
  other: [],
};

/** What each kind of file is, in a few words. */
export const FILE_KIND_LABELS: Record<FolderFile['kind'], string> = {
  pack: 'pack',
  idx: 'pack index',
  midx: 'multi-pack-index',
  'midx-chain': 'multi-pack-index chain',
  'commit-graph': 'commit-graph',
  'commit-graph-chain': 'commit-graph chain',
  rev: 'reverse index',
  bitmap: 'bitmap index',
  mtimes: 'cruft mtimes',
  keep: '.keep',
  promisor: '.promisor',
  loose: 'loose object',
  ref: 'ref',
  other: 'other',
};
