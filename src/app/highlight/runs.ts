/**
 * Highlighted text as plain numbers, so it crosses from the highlight worker as transferable
 * typed arrays and is drawn by React as text nodes in <span>s (never as HTML).
 *
 * A segment of lines is two arrays:
 *   starts: Uint32Array(lines + 1)  line i's runs are pairs [starts[i], starts[i + 1]) of `runs`
 *   runs:   Uint32Array(2 * pairs)  each pair is [length in UTF-16 code units, class id]
 * Class id 0 is plain text; other ids index a table of scope names (`keyword`, `title.function`)
 * that grows as the worker meets new scopes and is sent along with the segments that use them.
 */

/** The runs of consecutive lines, from the worker. */
export interface SegmentRuns {
  /** Index of the segment's first line (0-based over the file). */
  firstLine: number;
  starts: Uint32Array;
  runs: Uint32Array;
}

/** One highlighted stretch of a line. */
export interface Run {
  length: number;
  /** 0 for plain text, else an index into the scope table. */
  scope: number;
}

/**
 * highlight.js's emitter interface (its `__emitter` option): instead of building HTML it keeps
 * the text pieces and the innermost scope each is in. Sub-languages (CSS inside HTML, a code
 * block inside Markdown) are flattened into the parent, keeping their own scopes.
 */
export class RunsEmitter {
  readonly texts: string[] = [];
  readonly scopes: (string | undefined)[] = [];
  private readonly stack: string[] = [];

  addText(text: string): void {
    if (text === '') return;
    this.texts.push(text);
    this.scopes.push(this.stack[this.stack.length - 1]);
  }
  startScope(scope: string): void {
    this.stack.push(scope);
  }
  endScope(): void {
    this.stack.pop();
  }
  /** The older names of startScope and endScope, which highlight.js 11 still calls for modes. */
  openNode(scope: string): void {
    this.stack.push(scope);
  }
  closeNode(): void {
    this.stack.pop();
  }
  __addSublanguage(emitter: RunsEmitter): void {
    const outer = this.stack[this.stack.length - 1];
    for (let i = 0; i < emitter.texts.length; i++) {
      this.texts.push(emitter.texts[i]);
      this.scopes.push(emitter.scopes[i] ?? outer);
    }
  }
  finalize(): void {
    this.stack.length = 0;
  }
  /** highlight.js calls it after every highlight: there is no HTML to make. */
  toHTML(): string {
    return '';
  }
}

/** Scope names to small numbers, shared by every segment of one worker. */
export class ScopeTable {
  readonly names: string[] = [''];
  private readonly ids = new Map<string, number>();

  idOf(scope: string | undefined): number {
    if (scope === undefined || scope === '') return 0;
    let id = this.ids.get(scope);
    if (id === undefined) {
      id = this.names.length;
      this.names.push(scope);
      this.ids.set(scope, id);
    }
    return id;
  }
}

/**
 * The runs of `lineCount` lines from an emitter's pieces (the highlighted text was those lines
 * joined with '\n'). Lines `0 … skip - 1` were lead-in (highlighted only to set the state) and
 * are left out. Adjacent pieces of one scope are merged.
 */
export function piecesToRuns(emitter: RunsEmitter, table: ScopeTable, lineCount: number, skip: number): { starts: Uint32Array; runs: Uint32Array } {
  const kept = Math.max(0, lineCount - skip);
  const starts = new Uint32Array(kept + 1);
  let runs = new Uint32Array(Math.max(64, emitter.texts.length * 2 + 16));
  let pairs = 0;
  let line = 0;
  // The pair that the next piece may extend: only one on the current line.
  let lastScope = -1;
  const push = (length: number, scope: number) => {
    if (line < skip || length === 0) return;
    if (lastScope === scope && pairs > starts[line - skip]) {
      runs[2 * pairs - 2] += length;
      return;
    }
    if (2 * pairs + 2 > runs.length) {
      const bigger = new Uint32Array(runs.length * 2);
      bigger.set(runs);
      runs = bigger;
    }
    runs[2 * pairs] = length;
    runs[2 * pairs + 1] = scope;
    pairs++;
    lastScope = scope;
  };
  const endLine = () => {
    line++;
    lastScope = -1;
    if (line >= skip && line - skip <= kept) starts[line - skip] = pairs;
  };
  for (let i = 0; i < emitter.texts.length && line < lineCount; i++) {
    const text = emitter.texts[i];
    const scope = table.idOf(emitter.scopes[i]);
    let from = 0;
    for (let nl = text.indexOf('\n'); nl !== -1 && line < lineCount; nl = text.indexOf('\n', from)) {
      push(nl - from, scope);
      endLine();
      from = nl + 1;
    }
    if (line < lineCount) push(text.length - from, scope);
  }
  while (line < lineCount) endLine();
  starts[kept] = pairs;
  return { starts, runs: runs.slice(0, 2 * pairs) };
}

/** The runs of line `line` of a segment, as [length, scope] pairs. */
export function runsOfLine(segment: SegmentRuns, line: number): Run[] {
  const i = line - segment.firstLine;
  if (i < 0 || i + 1 >= segment.starts.length) return [];
  const out: Run[] = [];
  for (let p = segment.starts[i]; p < segment.starts[i + 1]; p++) out.push({ length: segment.runs[2 * p], scope: segment.runs[2 * p + 1] });
  return out;
}

/**
 * The CSS classes of a highlight.js scope: `title.function` is `hl-title hl-title-function`.
 * Scope names come from the bundled grammars, never from the repository.
 */
export function scopeClass(scope: string): string {
  const parts = scope.split(/[.\s]/).filter(Boolean);
  if (parts.length === 0) return '';
  return parts.length > 1 ? `hl-${parts[0]} hl-${parts[0]}-${parts[1]}` : `hl-${parts[0]}`;
}
