import { memo, type ReactNode } from 'react';
import { MarkedText } from '../../components/MarkedText.tsx';
import { LineText, type LineColour } from './DiffLines.tsx';
import type { CombinedHunkInfo, CombinedLineInfo } from './rows.ts';

/**
 * The rows of a merge's combined diff (`git diff --cc` / `-c`): the merge's line number, then
 * one narrow column per parent holding git's marker for that parent (`+` the line is not in
 * that parent, `-` only that parent had it), then the text. Markers, like the two-sided view's
 * signs, are drawn from data attributes so a copy takes the code only.
 */

/** What a marker means, for its title. */
const MARKER_WORDS: Record<string, string> = { '+': 'not in parent', '-': 'only in parent', ' ': 'same as parent' };

/** The kind of a combined line: a line only parents had (`-` somewhere), one the merge added against some parent, or context. */
function kindOf(markers: string): 'del' | 'add' | 'context' {
  if (markers.includes('-')) return 'del';
  if (markers.includes('+')) return 'add';
  return 'context';
}

/** The marker columns of one line. */
function Markers({ markers }: { markers: string }) {
  const cells: ReactNode[] = [];
  for (let i = 0; i < markers.length; i++) {
    const m = markers[i];
    const cls = m === '+' ? 'df-mark df-mark-add' : m === '-' ? 'df-mark df-mark-del' : 'df-mark';
    cells.push(<span key={i} className={cls} data-m={m} title={`${MARKER_WORDS[m] ?? ''} ${i + 1}`} />);
  }
  return <>{cells}</>;
}

/** One line of a combined hunk (drawn again only when its line or colour changes). */
export const CombinedLine = memo(function CombinedLine({ line, colour }: { line: CombinedLineInfo; colour?: LineColour | undefined }) {
  const kind = kindOf(line.markers);
  return (
    <div className={`df-cline df-${kind}`} data-kind={kind} data-markers={line.markers} style={{ gridTemplateColumns: columns(line.markers.length) }} data-testid="combined-line">
      <span className="df-no" data-n={line.newNo ?? ''} />
      <Markers markers={line.markers} />
      <span className="df-text">
        <LineText text={line.text} cut={line.cut} colour={colour} />
      </span>
    </div>
  );
});

/** The grid of a combined line: number, one column per parent, text. */
function columns(parents: number): string {
  return `var(--df-no) repeat(${parents}, var(--df-mark)) minmax(0, 1fr)`;
}

/**
 * A combined hunk's header, as git prints it (`@@@ -a,b -c,d +e,f @@@ function`), with each
 * parent's number above its marker column.
 */
export function CombinedHunkHeader({ hunk, parents }: { hunk: CombinedHunkInfo; parents: number }) {
  const ats = '@'.repeat(parents + 1);
  const close = hunk.header.indexOf(ats, ats.length);
  const range = close === -1 ? hunk.header : hunk.header.slice(0, close + ats.length);
  const func = close === -1 ? '' : hunk.header.slice(close + ats.length);
  const numbers: ReactNode[] = [];
  for (let i = 0; i < parents; i++) {
    numbers.push(
      <span key={i} className="df-mark-head" title={`Parent ${i + 1}: its marker column`}>
        {i + 1}
      </span>,
    );
  }
  return (
    <div className="df-chunk" style={{ gridTemplateColumns: columns(parents) }} data-testid="combined-hunk" data-header={hunk.header}>
      <span className="df-chunk-no" aria-hidden="true" />
      {numbers}
      <span className="df-gap-text df-chunk-text">
        <span className="df-hunk-range">{range}</span>
        {func && (
          <span className="df-func">
            <MarkedText text={func} />
          </span>
        )}
      </span>
    </div>
  );
}
