import { engine } from '../client.ts';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { CachePanel } from './files/CachePanel.tsx';
import { FilesTable } from './files/FilesTable.tsx';
import { useRequest } from './object/useRequest.ts';
import './files/files.css';

/** The folder's files (#/<repo>/files), each a link to its annotated bytes, and the caches' counters live. */
export function FilesView() {
  const listing = useRequest('Listing the folder', (signal) => engine.call('folderFiles', {}, { signal }), []);
  return (
    <div className="hx-files-page" data-testid="files-view">
      <h1>Files</h1>
      <p className="muted hx-files-intro">Every file of the opened folder that packscope reads. Open one to see its bytes, annotated with what git's format makes of them.</p>
      <CachePanel limits={listing.data?.caches} />
      {listing.status === 'loading' && !listing.data && <p className="muted">Listing the folder…</p>}
      {listing.status === 'error' && <ErrorBox error={listing.error} title="The folder's files could not be listed" />}
      {listing.status === 'cancelled' && (
        <p className="notice">
          Listing was cancelled.{' '}
          <button type="button" className="small" onClick={listing.retry}>
            List again
          </button>
        </p>
      )}
      {listing.data && <FilesTable files={listing.data.files} />}
    </div>
  );
}
