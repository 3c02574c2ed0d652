// `npm run fuzz`: bundles the fuzzer (tests/fuzz/main.ts and its worker) with esbuild, since the
// core is TypeScript and worker threads run plain JS, then runs it. See tests/fuzz/main.ts.
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const out = join(root, 'node_modules/.cache/packscope-fuzz/main.mjs');
await build({
  entryPoints: [join(root, 'tests/fuzz/main.ts')],
  outfile: out,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'inline',
  logLevel: 'error',
  packages: 'external',
});
await import(pathToFileURL(out).href);
