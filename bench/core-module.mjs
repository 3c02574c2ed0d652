// Loads a src/core module in a plain Node script: bundles it with esbuild into a temporary
// folder and imports it (Node 20 does not run TypeScript). Used by the diff parity scripts.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';

/** The module at `entry` (a path from the repository root), and the folder it was built in. */
export async function loadCoreModule(entry) {
  const dir = mkdtempSync(join(tmpdir(), 'core-module-'));
  await build({
    entryPoints: { module: entry },
    outdir: dir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'error',
  });
  return { module: await import(join(dir, 'module.mjs')), dir };
}

/** Runs git on `gitdir` without lazy fetches or user config; returns spawnSync's result. */
export function gitIn(gitdir, args, spawnSync) {
  return spawnSync('git', ['--git-dir', gitdir, ...args], {
    maxBuffer: 1 << 30,
    env: { ...process.env, GIT_NO_LAZY_FETCH: '1', GIT_CONFIG_NOSYSTEM: '1', HOME: '/nonexistent' },
  });
}
