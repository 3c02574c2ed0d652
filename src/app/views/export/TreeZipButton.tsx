import { OutcomePanel } from './OutcomePanel.tsx';
import { exportZip, tenTimes, useExport } from './useExport.ts';
import './export.css';

/**
 * "Download .zip" for the tree `rev` names, or its folder `path`: entries as
 * `git archive --format=zip` writes them. Measured first; a tree that expands too far is
 * refused with what was found.
 */
export function TreeZipButton({ rev, path, label = 'Download .zip' }: { rev: string; path: string[]; label?: string }) {
  const { outcome, run, clear } = useExport();
  const where = path.length ? path.join('/') : 'the tree';
  const start = (limits?: Parameters<typeof exportZip>[2]) =>
    run(`Exporting ${where} as .zip`, `${where} could not be exported`, (signal, onProgress) => exportZip(rev, path, limits, signal, onProgress));
  return (
    <span className="ex-zip">
      <button
        type="button"
        className="small"
        onClick={() => start()}
        disabled={outcome.status === 'running'}
        data-testid="download-zip"
        title={`Save ${where} as a zip archive, as git archive --format=zip would`}
      >
        <ZipGlyph />
        {outcome.status === 'running' ? 'Exporting…' : label}
      </button>
      <OutcomePanel outcome={outcome} onClose={clear} onRaiseLimits={outcome.status === 'refused' ? () => start(tenTimes(outcome.refusal.limits)) : undefined} />
    </span>
  );
}

function ZipGlyph() {
  return (
    <svg className="ex-glyph" width="14" height="14" viewBox="0 0 16 16" aria-hidden="true">
      <path d="M3 1.5h7l3 3v10H3z" fill="none" stroke="currentColor" strokeWidth="1.3" />
      <path d="M7 2v1.5h1.5V5H7v1.5h1.5V8H7v1.5" fill="none" stroke="currentColor" strokeWidth="1.1" />
      <rect x="6.6" y="10" width="2.4" height="2.6" rx="0.4" fill="currentColor" />
    </svg>
  );
}
