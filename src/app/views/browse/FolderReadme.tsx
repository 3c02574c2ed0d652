import { useEffect, useState } from 'react';
import type { TreeEntryInfo } from '../../../protocol/messages.ts';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import { Link } from '../../components/Link.tsx';
import { Markdown } from '../../components/blob/Markdown.tsx';
import { MarkedText } from '../../components/MarkedText.tsx';
import { isMarkdownName } from '../../highlight/languages.ts';
import { formatBytes } from '../../lib/format.ts';
import { useFolderReadme } from './browse-requests.ts';
import '../../components/blob/markdown.css';

/** A README larger than this is not shown under the listing (the file itself opens as usual). */
const MAX_README_BYTES = 1 << 20;

/** Names a README is asked for by, best first, when the listing's first page does not hold it. */
const README_NAMES = ['README.md', 'readme.md', 'README'];

/**
 * Past this many entries a README not on the first page is not asked for: each miss is a scan
 * of the folder in the worker (a 300,000-entry folder: some hundreds of milliseconds).
 */
const MAX_LOOKUP_ENTRIES = 20_000;

/** The asking waits this long, so the listing's own pages go first. */
const LOOKUP_DELAY_MS = 400;
const README_PATTERN = /^readme(\.(md|markdown|mdown|mkd|mkdn|txt))?$/i;

/** The README among the entries: Markdown first, then plain text. */
function pickReadme(entries: TreeEntryInfo[]): TreeEntryInfo | undefined {
  const files = entries.filter((e) => (e.mode === '100644' || e.mode === '100755') && e.nameBytes === undefined && README_PATTERN.test(e.name));
  return files.find((e) => isMarkdownName(e.name)) ?? files[0];
}

/**
 * The README of the folder shown under its listing, rendered when it is Markdown, as a code host
 * does. It is looked for among the entries the listing already has; a folder whose first page
 * does not reach it (up to MAX_LOOKUP_ENTRIES entries) is asked by name, after a pause.
 */
export function FolderReadme({ rev, path, tree, entries, total }: { rev: string; path: string[]; tree: string; entries: TreeEntryInfo[]; total: number }) {
  const listed = pickReadme(entries);
  const lookup = !listed && total > entries.length && total <= MAX_LOOKUP_ENTRIES;
  const [waited, setWaited] = useState(false);
  useEffect(() => {
    if (!lookup) return;
    const t = setTimeout(() => setWaited(true), LOOKUP_DELAY_MS);
    return () => clearTimeout(t);
  }, [lookup]);
  const req = useFolderReadme(rev, path, tree, listed, README_NAMES, MAX_README_BYTES, Boolean(listed) || (lookup && waited));
  if (req.status === 'error') return <ErrorBox error={req.error} title="The README could not be read" />;
  const readme = req.data;
  if (!readme) return null;
  return (
    <section className="folder-readme" data-testid="folder-readme" aria-label={readme.name}>
      <header className="folder-readme-head">
        <BookGlyph />
        <Link to={{ view: 'browse', rev, path: [...path, readme.name] }}>
          <MarkedText text={readme.name} />
        </Link>
        <span className="muted">{formatBytes(readme.size)}</span>
      </header>
      {isMarkdownName(readme.name) ? (
        <Markdown text={readme.text} rev={rev} folder={path} />
      ) : (
        <pre className="folder-readme-plain">
          <MarkedText text={readme.text} multiline />
        </pre>
      )}
    </section>
  );
}

function BookGlyph() {
  return (
    <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      <path
        d="M2 2.5h4.5A1.5 1.5 0 0 1 8 4v9.5A1.5 1.5 0 0 0 6.5 12H2zM14 2.5H9.5A1.5 1.5 0 0 0 8 4v9.5A1.5 1.5 0 0 1 9.5 12H14z"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.3"
        strokeLinejoin="round"
      />
    </svg>
  );
}
