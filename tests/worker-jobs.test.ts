import { describe, expect, it } from 'vitest';
import { Cancelled, type HandlerContext, type ProgressExtra } from '../src/protocol/rpc.ts';
import { JobScheduler, type JobSpec } from '../src/worker/jobs.ts';

/** The worker's job queue: priority, no starvation, shared jobs, per-waiter cancel, time estimates. */

interface Reported {
  done: number;
  total: number;
  label: string;
  extra?: ProgressExtra;
}

function context(request?: string): HandlerContext & { cancelled: boolean; reports: Reported[] } {
  const ctx = {
    request,
    cancelled: false,
    reports: [] as Reported[],
    progress(done: number, total: number, label: string, extra?: ProgressExtra) {
      ctx.reports.push({ done, total, label, ...(extra ? { extra } : {}) });
    },
    checkCancelled() {
      if (ctx.cancelled) throw new Cancelled();
    },
    async pause() {},
    transfer() {},
  };
  return ctx;
}

/** A job of `total` units, one unit per step; counts its steps; the clock moves `msPerStep` a step. */
function counter(key: string, total: number, clock?: { t: number; msPerStep: number }): JobSpec<string> & { steps: number } {
  const spec = {
    key,
    steps: 0,
    step() {
      spec.steps++;
      if (clock) clock.t += clock.msPerStep;
      return spec.steps >= total;
    },
    progress: () => ({ done: spec.steps, total, label: `job ${key}`, unit: 'objects' }),
    finish: () => `${key} done`,
  };
  return spec;
}

const tick = () => new Promise<void>((r) => setImmediate(r));

