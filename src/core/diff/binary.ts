/** git's rule for telling a binary blob in a diff (diff.c, xdiff-interface.c buffer_is_binary). */

/** buffer_is_binary looks at this many bytes. */
const FIRST_FEW_BYTES = 8000;
/** core.bigFileThreshold's default: larger blobs are binary without looking (512 MiB). */
export const BIG_FILE_THRESHOLD = 512 * 1024 * 1024;

/**
 * git's binary rule for a blob in a diff: a NUL in its first 8000 bytes, or larger than
 * core.bigFileThreshold. A pair is binary when either side is; git then prints
 * "Binary files a/x and b/y differ" and `--numstat` prints "-\t-\t".
 */
export function isBinaryBlob(data: Uint8Array): boolean {
  if (data.length > BIG_FILE_THRESHOLD) return true;
  return data.subarray(0, FIRST_FEW_BYTES).indexOf(0) !== -1;
}
