/**
 * git's C-style quoting of path names (quote.c, with core.quotePath on, the default): a name
 * holding a control character, `"`, `\`, DEL or any byte >= 0x80 is printed inside double
 * quotes with escapes; other names are printed as they are.
 */

// 0: printed as is; a letter: `\letter`; 1: three-digit octal.
const LOOKUP = new Array<string | number>(256).fill(0);
for (let i = 0; i < 0x20; i++) LOOKUP[i] = 1;
LOOKUP[0x07] = 'a';
LOOKUP[0x08] = 'b';
LOOKUP[0x09] = 't';
LOOKUP[0x0a] = 'n';
LOOKUP[0x0b] = 'v';
LOOKUP[0x0c] = 'f';
LOOKUP[0x0d] = 'r';
LOOKUP[0x22] = '"';
LOOKUP[0x5c] = '\\';
LOOKUP[0x7f] = 1;
for (let i = 0x80; i < 0x100; i++) LOOKUP[i] = 1;

/** The name as git prints it in ls-tree style output, as bytes. */
export function quotePathBytes(name: Uint8Array): Uint8Array {
  let needs = false;
  for (const b of name) if (LOOKUP[b] !== 0) needs = true;
  if (!needs) return name;
  const out: number[] = [0x22];
  for (const b of name) {
    const how = LOOKUP[b];
    if (how === 0) out.push(b);
    else if (typeof how === 'string') out.push(0x5c, how.charCodeAt(0));
    else out.push(0x5c, 0x30 + ((b >> 6) & 7), 0x30 + ((b >> 3) & 7), 0x30 + (b & 7));
  }
  out.push(0x22);
  return Uint8Array.from(out);
}
