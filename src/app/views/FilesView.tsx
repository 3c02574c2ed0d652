import { CachePanel } from './files/CachePanel.tsx';
import { FilesTable } from './files/FilesTable.tsx';
import { useWorkerRequest } from '../lib/request.ts';
import './files/files.css';
import { RequestStatus } from '../components/RequestStatus.tsx';

/** The folder's files (#/<repo>/files), each a link to its annotated bytes, and the caches' counters live. */
export function FilesView() {
  const listing = useWorkerRequest('Listing the folder', 'folderFiles', {}, []);
  return (
    <div className="hx-files-page" data-testid="files-view">
      <h1>Files</h1>
      <p className="muted hx-files-intro">Every file of the opened folder that packscope reads. Open one to see its bytes, annotated with what git's format makes of them.</p>
      <CachePanel limits={listing.data?.caches} />
      <RequestStatus req={listing} loading="Listing the folder…" failed="The folder's files could not be listed" again="List again" />
      {listing.data && <FilesTable files={listing.data.files} />}
    </div>
  );
}
