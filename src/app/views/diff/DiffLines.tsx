import { Fragment, memo, type ReactNode } from 'react';
import type { DiffLineInfo } from '../../../protocol/diff.ts';
import { MarkedText } from '../../components/MarkedText.tsx';
import type { Run } from '../../highlight/runs.ts';
import '../../highlight/highlight.css';
import { formatCount } from '../../lib/format.ts';
import type { BodyRow, Gap, ShownLine } from './rows.ts';
import { REVEAL_STEP } from './useFileDiffs.ts';
import { wordHighlights, type WordHighlights, type WordRange } from './word-diff.ts';

/**
 * The rows of a file's diff. Line numbers and +/- signs are drawn from data attributes (CSS
 * `content: attr()`), so selecting and copying a diff copies the code only. Text is React text
 * through MarkedText: hidden and bidirectional characters are marked, never applied.
 */

/** Word highlights of a removed line and the added line that replaced it, computed once per pair. */
const wordCache = new WeakMap<DiffLineInfo, WordHighlights | null>();

function highlightsOf(shown: ShownLine): WordRange[] | undefined {
  const partner = shown.partner;
  if (!partner) return undefined;
  const del = shown.line.kind === 'del' ? shown.line : partner;
  const add = shown.line.kind === 'del' ? partner : shown.line;
  let h = wordCache.get(del);
  if (h === undefined) {
    // A cut line's end is unknown: comparing its start would mark a false change at the cut.
    h = del.cut || add.cut ? null : (wordHighlights(del.text, add.text) ?? null);
    wordCache.set(del, h);
  }
  if (!h) return undefined;
  return shown.line.kind === 'del' ? h.old : h.new;
}

/** A line's syntax colour: highlight runs over its text (without a CR at the end) and their classes. */
export interface LineColour {
  runs: Run[];
  classOf: (scope: number) => string;
}

/** The text [from, to) of a line, cut where its colour runs change: <span>s of React text (never HTML). */
function colouredText(text: string, from: number, to: number, colour: LineColour | undefined): ReactNode {
  if (!colour || colour.runs.length === 0) return <MarkedText text={text.slice(from, to)} multiline />;
  const out: ReactNode[] = [];
  let at = 0;
  for (let i = 0; i < colour.runs.length && at < to; i++) {
    const start = Math.max(at, from);
    at += colour.runs[i].length;
    const end = Math.min(at, to);
    if (end <= start) continue;
    const piece = text.slice(start, end);
    const cls = colour.runs[i].scope === 0 ? '' : colour.classOf(colour.runs[i].scope);
    out.push(
      cls ? (
        <span key={i} className={cls}>
          <MarkedText text={piece} multiline />
        </span>
      ) : (
        <MarkedText key={i} text={piece} multiline />
      ),
    );
  }
  // Runs shorter than the text (a line the highlighter left out): the rest is plain.
  if (Math.max(at, from) < to) out.push(<MarkedText key="rest" text={text.slice(Math.max(at, from), to)} multiline />);
  return out;
}

/**
 * A line's text with its changed words marked and, when given, its syntax colour inside them;
 * a CR before the newline (CRLF) shown as a quiet mark.
 */
export function LineText({ text, ranges, cut, colour }: { text: string; ranges?: WordRange[] | undefined; cut?: boolean; colour?: LineColour | undefined }) {
  const cr = text.endsWith('\r');
  const body = cr ? text.slice(0, -1) : text;
  const pieces: { start: number; end: number; changed: boolean }[] = [];
  if (!ranges || ranges.length === 0) pieces.push({ start: 0, end: body.length, changed: false });
  else {
    let at = 0;
    for (const r of ranges) {
      const start = Math.min(r.start, body.length);
      const end = Math.min(r.end, body.length);
      if (start > at) pieces.push({ start: at, end: start, changed: false });
      if (end > start) pieces.push({ start, end, changed: true });
      at = Math.max(at, end);
    }
    if (at < body.length) pieces.push({ start: at, end: body.length, changed: false });
  }
  return (
    <>
      {pieces.map((p, i) =>
        p.changed ? (
          <span key={i} className="df-word">
            {colouredText(body, p.start, p.end, colour)}
          </span>
        ) : (
          <Fragment key={i}>{colouredText(body, p.start, p.end, colour)}</Fragment>
        ),
      )}
      {cr && (
        <span className="df-cr" title="Carriage return: this line ends with CR LF">
          CR
        </span>
      )}
      {cut && <span className="df-cut"> … the rest of this long line is not shown</span>}
    </>
  );
}

const SIGN = { context: ' ', add: '+', del: '-' } as const;

function NoNewline() {
  return (
    <span className="df-nonl" title="No newline at end of file" data-testid="no-newline">
      no newline at end
    </span>
  );
}

