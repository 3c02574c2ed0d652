import type { TreeEntryInfo } from '../../../protocol/messages.ts';
import { engine } from '../../client.ts';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import { Link } from '../../components/Link.tsx';
import { Markdown } from '../../components/blob/Markdown.tsx';
import { MarkedText } from '../../components/MarkedText.tsx';
import { isMarkdownName } from '../../highlight/languages.ts';
import { formatBytes } from '../../lib/format.ts';
import { useRequest } from '../object/useRequest.ts';
import '../../components/blob/markdown.css';

/** A README larger than this is not shown under the listing (the file itself opens as usual). */
const MAX_README_BYTES = 1 << 20;

/** Names a folder's README goes by, best first (a code host prefers Markdown). */
const README_NAMES = ['README.md', 'readme.md', 'Readme.md', 'README.markdown', 'README', 'README.txt', 'readme.txt'];
const README_PATTERN = /^readme(\.(md|markdown|mdown|mkd|mkdn|txt))?$/i;

/** The README among the entries: Markdown first, then plain text. */
function pickReadme(entries: TreeEntryInfo[]): TreeEntryInfo | undefined {
  const files = entries.filter((e) => (e.mode === '100644' || e.mode === '100755') && e.nameBytes === undefined && README_PATTERN.test(e.name));
  return files.find((e) => isMarkdownName(e.name)) ?? files[0];
}

interface ReadmeFound {
  name: string;
  oid: string;
  text: string;
  size: number;
}

/**
 * The README of the folder shown under its listing, rendered when it is Markdown, as a code host
 * does. It is looked for among the entries the listing already has; a large folder whose first
 * page does not reach it is asked by name.
 */
export function FolderReadme({ rev, path, tree, entries, total }: { rev: string; path: string[]; tree: string; entries: TreeEntryInfo[]; total: number }) {
  const listed = pickReadme(entries);
  const req = useRequest<ReadmeFound | undefined>(
    'Reading the README',
    async (signal, onProgress) => {
      let entry: { name: string; oid: string } | undefined = listed;
      if (!entry && total > entries.length) {
        for (const name of README_NAMES) {
          const found = await engine.call('browse', { rev, path: [...path, name] }, { signal }).catch(() => undefined);
          if (found?.target.kind === 'blob' && (found.target.mode === '100644' || found.target.mode === '100755')) {
            entry = { name, oid: found.target.oid };
            break;
          }
        }
      }
      if (!entry) return undefined;
      const detail = await engine.call('object', { oid: entry.oid }, { signal });
      const content = detail.content;
      if (!content || content.kind !== 'blob' || content.text === undefined || content.size > MAX_README_BYTES) return undefined;
      const text = content.truncated ? (await engine.call('blobText', { oid: entry.oid }, { signal, onProgress })).text : content.text;
      return { name: entry.name, oid: entry.oid, text, size: content.size };
    },
    [tree, rev],
  );
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
      <path d="M2 2.5h4.5A1.5 1.5 0 0 1 8 4v9.5A1.5 1.5 0 0 0 6.5 12H2zM14 2.5H9.5A1.5 1.5 0 0 0 8 4v9.5A1.5 1.5 0 0 1 9.5 12H14z" fill="none" stroke="currentColor" strokeWidth="1.3" strokeLinejoin="round" />
    </svg>
  );
}
