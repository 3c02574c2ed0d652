/**
 * Python's `os.path.dirname` and `os.path.splitext` on bytes (posixpath), which filter-repo's
 * report uses to name a path's directories and extension. Written from Python's documented
 * behaviour: the directory is everything before the last '/', trailing slashes dropped unless it
 * is all slashes; the extension starts at the last '.' of the last component, unless only dots
 * come before it there (`.bashrc` has none, `a.tar.gz` has `.gz`).
 */

const SLASH = 0x2f;
const DOT = 0x2e;

/** `os.path.dirname(path)`. */
export function pythonDirname(path: Uint8Array): Uint8Array {
  const cut = path.lastIndexOf(SLASH) + 1;
  let head = path.subarray(0, cut);
  let allSlashes = true;
  for (let i = 0; i < head.length && allSlashes; i++) if (head[i] !== SLASH) allSlashes = false;
  if (head.length > 0 && !allSlashes) {
    let end = head.length;
    while (end > 0 && head[end - 1] === SLASH) end--;
    head = head.subarray(0, end);
  }
  return head;
}

/** The extension of `os.path.splitext(path)` (empty when none). */
export function pythonExtension(path: Uint8Array): Uint8Array {
  const sep = path.lastIndexOf(SLASH);
  const dot = path.lastIndexOf(DOT);
  if (dot <= sep) return path.subarray(0, 0);
  for (let i = sep + 1; i < dot; i++) if (path[i] !== DOT) return path.subarray(dot);
  return path.subarray(0, 0);
}

/** The last component (what follows the last '/'). */
export function lastComponent(path: Uint8Array): Uint8Array {
  return path.subarray(path.lastIndexOf(SLASH) + 1);
}
