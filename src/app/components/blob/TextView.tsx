import { useMemo, type CSSProperties } from 'react';
import { formatCount } from '../../lib/format.ts';
import { MarkedText } from '../MarkedText.tsx';
import type { LineIndex } from './lines.ts';
import { VirtualRows, type RowTarget } from './VirtualRows.tsx';

/** Longer lines are cut for display (a minified file can be one 5 MB line); Download has it all. */
const MAX_LINE_CHARS = 20_000;
const LINE_HEIGHT = 20;

/**
 * Text with line numbers, rendered as React text nodes only. The numbers come from a CSS
 * counter-like `data-line` attribute, so copying text never copies them. Control, invisible
 * and bidirectional characters are marked (MarkedText), never applied.
 */
export function TextView({ lines, wrap, target }: { lines: LineIndex; wrap: boolean; target?: RowTarget | undefined }) {
  const digits = String(lines.count).length;
  const width = `calc(${digits + 3}ch + ${Math.min(lines.longest, MAX_LINE_CHARS) + 2}ch + 1.5rem)`;
  const style = useMemo(() => ({ '--gutter': `${digits + 2}ch` }) as CSSProperties, [digits]);
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
        rowAttributes={(i) => ({ 'data-line': i + 1 })}
        renderRow={(i) => {
          const text = lines.line(i);
          if (text.length <= MAX_LINE_CHARS) return <MarkedText text={text} multiline />;
          return (
            <>
              <MarkedText text={text.slice(0, MAX_LINE_CHARS)} multiline />
              <span className="blob-line-cut"> … {formatCount(text.length - MAX_LINE_CHARS)} more characters on this line (Download has them)</span>
            </>
          );
        }}
      />
    </div>
  );
}
