import type { TreeEntryInfo } from '../../../protocol/messages.ts';
import { MarkedText } from '../../components/MarkedText.tsx';
import { formatCount } from '../../lib/format.ts';
import { shownName } from './entries.ts';

/**
 * A tree entry's name as the views show it: hidden characters marked (never applied), a name
 * that does not decode shown as git quotes it, a cut name (longer than the worker sends) with
 * its length. The title says how git prints a name that is not plain text.
 */
export function EntryName({ entry }: { entry: TreeEntryInfo }) {
  const title = entry.quoted ? `git quotes this name as ${entry.quoted}` : undefined;
  return (
    <span className="entry-name-text" title={title}>
      <MarkedText text={shownName(entry)} />
      {entry.nameBytes !== undefined && (
        <span className="badge name-cut" title={`Only the first bytes of this name are shown`}>
          … {formatCount(entry.nameBytes)} bytes
        </span>
      )}
    </span>
  );
}
