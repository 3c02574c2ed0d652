import type { ReactNode } from 'react';
import { MarkedText } from '../components/MarkedText.tsx';
import type { Run } from './runs.ts';
import './highlight.css';

/**
 * One line of text cut into coloured runs: each run is a <span> with the classes of its scope
 * and React text inside (hidden and bidi characters still marked). Runs past the end of `text`
 * (a line cut for display) are cut with it.
 */
export function HighlightedLine({ text, runs, classOf }: { text: string; runs: Run[]; classOf: (scope: number) => string }): ReactNode {
  const out: ReactNode[] = [];
  let at = 0;
  for (let i = 0; i < runs.length && at < text.length; i++) {
    const piece = text.slice(at, at + runs[i].length);
    at += runs[i].length;
    const cls = runs[i].scope === 0 ? '' : classOf(runs[i].scope);
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
  if (at < text.length) out.push(<MarkedText key="rest" text={text.slice(at)} multiline />);
  return <>{out}</>;
}
