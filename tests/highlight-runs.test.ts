import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import c from 'highlight.js/lib/languages/c';
import { describe, expect, it } from 'vitest';
import { languageFor } from '../src/app/highlight/languages.ts';
import { piecesToRuns, RunsEmitter, runsOfLine, ScopeTable, scopeClass } from '../src/app/highlight/runs.ts';

hljs.configure({ __emitter: RunsEmitter as never });
hljs.registerLanguage('c', c);
hljs.registerLanguage('bash', bash);

/** Highlights `text` and reads each line back as "piece:scope" strings, lines `skip…` only. */
function highlighted(text: string, language: string, skip = 0): string[][] {
  const lines = text.split('\n');
  const r = hljs.highlight(text, { language, ignoreIllegals: true }) as unknown as { _emitter: RunsEmitter; value: string };
  const table = new ScopeTable();
  const seg = { firstLine: 0, ...piecesToRuns(r._emitter, table, lines.length, skip) };
  return lines.slice(skip).map((line, i) => {
    let at = 0;
    return runsOfLine(seg, i).map((run) => {
      const piece = line.slice(at, at + run.length);
      at += run.length;
      return `${piece}:${table.names[run.scope]}`;
    });
  });
}

describe('highlight runs', () => {
  it('cuts highlight.js output into per-line runs whose lengths add up to each line', () => {
    const text = '/* a comment\n   over two lines */\nint main(void)\n{\n\treturn "x\\n";\n}';
    const got = highlighted(text, 'c');
    expect(got[0]).toEqual(['/* a comment:comment']);
    expect(got[1]).toEqual(['   over two lines */:comment']);
    expect(got[2]).toContain('int:type');
    expect(got[2].some((p) => p.startsWith('main:title'))).toBe(true);
    expect(got[4]).toContain('return:keyword');
    expect(got[4].some((p) => p.startsWith('"x\\n":string') || p.startsWith('"x:string'))).toBe(true);
    const lines = text.split('\n');
    got.forEach((pieces, i) => expect(pieces.map((p) => p.slice(0, p.lastIndexOf(':'))).join('')).toBe(lines[i]));
    // The emitter makes no HTML: nothing from the text can become markup.
    expect((hljs.highlight('<script>', { language: 'c' }) as unknown as { value: string }).value).toBe('');
  });

  it('leaves out lead-in lines but keeps the state they set (a comment opened above)', () => {
    const got = highlighted('/* opened\nstill inside\n*/ int x;', 'c', 1);
    expect(got).toHaveLength(2);
    expect(got[0]).toEqual(['still inside:comment']);
    expect(got[1][0]).toBe('*/:comment');
  });

  it('names classes for scopes', () => {
    expect(scopeClass('keyword')).toBe('hl-keyword');
    expect(scopeClass('title.function')).toBe('hl-title hl-title-function');
  });

  it('picks a language from the name or the #! line', () => {
    expect(languageFor('main.c')).toBe('c');
    expect(languageFor('Makefile')).toBe('makefile');
    expect(languageFor('app.ts')).toBe('typescript');
    expect(languageFor('helpers.py')).toBe('python');
    expect(languageFor('run', '#!/bin/sh')).toBe('bash');
    expect(languageFor('tool', '#!/usr/bin/env python3 -u')).toBe('python');
    expect(languageFor('notes.txt', '#!/bin/sh')).toBe('bash');
    expect(languageFor('notes.txt', 'plain')).toBeUndefined();
    expect(languageFor('README')).toBeUndefined();
  });
});
