import { useEffect, useRef, useState } from 'react';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { hasFolderPicker, openDemo, openFiles, pickFolder, reopenRecent } from '../lib/open.ts';
import { useRecents } from '../stores/recents.ts';
import { useRepo } from '../stores/repo.ts';
import { AppVersion } from '../pwa/AppVersion.tsx';

/** Where everything starts: open a folder (picker, input, drop), the demo, or a recent folder. */
export function HomeView({ pendingRepo }: { pendingRepo: string | undefined }) {
  const recents = useRecents((s) => s.recents);
  const forget = useRecents((s) => s.forget);
  const status = useRepo((s) => s.status);
  const error = useRepo((s) => s.error);
  const input = useRef<HTMLInputElement>(null);
  const [needsPermission, setNeedsPermission] = useState<string | undefined>();

  useEffect(() => {
    // webkitdirectory is not in React's attribute types; set it on the element.
    input.current?.setAttribute('webkitdirectory', '');
    input.current?.setAttribute('directory', '');
  }, []);

  const pending = pendingRepo?.startsWith('recent-') ? recents.find((r) => `recent-${r.id}` === pendingRepo) : undefined;

  return (
    <div className="home">
      <section className="home-intro">
        <h1>Look inside a git repository</h1>
        <p>
          Open a <code>.git</code> folder, a working tree, an <code>objects</code> folder or a pack folder. Everything is read here in your browser: nothing is uploaded, and this page makes no network
          connections.
        </p>
      </section>

      {pendingRepo === 'local' && <p className="notice">This folder was given by a file dialog or a drop, which the browser does not let a page reopen by itself. Choose it again below.</p>}
      {pending && (
        <div className="notice">
          <span>
            Reopen <strong>{pending.name}</strong>? The browser asks for permission again after a reload.
          </span>{' '}
          <button type="button" className="primary" onClick={() => void reopenRecent(pending.id, true)}>
            Reopen {pending.name}
          </button>
        </div>
      )}

      <div className="open-actions">
        {hasFolderPicker() && (
          <button type="button" className="primary big" onClick={() => void pickFolder()} disabled={status === 'opening'}>
            Open folder…
          </button>
        )}
        <label className="button big">
          {hasFolderPicker() ? 'Choose with the upload dialog…' : 'Open folder…'}
          <input
            ref={input}
            type="file"
            multiple
            className="visually-hidden"
            data-testid="folder-input"
            onChange={(e) => {
              const list = [...(e.target.files ?? [])];
              if (list.length === 0) return;
              const files = list.map((f) => ({ path: (f as File & { webkitRelativePath: string }).webkitRelativePath || f.name, file: f }));
              void openFiles(files, files[0].path.split('/')[0]);
              e.target.value = '';
            }}
          />
        </label>
        <button type="button" className="big" onClick={() => void openDemo()} disabled={status === 'opening'}>
          Open the demo repository
        </button>
      </div>
      <p className="hint">Or drop a folder (or single .pack, .idx and multi-pack-index files) anywhere on this page.</p>

      {status === 'opening' && <p className="muted">Opening…</p>}
      {status === 'error' && error && <ErrorBox error={error} title="The folder could not be opened" />}

      {recents.length > 0 && (
        <section className="recents">
          <h2>Recently opened</h2>
          <ul>
            {recents.map((r) => (
              <li key={r.id}>
                <button
                  type="button"
                  className="link-button"
                  onClick={async () => {
                    const result = await reopenRecent(r.id, true);
                    setNeedsPermission(result === 'needs-permission' ? r.id : undefined);
                  }}
                >
                  {r.name}
                </button>
                <span className="muted"> opened {new Date(r.openedAt).toLocaleString()}</span>
                {needsPermission === r.id && <span className="warn"> — permission was refused</span>}
                <button type="button" className="small" aria-label={`Forget ${r.name}`} onClick={() => void forget(r.id)}>
                  Forget
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
      <AppVersion />
    </div>
  );
}