describe('JobScheduler', () => {
  it('gives the focused view most slices and the others their turn', async () => {
    const jobs = new JobScheduler({ focusShare: 3, yieldFn: tick });
    jobs.focus('verify');
    const verify = counter('verify', 400);
    const search = counter('search', 400);
    const found = counter('found', 400);
    const results = [jobs.run(search, context('search')), jobs.run(verify, context('verify')), jobs.run(found, context('reachability'))];
    await new Promise<void>((resolve) => {
      const poll = () => (verify.steps >= 120 ? resolve() : setTimeout(poll, 1));
      poll();
    });
    // Of every 4 slices the focused job gets 3; the other two share the 4th in turn.
    const others = search.steps + found.steps;
    expect(verify.steps / others).toBeGreaterThan(2.5);
    expect(search.steps).toBeGreaterThan(10);
    expect(found.steps).toBeGreaterThan(10);
    expect(Math.abs(search.steps - found.steps)).toBeLessThanOrEqual(2);
    expect(await Promise.all(results)).toEqual(['search done', 'verify done', 'found done']);
  });

  it('lets no job starve: each waiting job runs at least once in a round', async () => {
    const jobs = new JobScheduler({ focusShare: 3, yieldFn: tick });
    jobs.focus('pack');
    const long = counter('scan', 1000);
    const small = [counter('a', 3), counter('b', 3), counter('c', 3)];
    const smallDone = Promise.all(small.map((s) => jobs.run(s, context('search'))));
    const longDone = jobs.run(long, context('packStats'));
    await smallDone;
    // Three jobs of three slices, one slice in four: done within 4 * 9 slices of the focused job's.
    expect(long.steps).toBeLessThanOrEqual(3 * 9 + 3);
    expect(await longDone).toBe('scan done');
    // With no focused job waiting, the others share every slice.
    jobs.focus('verify');
    const x = counter('x', 50);
    const y = counter('y', 50);
    const both = Promise.all([jobs.run(x, context('search')), jobs.run(y, context('reachability'))]);
    await both;
    expect(x.steps).toBe(50);
    expect(y.steps).toBe(50);
  });

  it('does shared work once: a second waiter joins the running job', async () => {
    const jobs = new JobScheduler({ yieldFn: tick });
    const first = counter('pack-scan:p', 20);
    const second = counter('pack-scan:p', 20);
    const a = context('packStats');
    const b = context('packMap');
    const results = Promise.all([jobs.run(first, a), jobs.run(second, b)]);
    expect(jobs.pending).toEqual(['pack-scan:p']);
    expect(await results).toEqual(['pack-scan:p done', 'pack-scan:p done']);
    expect(first.steps).toBe(20);
    expect(second.steps).toBe(0);
    expect(jobs.slices.get('pack-scan:p')).toBe(20);
    // Both waiters saw progress, in the job's unit.
    expect(a.reports.at(-1)).toMatchObject({ done: 20, total: 20, extra: { unit: 'objects' } });
    expect(b.reports.at(-1)).toMatchObject({ done: 20, total: 20, extra: { unit: 'objects' } });
  });

  it('cancelling one waiter leaves the shared job running for the other', async () => {
    const jobs = new JobScheduler({ yieldFn: tick });
    const spec = counter('types', 40);
    const a = context('objectPage');
    const b = context('search');
    const pa = jobs.run(spec, a);
    const pb = jobs.run(spec, b);
    while (spec.steps < 5) await tick();
    a.cancelled = true;
    await expect(pa).rejects.toBeInstanceOf(Cancelled);
    expect(await pb).toBe('types done');
    expect(spec.steps).toBe(40);
    expect(jobs.pending).toEqual([]);
  });

  it('drops a job no one waits for; a new request continues the engine', async () => {
    const jobs = new JobScheduler({ yieldFn: tick });
    const spec = counter('verify:1', 30);
    const a = context('verify');
    const pa = jobs.run(spec, a);
    while (spec.steps < 5) await tick();
    a.cancelled = true;
    await expect(pa).rejects.toBeInstanceOf(Cancelled);
    const stoppedAt = spec.steps;
    await tick();
    await tick();
    expect(spec.steps).toBe(stoppedAt);
    expect(jobs.pending).toEqual([]);
    expect(await jobs.run(spec, context('verify'))).toBe('verify:1 done');
    expect(spec.steps).toBe(30);
  });

  it('estimates the time left from the rate so far', async () => {
    const clock = { t: 0, msPerStep: 10 };
    const jobs = new JobScheduler({ yieldFn: tick, now: () => clock.t });
    const spec = counter('walk', 100, clock);
    const ctx = context('reachability');
    await jobs.run(spec, ctx);
    // After 10 steps (100 ms for 10 objects) 90 are left: 900 ms.
    const at10 = ctx.reports.find((r) => r.done === 10);
    expect(at10?.extra).toEqual({ unit: 'objects', etaMs: 900 });
    expect(ctx.reports.at(-1)?.extra).toEqual({ unit: 'objects', etaMs: 0 });
    expect(ctx.reports.every((r) => r.extra?.unit === 'objects')).toBe(true);
  });

  it('rejects every waiter when the work fails, and drops it', async () => {
    const jobs = new JobScheduler({ yieldFn: tick });
    const spec: JobSpec<never> = {
      key: 'broken',
      step: () => {
        throw new Error('zlib stream ends early');
      },
      progress: () => ({ done: 0, total: 1, label: 'broken' }),
      finish: () => undefined as never,
    };
    await expect(jobs.run(spec, context())).rejects.toThrow('zlib stream ends early');
    expect(jobs.pending).toEqual([]);
  });

  it('does not step or spin on a job that waits on other threads, and steps it again once the wait settles', async () => {
    let yields = 0;
    const jobs = new JobScheduler({
      yieldFn: () => {
        yields++;
        return tick();
      },
    });
    let release: () => void = () => undefined;
    let wait: Promise<void> | undefined = new Promise<void>((r) => (release = r));
    void wait.then(() => (wait = undefined));
    const job = Object.assign(counter('verify', 3), { waiting: () => wait });
    const result = jobs.run(job, context('verify'));
    await new Promise((r) => setTimeout(r, 100));
    // Waiting from the start: never stepped, and the queue slept instead of yielding in a loop.
    expect(job.steps).toBe(0);
    expect(yields).toBe(0);
    release();
    await expect(result).resolves.toBe('verify done');
    expect(job.steps).toBe(3);
  });
});
