import { requirePack } from '../../../core/odb/require-pack.ts';
import type { PackScan } from '../../../core/scan/pack-scan.ts';
import type { HandlerContext } from '../../../protocol/rpc.ts';
import type { Session } from '../../session.ts';
import { jobs, ownerKey } from '../../jobs.ts';

/**
 * The session's side of the pack-order scan (`core/scan/pack-scan.ts`): one scan per pack,
 * kept while the folder is open, driven a slice at a time by whichever view waits on it.
 */

/** The session's scan of a pack (created on first use, kept until the folder is closed). */
export function scanOf(session: Session, name: string): PackScan {
  return session.db.packScan(requirePack(session.db, name));
}

/**
 * Runs the pack's scan to completion through the worker's job queue (one job per pack, shared
 * by statistics, the byte map and any other waiter), with progress in entries. A caller that is
 * cancelled stops waiting; what was read stays, and the next caller continues from there.
 */
export async function scanPack(session: Session, name: string, ctx: HandlerContext): Promise<PackScan> {
  const scan = scanOf(session, name);
  if (scan.done) return scan;
  return jobs.run(
    {
      key: `${ownerKey(session)}:pack-scan:${name}`,
      step: (ms) => scan.step(ms),
      progress: () => ({ done: scan.scanned, total: scan.count, label: `Scanning ${name} (every entry header)`, unit: 'entries' }),
      finish: () => scan,
    },
    ctx,
  );
}
