// Bundles src/cli into one ES module (dist-cli/packscope.mjs) with esbuild: start-up counts
// (a listing of 160k objects takes 0.4 s in git), so the CLI is not run through a TS loader.
import { build } from 'esbuild';

const quiet = process.argv.includes('--quiet');
const started = Date.now();
await build({
  // The pool worker (src/cli/pool) is a second bundle beside the CLI, found by its name.
  entryPoints: { packscope: 'src/cli/main.ts', 'pool-worker': 'src/cli/pool/worker.ts' },
  outdir: 'dist-cli',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: quiet ? 'error' : 'warning',
});
if (!quiet) console.error(`built dist-cli/packscope.mjs and pool-worker.mjs in ${Date.now() - started} ms`);
