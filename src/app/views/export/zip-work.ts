import type { ExportLimits } from '../../../protocol/evidence.ts';
import type { Progress } from '../../../protocol/rpc.ts';
import { engine } from '../../client.ts';
import { formatBytes, formatCount } from '../../lib/format.ts';
import { saveParts } from './save.ts';
import type { ExportResult } from './useExport.ts';

/** Asks the worker for the tree `rev` (below `path`) as a zip, and saves it. */
export async function exportZip(rev: string, path: string[], limits: Partial<ExportLimits> | undefined, signal: AbortSignal, onProgress: (p: Progress) => void): Promise<ExportResult> {
  const answer = await engine.call('exportTreeZip', { rev, path, ...(limits ? { limits } : {}) }, { signal, onProgress });
  if (answer.kind === 'refused') return { kind: 'refused', refusal: answer.refusal };
  saveParts(answer.blocks, answer.name, 'application/zip');
  const parts = [`${formatCount(answer.files)} file${answer.files === 1 ? '' : 's'}`, `${formatCount(answer.directories)} folder${answer.directories === 1 ? '' : 's'}`];
  if (answer.symlinks) parts.push(`${formatCount(answer.symlinks)} link${answer.symlinks === 1 ? '' : 's'}`);
  if (answer.submodules) parts.push(`${formatCount(answer.submodules)} submodule${answer.submodules === 1 ? '' : 's'} (as empty folders)`);
  const summary = `${parts.join(', ')}; ${formatBytes(answer.contentBytes)} of content in ${formatBytes(answer.bytes)}, in ${formatCount(answer.planMs + answer.writeMs)} ms. Times are ${answer.commit ? `commit ${answer.commit.slice(0, 12)}'s` : 'the export’s (a tree has no commit time)'}, as git archive sets them.`;
  return { kind: 'saved', name: answer.name, summary, problems: answer.problems };
}

/** Ten times the limits that refused an export (depth stays: deeper trees only nest). */
export function tenTimes(l: ExportLimits): Partial<ExportLimits> {
  return { maxEntries: l.maxEntries * 10, maxBytes: l.maxBytes * 10, maxAmplification: l.maxAmplification * 10 };
}
