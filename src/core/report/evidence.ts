import type { ByteSource } from '../bytes/source.ts';
import { SHA256 } from '../hash/algo.ts';
import type { Hasher, HasherFactory } from '../hash/hasher.ts';
import { toHex } from '../hash/hex.ts';
import type { EvidenceFile } from './schema.ts';

/**
 * SHA-256 of every evidence file, read in 1 MiB pieces straight from each file's ByteSource
 * (never the whole file in memory, never through the window cache, whose windows would push
 * out the pages the views are using). Runs in slices: `step(budgetMs)` returns when the budget
 * is spent, so the worker can pause between slices, report progress and be cancelled. A file
 * that cannot be read is recorded with its error; the others are still hashed.
 */

/** One file to hash. */
export interface EvidenceSource {
  path: string;
  source: ByteSource;
  /** Modification time in ms since the epoch; 0 or less when the host gave none. */
  mtimeMs: number;
}

/** Bytes read per piece: large enough that per-read costs vanish, small enough to stay light. */
export const EVIDENCE_CHUNK = 1 << 20;

/** Hashes evidence files in slices; see the file comment. */
export class EvidenceHasher {
  /** Results so far, in the order the files were given. */
  readonly results: EvidenceFile[] = [];
  /** Total bytes over all files (for progress). */
  readonly totalBytes: number;
  /** Bytes hashed so far (counting unreadable files' bytes as done). */
  doneBytes = 0;
  private index = 0;
  private offset = 0;
  private hasher: Hasher | undefined;

  constructor(
    private readonly files: readonly EvidenceSource[],
    private readonly factory: HasherFactory,
  ) {
    this.totalBytes = files.reduce((s, f) => s + f.source.size, 0);
  }

  /** True once every file has a result. */
  get done(): boolean {
    return this.index >= this.files.length;
  }

  /** The file being hashed now (for progress labels). */
  get currentPath(): string | undefined {
    return this.files[this.index]?.path;
  }

  /** Hashes until `budgetMs` has passed (at least one piece); returns true when every file is done. */
  step(budgetMs: number): boolean {
    const deadline = performance.now() + budgetMs;
    while (!this.done) {
      const file = this.files[this.index];
      const size = file.source.size;
      try {
        this.hasher ??= this.factory(SHA256);
        if (this.offset < size) {
          const length = Math.min(EVIDENCE_CHUNK, size - this.offset);
          this.hasher.update(file.source.read(this.offset, length));
          this.offset += length;
          this.doneBytes += length;
        }
        if (this.offset >= size) this.finishFile(toHex(this.hasher.digest()), null);
      } catch (err) {
        this.doneBytes += size - this.offset;
        this.finishFile(null, `could not be read at offset ${this.offset}: ${err instanceof Error ? err.message : String(err)}`);
      }
      if (performance.now() >= deadline) break;
    }
    return this.done;
  }

  private finishFile(sha256: string | null, error: string | null): void {
    const file = this.files[this.index];
    const known = file.mtimeMs > 0 && Number.isFinite(file.mtimeMs);
    this.results.push({
      path: file.path,
      size: file.source.size,
      mtime: known ? new Date(file.mtimeMs).toISOString() : null,
      mtimeMs: known ? file.mtimeMs : null,
      sha256,
      error,
    });
    this.index++;
    this.offset = 0;
    this.hasher = undefined;
  }
}
