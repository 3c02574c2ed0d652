import { execFileSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/*
 * The layer boundaries in biome.jsonc (app → client → protocol ← worker → core; cli → core) hold
 * only if the rules really fire. Each case writes a probe file into a layer's folder with one import
 * per line, some forbidden and some allowed, runs `biome lint` on it, and checks that exactly the
 * forbidden lines are reported, by the boundary rules.
 */

const root = join(import.meta.dirname, '..');
const biome = join(root, 'node_modules', '.bin', 'biome');
const BOUNDARY_RULES = new Set(['lint/style/noRestrictedImports', 'lint/correctness/noNodejsModules']);

interface Probe {
  /** Folder under src/ the probe is written into. */
  layer: string;
  /** Import specifiers that must be rejected there. */
  forbidden: string[];
  /** Import specifiers that must pass (so a rule that rejects everything fails the test). */
  allowed: string[];
}

const UI = ['react', 'react-dom/client', 'zustand', '@tanstack/react-virtual'];

const PROBES: Probe[] = [
  {
    layer: 'core',
    forbidden: [...UI, 'node:fs', 'fs', 'node:worker_threads', '../app/client.ts', '../app/lib/format.ts', '../worker/state.ts', '../protocol/messages.ts', '../cli/main.ts', '../../src/app/App.tsx'],
    allowed: ['./errors.ts', './text/hidden.ts', './odb/database.ts', 'fflate', 'hash-wasm'],
  },
  {
    layer: 'core/odb',
    forbidden: ['../../app/client.ts', '../../worker/session.ts', '../../protocol/rpc.ts', '../../cli/repository.ts', 'node:crypto', 'react'],
    allowed: ['../errors.ts', './database.ts'],
  },
  {
    layer: 'worker',
    forbidden: ['../app/client.ts', '../app/stores/repo.ts', '../cli/main.ts', 'react', 'zustand', 'node:fs'],
    allowed: ['../core/odb/database.ts', '../protocol/messages.ts', './session.ts', 'hash-wasm'],
  },
  {
    layer: 'protocol',
    forbidden: ['../app/client.ts', '../worker/session.ts', '../cli/main.ts', 'react', 'node:path'],
    allowed: ['../core/errors.ts', '../core/objects/types.ts', './rpc.ts'],
  },
  {
    layer: 'app',
    forbidden: ['../worker/session.ts', '../cli/main.ts', '../core/odb/database.ts', '../core/objects/commit.ts', '../../core/bytes/window-cache.ts', 'node:fs', 'fs'],
    allowed: [
      '../core/errors.ts',
      '../core/text/hidden.ts',
      '../core/text/units.ts',
      '../core/sorted.ts',
      '../core/analysis/treemap-layout.ts',
      '../protocol/messages.ts',
      './client.ts',
      'react',
      'zustand',
    ],
  },
  {
    layer: 'app/views',
    forbidden: ['../../worker/handlers.ts', '../../core/history/log-walk.ts', '../../cli/output.ts'],
    allowed: ['../../core/errors.ts', '../../protocol/messages.ts', '../client.ts'],
  },
  {
    layer: 'cli',
    forbidden: ['../app/client.ts', '../worker/session.ts', 'react'],
    allowed: ['../core/odb/database.ts', 'node:fs', 'node:worker_threads'],
  },
];

/** `line → rule names` reported by biome for one file. */
function reported(file: string): Map<number, string[]> {
  let out: string;
  try {
    out = execFileSync(biome, ['lint', '--reporter=github', '--max-diagnostics=none', file], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    // biome exits 1 when it reports errors; its report is still on stdout.
    out = String((err as { stdout?: string }).stdout ?? '');
  }
  const byLine = new Map<number, string[]>();
  for (const m of out.matchAll(/title=(lint\/[\w]+\/[\w]+),file=([^,]+),line=(\d+)/g)) {
    if (relative(root, m[2]) !== relative(root, file)) continue;
    const line = Number(m[3]);
    byLine.set(line, [...(byLine.get(line) ?? []), m[1]]);
  }
  return byLine;
}

describe('layer boundaries (biome.jsonc)', () => {
  for (const probe of PROBES) {
    it(`src/${probe.layer}: rejects ${probe.forbidden.length} imports and lets ${probe.allowed.length} through`, () => {
      const name = `__boundary_probe_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}.ts`;
      const file = join(root, 'src', probe.layer, name);
      const specifiers = [...probe.forbidden, ...probe.allowed];
      // One import per line (line i + 1), each used, so only the boundary rules have anything to say.
      const lines = specifiers.map((s, i) => `import * as m${i} from '${s}';`);
      lines.push(`export const all = [${specifiers.map((_, i) => `m${i}`).join(', ')}];`);
      try {
        writeFileSync(file, `${lines.join('\n')}\n`);
        const byLine = reported(file);
        const flagged = specifiers.filter((_, i) => (byLine.get(i + 1) ?? []).some((rule) => BOUNDARY_RULES.has(rule)));
        expect(flagged).toEqual(probe.forbidden);
      } finally {
        rmSync(file, { force: true });
      }
      expect(existsSync(file)).toBe(false);
    });
  }

  it('src/core: type-only imports, re-exports and dynamic imports cross the boundary too', () => {
    const file = join(root, 'src', 'core', `__boundary_probe_forms_${process.pid}_${Date.now().toString(36)}.ts`);
    const lines = [
      "import type { RepoState } from '../app/stores/repo.ts';", // 1
      "export { useState } from 'react';", // 2
      "export * from '../worker/session.ts';", // 3
      'export async function probe(): Promise<unknown[]> {', // 4
      "  return [await import('node:fs'), await import('../cli/main.ts')];", // 5
      '}', // 6
      'export type Probe = RepoState;', // 7
    ];
    try {
      writeFileSync(file, `${lines.join('\n')}\n`);
      const byLine = reported(file);
      const flagged = [...byLine].filter(([, rules]) => rules.some((rule) => BOUNDARY_RULES.has(rule))).map(([line]) => line);
      expect(flagged.sort((a, b) => a - b)).toEqual([1, 2, 3, 5]);
    } finally {
      rmSync(file, { force: true });
    }
  });
});
