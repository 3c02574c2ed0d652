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
export function splitLines(bytes: Uint8Array): LineTable {
  // A plain Uint8Array view of the same memory: element reads on subclasses (Node's Buffer)
  // are several times slower in the byte loops that follow.
  const data = bytes.constructor === Uint8Array ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
  const ends: number[] = [];
  for (let at = data.indexOf(NEWLINE); at !== -1; at = data.indexOf(NEWLINE, at + 1)) ends.push(at + 1);
  const lastOpen = data.length > 0 && data[data.length - 1] !== NEWLINE;
  const count = ends.length + (lastOpen ? 1 : 0);
  const starts = new Uint32Array(count + 1);
  for (let i = 0; i < ends.length; i++) starts[i + 1] = ends[i];
  starts[count] = data.length;
  return { data, count, starts };
}
