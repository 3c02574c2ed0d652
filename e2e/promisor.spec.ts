import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { expect, test } from '@playwright/test';
import { go, shot } from './support/app.ts';
import { gitDir } from './support/git.ts';
import { gotoHome, openViaInput } from './support/open.ts';
import { isolatedGitEnv } from '../tests/support/git-env.ts';

/**
 * A partial clone (git.git as fetched here has a `.promisor` pack and 25 absent blobs): the
 * Unreachable page lists what the promisor pack names and the repository lacks apart, as
 * expected, and never as "missing" beside "every object is reachable".
 */

let dir: string;
let blob: string;
const env = isolatedGitEnv();
const run = (args: string[], input?: string) => execFileSync('git', args, { env, ...(input !== undefined ? { input } : {}) }).toString();

test.beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'packscope-partial-'));
  const repo = join(dir, 'partial.git');
  cpSync(gitDir('demo'), repo, { recursive: true });
  rmSync(join(repo, 'index'), { force: true });
  const objects = run(['--git-dir', repo, 'rev-list', '--objects', '--all']).trim().split('\n');
  const types = run(['--git-dir', repo, 'cat-file', '--batch-check=%(objecttype) %(objectname)'], objects.map((l) => l.split(' ')[0]).join('\n') + '\n');
  blob = (types.split('\n').find((l) => l.startsWith('blob ')) as string).split(' ')[1];
  const staging = join(dir, 'staging');
  mkdirSync(staging);
  const name = run(['--git-dir', repo, 'pack-objects', join(staging, 'pack')], objects.filter((l) => !l.startsWith(blob)).join('\n') + '\n').trim();
  const packDir = join(repo, 'objects', 'pack');
  rmSync(packDir, { recursive: true, force: true });
  for (const d of readdirSync(join(repo, 'objects'))) if (/^[0-9a-f]{2}$/.test(d)) rmSync(join(repo, 'objects', d), { recursive: true });
  cpSync(staging, packDir, { recursive: true });
  writeFileSync(join(packDir, `pack-${name}.promisor`), '');
});

test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('partial clone: objects a promisor pack names are listed apart as left out, not missing', async ({ page }, testInfo) => {
  await gotoHome(page);
  const { repo } = await openViaInput(page, join(dir, 'partial.git'));
  await go(page, repo, 'unreachable');
  await expect(page.getByTestId('reach-promised')).toContainText('1 object left out by a partial clone');
  await expect(page.getByTestId('reach-promised')).toContainText(blob);
  await expect(page.getByTestId('reach-missing')).toHaveCount(0);
  await expect(page.getByTestId('reach-none')).toContainText('Every object in the repository is reachable');
  await shot(page, testInfo, 'partial-clone');
});
