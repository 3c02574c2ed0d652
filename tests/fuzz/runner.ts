import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { build } from 'esbuild';
import { ROOT, type Format } from './corpus.ts';
import { InputMaker } from './inputs.ts';
import type { WorkerJob, WorkerMessage } from './worker.ts';

/**
 * The parent side of the fuzzer: runs a format's inputs in a worker thread with a V8 heap
 * limit, watches (every 20 ms, through shared memory) which input runs since when, terminates
 * the worker when one runs past the time limit or the process's memory passes its bound, and
 * starts a new worker at the next input. Failing inputs go to tests/fuzz-regressions/<format>/
 * as `<hash>.bin` (the damaged file) and `<hash>.json` (how it failed and how to make it again).
 */

export const REGRESSIONS = join(ROOT, 'tests/fuzz-regressions');
const BUNDLE_DIR = join(ROOT, 'node_modules/.cache/packscope-fuzz');
export const WORKER_BUNDLE = join(BUNDLE_DIR, 'worker.mjs');

/** Bundles the worker (the core is TypeScript; worker threads run plain JS). */
export async function buildWorker(): Promise<string> {
  await build({
    entryPoints: [join(ROOT, 'tests/fuzz/worker.ts')],
    outfile: WORKER_BUNDLE,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'inline',
    logLevel: 'error',
  });
  return WORKER_BUNDLE;
}

/** Limits of one run. */
export interface FuzzOptions {
  /** Inputs to run (from index `start`, default 0). */
  inputs: number;
  start?: number;
  runSeed: number;
  /** Wall-clock budget for the format (ms); the run stops early when it is spent. */
  budgetMs: number;
  /** One input may run this long (ms) before it counts as a hang. */
  timeLimitMs: number;
  /** V8 heap of the worker (MB). */
  heapLimitMb: number;
  /** Resident memory the process may grow by over its start (MB). */
  rssLimitMb: number;
  /** Inputs slower than this (ms) are logged (default 1000). */
  slowMs?: number;
  /** Write failing inputs to tests/fuzz-regressions. */
  save: boolean;
  /** Replays these stored inputs instead of making new ones. */
  replay?: StoredCase[];
  /** Progress lines (long mode). */
  log?: (line: string) => void;
}

/** One failing input. */
export interface Finding {
  format: Format;
  index: number;
  caseId: string;
  kind: 'exception' | 'masked' | 'wrong' | 'hang' | 'memory' | 'crash';
  name: string;
  message: string;
  stack: string;
  variant: number;
  steps: string[];
  signature: string;
  /** Already recorded as an open regression (a known, unfixed problem). */
  known: boolean;
  /** Where it was saved, if it was. */
  file?: string;
}

/** What a format's run counted. */
export interface FormatSummary {
  format: Format;
  inputs: number;
  seconds: number;
  typedErrors: number;
  otherHash: number;
  findings: Finding[];
  hangs: number;
  crashes: number;
  peakRssMb: number;
  /** The input running when the peak was seen (-1: between inputs). */
  peakRssIndex: number;
  peakHeapMb: number;
  slowestMs: number;
  slowestIndex: number;
  /** Inputs slower than `slowMs`. */
  slow: number;
}

/** A stored regression input. */
export interface StoredCase {
  file: string;
  record: RegressionRecord;
  bytes: Uint8Array;
}

/** The JSON beside each stored input. */
export interface RegressionRecord {
  format: Format;
  /** The corpus case whose target these bytes replace. */
  case: string;
  variant: number;
  kind: Finding['kind'];
  name: string;
  message: string;
  stack: string;
  signature: string;
  /** How to make the input again: `FUZZ_SEED=<runSeed>`, input `index`, and the damage applied. */
  runSeed: number;
  index: number;
  steps: string[];
  foundAt: string;
  /** True while the problem is not fixed: the replay reports it without failing. */
  open: boolean;
  /** What fixed it, once fixed. */
  fixed?: string;
}

