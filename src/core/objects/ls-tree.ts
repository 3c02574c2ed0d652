import { toHex } from '../hash/hex.ts';
import { quotePathBytes } from './quote.ts';
import { modeType, type TreeEntry } from './tree.ts';

/** `git ls-tree` / `git cat-file -p <tree>` output: `%06o <type> <id>\t<quoted name>\n` per entry. */
export function formatTreeListing(entries: TreeEntry[]): Uint8Array {
  const parts: Uint8Array[] = [];
  const encoder = new TextEncoder();
  let length = 0;
  for (const e of entries) {
    const head = encoder.encode(`${e.mode.padStart(6, '0')} ${modeType(e.mode)} ${toHex(e.oid)}\t`);
    const name = quotePathBytes(e.name);
    parts.push(head, name, NEWLINE);
    length += head.length + name.length + 1;
  }
  const out = new Uint8Array(length);
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

const NEWLINE = Uint8Array.of(0x0a);
