#!/usr/bin/env node
// Combined-diff parity with git on a real history (not part of npm test: CI has no git.git).
//
//   node bench/diff-parity-combined.mjs [gitdir] [merges]
//       (default /work/.mirror/git+git/repo, 300)
//
// For the last <merges> merges, every file `git diff-tree --cc -p` (and `-c -p`) shows with hunks
// is rebuilt by src/core/diff/combined-hunks.ts from the parents' and the merge's blobs; the
// hunk text after the "+++ " line must be equal byte for byte. Prints the counts and CPU time.

import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gitIn, loadCoreModule } from './core-module.mjs';

const gitdir = process.argv[2] ?? '/work/.mirror/git+git/repo';
const mergeCount = Number(process.argv[3] ?? 300);
const { module, dir: out } = await loadCoreModule('src/core/diff/combined-hunks.ts');
const { combinedDiff, formatCombinedHunks } = module;
const git = (args) => gitIn(gitdir, args, spawnSync);

function sections(text) {
  const files = [];
  const re = /^diff --(?:cc|combined) (.*)$/gm;
  const found = [];
  let m;
  while ((m = re.exec(text.toString('latin1')))) found.push([m.index, m[1]]);
  for (let i = 0; i < found.length; i++) {
    const part = text.subarray(found[i][0], i + 1 < found.length ? found[i + 1][0] : text.length);
    const plus = part.indexOf('\n+++ ');
    if (plus === -1) continue; // binary, or mode-only
    files.push([found[i][1], part.subarray(part.indexOf(10, plus + 1) + 1)]);
  }
  return files;
}

const merges = git(['rev-list', '--merges', `-${mergeCount}`, 'HEAD'])
  .stdout.toString()
  .trim()
  .split('\n');
let identical = 0;
let different = 0;
let missing = 0;
let cpuMs = 0;
const diffs = [];
for (const merge of merges) {
  const parents = git(['rev-list', '--parents', '-n1', merge]).stdout.toString().trim().split(' ').slice(1);
  for (const dense of [true, false]) {
    const patch = git(['diff-tree', dense ? '--cc' : '-c', '-p', '--no-commit-id', merge]);
    if (patch.status !== 0) {
      missing++;
      continue;
    }
    for (const [path, body] of sections(patch.stdout)) {
      const blob = (rev) => {
        const r = git(['cat-file', 'blob', `${rev}:${path}`]);
        return r.status === 0 ? r.stdout : Buffer.alloc(0);
      };
      const result = blob(merge);
      const sides = parents.map(blob);
      const cpu = process.cpuUsage();
      const ours = Buffer.from(formatCombinedHunks(combinedDiff(sides, result, { dense }).hunks));
      const used = process.cpuUsage(cpu);
      cpuMs += (used.user + used.system) / 1000;
      if (ours.equals(body)) identical++;
      else {
        different++;
        if (diffs.length < 10) {
          const file = join(out, `combined-${diffs.length}.txt`);
          writeFileSync(file, Buffer.concat([Buffer.from(`${merge} ${path} ${dense ? '--cc' : '-c'}\n--- git\n`), body, Buffer.from('\n--- ours\n'), ours]));
          diffs.push(`${merge} ${path} ${dense ? '--cc' : '-c'} -> ${file}`);
        }
      }
    }
  }
}
console.log(`merges ${merges.length}: file hunks identical ${identical}, different ${different} (git failed on ${missing})`);
console.log(`combined diff: cpu ${(cpuMs / Math.max(1, identical + different)).toFixed(2)} ms per file`);
for (const line of diffs) console.log(line);
process.exit(different === 0 ? 0 : 1);
