/** Offsets as the hex view writes and reads them: hex with `0x`, or decimal. */

/** `0x1f3a`. */
export function hex(n: number): string {
  return `0x${n.toString(16)}`;
}

/** Parses `0x1f3a`, `1f3ah` or `7994` (separators `_`, `,` and spaces are ignored). */
export function parseOffset(text: string): { offset: number } | { error: string } {
  const t = text
    .trim()
    .replace(/[_,\s]/g, '')
    .toLowerCase();
  if (t === '') return { error: 'Type an offset: 0x1f3a (hex) or 7994 (decimal).' };
  let value: number;
  if (/^0x[0-9a-f]+$/.test(t)) value = parseInt(t.slice(2), 16);
  else if (/^[0-9a-f]+h$/.test(t)) value = parseInt(t.slice(0, -1), 16);
  else if (/^\d+$/.test(t)) value = Number(t);
  else if (/^[0-9a-f]+$/.test(t)) return { error: `"${text.trim()}" has hex digits: write it 0x${t} (hex) or use only 0-9 (decimal).` };
  else return { error: `"${text.trim()}" is not an offset: use 0x1f3a (hex) or 7994 (decimal).` };
  if (!Number.isSafeInteger(value)) return { error: `${text.trim()} is too large.` };
  return { offset: value };
}
