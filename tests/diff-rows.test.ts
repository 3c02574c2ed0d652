import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodePatch } from '../src/core/diff/patch.ts';
import { hashFor, parseHash } from '../src/app/lib/route.ts';
import { bodyRows, gapsOf, type BodyRow, type Revealed } from '../src/app/views/diff/rows.ts';
import { wordHighlights } from '../src/app/views/diff/word-diff.ts';
import type { FileHunks } from '../src/protocol/diff.ts';
import { BUILD, git } from './support/cli.ts';

/**
 * The diff screen's layout of hunks (src/app/views/diff/rows.ts) on real file pairs of the
 * `history` fixture, diffed by the engine as git does: with every hidden line revealed, the
 * rows must spell out the old file (context and removed lines) and the new file (context and
 * added lines) exactly as git stores them, in both the unified and the split layout.
 */

const GIT_DIR = join(BUILD, 'history/repo/.git');

function blob(spec: string): Buffer {
  const r = git([`--git-dir=${GIT_DIR}`, 'cat-file', 'blob', spec]);
  expect(r.status, r.stderr.toString()).toBe(0);
  return r.stdout;
}

/** Every file a commit changed against its first parent, as `git diff-tree -r` lists text pairs. */
function changedPairs(commit: string): { path: string; old: Buffer; new: Buffer }[] {
  const raw = git([`--git-dir=${GIT_DIR}`, 'diff-tree', '-r', '--no-renames', '-z', commit]).stdout.toString('latin1');
  const parts = raw.split('\0').filter((p) => p !== '');
  const out: { path: string; old: Buffer; new: Buffer }[] = [];
  for (let i = 1; i + 1 < parts.length; i += 2) {
    const [, , oldOid, newOid, status] = parts[i].slice(1).split(' ');
    if (status !== 'M') continue;
    out.push({ path: parts[i + 1], old: blob(oldOid), new: blob(newOid) });
  }
  return out;
}

