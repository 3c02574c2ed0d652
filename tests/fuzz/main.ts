import { FORMATS, type Format } from './corpus.ts';
import { buildWorker, formatSummary, fuzzFormat, loadRegressions, type FormatSummary } from './runner.ts';

/**
 * `npm run fuzz`: the long run. Each format gets FUZZ_INPUTS inputs (default 100 000) from run
 * seed FUZZ_SEED (default 1); FUZZ_FORMATS=idx-v2,pack picks formats; FUZZ_START skips to an
 * input; FUZZ_TIME_LIMIT_MS (default 5000) is the per-input limit, FUZZ_HEAP_MB (512) the
 * worker's heap and FUZZ_RSS_MB (1536) how far the process may grow. Stored regression inputs
 * are replayed first. Exits 1 when something new failed (it is saved under tests/fuzz-regressions).
 */

const env = process.env;
const num = (name: string, fallback: number): number => (env[name] !== undefined && env[name] !== '' ? Number(env[name]) : fallback);
const formats = (env.FUZZ_FORMATS ? env.FUZZ_FORMATS.split(',') : [...FORMATS]) as Format[];
for (const f of formats) if (!FORMATS.includes(f)) throw new Error(`unknown format ${f}; known: ${FORMATS.join(', ')}`);
const common = {
  runSeed: num('FUZZ_SEED', 1),
  timeLimitMs: num('FUZZ_TIME_LIMIT_MS', 5000),
  heapLimitMb: num('FUZZ_HEAP_MB', 512),
  rssLimitMb: num('FUZZ_RSS_MB', 1536),
  log: (line: string) => console.log(line),
};

await buildWorker();
const summaries: FormatSummary[] = [];
const stored = loadRegressions();
let regressed = 0;
for (const format of formats) {
  const replay = stored.filter((s) => s.record.format === format);
  if (replay.length === 0) continue;
  const s = await fuzzFormat(format, { ...common, timeLimitMs: Math.min(common.timeLimitMs, 3000), inputs: replay.length, budgetMs: 600_000, save: false, replay });
  const failing = s.findings.filter((f) => !replay[f.index]?.record.open);
  for (const f of failing) console.log(`  fixed input fails again: ${replay[f.index]?.file}: ${f.kind}: ${f.message}`);
  regressed += failing.length;
  console.log(`replayed ${replay.length} stored ${format} inputs: ${s.findings.length} still fail (${failing.length} of them not marked open)`);
}
for (const format of formats) {
  const s = await fuzzFormat(format, { ...common, inputs: num('FUZZ_INPUTS', 100_000), start: num('FUZZ_START', 0), budgetMs: num('FUZZ_BUDGET_S', 24 * 3600) * 1000, save: true });
  summaries.push(s);
  console.log(formatSummary(s));
}
console.log('\nsummary');
for (const s of summaries) console.log(formatSummary(s));
const fresh = summaries.flatMap((s) => s.findings.filter((f) => !f.known));
process.exitCode = fresh.length > 0 || regressed > 0 ? 1 : 0;
