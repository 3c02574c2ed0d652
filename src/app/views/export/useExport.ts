import { useCallback, useEffect, useRef, useState } from 'react';
import type { WireError } from '../../../core/errors.ts';
import type { Progress } from '../../../protocol/rpc.ts';
import type { ExportProblem, ExportRefusal } from '../../../protocol/evidence.ts';
import { asWire } from '../../stores/repo.ts';
import { isCancelled, runTask } from '../../stores/tasks.ts';

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
export function useExport(): { outcome: ExportOutcome; run: (label: string, failTitle: string, work: (signal: AbortSignal, onProgress: (p: Progress) => void) => Promise<ExportResult>) => void; clear: () => void } {
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
