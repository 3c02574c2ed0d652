import type { KeyboardEvent } from 'react';
import type { TreeEntryInfo } from '../../../protocol/messages.ts';

/** What a tree entry is, from its mode. */
export type EntryKind = 'folder' | 'file' | 'executable' | 'symlink' | 'submodule';

/** The kind of a tree entry, read from its mode as git does. */
export function entryKind(entry: TreeEntryInfo): EntryKind {
  const mode = entry.mode.replace(/^0+/, '');
  if (mode === '40000') return 'folder';
  if (mode === '160000') return 'submodule';
  if (mode === '120000') return 'symlink';
  if (mode === '100755') return 'executable';
  return 'file';
}

/** The mode as `git ls-tree` prints it: six octal digits. */
export function formatMode(mode: string): string {
  return mode.padStart(6, '0');
}

/** True when the decoded name hides something (control characters, bytes that are not UTF-8). */
export function nameIsOpaque(entry: TreeEntryInfo): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: a control character in a name is what makes it opaque.
  return entry.quoted !== undefined && /[\u0000-\u001f\u007f\ufffd]/.test(entry.name);
}

/** The name to show: as decoded, or as git quotes it when decoding would hide bytes. */
export function shownName(entry: TreeEntryInfo): string {
  return nameIsOpaque(entry) && entry.quoted !== undefined ? entry.quoted : entry.name;
}

/**
 * Arrow keys, Home and End move focus between the rows of a list whose focus targets carry
 * `data-row-focus`; returns true when the key was handled.
 */
export function moveRowFocus(event: KeyboardEvent<HTMLElement>, container: HTMLElement | null): boolean {
  if (!container) return false;
  const targets = Array.from(container.querySelectorAll<HTMLElement>('[data-row-focus]'));
  if (targets.length === 0) return false;
  const active = document.activeElement;
  const current = targets.findIndex((t) => t === active || t.contains(active));
  let next: number;
  switch (event.key) {
    case 'ArrowDown':
      next = current < 0 ? 0 : Math.min(targets.length - 1, current + 1);
      break;
    case 'ArrowUp':
      next = current < 0 ? 0 : Math.max(0, current - 1);
      break;
    case 'Home':
      next = 0;
      break;
    case 'End':
      next = targets.length - 1;
      break;
    case 'PageDown':
      next = current < 0 ? 0 : Math.min(targets.length - 1, current + 10);
      break;
    case 'PageUp':
      next = current < 0 ? 0 : Math.max(0, current - 10);
      break;
    default:
      return false;
  }
  event.preventDefault();
  targets[next].focus();
  targets[next].scrollIntoView({ block: 'nearest' });
  return true;
}
