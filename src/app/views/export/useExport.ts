import { useCallback, useEffect, useRef, useState } from 'react';
import type { WireError } from '../../../core/errors.ts';
import type { Progress } from '../../../protocol/rpc.ts';
import type { ExportLimits, ExportProblem, ExportRefusal, ObjectExportForm } from '../../../protocol/evidence.ts';
import { engine } from '../../client.ts';
import { formatBytes, formatCount } from '../../lib/format.ts';
import { asWire } from '../../stores/repo.ts';
import { isCancelled, runTask } from '../../stores/tasks.ts';
import { saveParts } from './save.ts';

/** How the last export went, as the outcome panel shows it. */
export type ExportOutcome =
  | { status: 'idle' }
  | { status: 'running'; label: string }
  | { status: 'saved'; name: string; summary: string; problems: ExportProblem[] }
  | { status: 'refused'; refusal: ExportRefusal; retry?: () => void }
  | { status: 'failed'; title: string; error: WireError }
  | { status: 'cancelled'; label: string };

/** What a piece of export work returns: saved (with a summary) or refused. */
export type ExportResult = { kind: 'saved'; name: string; summary: string; problems?: ExportProblem[] } | { kind: 'refused'; refusal: ExportRefusal };

/**
 * Runs exports one at a time as visible, cancellable tasks (the task bar shows progress and
 * Cancel) and keeps the outcome for the panel. Leaving the page cancels a running export.
 */
export function useExport(): {
  outcome: ExportOutcome;
  run: (label: string, failTitle: string, work: (signal: AbortSignal, onProgress: (p: Progress) => void) => Promise<ExportResult>) => void;
  clear: () => void;
} {
  const [outcome, setOutcome] = useState<ExportOutcome>({ status: 'idle' });
  const controller = useRef<AbortController | undefined>(undefined);
  useEffect(() => () => controller.current?.abort(), []);

  const run = useCallback((label: string, failTitle: string, work: (signal: AbortSignal, onProgress: (p: Progress) => void) => Promise<ExportResult>) => {
    controller.current?.abort();
    const mine = new AbortController();
    controller.current = mine;
    setOutcome({ status: 'running', label });
    runTask(label, work, mine.signal).then(
      (r) => {
        if (mine.signal.aborted) return;
        setOutcome(r.kind === 'saved' ? { status: 'saved', name: r.name, summary: r.summary, problems: r.problems ?? [] } : { status: 'refused', refusal: r.refusal });
      },
      (err: unknown) => {
        if (mine.signal.aborted && !isCancelled(err)) return;
        setOutcome(isCancelled(err) ? { status: 'cancelled', label } : { status: 'failed', title: failTitle, error: asWire(err) });
      },
    );
  }, []);

  const clear = useCallback(() => setOutcome({ status: 'idle' }), []);
  return { outcome, run, clear };
}

/** How a saved object file is described after the export. */
const FORM_NAMES: Record<ObjectExportForm, string> = {
  content: 'The content',
  loose: 'The loose object file (zlib)',
  header: 'The raw object (<type> <size>\\0 + content)',
  pretty: 'The cat-file -p text',
};

/** Asks the worker for object `oid` in `form` (a blob saved as `fileName` when given), and saves it. */
export async function exportObject(oid: string, form: ObjectExportForm, fileName: string | undefined, signal: AbortSignal, onProgress: (p: Progress) => void): Promise<ExportResult> {
  const r = await engine.call('exportObject', { oid, form, ...(fileName ? { fileName } : {}) }, { signal, onProgress });
  saveParts([r.bytes], r.name, 'application/octet-stream');
  return { kind: 'saved', name: r.name, summary: `${FORM_NAMES[form]} of ${r.type} ${oid.slice(0, 12)} (${formatBytes(r.size)} of content), ${formatBytes(r.bytes.length)}.` };
}

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
