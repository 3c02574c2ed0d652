import { fail } from '../errors.ts';
import { toHex } from '../hash/hex.ts';
import type { ObjectDatabase } from '../odb/database.ts';

/**
 * What the size analysis needs from a commit: its tree, and its committer date as `%cd
 * --date=short` prints it. Read straight from the header bytes, without decoding the message.
 */

/** A commit's tree and committer date. */
export interface CommitFacts {
  tree: Uint8Array;
  /** Seconds since the epoch (0 when the line has none, as git shows it). */
  time: number;
  /** The zone as minutes east of UTC, as git's time_to_tm reads `+hhmm`. */
  zoneMinutes: number;
}

const TREE = [0x74, 0x72, 0x65, 0x65, 0x20]; // "tree "
const COMMITTER = [0x63, 0x6f, 0x6d, 0x6d, 0x69, 0x74, 0x74, 0x65, 0x72, 0x20]; // "committer "

function startsWith(data: Uint8Array, at: number, prefix: number[]): boolean {
  if (at + prefix.length > data.length) return false;
  for (let i = 0; i < prefix.length; i++) if (data[at + i] !== prefix[i]) return false;
  return true;
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

/** Reads the commit `id` (fails when it is not a commit or has no valid tree line). */
export function readCommitFacts(db: ObjectDatabase, id: Uint8Array): CommitFacts {
  const obj = db.read(id);
  if (obj.type !== 'commit') fail('CorruptObject', `${toHex(id)} should be a commit but is a ${obj.type}`);
  return commitFacts(obj.data, db.algo.size, toHex(id));
}

/** The facts from a commit's bytes. */
export function commitFacts(data: Uint8Array, hashSize: number, name: string): CommitFacts {
  let tree: Uint8Array | undefined;
  let time = 0;
  let zoneMinutes = 0;
  let committerSeen = false;
  let pos = 0;
  while (pos < data.length) {
    let eol = data.indexOf(0x0a, pos);
    if (eol < 0) eol = data.length;
    if (eol === pos) break; // the blank line ends the header
    if (!tree && startsWith(data, pos, TREE)) {
      if (eol - pos - TREE.length === hashSize * 2) {
        const t = new Uint8Array(hashSize);
        let ok = true;
        for (let i = 0; i < hashSize && ok; i++) {
          const hi = hexValue(data[pos + 5 + 2 * i]);
          const lo = hexValue(data[pos + 6 + 2 * i]);
          if (hi < 0 || lo < 0) ok = false;
          else t[i] = hi * 16 + lo;
        }
        if (ok) tree = t;
      }
    } else if (!committerSeen && startsWith(data, pos, COMMITTER)) {
      committerSeen = true;
      ({ time, zoneMinutes } = identDate(data, pos + COMMITTER.length, eol));
    }
    pos = eol + 1;
  }
  if (!tree) fail('CorruptObject', `commit ${name} has no valid tree line`);
  return { tree, time, zoneMinutes };
}

/**
 * git's split_ident_line and show_ident_date for a date: after the line's last '>', spaces,
 * the seconds, spaces, then the zone as a signed decimal `hhmm`.
 */
function identDate(data: Uint8Array, start: number, end: number): { time: number; zoneMinutes: number } {
  let gt = end - 1;
  while (gt >= start && data[gt] !== 0x3e) gt--;
  if (gt < start) return { time: 0, zoneMinutes: 0 };
  let i = gt + 1;
  while (i < end && data[i] === 0x20) i++;
  const dateStart = i;
  let time = 0;
  while (i < end && data[i] >= 0x30 && data[i] <= 0x39) time = time * 10 + (data[i++] - 0x30);
  if (i === dateStart) return { time: 0, zoneMinutes: 0 };
  // git's date_overflows: a date past what its timestamps hold shows as the epoch.
  if (!Number.isSafeInteger(time)) return { time: 0, zoneMinutes: 0 };
  while (i < end && data[i] === 0x20) i++;
  let sign = 1;
  if (i < end && (data[i] === 0x2b || data[i] === 0x2d)) {
    if (data[i] === 0x2d) sign = -1;
    i++;
  }
  let tz = 0;
  let digits = 0;
  while (i < end && data[i] >= 0x30 && data[i] <= 0x39 && digits < 9) {
    tz = tz * 10 + (data[i++] - 0x30);
    digits++;
  }
  const minutes = Math.floor(tz / 100) * 60 + (tz % 100);
  return { time, zoneMinutes: sign * minutes };
}

/** `YYYY-MM-DD` as `--date=short` shows a time in its zone (the epoch when the date cannot be shown). */
export function shortDate(time: number, zoneMinutes: number): string {
  let d = new Date((time + zoneMinutes * 60) * 1000);
  if (Number.isNaN(d.getTime())) d = new Date(0);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + 1;
  const day = d.getUTCDate();
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
