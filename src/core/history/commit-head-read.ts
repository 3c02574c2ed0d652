import { readPoint } from '../bytes/window-cache.ts';
import { entryHeaderMaxLength, parseEntryHeader } from '../format/pack.ts';
import { PACK_COMMIT } from '../objects/types.ts';
import type { ObjectDatabase, ObjectLocation } from '../odb/database.ts';

/**
 * The first bytes of a packed commit, up to and including its committer line: all a history
 * walk needs (parents, committer date, author). Inflating a whole commit (git.git's average 850
 * bytes, messages and signatures included) builds the block's full Huffman tables and decodes
 * everything; the prefix decoder stops after a few hundred bytes, which is most of a walk's
 * cost on 37,000 commits.
 *
 * Only a commit stored whole (not as a delta) in a pack is read this way; a delta, a loose
 * object or a header that does not fit the prefix answers undefined and the caller reads the
 * object as usual. The rest of the stream (and its checksum) is not read: damage past the
 * header shows when the commit itself is opened.
 */

/** Inflated bytes asked for first: a one-parent header (tree, parent, author, committer) is about 250. */
const FIRST_WANT = 384;
/** A second try for long headers (octopus merges, long names): beyond it the whole object is read. */
const SECOND_WANT = 2048;
/** Compressed bytes read for a prefix: a dynamic block's code tables plus the header's codes. */
const INPUT_PER_WANT = 1.5;
const INPUT_SLACK = 160;

const COMMITTER = [0x0a, 0x63, 0x6f, 0x6d, 0x6d, 0x69, 0x74, 0x74, 0x65, 0x72, 0x20]; // "\ncommitter "

/** The commit's bytes from its start through its committer line's newline, or undefined (read it whole). */
export function readCommitHeadBytes(db: ObjectDatabase, loc: ObjectLocation): Uint8Array | undefined {
  if (loc.kind !== 'packed' || loc.error !== undefined || Number.isNaN(loc.offset)) return undefined;
  const pack = loc.pack;
  try {
    // Bounded by the trailer, not the next entry: finding that loads the pack order (849k
    // offsets on git.git), and reading a little past the entry changes nothing (the prefix
    // stops at the header, and anything short of a whole committer line is read the usual way).
    const end = pack.trailerAt;
    const headerMax = entryHeaderMaxLength(db.algo);
    let want = FIRST_WANT;
    for (;;) {
      const inputLength = Math.min(end - loc.offset, headerMax + Math.ceil(want * INPUT_PER_WANT) + INPUT_SLACK);
      const bytes = readPoint(pack.data, loc.offset, inputLength);
      const header = parseEntryHeader(bytes, 0, loc.offset, end, db.algo, pack.data.name);
      if (header.type !== PACK_COMMIT) return undefined;
      const asked = Math.min(want, header.size);
      const prefix = db.ctx.inflater.inflatePrefix(bytes.subarray(header.dataOffset - loc.offset), asked);
      const through = committerLineEnd(prefix);
      if (through > 0) return prefix.subarray(0, through);
      // The whole object is in hand and has no committer line, or the input ran out: read it whole.
      if (prefix.length < asked || asked === header.size || want >= SECOND_WANT) return undefined;
      want = SECOND_WANT;
    }
  } catch {
    // The usual read reports what is wrong, with its place.
    return undefined;
  }
}

/**
 * Where the header's committer line ends (just past its newline), when the committer line is
 * whole and comes before the blank line that ends the header; 0 otherwise.
 */
function committerLineEnd(data: Uint8Array): number {
  const n = data.length;
  for (let i = 0; i + COMMITTER.length <= n; i++) {
    if (data[i] !== 0x0a) continue;
    if (i + 1 < n && data[i + 1] === 0x0a) return 0; // the header ended first
    let match = true;
    for (let k = 1; k < COMMITTER.length && match; k++) match = data[i + k] === COMMITTER[k];
    if (!match) continue;
    const eol = data.indexOf(0x0a, i + COMMITTER.length);
    return eol < 0 ? 0 : eol + 1;
  }
  return 0;
}