function linesOf(b: Buffer): string[] {
  const text = b.toString('utf8');
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function hunksOf(a: Buffer, b: Buffer): FileHunks {
  const d = decodePatch(a, b);
  return {
    hunks: d.hunks,
    added: d.added,
    deleted: d.deleted,
    oldLines: linesOf(a).length,
    newLines: linesOf(b).length,
    binary: d.binary,
    oldSize: a.length,
    newSize: b.length,
    cut: { lines: d.cut.lines, longLines: d.cut.longLines },
  };
}

/** The old and new files as the rows tell them. */
function spell(rows: BodyRow[]): { old: string[]; new: string[] } {
  const out = { old: [] as string[], new: [] as string[] };
  for (const r of rows) {
    if (r.kind === 'context') {
      out.old.push(r.text);
      out.new.push(r.text);
    } else if (r.kind === 'line') {
      if (r.line.line.kind !== 'add') out.old.push(r.line.line.text);
      if (r.line.line.kind !== 'del') out.new.push(r.line.line.text);
    } else if (r.kind === 'pair') {
      if (r.left) out.old.push(r.left.line.text);
      if (r.right) out.new.push(r.right.line.text);
    }
  }
  return out;
}

const commits = git([`--git-dir=${GIT_DIR}`, 'rev-list', '--no-merges', 'main'])
  .stdout.toString()
  .trim()
  .split('\n');
const pairs = commits.flatMap((c) => changedPairs(c).map((p) => ({ ...p, commit: c })));

describe('diff rows on the history fixture', () => {
  it('has modified text files with several hunks to lay out', () => {
    expect(pairs.length).toBeGreaterThan(4);
    expect(pairs.some((p) => hunksOf(p.old, p.new).hunks.length > 5)).toBe(true);
  });

  for (const layout of ['unified', 'split'] as const) {
    it(`${layout}: every gap revealed, the rows spell both files exactly`, () => {
      for (const p of pairs) {
        const h = hunksOf(p.old, p.new);
        if (h.binary) continue;
        const oldLines = linesOf(p.old);
        const newLines = linesOf(p.new);
        const gaps = gapsOf(h.hunks, h.oldLines, h.newLines);
        expect(gaps.length, p.path).toBe(h.hunks.length + 1);
        // Hidden lines are the same on both sides: what the rows reveal comes from the new file.
        const revealed = new Map<number, Revealed>(gaps.map((g) => [g.index, { top: g.count, bottom: 0 }]));
        const context = new Map(newLines.map((t, i) => [i + 1, t]));
        for (const g of gaps) for (let k = 0; k < g.count; k++) expect(oldLines[g.oldStart - 1 + k], `${p.path} gap ${g.index}`).toBe(newLines[g.newStart - 1 + k]);
        const rows = bodyRows(h, layout, revealed, context);
        const spelled = spell(rows);
        expect(spelled.old, `${p.commit} ${p.path}`).toEqual(oldLines);
        expect(spelled.new, `${p.commit} ${p.path}`).toEqual(newLines);
        expect(rows.some((r) => r.kind === 'gap' && r.hidden > 0)).toBe(false);
      }
    });
  }

  it('nothing revealed: one header per hunk, and the hidden counts add up to the unchanged lines git left out', () => {
    for (const p of pairs) {
      const h = hunksOf(p.old, p.new);
      const rows = bodyRows(h, 'unified', new Map(), new Map());
      const shownNew = rows.filter((r) => r.kind === 'line' && r.line.line.kind !== 'del').length;
      const hidden = rows.reduce((n, r) => n + (r.kind === 'gap' ? r.hidden : 0), 0);
      expect(shownNew + hidden, p.path).toBe(linesOf(p.new).length);
      const headers = rows.filter((r) => r.kind === 'gap' && r.hunk !== undefined).length;
      expect(headers, p.path).toBe(h.hunks.length);
    }
  });

  it('revealing part of a gap from either end keeps the rest hidden and the lines in order', () => {
    const p = pairs.find((x) => gapsOf(hunksOf(x.old, x.new).hunks, 1, 1).length > 2 && hunksOf(x.old, x.new).hunks.length > 2)!;
    const h = hunksOf(p.old, p.new);
    const newLines = linesOf(p.new);
    const gaps = gapsOf(h.hunks, h.oldLines, h.newLines);
    const middle = gaps.find((g) => g.index > 0 && g.index < h.hunks.length && g.count >= 6)!;
    expect(middle, 'a gap of 6+ lines between two hunks').toBeDefined();
    const rows = bodyRows(h, 'unified', new Map([[middle.index, { top: 2, bottom: 3 }]]), new Map(newLines.map((t, i) => [i + 1, t])));
    const gapRow = rows.find((r) => r.kind === 'gap' && r.gap.index === middle.index);
    expect(gapRow?.kind === 'gap' && gapRow.hidden).toBe(middle.count - 5);
    const at = rows.indexOf(gapRow!);
    const before = rows.slice(at - 2, at).map((r) => (r.kind === 'context' ? r.newNo : -1));
    const after = rows.slice(at + 1, at + 4).map((r) => (r.kind === 'context' ? r.newNo : -1));
    expect(before).toEqual([middle.newStart, middle.newStart + 1]);
    expect(after).toEqual([middle.newStart + middle.count - 3, middle.newStart + middle.count - 2, middle.newStart + middle.count - 1]);
  });

  it('split: removed lines sit beside the added lines that replaced them, pairs share word highlights', () => {
    const p = pairs.find((x) => x.path === 'src/main.c')!;
    const rows = bodyRows(hunksOf(p.old, p.new), 'split', new Map(), new Map());
    const both = rows.filter((r) => r.kind === 'pair' && r.left?.line.kind === 'del' && r.right?.line.kind === 'add');
    expect(both.length).toBeGreaterThan(0);
    for (const r of both) if (r.kind === 'pair') expect(r.left!.partner).toBe(r.right!.line);
  });
});

describe('word highlights', () => {
  it('marks only the words that changed, on both sides', () => {
    const h = wordHighlights('\t\treturn 2;', '\t\treturn 64; /* EX_USAGE */')!;
    const pick = (s: string, rs: { start: number; end: number }[]) => rs.map((r) => s.slice(r.start, r.end));
    expect(pick('\t\treturn 2;', h.old)).toEqual(['2']);
    const added = pick('\t\treturn 64; /* EX_USAGE */', h.new);
    expect(added[0]).toBe('64');
    expect(added.join('')).toContain('EX_USAGE');
    expect(added.join('')).not.toContain('return');
  });

  it('gives up on lines that were rewritten, and on very long lines', () => {
    expect(wordHighlights('int main(void)', 'completely different words here')).toBeUndefined();
    expect(wordHighlights('a'.repeat(5000), 'b' + 'a'.repeat(4999))).toBeUndefined();
    expect(wordHighlights('same', 'same')).toEqual({ old: [], new: [] });
  });
});

describe('compare route', () => {
  it('round-trips names with slashes and rev:path, and splits at the first ..', () => {
    for (const [a, b] of [
      ['main', 'topic'],
      ['refs/heads/main', 'v2.0'],
      ['HEAD~2:src/main.c', 'HEAD:src/main.c'],
    ]) {
      const hash = hashFor('demo', { view: 'compare', a, b });
      expect(parseHash(hash)).toEqual({ repo: 'demo', route: { view: 'compare', a, b } });
    }
    expect(parseHash('#/demo/compare/main..feature/x').route).toEqual({ view: 'compare', a: 'main', b: 'feature/x' });
    expect(parseHash('#/demo/compare').route).toEqual({ view: 'compare', a: '', b: '' });
  });
});
