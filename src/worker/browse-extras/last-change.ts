import { FolderLastChanges } from '../../core/browse/last-change.ts';
import type { LastChangeChunk, LastChangeSummary } from '../../protocol/browse-extras.ts';
import type { StreamContext } from '../../protocol/rpc.ts';
import type { Session } from '../session.ts';
import { jobs, ownerKey } from '../jobs.ts';

/**
 * A folder's last commit per entry (core/browse/last-change.ts), run as a job of the worker's
 * queue; each slice's chunk goes to the page. A cancel (the person went elsewhere) drops the job.
 */

let walks = 0;

/** Streams sizes, then each entry's last commit as the walk finds it; resolves with the summary. */
export async function runLastChanges(session: Session, commitHex: string, path: string[], ctx: StreamContext<LastChangeChunk>): Promise<LastChangeSummary> {
  const run = new FolderLastChanges(session.db, commitHex, path);
  if (!run.walkable) return run.summary();
  await jobs.run(
    {
      key: `${ownerKey(session)}:last-change:${++walks}`,
      step: (ms) => run.step(ms, (chunk) => ctx.emit(chunk)),
      progress: () => ({ ...run.progress(), label: 'Finding the last commit of each entry', unit: 'entries' }),
      finish: () => undefined,
    },
    ctx,
    'browse',
  );
  return run.summary();
}
