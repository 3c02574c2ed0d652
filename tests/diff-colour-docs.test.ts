import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { decodeCombined } from '../src/core/diff/combined-hunks.ts';
import { decodePatch } from '../src/core/diff/patch.ts';
import { colourDocuments, parentSide, type ColourSource } from '../src/app/views/diff/colour-docs.ts';
import { buildMerges } from '../e2e/support/merges.ts';
import { BUILD } from './support/cli.ts';

/**
 * The documents a diff is coloured as (src/app/views/diff/colour-docs.ts) must be real text of
 * the files, in order, or the colour of a line would follow the wrong state (a comment opened
 * on another side's line). On the history fixture's changed files and on merges (the fixture's
 * hand-resolved one and a three-parent merge made with git): the old and new documents are
 * the old and new files' lines at their numbers; each parent's document is exactly that
 * parent's lines in the ranges git's combined hunk headers give for it.
 */

const run = (gitDir: string, args: string[]): Buffer => execFileSync('git', [`--git-dir=${gitDir}`, ...args], { maxBuffer: 1 << 28 });
const linesOf = (b: Buffer): string[] => {
  const lines = b.toString('utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
};

/** Every merge of a repository, with each combined file's sides (git diff-tree -c -r). */
function combinedFiles(gitDir: string): { merge: string; path: string; result: Buffer; parents: Buffer[] }[] {
  const out: { merge: string; path: string; result: Buffer; parents: Buffer[] }[] = [];
  for (const merge of run(gitDir, ['rev-list', '--merges', '--all']).toString().trim().split('\n').filter(Boolean)) {
    for (const line of run(gitDir, ['diff-tree', '-c', '-r', merge]).toString().split('\n')) {
      if (!line.startsWith('::')) continue;
      const [meta, path] = line.split('\t');
      // "::<mode per side> <id per side> <letters>": parents, then the merge.
      const fields = meta.slice(2).split(' ');
      const parentCount = (fields.length - 1) / 2 - 1;
      const ids = fields.slice(parentCount + 1, 2 * parentCount + 2);
      const blob = (id: string) => (/^0+$/.test(id) ? Buffer.alloc(0) : run(gitDir, ['cat-file', 'blob', id]));
      out.push({ merge, path, result: blob(ids[parentCount]), parents: ids.slice(0, parentCount).map(blob) });
    }
  }
  return out;
}

/** Checks a combined file's colour documents against the files themselves. */
function checkCombined(file: { result: Buffer; parents: Buffer[] }, dense: boolean): number {
  const combined = decodeCombined(file.parents, file.result, { dense });
  if (combined.binary || combined.hunks.length === 0) return 0;
  const docs = colourDocuments({ combined: { ...combined } } as ColourSource);
  const result = linesOf(file.result);
  for (const [key, text] of docs.get('new') ?? []) expect(text).toBe(result[(key as number) - 1]);
  let checked = 0;
  file.parents.forEach((parent, i) => {
    const doc = docs.get(parentSide(i));
    if (!doc) return;
    const lines = linesOf(parent);
    const want: string[] = [];
    for (const h of combined.hunks) {
      const ranges = [...h.header.matchAll(/ -(\d+),(\d+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
      const [start, count] = ranges[i];
      want.push(...lines.slice(start - 1, start - 1 + count));
    }
    expect([...doc.values()]).toEqual(want);
    checked++;
  });
  return checked;
}

describe('colour documents', () => {
  it('two-sided diffs: the old and new documents are the files’ lines at their numbers, in order', () => {
    const gitDir = join(BUILD, 'history/repo/.git');
    let files = 0;
    for (const commit of run(gitDir, ['rev-list', '--no-merges', 'main']).toString().trim().split('\n')) {
      for (const line of run(gitDir, ['diff-tree', '-r', '--no-renames', commit]).toString().split('\n')) {
        const m = /^:\d+ \d+ ([0-9a-f]+) ([0-9a-f]+) M\t/.exec(line);
        if (!m) continue;
        const [oldBlob, newBlob] = [run(gitDir, ['cat-file', 'blob', m[1]]), run(gitDir, ['cat-file', 'blob', m[2]])];
        const patch = decodePatch(oldBlob, newBlob);
        if (patch.binary) continue;
        const docs = colourDocuments({ hunks: { ...patch, oldLines: 0, newLines: 0, oldSize: 0, newSize: 0, cut: { lines: 0, longLines: 0 } }, context: new Map() });
        for (const [side, blob] of [
          ['old', oldBlob],
          ['new', newBlob],
        ] as const) {
          const lines = linesOf(blob);
          const keys = [...(docs.get(side)?.keys() ?? [])] as number[];
          expect(keys).toEqual([...keys].sort((a, b) => a - b));
          for (const k of keys) expect(docs.get(side)!.get(k)).toBe(lines[k - 1]);
        }
        files++;
      }
    }
    expect(files).toBeGreaterThan(3);
  });

  it('merges: each parent’s document is its lines in the ranges of git’s combined hunk headers', () => {
    const files = [...combinedFiles(join(BUILD, 'history/repo/.git')), ...combinedFiles(join(buildMerges(), '.git'))];
    let parents = 0;
    for (const f of files) parents += checkCombined(f, true) + checkCombined(f, false);
    // The history merge's two parents and the three-parent merge's files (both --cc and -c).
    expect(parents).toBeGreaterThan(8);
  });
});
