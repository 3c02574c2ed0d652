import type { EntryKind } from '../object/entries.ts';

const LABELS: Record<EntryKind, string> = {
  folder: 'Folder',
  file: 'File',
  executable: 'Executable file',
  symlink: 'Symbolic link',
  submodule: 'Submodule',
};

/** A small glyph for a tree entry's kind; its name for screen readers is the kind. */
export function EntryIcon({ kind }: { kind: EntryKind }) {
  return (
    <svg className={`entry-icon icon-${kind}`} width="16" height="16" viewBox="0 0 16 16" role="img" aria-label={LABELS[kind]}>
      {kind === 'folder' && (
        <path
          d="M1.5 3.5a1 1 0 0 1 1-1h3.6l1.5 1.6h5.9a1 1 0 0 1 1 1v7.4a1 1 0 0 1-1 1h-11a1 1 0 0 1-1-1z"
          fill="currentColor"
          fillOpacity="0.25"
          stroke="currentColor"
          strokeWidth="1.2"
          strokeLinejoin="round"
        />
      )}
      {(kind === 'file' || kind === 'executable') && (
        <>
          <path d="M3.5 1.5h6l3 3v10h-9z" fill="none" stroke="currentColor" strokeWidth="1.2" strokeLinejoin="round" />
          <path d="M9.5 1.5v3h3" fill="none" stroke="currentColor" strokeWidth="1.2" strokeLinejoin="round" />
          {kind === 'executable' && <path d="M5.5 8.5l2 1.5-2 1.5M8.5 12h2.5" fill="none" stroke="currentColor" strokeWidth="1.2" strokeLinecap="round" strokeLinejoin="round" />}
        </>
      )}
      {kind === 'symlink' && (
        <>
          <path d="M3.5 1.5h6l3 3v10h-9z" fill="none" stroke="currentColor" strokeWidth="1.2" strokeLinejoin="round" />
          <path d="M5.5 11.5c0-2.5 1.5-4 4-4M8 5.5l2 2-2 2" fill="none" stroke="currentColor" strokeWidth="1.2" strokeLinecap="round" strokeLinejoin="round" />
        </>
      )}
      {kind === 'submodule' && (
        <>
          <path d="M1.5 3.5a1 1 0 0 1 1-1h3.6l1.5 1.6h5.9a1 1 0 0 1 1 1v7.4a1 1 0 0 1-1 1h-11a1 1 0 0 1-1-1z" fill="none" stroke="currentColor" strokeWidth="1.2" strokeLinejoin="round" />
          <circle cx="8" cy="9" r="1.9" fill="none" stroke="currentColor" strokeWidth="1.2" />
        </>
      )}
    </svg>
  );
}
