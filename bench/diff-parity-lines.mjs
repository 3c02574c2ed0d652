#!/usr/bin/env node
// Line-diff parity with git on a real history (not part of npm test: CI has no git.git).
//
//   node bench/diff-parity-lines.mjs [gitdir] [commits]
//       (default /work/.mirror/git+git/repo, 300)
//
// For the last <commits> non-merge commits, every modified blob pair (regular files, both sides
// present and text by git's rule) is diffed by src/core/diff and by `git diff <old> <new>`;
// the patch body (after the "+++ " line) and `--numstat` must be equal byte for byte. Prints the
// counts, the time per pair and MB/s (our diff only, blobs already in memory), and the memory
// used on the largest pair. The first few differences are written to /tmp/diff-parity-*.txt.

import { spawnSync, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gitIn, loadCoreModule } from './core-module.mjs';

const gitdir = process.argv[2] ?? '/work/.mirror/git+git/repo';
const commitCount = Number(process.argv[3] ?? 300);

const { module, dir: out } = await loadCoreModule('src/core/diff/patch.ts');
const { formatPatchBody, countLines, isBinaryBlob } = module;

function git(args) {
  const run = gitIn(gitdir, args, spawnSync);
  if (run.status !== 0) throw new Error(`git ${args.join(' ')}: ${run.stderr.toString()}`);
  return run.stdout;
}

/** Reads blobs through one `git cat-file --batch`. */
function blobReader() {
  const child = spawn('git', ['--git-dir', gitdir, 'cat-file', '--batch'], {
    env: { ...process.env, GIT_NO_LAZY_FETCH: '1' },
  });
  let buffered = Buffer.alloc(0);
  let waiting = null;
  const pump = () => {
    if (!waiting) return;
    const nl = buffered.indexOf(10);
    if (nl === -1) return;
    const header = buffered.subarray(0, nl).toString();
    if (header.endsWith(' missing')) {
      buffered = buffered.subarray(nl + 1);
      const w = waiting;
      waiting = null;
      w(null);
      return;
    }
    const size = Number(header.split(' ')[2]);
    if (buffered.length < nl + 1 + size + 1) return;
    const body = Buffer.from(buffered.subarray(nl + 1, nl + 1 + size));
    buffered = buffered.subarray(nl + 1 + size + 1);
    const w = waiting;
    waiting = null;
    w(body);
  };
  child.stdout.on('data', (chunk) => {
    buffered = Buffer.concat([buffered, chunk]);
    pump();
  });
  return {
    read(oid) {
      return new Promise((resolve) => {
        waiting = resolve;
        child.stdin.write(`${oid}\n`);
        pump();
      });
    },
    close() {
      child.stdin.end();
    },
  };
}

const commits = git(['log', '--format=%H', `-${commitCount}`, '--no-merges'])
  .toString()
  .trim()
  .split('\n');
const pairs = [];
const seen = new Set();
for (const commit of commits) {
  const raw = git(['diff-tree', '-r', '--no-renames', '--no-commit-id', commit]).toString();
  for (const line of raw.split('\n')) {
    const m = /^:(\d+) (\d+) ([0-9a-f]+) ([0-9a-f]+) M\t(.*)$/.exec(line);
    if (!m) continue;
    if (!m[1].startsWith('100') || !m[2].startsWith('100')) continue;
    if (m[3] === m[4]) continue; // mode change only
    const key = `${m[3]} ${m[4]}`;
    if (seen.has(key)) continue;
    seen.add(key);
    pairs.push({ commit, path: m[5], old: m[3], new: m[4] });
  }
}

