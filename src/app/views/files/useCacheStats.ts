import { useEffect, useState } from 'react';
import type { WireError } from '../../../core/errors.ts';
import type { CacheStats } from '../../../protocol/messages.ts';
import { engine } from '../../client.ts';
import { asWire } from '../../stores/repo.ts';

/** How often the counters are asked for while the panel is visible. */
const REFRESH_MS = 1000;

/** The counters, asked for every second while the page is visible. */
export function useCacheStats(): { stats: CacheStats | undefined; error: WireError | undefined } {
  const [stats, setStats] = useState<CacheStats | undefined>(undefined);
  const [error, setError] = useState<WireError | undefined>(undefined);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const controller = new AbortController();
    const tick = async () => {
      timer = undefined;
      if (stopped || document.visibilityState !== 'visible') return;
      try {
        const s = await engine.call('cacheStats', {}, { signal: controller.signal });
        if (stopped) return;
        setStats(s);
        setError(undefined);
      } catch (err) {
        if (stopped) return;
        setError(asWire(err));
      }
      if (!stopped && document.visibilityState === 'visible') timer = setTimeout(() => void tick(), REFRESH_MS);
    };
    const onVisibility = () => {
      if (document.visibilityState === 'visible' && timer === undefined) void tick();
    };
    void tick();
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      stopped = true;
      controller.abort();
      if (timer !== undefined) clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, []);
  return { stats, error };
}