/**
 * A finding's identity: kind, the message with numbers and ids blurred, and the first engine
 * frame. Not the format: one cause met through several formats (a pack entry, a loose object)
 * is one problem.
 */
export function signatureOf(kind: string, name: string, message: string, stack: string): string {
  const blur = (s: string): string =>
    s
      .replace(/[0-9a-f]{7,}/g, 'H')
      .replace(/\d+/g, 'N')
      .slice(0, 160);
  // The first frame inside the engine, as function@file (lines move as the code is edited).
  const engine = stack.split('\n').find((l) => /\bsrc\/core\//.test(l) || (/worker\.mjs/.test(l) && !/checkTyped|tolerate|runInput|readEverything|exercise\w+|main \(|FuzzFinding/.test(l)));
  const m = engine ? /at (?:new )?([^\s(]+) \(.*?((?:src\/[^):]+)|worker\.mjs)/.exec(engine) : null;
  const where = m ? `${m[1]}@${m[2]}` : '';
  return `${kind}|${name}|${blur(message)}|${where}`;
}

/** Every stored regression input, by format. */
export function loadRegressions(): StoredCase[] {
  const out: StoredCase[] = [];
  if (!existsSync(REGRESSIONS)) return out;
  for (const format of readdirSync(REGRESSIONS).sort()) {
    const dir = join(REGRESSIONS, format);
    if (!statSync(dir).isDirectory()) continue;
    for (const f of readdirSync(dir).sort()) {
      if (!f.endsWith('.json')) continue;
      const record = JSON.parse(readFileSync(join(dir, f), 'utf8')) as RegressionRecord;
      const bin = join(dir, f.replace(/\.json$/, '.bin'));
      if (!existsSync(bin)) continue;
      out.push({ file: bin, record, bytes: new Uint8Array(readFileSync(bin)) });
    }
  }
  return out;
}

/** Signatures of open regressions, with how many inputs each has stored. */
function knownSignatures(): Map<string, { open: boolean; stored: number }> {
  const known = new Map<string, { open: boolean; stored: number }>();
  for (const s of loadRegressions()) {
    const k = known.get(s.record.signature) ?? { open: false, stored: 0 };
    k.open ||= s.record.open;
    k.stored++;
    known.set(s.record.signature, k);
  }
  return known;
}

/** Inputs kept per signature: enough to see the variety, not thousands of copies. */
const KEEP_PER_SIGNATURE = 3;

let maker: InputMaker | undefined;

function save(f: Finding, bytes: Uint8Array, runSeed: number, known: Map<string, { open: boolean; stored: number }>): string | undefined {
  const k = known.get(f.signature) ?? { open: true, stored: 0 };
  if (k.stored >= KEEP_PER_SIGNATURE) return undefined;
  const hash = createHash('sha1').update(bytes).digest('hex').slice(0, 16);
  const dir = join(REGRESSIONS, f.format);
  mkdirSync(dir, { recursive: true });
  const bin = join(dir, `${hash}.bin`);
  if (existsSync(bin)) return bin;
  const record: RegressionRecord = {
    format: f.format,
    case: f.caseId,
    variant: f.variant,
    kind: f.kind,
    name: f.name,
    message: f.message,
    stack: f.stack.split('\n').slice(0, 8).join('\n'),
    signature: f.signature,
    runSeed,
    index: f.index,
    steps: f.steps,
    foundAt: new Date().toISOString(),
    open: true,
  };
  writeFileSync(bin, bytes);
  writeFileSync(join(dir, `${hash}.json`), JSON.stringify(record, null, 2) + '\n');
  known.set(f.signature, { open: true, stored: k.stored + 1 });
  return bin;
}

/** Runs one format's inputs (or replays stored ones); never throws for what an input does. */
export async function fuzzFormat(format: Format, options: FuzzOptions): Promise<FormatSummary> {
  const started = Date.now();
  const deadline = started + options.budgetMs;
  const known = knownSignatures();
  const summary: FormatSummary = {
    format,
    inputs: 0,
    seconds: 0,
    typedErrors: 0,
    otherHash: 0,
    findings: [],
    hangs: 0,
    crashes: 0,
    peakRssMb: 0,
    peakRssIndex: -1,
    peakHeapMb: 0,
    slowestMs: 0,
    slowestIndex: -1,
    slow: 0,
  };
  const baseRss = process.memoryUsage.rss();
  const end = options.replay ? options.replay.length : (options.start ?? 0) + options.inputs;
  let next = options.start ?? 0;

  const record = (f: Omit<Finding, 'signature' | 'known'>, bytes: Uint8Array | undefined, key = f.message): void => {
    const signature = signatureOf(f.kind, f.name, key, f.stack);
    const k = known.get(signature);
    const finding: Finding = { ...f, signature, known: k?.open === true };
    if (options.save && !options.replay && bytes) {
      const file = save(finding, bytes, options.runSeed, known);
      if (file) finding.file = file;
    }
    summary.findings.push(finding);
    options.log?.(`  ${format} #${f.index} ${f.kind}${finding.known ? ' (known)' : ''}: ${f.name}: ${f.message.slice(0, 200)}${finding.file ? ` -> ${finding.file}` : ''}`);
  };
  /** The bytes of input `index` made again in this thread (after a hang or crash took the worker). */
  const remake = (index: number): { bytes: Uint8Array; caseId: string; variant: number; steps: string[] } | undefined => {
    if (options.replay) {
      const r = options.replay[index];
      return { bytes: r.bytes, caseId: r.record.case, variant: r.record.variant, steps: r.record.steps };
    }
    maker ??= new InputMaker();
    const input = maker.make(format, options.runSeed, index);
    return input && { bytes: input.bytes, caseId: input.case.id, variant: input.variant, steps: input.steps };
  };

  while (next < end && Date.now() < deadline) {
    const progress = new SharedArrayBuffer(4 * 8);
    const view = new Float64Array(progress);
    view[0] = -1;
    const job: WorkerJob = {
      format,
      runSeed: options.runSeed,
      start: next,
      end,
      deadline,
      slowMs: options.slowMs ?? 1000,
      progress,
      ...(options.replay ? { replay: options.replay.map((r) => ({ caseId: r.record.case, bytes: r.bytes, variant: r.record.variant })) } : {}),
    };
    const worker = new Worker(WORKER_BUNDLE, { workerData: job, resourceLimits: { maxOldGenerationSizeMb: options.heapLimitMb, stackSizeMb: 4 } });
    const outcome = await new Promise<{ kind: 'done' } | { kind: 'stopped'; index: number; why: 'hang' | 'memory' | 'crash'; message: string }>((resolve) => {
      let settled = false;
      const finish = (o: { kind: 'done' } | { kind: 'stopped'; index: number; why: 'hang' | 'memory' | 'crash'; message: string }): void => {
        if (settled) return;
        settled = true;
        clearInterval(timer);
        resolve(o);
      };
      const timer = setInterval(() => {
        const rss = process.memoryUsage.rss();
        if ((rss - baseRss) / 1048576 > summary.peakRssMb) {
          summary.peakRssMb = (rss - baseRss) / 1048576;
          summary.peakRssIndex = view[0];
        }
        const current = view[0];
        if (current >= 0 && Date.now() - view[1] > options.timeLimitMs) {
          finish({ kind: 'stopped', index: current, why: 'hang', message: `input ran longer than ${options.timeLimitMs} ms` });
          void worker.terminate();
        } else if (current >= 0 && rss - baseRss > options.rssLimitMb * 1048576) {
          finish({ kind: 'stopped', index: current, why: 'memory', message: `the process grew by ${Math.round((rss - baseRss) / 1048576)} MB (limit ${options.rssLimitMb} MB)` });
          void worker.terminate();
        }
      }, 20);
      worker.on('message', (m: WorkerMessage) => {
        if (m.type === 'finding') {
          record({ format, index: m.index, caseId: m.caseId, kind: m.kind, name: m.name, message: m.message, stack: m.stack, variant: m.variant, steps: m.steps }, m.bytes, m.key);
        } else if (m.type === 'slow') {
          summary.slow++;
          options.log?.(`  ${format} #${m.index} slow: ${m.ms.toFixed(0)} ms (case ${m.caseId}; ${m.steps.join('; ')})`);
        } else if (m.type === 'done') {
          summary.inputs += m.done;
          summary.typedErrors += m.typedErrors;
          summary.otherHash += m.otherHash;
          if (m.slowestMs > summary.slowestMs) {
            summary.slowestMs = m.slowestMs;
            summary.slowestIndex = m.slowestIndex;
          }
          next = end;
          finish({ kind: 'done' });
        } else {
          finish({ kind: 'stopped', index: -1, why: 'crash', message: m.message });
        }
      });
      worker.on('error', (err: Error) => {
        const index = view[0];
        const oom = /ERR_WORKER_OUT_OF_MEMORY|heap out of memory/i.test(`${(err as NodeJS.ErrnoException).code ?? ''} ${err.message}`);
        finish({ kind: 'stopped', index, why: oom ? 'memory' : 'crash', message: err.message });
      });
      worker.on('exit', () => finish({ kind: 'stopped', index: view[0], why: 'crash', message: 'the worker exited' }));
    });
    summary.peakHeapMb = Math.max(summary.peakHeapMb, view[3]);
    if (outcome.kind === 'stopped') {
      await worker.terminate();
      summary.inputs += view[2];
      if (outcome.index < 0) {
        // Not inside an input (loading the corpus failed): nothing to blame, stop this format.
        record({ format, index: -1, caseId: '', kind: 'crash', name: 'WorkerFailure', message: outcome.message, stack: '', variant: 0, steps: [] }, undefined);
        break;
      }
      summary.inputs += 1;
      if (outcome.why === 'hang') summary.hangs++;
      else summary.crashes++;
      const again = remake(outcome.index);
      // No stack to tell causes apart: a hang (or memory blow-up) is known by its case and the kinds of damage done.
      const key = `${again?.caseId ?? ''} after ${[...new Set((again?.steps ?? []).map((s) => s.split(' ')[0]))].sort().join('+')}`;
      record(
        {
          format,
          index: outcome.index,
          caseId: again?.caseId ?? '',
          kind: outcome.why,
          name: outcome.why === 'hang' ? 'Hang' : outcome.why === 'memory' ? 'OutOfMemory' : 'Crash',
          message: outcome.message,
          stack: '',
          variant: again?.variant ?? 0,
          steps: again?.steps ?? [],
        },
        again?.bytes,
        key,
      );
      next = outcome.index + 1;
    }
  }
  summary.seconds = (Date.now() - started) / 1000;
  return summary;
}

/** One line per format for the report. */
export function formatSummary(s: FormatSummary): string {
  const fresh = s.findings.filter((f) => !f.known).length;
  return `${s.format.padEnd(11)} ${String(s.inputs).padStart(7)} inputs ${s.seconds.toFixed(1).padStart(6)} s  typed errors ${String(s.typedErrors).padStart(8)}  other-hash reads ${String(s.otherHash).padStart(6)}  findings ${s.findings.length} (new ${fresh})  hangs ${s.hangs}  crashes ${s.crashes}  peak rss +${Math.round(s.peakRssMb)} MB (#${s.peakRssIndex})  heap ${Math.round(s.peakHeapMb)} MB  slowest ${s.slowestMs.toFixed(0)} ms (#${s.slowestIndex}, ${s.slow} over the slow mark)`;
}
