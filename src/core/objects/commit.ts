import { fail } from '../errors.ts';

/**
 * Commits and tags share one shape: header lines `<key> <value>`, continuation lines starting
 * with a space (multi-line values such as gpgsig), a blank line, then the message. Values are
 * kept as text decoded as UTF-8 (or latin-1 when the commit says so); the raw bytes stay with
 * the object for exact output.
 */

/** One header line (continuations joined with `\n`). */
export interface HeaderField {
  key: string;
  value: string;
}

/** A person line: `Name <email> 1700000000 +0100`. */
export interface Signature {
  name: string;
  email: string;
  /** Seconds since the epoch. */
  time: number;
  /** The zone as written, `+0100`. */
  zone: string;
  /** Offset from UTC in minutes. */
  zoneMinutes: number;
}

/** Splits header fields from the message. */
export function parseHeaders(data: Uint8Array, what: string): { fields: HeaderField[]; message: string; encoding: string } {
  const blank = findBlankLine(data);
  const headerBytes = data.subarray(0, blank < 0 ? data.length : blank);
  const headerText = new TextDecoder('utf-8').decode(headerBytes);
  const fields: HeaderField[] = [];
  for (const line of headerText.split('\n')) {
    if (line === '') continue;
    if (line.startsWith(' ')) {
      const lastField = fields[fields.length - 1];
      if (!lastField) fail('CorruptObject', `${what} starts with a continuation line`);
      lastField.value += '\n' + line.slice(1);
      continue;
    }
    const sp = line.indexOf(' ');
    fields.push(sp < 0 ? { key: line, value: '' } : { key: line.slice(0, sp), value: line.slice(sp + 1) });
  }
  const encoding = fields.find((f) => f.key === 'encoding')?.value ?? 'utf-8';
  const messageBytes = blank < 0 ? new Uint8Array(0) : data.subarray(blank + 2);
  let message: string;
  try {
    message = new TextDecoder(encoding).decode(messageBytes);
  } catch {
    message = new TextDecoder('utf-8').decode(messageBytes);
  }
  return { fields, message, encoding };
}

function findBlankLine(data: Uint8Array): number {
  for (let i = 0; i + 1 < data.length; i++) if (data[i] === 0x0a && data[i + 1] === 0x0a) return i;
  return -1;
}

/** Parses `Name <email> time zone`; lenient like git for display. */
export function parseSignature(value: string): Signature {
  const m = /^(.*?) ?<([^>]*)> (\d+) ([+-])(\d\d)(\d\d)$/.exec(value);
  if (!m) return { name: value, email: '', time: 0, zone: '+0000', zoneMinutes: 0 };
  const minutes = (Number(m[5]) * 60 + Number(m[6])) * (m[4] === '-' ? -1 : 1);
  return { name: m[1], email: m[2], time: Number(m[3]), zone: `${m[4]}${m[5]}${m[6]}`, zoneMinutes: minutes };
}

/** A parsed commit. */
export interface Commit {
  tree: string;
  parents: string[];
  author: Signature;
  committer: Signature;
  encoding: string;
  message: string;
  fields: HeaderField[];
}

/** Parses a commit; the tree line is required. */
export function parseCommit(data: Uint8Array): Commit {
  const { fields, message, encoding } = parseHeaders(data, 'commit');
  const tree = fields.find((f) => f.key === 'tree')?.value;
  if (!tree) fail('CorruptObject', 'commit has no tree line');
  const author = fields.find((f) => f.key === 'author')?.value ?? '';
  const committer = fields.find((f) => f.key === 'committer')?.value ?? '';
  return {
    tree,
    parents: fields.filter((f) => f.key === 'parent').map((f) => f.value),
    author: parseSignature(author),
    committer: parseSignature(committer),
    encoding,
    message,
    fields,
  };
}
