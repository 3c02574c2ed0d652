import type { CheckId, Severity } from '../../../protocol/verify.ts';

/** Words for checks and severities, shared by the page's list, filters and table. */

/** Every check, in the order a run makes them, with what it looks at. */
export const CHECK_INFO: { id: CheckId; label: string; detail: string }[] = [
  { id: 'open', label: 'Files open', detail: 'every file of the folder opens and parses' },
  { id: 'trailer', label: 'Trailing checksums', detail: 'every .idx, .pack, .rev, .bitmap, .mtimes and multi-pack-index file hashed against the checksum at its end (1 MiB reads)' },
  { id: 'idx-pack-checksum', label: 'idx ↔ pack', detail: "each .idx's copy of its pack's checksum equals the pack's trailer" },
  { id: 'count', label: 'Object counts', detail: 'the pack header, the .idx, the entries walked and the multi-pack-index agree' },
  { id: 'crc', label: 'CRC32 of every entry', detail: "each entry's stored bytes against the CRC32 the .idx records" },
  { id: 'oid', label: 'Every object id', detail: 'each object inflated, its deltas applied, and its id recomputed from the content' },
  { id: 'object', label: 'Every object readable', detail: 'zlib streams, entry headers and delta instructions decode' },
  { id: 'delta', label: 'Delta bases', detail: 'every base in range, present, and no chain loops back on itself' },
  { id: 'midx', label: 'Multi-pack-index', detail: 'what “git multi-pack-index verify” checks: pack names, fanout, order, offsets against each .idx' },
  { id: 'cross-check', label: 'Cross-check', detail: 'each .pack walked entry by entry against what the .idx, the .rev and the multi-pack-index claim (offsets, CRCs, counts, order)' },
  { id: 'loose', label: 'Loose objects', detail: 'each file inflated and hashed against the id its path names' },
  { id: 'refs', label: 'Refs', detail: 'loose refs, packed-refs, HEAD and reflogs parse as git reads them, have names git accepts, resolve without loops, and name objects that exist' },
];

/** A check's short label. */
export function checkLabel(id: CheckId): string {
  return CHECK_INFO.find((c) => c.id === id)?.label ?? id;
}

/** Severities, worst first, with the mark shown beside the word (never colour alone). */
export const SEVERITY_INFO: { id: Severity; label: string; mark: string }[] = [
  { id: 'error', label: 'Error', mark: '✖' },
  { id: 'warning', label: 'Warning', mark: '▲' },
  { id: 'info', label: 'Info', mark: 'ℹ' },
];
