/**
 * Lines as git's xdiff sees them: a line is the bytes up to and including '\n'; the last line
 * of a file may lack the '\n'. An empty file has no lines.
 */

/** The lines of one side: line i is `data.subarray(starts[i], starts[i + 1])`. */
export interface LineTable {
  data: Uint8Array;
  count: number;
  /** `count + 1` offsets; the last one is `data.length`. */
  starts: Uint32Array;
}

const NEWLINE = 0x0a;

/** Splits bytes into lines at '\n', as xdl_prepare_ctx does. */
export function splitLines(data: Uint8Array): LineTable {
  let count = 0;
  let at = data.indexOf(NEWLINE);
  while (at !== -1) {
    count++;
    at = data.indexOf(NEWLINE, at + 1);
  }
  const lastOpen = data.length > 0 && data[data.length - 1] !== NEWLINE;
  if (lastOpen) count++;
  const starts = new Uint32Array(count + 1);
  let line = 1;
  at = data.indexOf(NEWLINE);
  while (at !== -1) {
    starts[line++] = at + 1;
    at = data.indexOf(NEWLINE, at + 1);
  }
  starts[count] = data.length;
  return { data, count, starts };
}

/** The bytes of line `i` (0-based), its '\n' included when it has one. */
export function lineBytes(table: LineTable, i: number): Uint8Array {
  return table.data.subarray(table.starts[i], table.starts[i + 1]);
}

/** True when line `i` ends with '\n' (only the last line of a file can lack it). */
export function lineHasNewline(table: LineTable, i: number): boolean {
  const end = table.starts[i + 1];
  return end > table.starts[i] && table.data[end - 1] === NEWLINE;
}