const reader = blobReader();
let identical = 0;
let different = 0;
let numstatSame = 0;
let numstatDifferent = 0;
let binary = 0;
let missing = 0;
let ourMs = 0;
// CPU time as well as wall time: on a shared machine the wall clock mostly measures the others.
let ourCpuMs = 0;
let ourBytes = 0;
let largest = null;
const diffs = [];
for (const pair of pairs) {
  const a = await reader.read(pair.old);
  const b = await reader.read(pair.new);
  if (!a || !b) {
    missing++;
    continue;
  }
  if (isBinaryBlob(a) || isBinaryBlob(b)) {
    // git must agree: "-\t-" in --numstat.
    const ns = git(['diff', '--numstat', pair.old, pair.new]).toString();
    if (ns.startsWith('-\t-\t')) binary++;
    else {
      different++;
      diffs.push(`binary by our rule, not by git's: ${pair.old} ${pair.new} (${pair.path})`);
    }
    continue;
  }
  const started = performance.now();
  const cpu = process.cpuUsage();
  const ours = Buffer.from(formatPatchBody(a, b));
  ourMs += performance.now() - started;
  const used = process.cpuUsage(cpu);
  ourCpuMs += (used.user + used.system) / 1000;
  ourBytes += a.length + b.length;
  if (!largest || a.length + b.length > largest.size) largest = { ...pair, size: a.length + b.length, a, b };

  const full = git(['diff', pair.old, pair.new]);
  const plus = full.indexOf('\n+++ ');
  const bodyAt = plus === -1 ? full.length : full.indexOf(10, plus + 1) + 1;
  const theirs = full.subarray(bodyAt);
  if (theirs.equals(ours)) identical++;
  else {
    different++;
    if (diffs.length < 10) {
      const file = join(out, `diff-parity-${diffs.length}.txt`);
      writeFileSync(file, `${pair.commit} ${pair.path} ${pair.old} ${pair.new}\n--- git\n${theirs}\n--- ours\n${ours}`);
      diffs.push(`${pair.old} ${pair.new} (${pair.path}) -> ${file}`);
    }
  }

  const ns = git(['diff', '--numstat', pair.old, pair.new]).toString().split('\t');
  const counts = countLines(a, b);
  if (Number(ns[0]) === counts.added && Number(ns[1]) === counts.deleted) numstatSame++;
  else {
    numstatDifferent++;
    if (diffs.length < 10) diffs.push(`numstat ${pair.old} ${pair.new}: git ${ns[0]} ${ns[1]} ours ${counts.added} ${counts.deleted}`);
  }
}
reader.close();

console.log(`commits ${commits.length}, modified blob pairs ${pairs.length} (binary by git's rule and ours ${binary}, missing ${missing})`);
console.log(`patch body: identical ${identical}, different ${different}`);
console.log(`numstat:    identical ${numstatSame}, different ${numstatDifferent}`);
const compared = identical + different;
console.log(
  `our diff: wall ${(ourMs / Math.max(1, compared)).toFixed(2)} ms per pair (${(ourBytes / 1e6 / (ourMs / 1000)).toFixed(1)} MB/s), ` +
    `cpu ${(ourCpuMs / Math.max(1, compared)).toFixed(2)} ms per pair (${(ourBytes / 1e6 / (ourCpuMs / 1000)).toFixed(1)} MB/s) over ${(ourBytes / 1e6).toFixed(1)} MB`,
);
if (largest) {
  const { a, b } = largest;
  globalThis.gc?.();
  const before = process.memoryUsage();
  const started = performance.now();
  const cpu = process.cpuUsage();
  const body = formatPatchBody(a, b);
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const after = process.memoryUsage();
  console.log(
    `largest pair ${largest.path} (${a.length} + ${b.length} bytes): wall ${ms.toFixed(1)} ms, cpu ${((used.user + used.system) / 1000).toFixed(1)} ms, ` +
      `${body.length} bytes of patch, heap +${((after.heapUsed - before.heapUsed) / 1e6).toFixed(1)} MB, ` +
      `array buffers +${((after.arrayBuffers - before.arrayBuffers) / 1e6).toFixed(1)} MB, rss ${(after.rss / 1e6).toFixed(0)} MB`,
  );
}
for (const line of diffs) console.log(line);
process.exit(different + numstatDifferent === 0 ? 0 : 1);
