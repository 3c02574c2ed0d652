import type { WireError } from '../../core/errors.ts';
import { HexLink } from './HexLink.tsx';

/** What to do about each kind of error, in a sentence. */
const ADVICE: Partial<Record<WireError['kind'], string>> = {
  Truncated: 'The file is shorter than its own structure says: it may have been cut off while copying. Copy it again, or verify the repository.',
  BadSignature: 'This is not the kind of file its name says. Check that the right file is in the folder.',
  UnsupportedVersion: 'The file uses a format version packscope does not read.',
  BadFanout: 'The index is damaged. Objects in other packs stay readable; re-index this pack with git index-pack.',
  BadSize: 'The file size does not fit its contents: it was truncated or padded.',
  Mismatch: 'Two files that belong together disagree: the .idx may belong to another .pack.',
  OutOfRange: 'A stored offset points outside its file: the data is damaged.',
  CorruptObject: 'This object’s stored bytes are damaged. Every other object is still readable.',
  DeltaCycle: 'The delta chain loops back on itself: the pack is damaged or hostile.',
  DeltaTooDeep: 'The delta chain is longer than packscope follows.',
  MissingBase: 'The delta’s base object is not in this pack: the pack is thin or damaged.',
  TooLarge: 'A declared size is larger than the file can hold; packscope refused to allocate it.',
  BadChunk: 'The multi-pack-index is damaged; packs are read through their own .idx files instead.',
  NotFound: 'It is not in this repository, or a file it needs is missing from the folder (a pack without its .idx can be indexed with git index-pack).',
  Ambiguous: 'Type more characters of the id.',
  BadName: 'Use a full object id, a prefix of at least 4 hex digits, or a ref name.',
  Io: 'The browser could not read the file. If it changed on disk, reload the folder.',
};

/** Advice that depends on which file broke, where the kind alone would mislead. */
function adviceFor(error: WireError): string | undefined {
  const file = error.file ?? '';
  const midx = /multi-pack-index|\.midx$/.test(file);
  if (midx && error.kind !== 'Io') {
    return 'The multi-pack-index is damaged or does not match the packs; packscope reads the packs through their own .idx files instead, so no object is lost. git multi-pack-index write rebuilds it.';
  }
  if (file.endsWith('.pack') && error.kind === 'NotFound') {
    return 'This pack has no .idx beside it. packscope can index it here (Packs → Index this pack), as git index-pack would, without writing into the folder.';
  }
  // Names and paths that lead nowhere are the person's to fix, not the repository's: no index advice.
  if (file === '' && error.kind === 'NotFound') {
    if (/does not exist (in this tree|at this commit)|is not a folder|^path .* does not exist/.test(error.detail))
      return 'There is no such path at this revision: check the spelling, or go up a folder and pick from the listing.';
    if (/^no object or ref named /.test(error.detail)) return 'No branch, tag or object has this name. Pick a branch or tag from the list, or give an object id (at least 4 hex digits).';
    if (/is not in this repository/.test(error.detail))
      return 'The object is not in this folder: it may be in a pack that has no .idx (Packs → Index this pack), or the copy is incomplete (a shallow or partial clone leaves objects out).';
    if (/^no repository is open/.test(error.detail)) return 'Open a folder first.';
  }
  if (file === '' && error.kind === 'BadName' && /^\S+ is an? (blob|tree|commit|tag)\b/.test(error.detail))
    return 'This name leads to an object of another kind than this view shows; its object page shows what it is.';
  if (/\.(rev|bitmap|mtimes)$/.test(file)) {
    return 'This companion file is damaged or stale; git reads objects without it, and so does packscope. git repack or git multi-pack-index write rebuilds it.';
  }
  return ADVICE[error.kind as WireError['kind']];
}

/** An error as a person reads it: what happened, in which file at which offset, and what to do. */
export function ErrorBox({ error, title }: { error: WireError; title?: string }) {
  return (
    <div className="error-box" role="alert">
      <div className="error-title">{title ?? 'Something could not be read'}</div>
      <div className="error-detail">{error.detail}</div>
      <dl className="error-facts">
        <dt>Kind</dt>
        <dd>{error.kind}</dd>
        {error.file !== undefined && (
          <>
            <dt>File</dt>
            <dd className="mono">{error.file}</dd>
          </>
        )}
        {error.offset !== undefined && (
          <>
            <dt>Offset</dt>
            <dd className="mono">
              {error.file !== undefined ? (
                <HexLink file={error.file} at={error.offset} label="Where it is">{`0x${error.offset.toString(16)} (${error.offset})`}</HexLink>
              ) : (
                `0x${error.offset.toString(16)} (${error.offset})`
              )}
            </dd>
          </>
        )}
      </dl>
      {adviceFor(error) && <div className="error-advice">{adviceFor(error)}</div>}
    </div>
  );
}
