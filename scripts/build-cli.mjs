// Bundles src/cli into one ES module (dist-cli/packscope.mjs) with esbuild: start-up counts
// (a listing of 160k objects takes 0.4 s in git), so the CLI is not run through a TS loader.
import { build } from 'esbuild';

const quiet = process.argv.includes('--quiet');
const started = Date.now();
await build({
  entryPoints: ['src/cli/main.ts'],
  outfile: 'dist-cli/packscope.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: quiet ? 'error' : 'warning',
});
if (!quiet) console.error(`built dist-cli/packscope.mjs in ${Date.now() - started} ms`);