/** One line of the unified layout: old number, new number, sign, text. Drawn again only when its line or colour changes. */
export const UnifiedLine = memo(function UnifiedLine({ shown, colour }: { shown: ShownLine; colour?: LineColour | undefined }) {
  const l = shown.line;
  return (
    <div className={`df-line df-${l.kind}`} data-kind={l.kind}>
      <span className="df-no" data-n={l.oldNo ?? ''} />
      <span className="df-no" data-n={l.newNo ?? ''} />
      <span className="df-text" data-sign={SIGN[l.kind]}>
        <LineText text={l.text} ranges={highlightsOf(shown)} cut={l.cut} colour={colour} />
        {l.noNewline && <NoNewline />}
      </span>
    </div>
  );
});

function Half({ shown, side, colour }: { shown: ShownLine | undefined; side: 'old' | 'new'; colour: LineColour | undefined }) {
  if (!shown) return <div className="df-half df-none" aria-hidden="true" />;
  const l = shown.line;
  const n = side === 'old' ? l.oldNo : l.newNo;
  return (
    <div className={`df-half df-${l.kind}`} data-kind={l.kind}>
      <span className="df-no" data-n={n ?? ''} />
      <span className="df-text" data-sign={SIGN[l.kind]}>
        <LineText text={l.text} ranges={highlightsOf(shown)} cut={l.cut} colour={colour} />
        {l.noNewline && <NoNewline />}
      </span>
    </div>
  );
}

/** One row of the split layout: the old line on the left, the new one on the right. */
export const SplitPair = memo(function SplitPair({
  left,
  right,
  leftColour,
  rightColour,
}: {
  left: ShownLine | undefined;
  right: ShownLine | undefined;
  leftColour?: LineColour | undefined;
  rightColour?: LineColour | undefined;
}) {
  return (
    <div className="df-pair">
      <Half shown={left} side="old" colour={leftColour} />
      <Half shown={right} side="new" colour={rightColour} />
    </div>
  );
});

/** A line revealed between hunks (same text on both sides). */
export const ContextLine = memo(function ContextLine({ row, split, colour }: { row: Extract<BodyRow, { kind: 'context' }>; split: boolean; colour?: LineColour | undefined }) {
  if (split) {
    return (
      <div className="df-pair df-revealed">
        {[row.oldNo, row.newNo].map((n, i) => (
          <div key={i} className="df-half df-context">
            <span className="df-no" data-n={n} />
            <span className="df-text" data-sign=" ">
              <LineText text={row.text} colour={colour} />
            </span>
          </div>
        ))}
      </div>
    );
  }
  return (
    <div className="df-line df-context df-revealed">
      <span className="df-no" data-n={row.oldNo} />
      <span className="df-no" data-n={row.newNo} />
      <span className="df-text" data-sign=" ">
        <LineText text={row.text} colour={colour} />
      </span>
    </div>
  );
});

/**
 * A hunk header with the lines hidden above it: buttons reveal them 20 at a time from either
 * end (or all, when few are left). Before the first hunk only upwards, after the last only
 * downwards, as code hosts do.
 */
export function GapRow({
  row,
  file,
  canReveal,
  busy,
  onReveal,
}: {
  row: Extract<BodyRow, { kind: 'gap' }>;
  file: number;
  canReveal: boolean;
  busy: boolean;
  onReveal: (gap: Gap, how: 'up' | 'down' | 'all') => void;
}) {
  const { gap, hidden, hunk } = row;
  const first = gap.index === 0;
  const last = hunk === undefined;
  const buttons: { how: 'up' | 'down' | 'all'; glyph: string; label: string }[] = [];
  if (canReveal && hidden > 0) {
    if (hidden <= REVEAL_STEP) buttons.push({ how: 'all', glyph: '↕', label: `Show ${formatCount(hidden)} hidden line${hidden === 1 ? '' : 's'}` });
    else {
      if (!first) buttons.push({ how: 'down', glyph: '↓', label: `Show ${REVEAL_STEP} more lines below the previous change` });
      if (!last) buttons.push({ how: 'up', glyph: '↑', label: `Show ${REVEAL_STEP} more lines above this change` });
      buttons.push({ how: 'all', glyph: '⇕', label: `Show all ${formatCount(hidden)} hidden lines` });
    }
  }
  return (
    <div className={last ? 'df-gap df-gap-end' : 'df-gap'} data-testid="diff-gap" data-gap={`${file}:${gap.index}`} data-hidden={hidden}>
      <span className="df-gap-buttons">
        {buttons.map((b) => (
          <button key={b.how} type="button" className="df-expand" title={b.label} aria-label={b.label} disabled={busy} onClick={() => onReveal(gap, b.how)}>
            {b.glyph}
          </button>
        ))}
      </span>
      <span className="df-gap-text">
        {hunk ? (
          <>
            <span className="df-hunk-range">
              @@ -{hunk.oldStart},{hunk.oldCount} +{hunk.newStart},{hunk.newCount} @@
            </span>
            {hunk.funcName && (
              <span className="df-func">
                {' '}
                <MarkedText text={hunk.funcName} />
              </span>
            )}
          </>
        ) : null}
        {hidden > 0 && (
          <span className="df-hidden-count muted">
            {hunk ? ' · ' : ''}
            {formatCount(hidden)} unchanged line{hidden === 1 ? '' : 's'} {last ? 'below' : first ? 'above' : 'hidden'}
          </span>
        )}
      </span>
    </div>
  );
}
