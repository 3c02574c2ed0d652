import { useEffect, useRef, useState } from 'react';
import type { ObjectExportForm } from '../../../protocol/evidence.ts';
import type { ObjectType } from '../../../protocol/messages.ts';
import { OutcomePanel } from './OutcomePanel.tsx';
import { exportObject, exportZip, tenTimes, useExport } from './useExport.ts';
import './export.css';

interface MenuItem {
  id: string;
  label: string;
  hint: string;
  act: () => void;
}

/**
 * The object page's (and a browsed file's) Export menu: the object as git stores it loose,
 * its `<type> <size>\0` bytes, its content as a file, its `git cat-file -p` text, and for
 * commits, tags and trees the whole tree as a zip. Each is a download; nothing is written
 * into the opened folder.
 */
export function ExportMenu({ oid, type, fileName, zipRev }: { oid: string; type: ObjectType | undefined; fileName?: string; zipRev?: string }) {
  const [open, setOpen] = useState(false);
  const box = useRef<HTMLSpanElement>(null);
  const { outcome, run, clear } = useExport();

  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (box.current && !box.current.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        setOpen(false);
        box.current?.querySelector<HTMLButtonElement>('.ex-menu-button')?.focus();
      }
    };
    document.addEventListener('mousedown', onDown);
    document.addEventListener('keydown', onKey);
    box.current?.querySelector<HTMLButtonElement>('[role=menuitem]')?.focus();
    return () => {
      document.removeEventListener('mousedown', onDown);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  const saveObject = (form: ObjectExportForm, what: string) => run(`Exporting ${what}`, `${what} could not be exported`, (signal, onProgress) => exportObject(oid, form, fileName, signal, onProgress));
  const saveZip = (limits?: Parameters<typeof exportZip>[2]) =>
    run('Exporting the tree as .zip', 'The tree could not be exported', (signal, onProgress) => exportZip(zipRev ?? oid, [], limits, signal, onProgress));

  const items: MenuItem[] = [];
  if (type === 'blob') {
    items.push({ id: 'content', label: fileName ? `Download ${fileName}` : 'Download the file', hint: 'the content, as a file', act: () => saveObject('content', 'the file') });
  } else {
    items.push({
      id: 'pretty',
      label: 'cat-file -p text',
      hint: type === 'tree' ? 'the listing git cat-file -p prints' : 'the text git cat-file -p prints',
      act: () => saveObject('pretty', 'the cat-file -p text'),
    });
    items.push({ id: 'content', label: 'Content bytes', hint: type === 'tree' ? 'the tree object’s binary entries' : 'the object’s content', act: () => saveObject('content', 'the content') });
  }
  items.push({ id: 'loose', label: 'Loose object file', hint: 'zlib, as git stores it in objects/xx/', act: () => saveObject('loose', 'the loose object') });
  items.push({ id: 'header', label: 'Raw object', hint: '<type> <size>\\0 + content, the bytes git hashes', act: () => saveObject('header', 'the raw object') });
  if (type === 'commit' || type === 'tree' || zipRev) items.push({ id: 'zip', label: 'Download tree as .zip', hint: 'like git archive --format=zip', act: () => saveZip() });

  return (
    <span className="ex-menu">
      <span className="ex-menu-anchor" ref={box}>
        <button
          type="button"
          className="small ex-menu-button"
          aria-haspopup="menu"
          aria-expanded={open}
          onClick={() => setOpen((o) => !o)}
          disabled={outcome.status === 'running'}
          data-testid="export-menu"
        >
          {outcome.status === 'running' ? 'Exporting…' : 'Export'} <span aria-hidden="true">▾</span>
        </button>
        {open && (
          <span className="ex-menu-list" role="menu" aria-label="Export this object">
            {items.map((item) => (
              <button
                key={item.id}
                type="button"
                role="menuitem"
                data-testid={`export-${item.id}`}
                onClick={() => {
                  setOpen(false);
                  item.act();
                }}
                onKeyDown={(e) => {
                  if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
                  e.preventDefault();
                  const all = Array.from(box.current?.querySelectorAll<HTMLButtonElement>('[role=menuitem]') ?? []);
                  const i = all.indexOf(e.currentTarget);
                  all[(i + (e.key === 'ArrowDown' ? 1 : all.length - 1)) % all.length]?.focus();
                }}
              >
                <span className="ex-item-label">{item.label}</span>
                <span className="ex-item-hint">{item.hint}</span>
              </button>
            ))}
          </span>
        )}
      </span>
      <OutcomePanel outcome={outcome} onClose={clear} onRaiseLimits={outcome.status === 'refused' ? () => saveZip(tenTimes(outcome.refusal.limits)) : undefined} />
    </span>
  );
}
