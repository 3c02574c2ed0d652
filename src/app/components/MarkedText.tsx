import { Fragment } from 'react';
import { codePointLabel, describeHidden, hasHidden, splitHidden } from '../../core/text/hidden.ts';
import './marked-text.css';

/**
 * Text from the repository with every control, invisible and bidirectional character shown as
 * a marked badge (`U+202E`, its name in the title) instead of acting: a name such as
 * `invoice\u202Efdp.exe` must not display as `invoiceexe.pdf`. The same characters the HTML
 * report escapes (core/text/hidden.ts). `multiline` lets tab and newline through (messages,
 * file text); a name marks them too.
 */
export function MarkedText({ text, multiline = false }: { text: string; multiline?: boolean }) {
  if (!hasHidden(text, multiline)) return <>{text}</>;
  return (
    <>
      {splitHidden(text, multiline).map((piece, i) =>
        piece.hidden === undefined ? (
          <Fragment key={i}>{piece.text}</Fragment>
        ) : (
          <span key={i} className="hidden-char" title={describeHidden(piece.hidden)} data-testid="hidden-char" data-code={codePointLabel(piece.hidden)}>
            {codePointLabel(piece.hidden)}
          </span>
        ),
      )}
    </>
  );
}
