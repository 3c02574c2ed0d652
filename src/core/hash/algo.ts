/**
 * The repository's hash function decides the length of every object id. An `.idx` does not
 * record it, so it is passed in (from the repository config, a midx header, or told apart by
 * file size when an idx is opened alone).
 */
export interface HashAlgo {
  /** git's name: `sha1` or `sha256`. */
  readonly name: 'sha1' | 'sha256';
  /** Raw id length in bytes: 20 or 32. */
  readonly size: number;
  /** Hex id length: 40 or 64. */
  readonly hexSize: number;
  /** The id git writes in midx/rev/mtimes headers: 1 for SHA-1, 2 for SHA-256. */
  readonly formatId: number;
}

export const SHA1: HashAlgo = { name: 'sha1', size: 20, hexSize: 40, formatId: 1 };
export const SHA256: HashAlgo = { name: 'sha256', size: 32, hexSize: 64, formatId: 2 };

/** The algorithm for a midx/rev/mtimes hash id (1 or 2), or undefined. */
export function algoFromFormatId(id: number): HashAlgo | undefined {
  return id === 1 ? SHA1 : id === 2 ? SHA256 : undefined;
}
