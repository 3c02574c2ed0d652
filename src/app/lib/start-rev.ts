import type { RepoSummary } from '../../protocol/messages.ts';
import { groupRefs } from '../views/browse/RefSelector.tsx';

/**
 * The revision Browse and History open on: HEAD when it names a commit; else (a copied or bare
 * repository whose HEAD names a branch that is not there) main, master or the first branch, then
 * the first tag or other ref; with no refs at all, HEAD, where the views list the tip commits.
 */
export function startRevOf(summary: RepoSummary | undefined): string {
  if (!summary || summary.head?.oid !== undefined) return 'HEAD';
  const resolving = summary.refs.filter((r) => r.oid !== undefined);
  const groups = groupRefs(resolving);
  const branch = groups.branches.find((o) => o.label === 'main') ?? groups.branches.find((o) => o.label === 'master') ?? groups.branches[0];
  return (branch ?? groups.remotes[0] ?? groups.tags[0] ?? groups.other[0])?.value ?? 'HEAD';
}
