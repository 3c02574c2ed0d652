import type { MatchOptions, TextMatcher } from './matcher.ts';
import { findLineHits } from './text-hits.ts';
import type { BlobMatch, SearchNote } from './types.ts';

/**
 * The search of one blob's bytes for a pattern: decoded as UTF-8, matched line by line, with a
 * time box checked between lines. Shared by the in-process blob search (`BlobTextSearch`) and
 * the disposable search helper the browser's engine runs it in, so both answer alike.
 */

/** How one blob's text is searched. */
export interface BlobTextOptions extends MatchOptions {
  /** Matching lines shown per blob. */
  maxLinesPerBlob: number;
  /** Context lines before and after. */
  context: number;
  /** Milliseconds one blob may take before its search stops between lines (a note says where). */
  blobTimeBoxMs: number;
}

const utf8 = new TextDecoder('utf-8');

/** What the search of one blob found: a match, a note (the time box ran out), both or neither. */
export interface BlobTextResult {
  match?: BlobMatch;
  note?: SearchNote;
}

/** Searches one blob's bytes; `binary` says whether they look binary (reported with the match). */
export function searchBlobText(oid: string, size: number, data: Uint8Array, binary: boolean, matcher: TextMatcher, options: BlobTextOptions): BlobTextResult {
  const found = findLineHits(utf8.decode(data), matcher, {
    maxLines: options.maxLinesPerBlob,
    context: options.context,
    deadline: performance.now() + options.blobTimeBoxMs,
  });
  const out: BlobTextResult = {};
  let stoppedEarly: string | undefined;
  if (found.stoppedAtLine !== undefined) {
    stoppedEarly = `the search of this blob took over ${options.blobTimeBoxMs} ms and stopped at line ${found.stoppedAtLine}; later lines were not searched`;
    out.note = { oid, reason: 'time-box', detail: stoppedEarly };
  }
  if (found.hits.length > 0) {
    const match: BlobMatch = { kind: 'blob', oid, size, binary, hits: found.hits, moreLines: found.moreLines };
    if (stoppedEarly) match.stoppedEarly = stoppedEarly;
    out.match = match;
  }
  return out;
}
