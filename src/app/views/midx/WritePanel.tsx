import { useState } from 'react';
import type { WireError } from '../../../core/errors.ts';
import type { MidxAnatomy } from '../../../protocol/anatomy.ts';
import type { RepoSummary } from '../../../protocol/messages.ts';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import { formatBytes, formatCount } from '../../lib/format.ts';
import { asWire, useRepo } from '../../stores/repo.ts';
import { useWorkerRequest } from '../../lib/request.ts';
import { downloadMidx, folderHandle, midxPath, saveMidx } from './save.ts';
import { RequestStatus } from '../../components/RequestStatus.tsx';

type SaveState = { status: 'idle' } | { status: 'saving' } | { status: 'saved'; path: string } | { status: 'error'; error: WireError };

/** What the new file would change, in sentences, from the summary and the anatomy. */
function changes(summary: RepoSummary, anatomy: MidxAnatomy | undefined, same: boolean): string[] {
  const out: string[] = [];
  const midx = summary.midx;
  if (same) {
    out.push('It is byte for byte the multi-pack-index already in the folder: git would leave the file as it is.');
    return out;
  }
  if (anatomy?.kind === 'flat' && anatomy.error) {
    out.push('The multi-pack-index in the folder does not load, so git ignores it (“ignoring existing multi-pack-index”) and writes a new one over every pack.');
  } else if (midx?.kind === 'chain' || anatomy?.kind === 'chain') {
    out.push('git 2.39 does not read the incremental chain in multi-pack-index.d/; it writes a flat multi-pack-index, which git reads instead of the chain from then on.');
  } else if (midx && midx.version !== 1) {
    out.push(`The multi-pack-index in the folder is version ${midx.version}, which git 2.39 does not read: it writes a version 1 file over every pack.`);
  } else if (midx) {
    const added = summary.packs.filter((p) => !p.coveredByMidx);
    if (added.length > 0) {
      out.push(
        `It adds ${added.length === 1 ? '1 pack' : `${added.length} packs`} the current file does not cover (${added.map((p) => p.name).join(', ')}). The objects already in the file keep the copies it chose: git counts them as the oldest, so a new pack wins every object it shares with them.`,
      );
    } else {
      out.push('It differs from the file in the folder (whose checksum git does not accept): git writes it anew.');
    }
  } else {
    out.push('There is no multi-pack-index in the folder now: with one, git finds any packed object with one lookup instead of one per pack.');
  }
  return out;
}

/** What `git multi-pack-index write` would write here, with Save into the folder and Download. */
export function WritePanel({ summary, anatomy }: { summary: RepoSummary; anatomy: MidxAnatomy | undefined }) {
  const repoKey = useRepo((s) => s.key);
  const reload = useRepo((s) => s.reload);
  const req = useWorkerRequest('Building the multi-pack-index git would write', 'writeMidx', {}, [summary]);
  const [save, setSave] = useState<SaveState>({ status: 'idle' });
  const handle = folderHandle(repoKey);
  const target = midxPath(summary.rootKind);
  const data = req.data;

  const onSave = async (): Promise<void> => {
    if (!data || !handle) return;
    setSave({ status: 'saving' });
    try {
      const path = await saveMidx(handle, summary.rootKind, data.bytes);
      setSave({ status: 'saved', path });
      await reload();
    } catch (err) {
      setSave({ status: 'error', error: asWire(err) });
    }
  };

  return (
    <div className="mx-write card" data-testid="midx-write">
      <p className="mx-note">
        What <code>git multi-pack-index write</code> (git 2.39) would leave in the pack folder: every <code>.idx</code> whose <code>.pack</code> is present (kept and promisor packs too), duplicates
        resolved by pack modification time, names sorted, version 1. Built from the files packscope opened; nothing is written until you click Save.
      </p>
      <RequestStatus req={req} loading="Reading the packs’ indexes…" failed="git would not write a multi-pack-index here" again="Build again" />
      {data && (
        <>
          <dl className="facts mx-facts" data-testid="midx-write-facts">
            <dt>Packs</dt>
            <dd>{formatCount(data.packs)}</dd>
            <dt>Objects</dt>
            <dd>{formatCount(data.objects)}</dd>
            <dt>Size</dt>
            <dd>
              {formatCount(data.bytes.length)} bytes ({formatBytes(data.bytes.length)})
            </dd>
            <dt>Compared with the folder</dt>
            <dd data-testid="midx-write-same">{data.sameAsExisting ? <span className="badge on">identical</span> : <span className="badge">differs</span>}</dd>
          </dl>
          {changes(summary, anatomy, data.sameAsExisting).map((s) => (
            <p key={s}>{s}</p>
          ))}
          <div className="toolbar">
            {handle ? (
              <button type="button" className="primary" onClick={() => void onSave()} disabled={save.status === 'saving' || data.sameAsExisting} data-testid="midx-save">
                {save.status === 'saving' ? 'Saving…' : 'Save into the folder'}
              </button>
            ) : null}
            <button type="button" onClick={() => downloadMidx(data.bytes)} data-testid="midx-download">
              Download multi-pack-index
            </button>
          </div>
          <p className="muted mx-small">
            {handle
              ? data.sameAsExisting
                ? 'Nothing to save: the folder already holds this file.'
                : `Save writes ${target} in the opened folder (the browser asks for write permission), then reloads the repository.`
              : `Saving needs a folder opened with the folder picker or from the recent list; this one was opened ${repoKey === 'demo' ? 'as the built-in demo' : 'from a file list'}. Download the file and put it at ${target} inside the folder you opened.`}{' '}
            git would also delete stale <code>multi-pack-index-*.bitmap</code> files; they are named by checksum, so git ignores the old ones anyway.
          </p>
          {save.status === 'saved' && (
            <p className="mx-saved" role="status">
              Saved {formatCount(data.bytes.length)} bytes to <span className="mono">{save.path}</span>; the repository was reloaded.
            </p>
          )}
          {save.status === 'error' && <ErrorBox error={save.error} title="The multi-pack-index was not saved" />}
        </>
      )}
    </div>
  );
}
