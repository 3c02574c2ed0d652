import { useCallback, useMemo, type CSSProperties, type MouseEvent } from 'react';
import type { Highlighting } from '../../highlight/highlighter.ts';
import { HighlightedLine } from '../../highlight/HighlightedLine.tsx';
import { formatCount } from '../../lib/format.ts';
import type { LineRange } from '../../lib/route.ts';
import { MarkedText } from '../MarkedText.tsx';
import type { LineIndex } from './lines.ts';
import { VirtualRows, type RowTarget } from './VirtualRows.tsx';

/** Longer lines are cut for display (a minified file can be one 5 MB line); Download has it all. */
const MAX_LINE_CHARS = 20_000;
const LINE_HEIGHT = 20;

/** A text's lines and how to show them. */
export interface TextViewProps {
  lines: LineIndex;
  wrap: boolean;
  target?: RowTarget | undefined;
  /** Syntax colours from the highlight worker (lines not coloured yet show plain). */
  highlight?: Highlighting | undefined;
  /** Selected lines (1-based), drawn marked. */
  selection?: LineRange | undefined;
  /** A click on line number `line` (1-based); `extend` with Shift held (a range). */
  onLineClick?: ((line: number, extend: boolean) => void) | undefined;
  /** The link a line number stands for (`…#L10`), so it can be copied or opened in a new tab. */
  lineHref?: ((line: number) => string) | undefined;
}

/**
 * Text with line numbers, rendered as React text nodes only. The numbers are drawn from a
 * `data-n` attribute by CSS, so copying text never copies them. Control, invisible and
 * bidirectional characters are marked (MarkedText), never applied; syntax colours are spans
 * around those same text nodes.
 */
export function TextView({ lines, wrap, target, highlight, selection, onLineClick, lineHref }: TextViewProps) {
  const digits = String(lines.count).length;
  const width = `calc(${digits + 3}ch + ${Math.min(lines.longest, MAX_LINE_CHARS) + 2}ch + 1.5rem)`;
  const style = useMemo(() => ({ '--gutter': `${digits + 2}ch` }) as CSSProperties, [digits]);
  const inView = highlight?.inView;
  const onRangeChange = useCallback((first: number, last: number) => inView?.(first, last), [inView]);
  const clickLine = (e: MouseEvent, line: number) => {
    if (!onLineClick || e.button !== 0 || e.ctrlKey || e.metaKey || e.altKey) return;
    e.preventDefault();
    onLineClick(line, e.shiftKey);
  };
  return (
    <div style={style} className="text-view">
      <VirtualRows
        key={wrap ? 'wrap' : 'nowrap'}
        count={lines.count}
        rowHeight={LINE_HEIGHT}
        wrap={wrap}
        contentWidth={width}
        className="blob-lines"
        testId="blob-text"
        label="File text"
        unit="Lines"
        target={target}
        onRangeChange={highlight ? onRangeChange : undefined}
        rowAttributes={(i): Record<string, string | number> =>
          selection && i + 1 >= selection.from && i + 1 <= selection.to ? { 'data-line': i + 1, 'data-selected': 'true' } : { 'data-line': i + 1 }
        }
        renderRow={(i) => {
          const text = lines.line(i);
          const shown = text.length <= MAX_LINE_CHARS ? text : text.slice(0, MAX_LINE_CHARS);
          const runs = highlight?.runsOf(i);
          const number = onLineClick ? (
            // biome-ignore lint/a11y/useAnchorContent: the number is drawn from data-n by CSS (so copying the text leaves it out); aria-label names the link.
            <a className="line-no" data-n={i + 1} href={lineHref?.(i + 1)} tabIndex={-1} aria-label={`Line ${i + 1}`} onClick={(e) => clickLine(e, i + 1)} />
          ) : (
            <span className="line-no" data-n={i + 1} aria-hidden="true" />
          );
          return (
            <>
              {number}
              {runs && runs.length > 0 && highlight ? <HighlightedLine text={shown} runs={runs} classOf={highlight.classOf} /> : <MarkedText text={shown} multiline />}
              {text.length > MAX_LINE_CHARS && <span className="blob-line-cut"> … {formatCount(text.length - MAX_LINE_CHARS)} more characters on this line (Download has them)</span>}
            </>
          );
        }}
      />
    </div>
  );
}
