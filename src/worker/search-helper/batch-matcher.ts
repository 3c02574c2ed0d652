import { blobBytesAt, type BlobBatch } from '../../core/search/blob-batches.ts';
import { searchBlobText, type BlobTextOptions } from '../../core/search/blob-text.ts';
import { compileMatcher, type TextMatcher } from '../../core/search/matcher.ts';
import type { BatchAnswer } from './protocol.ts';

/** What a search helper does with a batch (also run in-process where there are no workers: Node). */
export class BatchMatcher {
  private readonly matcher: TextMatcher;

  constructor(
    pattern: string,
    private readonly options: BlobTextOptions,
  ) {
    this.matcher = compileMatcher(pattern, options);
  }

  /** Searches each blob of the batch in order; `at` is told before each one starts. */
  run(batch: BlobBatch, at: (seq: number, index: number) => void): BatchAnswer {
    const answer: BatchAnswer = { seq: batch.seq, matches: [], notes: [] };
    for (let i = 0; i < batch.oids.length; i++) {
      at(batch.seq, i);
      const { match, note } = searchBlobText(batch.oids[i], batch.sizes[i], blobBytesAt(batch, i), batch.binary[i], this.matcher, this.options);
      if (match) answer.matches.push(match);
      if (note) answer.notes.push(note);
    }
    return answer;
  }
}
