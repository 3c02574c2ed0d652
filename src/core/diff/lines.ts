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

/**
 * A plain Uint8Array view of the same memory: element reads on subclasses (Node's Buffer) are
 * several times slower in the byte loops of the diff.
 */
export function plainBytes(bytes: Uint8Array): Uint8Array {
  return bytes.constructor === Uint8Array ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
}

/** Splits bytes into lines at '\n', as xdl_prepare_ctx does. */
export function splitLines(bytes: Uint8Array): LineTable {
  const data = plainBytes(bytes);
  const length = data.length;
  // One byte loop into a table that grows (a guess of 32 bytes a line first).
  let starts = new Uint32Array(Math.max(16, (length >> 5) + 2));
  let line = 1;
  for (let i = 0; i < length; i++) {
    if (data[i] === NEWLINE) {
      if (line + 1 >= starts.length) {
        const grown = new Uint32Array(starts.length * 2);
        grown.set(starts);
        starts = grown;
      }
      starts[line++] = i + 1;
    }
  }
  const lastOpen = length > 0 && data[length - 1] !== NEWLINE;
  const count = line - 1 + (lastOpen ? 1 : 0);
  starts[count] = length;
  return { data, count, starts: starts.subarray(0, count + 1) };
}
