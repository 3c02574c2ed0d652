#!/usr/bin/env node
// diff-tree parity and speed against git on a real repository (not in npm test: CI has no git.git).
//
//   node bench/diff-parity.mjs [repo] [count]     (default /work/.mirror/git+git/repo, 300)
//   DIFF_PARITY_COMMITS=renames                   the newest <count> commits git log -M finds renames in
//
// For the newest <count> commits of HEAD (git rev-list order) it runs, for each of
//   diff-tree -r -M --raw      diff-tree -M --numstat      diff-tree -p -M
// `git diff-tree --stdin <flags>` and `packscope diff-tree --stdin <flags> <repo>` over the same
// list (one process each, so the repository is opened once on both sides), splits both outputs
// at each commit's id line and counts commits whose output is identical byte for byte. Time per
// commit is each side's wall time divided by the commits; ours also once with an empty list,
// to show what opening the repository costs. Peak RSS from GNU time when it is there.
//
// A partial clone lacks some blobs: git would stop at the first one (or try to fetch it). So
// before comparing, every blob id the commits' diffs name (both sides of `diff-tree -r --raw`,
// which covers the rename candidates too) is checked with `git cat-file --batch-check`; a commit
// naming a blob that is not there is left out of both runs and counted as skipped.
// Exit status: 0 when every compared commit is identical, 1 otherwise.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cliPath = join(root, 'dist-cli/packscope.mjs');
const repo = resolve(process.argv[2] ?? '/work/.mirror/git+git/repo');
const count = Number(process.argv[3] ?? 300);
const env = { ...process.env, LC_ALL: 'C', GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', HOME: '/nonexistent', GIT_NO_LAZY_FETCH: '1' };
const hasTime = existsSync('/usr/bin/time');

if (!existsSync(cliPath)) {
  console.error(`${cliPath} is missing: run node scripts/build-cli.mjs first`);
  process.exit(2);
}

function run(cmd, args, input) {
  const timed = hasTime ? ['/usr/bin/time', ['-f', '%M %U %S', cmd, ...args]] : [cmd, args];
  const start = process.hrtime.bigint();
  const r = spawnSync(timed[0], timed[1], { input, env, maxBuffer: 1 << 30 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.error) throw r.error;
  let stderr = r.stderr.toString();
  let rssKb;
  let cpuMs;
  if (hasTime) {
    const lines = stderr.trimEnd().split('\n');
    const [rss, user, sys] = (lines.pop() ?? '').split(' ').map(Number);
    rssKb = rss;
    cpuMs = (user + sys) * 1000;
    stderr = lines.join('\n');
  }
  return { status: r.status, stdout: r.stdout, stderr, ms, rssKb, cpuMs };
}

function git(args, input) {
  const r = spawnSync('git', ['--git-dir', repo, ...args], { input, env, maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.toString();
}

const listing = process.env.DIFF_PARITY_COMMITS === 'renames' ? git(['log', '-M', '--diff-filter=R', `-n${count}`, '--format=%H', 'HEAD']) : git(['rev-list', `--max-count=${count}`, 'HEAD']);
const commits = listing.trim().split('\n').filter(Boolean);

// Blobs each commit's diff names, and which are not in the clone.
const needs = new Map();
let current;
for (const line of git(['diff-tree', '--stdin', '-r', '--raw'], `${commits.join('\n')}\n`).split('\n')) {
  if (/^[0-9a-f]{40,64}$/.test(line)) needs.set((current = line), new Set());
  else if (line.startsWith(':') && current) {
    const [oldMode, newMode, oldId, newId] = line.slice(1).split(/\s/);
    if (oldMode !== '160000' && !/^0+$/.test(oldId)) needs.get(current).add(oldId);
    if (newMode !== '160000' && !/^0+$/.test(newId)) needs.get(current).add(newId);
  }
}
const allBlobs = [...new Set([...needs.values()].flatMap((s) => [...s]))];
const missing = new Set(
  git(['cat-file', '--batch-check'], `${allBlobs.join('\n')}\n`)
    .split('\n')
    .filter((l) => l.endsWith(' missing'))
    .map((l) => l.split(' ')[0]),
);
const skipped = commits.filter((c) => [...(needs.get(c) ?? [])].some((b) => missing.has(b)));
const compared = commits.filter((c) => !skipped.includes(c));
const input = `${compared.join('\n')}\n`;

/** Splits a --stdin output at each commit's id line, in list order; a commit that printed nothing gets ''. */
function perCommit(out) {
  const text = out.toString('latin1');
  const starts = [];
  let from = 0;
  for (const c of compared) {
    const at = text.startsWith(`${c}\n`, from) ? from : text.indexOf(`\n${c}\n`, from);
    if (at < 0) starts.push(-1);
    else {
      const begin = at === from && text.startsWith(`${c}\n`, from) ? at : at + 1;
      starts.push(begin);
      from = begin + c.length + 1;
    }
  }
  const parts = [];
  for (let i = 0; i < compared.length; i++) {
    if (starts[i] < 0) {
      parts.push('');
      continue;
    }
    let end = text.length;
    for (let j = i + 1; j < compared.length; j++)
      if (starts[j] >= 0) {
        end = starts[j];
        break;
      }
    parts.push(text.slice(starts[i], end));
  }
  return parts;
}

const open = run(process.execPath, [cliPath, 'diff-tree', '--stdin', '-r', '--raw', repo], '');
console.log(`repository ${repo}`);
console.log(`commits: ${commits.length} (${compared.length} compared; ${skipped.length} skipped: they name ${missing.size} blob(s) the partial clone does not have)`);
console.log(`ours, opening the repository with no commits: ${open.ms.toFixed(0)} ms wall${open.cpuMs !== undefined ? `, ${open.cpuMs.toFixed(0)} ms CPU, ${(open.rssKb / 1024).toFixed(0)} MB` : ''}`);
console.log('wall = elapsed time (inflated when the machine is shared); cpu = user + system time of the process');
console.log('');
console.log('format                 identical  different   git wall  ours wall   git cpu  ours cpu (ms/commit)  cpu ratio   git MB  ours MB');
let failed = false;
for (const flags of [
  ['-r', '-M', '--raw'],
  ['-M', '--numstat'],
  ['-p', '-M'],
]) {
  const g = run('git', ['--git-dir', repo, 'diff-tree', '--stdin', ...flags], input);
  const o = run(process.execPath, [cliPath, 'diff-tree', '--stdin', ...flags, repo], input);
  if (g.status !== 0) console.log(`git failed: ${g.stderr.slice(0, 500)}`);
  if (o.status !== 0 || o.stderr) console.log(`ours (status ${o.status}): ${o.stderr.slice(0, 500)}`);
  const gp = perCommit(g.stdout);
  const op = perCommit(o.stdout);
  let same = 0;
  const different = [];
  for (let i = 0; i < compared.length; i++) {
    if (gp[i] === op[i]) same++;
    else different.push(compared[i]);
  }
  if (different.length > 0 || !g.stdout.equals(o.stdout)) failed = true;
  const per = (ms) => (ms === undefined ? '-' : (ms / Math.max(1, compared.length)).toFixed(2));
  const mb = (kb) => (kb ? (kb / 1024).toFixed(0) : '-');
  const ratio = g.cpuMs ? `${(o.cpuMs / Math.max(1, g.cpuMs)).toFixed(1)}x` : '-';
  console.log(
    `${flags.join(' ').padEnd(22)} ${String(same).padStart(9)}  ${String(different.length).padStart(9)}   ${per(g.ms).padStart(8)}  ${per(o.ms).padStart(9)}  ${per(g.cpuMs).padStart(8)}  ${per(o.cpuMs).padStart(8)}              ${ratio.padStart(8)}  ${mb(g.rssKb).padStart(6)}  ${mb(o.rssKb).padStart(7)}`,
  );
  for (const c of different.slice(0, 5)) console.log(`  differs: ${c}`);
}
process.exit(failed ? 1 : 0);
