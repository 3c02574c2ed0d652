import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isolatedGitEnv } from './git-env.ts';

/** Helpers shared by the suites that compare the CLI with git's recorded answers. */

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const CLI = join(ROOT, 'dist-cli/packscope.mjs');
export const BUILD = join(ROOT, 'fixtures/build');
export const MODERN = resolve(ROOT, '../shared/fixtures/modern');

/** What one CLI run produced. */
export interface Run {
  status: number;
  stdout: Buffer;
  stderr: string;
}

/** Runs the bundled CLI (built by `npm test` before Vitest starts). */
export function cli(args: string[], options: { cwd?: string; input?: Buffer | string } = {}): Run {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run node scripts/build-cli.mjs first`);
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: options.cwd ?? ROOT,
    input: options.input,
    maxBuffer: 1 << 30,
  });
  if (r.error) throw r.error;
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr.toString() };
}

/**
 * The CLI in a child process without blocking, so that many short runs (one Node start-up each,
 * about 0.1 s of CPU) overlap on a machine with more than one core; see `mapConcurrent`.
 */
export function cliAsync(args: string[], options: { cwd?: string } = {}): Promise<Run> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run node scripts/build-cli.mjs first`);
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: options.cwd ?? ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', reject);
    child.on('close', (status) => resolvePromise({ status: status ?? -1, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString() }));
  });
}

/** `fn` over `items`, at most `limit` at a time, results in the items' order. */
export async function mapConcurrent<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

/** Runs git with a fixed, config-free environment. */
export function git(args: string[], options: { cwd?: string; input?: Buffer | string; env?: Record<string, string> } = {}): Run {
  const r = spawnSync('git', args, {
    cwd: options.cwd ?? ROOT,
    input: options.input,
    maxBuffer: 1 << 30,
    env: isolatedGitEnv(options.env),
  });
  if (r.error) throw r.error;
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr.toString() };
}

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A fixture: where its packs are, what path to give the CLI, and git's answers. */
export interface Fixture {
  name: string;
  /** The path handed to the CLI (work tree, git dir or pack folder). */
  path: string;
  packDir: string;
  expect: string;
  /** Pack base names (`pack-…`). */
  packs: string[];
}

function packsIn(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.idx'))
    .map((f) => f.slice(0, -4))
    .sort();
}

/** The fixtures built by fixtures/build.sh. */
export function builtFixtures(): Fixture[] {
  if (!existsSync(BUILD)) return [];
  return readdirSync(BUILD)
    .filter((name) => existsSync(join(BUILD, name, 'gitdir')) && existsSync(join(BUILD, name, 'expect')))
    .sort()
    .map((name) => {
      const base = join(BUILD, name);
      const gitdir = join(base, readFileSync(join(base, 'gitdir'), 'utf8').trim());
      const packDir = join(gitdir, 'objects/pack');
      // Hand the CLI the work tree when there is one, else the git dir: both must work.
      const path = gitdir.endsWith('/.git') ? dirname(gitdir) : gitdir;
      return { name, path, packDir, expect: join(base, 'expect'), packs: packsIn(packDir) };
    });
}

/** The newer-git fixtures shipped in ../shared (pack folders only). */
export function modernFixtures(): Fixture[] {
  if (!existsSync(MODERN)) return [];
  return readdirSync(MODERN)
    .filter((name) => existsSync(join(MODERN, name, 'pack')))
    .sort()
    .map((name) => {
      const packDir = join(MODERN, name, 'pack');
      return { name: `modern/${name}`, path: packDir, packDir, expect: join(MODERN, name, 'expect'), packs: packsIn(packDir) };
    });
}

/** Reads an expectation file, or undefined. */
export function expected(fixture: Fixture, file: string): Buffer | undefined {
  const p = join(fixture.expect, file);
  return existsSync(p) ? readFileSync(p) : undefined;
}
