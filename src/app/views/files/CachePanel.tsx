import type { CacheLimits } from '../../../protocol/anatomy.ts';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import { formatBytes, formatCount } from '../../lib/format.ts';
import { useCacheStats } from './useCacheStats.ts';

function percent(part: number, whole: number): string {
  if (whole <= 0) return '—';
  const p = (part / whole) * 100;
  return p > 0 && p < 1 ? '<1%' : `${p < 10 && p % 1 !== 0 ? p.toFixed(1) : Math.round(p)}%`;
}

/** A bar of part against whole, with an optional second mark (the peak). */
function Bar({ part, whole, peak, label }: { part: number; whole: number; peak?: number; label: string }) {
  const w = whole > 0 ? Math.min(100, (part / whole) * 100) : 0;
  const p = peak !== undefined && whole > 0 ? Math.min(100, (peak / whole) * 100) : undefined;
  return (
    <div className="hx-bar" role="img" aria-label={label}>
      <div className="hx-bar-fill" style={{ width: `${w}%` }} />
      {p !== undefined && <div className="hx-bar-peak" style={{ left: `calc(${p}% - 1px)` }} title={`peak ${percent(peak as number, whole)}`} />}
    </div>
  );
}

function Ratio({ hits, misses }: { hits: number; misses: number }) {
  const total = hits + misses;
  return (
    <span>
      {formatCount(hits)} hits, {formatCount(misses)} misses <span className="muted">({total === 0 ? 'no reads yet' : `${percent(hits, total)} hit`})</span>
    </span>
  );
}

/**
 * The window cache (libgit2's mwindow: windows of the pack-folder files under one byte budget)
 * and the delta base cache, live: what was read from disk against the folder's size, what is
 * held against the budget, hits and misses.
 */
export function CachePanel({ limits }: { limits: CacheLimits | undefined }) {
  const { stats, error } = useCacheStats();
  return (
    <section className="card hx-cache" aria-labelledby="hx-cache-title" data-testid="cache-panel">
      <h2 id="hx-cache-title">
        Window cache <span className="muted hx-cache-live">updated every second</span>
      </h2>
      {error && <ErrorBox error={error} title="The cache counters could not be read" />}
      {!stats && !error && <p className="muted">Reading the counters…</p>}
      {stats && (
        <div className="hx-cache-grid">
          <div className="hx-cache-item">
            <div className="hx-cache-label">Read from disk</div>
            <div className="hx-cache-value" data-testid="cache-bytes-read">
              {formatBytes(stats.bytesRead)}{' '}
              <span className="muted">
                of {formatBytes(stats.fileBytes)} in the pack folder ({percent(stats.bytesRead, stats.fileBytes)})
              </span>
            </div>
            <Bar part={stats.bytesRead} whole={stats.fileBytes} label={`${percent(stats.bytesRead, stats.fileBytes)} of the pack folder's bytes read`} />
            <div className="hx-cache-note muted">
              {formatCount(stats.sourceReads)} reads of the files{stats.bytesRead > stats.fileBytes ? '; more than the folder holds, because windows dropped under the budget were read again' : ''}
            </div>
          </div>
          <div className="hx-cache-item">
            <div className="hx-cache-label">Held in windows</div>
            <div className="hx-cache-value">
              {formatBytes(stats.bytesHeld)}{' '}
              {limits && (
                <span className="muted">
                  of a {formatBytes(limits.windowBudget)} budget ({percent(stats.bytesHeld, limits.windowBudget)})
                </span>
              )}
            </div>
            {limits && (
              <Bar
                part={stats.bytesHeld}
                whole={limits.windowBudget}
                peak={stats.peakBytesHeld}
                label={`${percent(stats.bytesHeld, limits.windowBudget)} of the budget held; peak ${percent(stats.peakBytesHeld, limits.windowBudget)}`}
              />
            )}
            <div className="hx-cache-note muted">
              {formatCount(stats.windowsOpen)} window{stats.windowsOpen === 1 ? '' : 's'} open
              {limits ? ` of ${formatBytes(limits.windowSize)}, each starting at a multiple of ${formatBytes(limits.windowSize / 2)}` : ''} · peak {formatBytes(stats.peakBytesHeld)}
            </div>
          </div>
          <div className="hx-cache-item">
            <div className="hx-cache-label">Window lookups</div>
            <div className="hx-cache-value">
              <Ratio hits={stats.hits} misses={stats.misses} />
            </div>
            <Bar part={stats.hits} whole={stats.hits + stats.misses} label={`${percent(stats.hits, stats.hits + stats.misses)} of lookups hit a window already held`} />
            <div className="hx-cache-note muted">a miss loads a window from the file</div>
          </div>
          <div className="hx-cache-item">
            <div className="hx-cache-label">Delta base cache</div>
            <div className="hx-cache-value">
              <Ratio hits={stats.deltaHits} misses={stats.deltaMisses} />
            </div>
            {limits && <Bar part={stats.deltaBytesHeld} whole={limits.deltaBaseBudget} label={`${formatBytes(stats.deltaBytesHeld)} of decoded bases held`} />}
            <div className="hx-cache-note muted">
              {formatBytes(stats.deltaBytesHeld)} of decoded bases held
              {limits ? ` of a ${formatBytes(limits.deltaBaseBudget)} budget; objects over ${formatBytes(limits.deltaBaseMaxEntry)} are never kept` : ''}
            </div>
          </div>
        </div>
      )}
    </section>
  );
}
