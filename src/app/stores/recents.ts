import { create } from 'zustand';

/**
 * Recently opened folders: their directory handles live in IndexedDB (handles are
 * structured-cloneable), so a folder reopens with one click; the browser may ask for
 * permission again.
 */

export interface Recent {
  id: string;
  name: string;
  openedAt: number;
  handle: FileSystemDirectoryHandle;
}

const DB = 'packscope';
const STORE = 'recents';
const LIMIT = 12;

function db(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'id' });
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

async function tx<T>(mode: IDBTransactionMode, fn: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const d = await db();
  return new Promise((resolve, reject) => {
    const req = fn(d.transaction(STORE, mode).objectStore(STORE));
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

interface RecentsState {
  recents: Recent[];
  load: () => Promise<void>;
  remember: (handle: FileSystemDirectoryHandle) => Promise<Recent>;
  forget: (id: string) => Promise<void>;
}

export const useRecents = create<RecentsState>((set, get) => ({
  recents: [],
  load: async () => {
    try {
      const all = (await tx('readonly', (s) => s.getAll())) as Recent[];
      set({ recents: all.sort((a, b) => b.openedAt - a.openedAt) });
    } catch {
      set({ recents: [] });
    }
  },
  remember: async (handle) => {
    // The same folder opened again keeps its id (isSameEntry), so its URL stays valid.
    let existing: Recent | undefined;
    for (const r of get().recents) {
      try {
        if (await r.handle.isSameEntry(handle)) existing = r;
      } catch {
        // A stale handle compares false.
      }
    }
    const recent: Recent = { id: existing?.id ?? `${Date.now().toString(36)}`, name: handle.name, openedAt: Date.now(), handle };
    await tx('readwrite', (s) => s.put(recent));
    const list = [recent, ...get().recents.filter((r) => r.id !== recent.id)];
    for (const old of list.slice(LIMIT)) await tx('readwrite', (s) => s.delete(old.id));
    set({ recents: list.slice(0, LIMIT) });
    return recent;
  },
  forget: async (id) => {
    await tx('readwrite', (s) => s.delete(id));
    set({ recents: get().recents.filter((r) => r.id !== id) });
  },
}));

/** Asks for read permission on a remembered handle (needs a click when not yet granted). */
export async function ensurePermission(handle: FileSystemDirectoryHandle, ask: boolean): Promise<boolean> {
  const h = handle as FileSystemDirectoryHandle & {
    queryPermission?: (d: { mode: 'read' }) => Promise<PermissionState>;
    requestPermission?: (d: { mode: 'read' }) => Promise<PermissionState>;
  };
  if (!h.queryPermission) return true;
  if ((await h.queryPermission({ mode: 'read' })) === 'granted') return true;
  if (!ask || !h.requestPermission) return false;
  return (await h.requestPermission({ mode: 'read' })) === 'granted';
}
