import { memo } from 'react';
import { GRAPH_GLYPHS } from '../../../protocol/history-graph.ts';

/**
 * One row of the commit graph drawn from git's own characters: every `|` `/` `\` `_` of
 * `git log --graph` becomes a stroke between the points it joins (a diagonal as a soft curve), a
 * `*` a dot, an octopus's `-` and `.` a bar that drops into the lanes below. Drawn per row and
 * only for rows on screen, one path per lane colour.
 *
 * Geometry: character position p has its centre at x(p); a line of text is LINE_H tall. A `|`
 * joins the top and bottom of its own column, `/` the top of p+1 and the bottom of p-1, `\` the
 * top of p-1 and the bottom of p+1, `_` the bottoms of p-1 and p+1.
 */

/** Width of one graph character (a lane is two). */
export const CELL_W = 9;
/** Height of one line of the graph. */
export const LINE_H = 24;
const NO_COLOUR = 15;
const DOT_R = 4;

const glyphOf = (line: Uint8Array | undefined, p: number): string => (line && p >= 0 && p < line.length ? GRAPH_GLYPHS[line[p] >> 4] : ' ');
const colourOf = (line: Uint8Array | undefined, p: number): number => (line && p >= 0 && p < line.length ? line[p] & 15 : NO_COLOUR);
const x = (p: number) => p * CELL_W + CELL_W / 2;

/** Something in `line` reaches the top of position p. */
function topPort(line: Uint8Array | undefined, p: number): boolean {
  const c = glyphOf(line, p);
  return c === '|' || c === '*' || glyphOf(line, p - 1) === '/' || glyphOf(line, p + 1) === '\\';
}

/** Something in `line` leaves from the bottom of position p (`starDown`: the line's commit has a parent drawn). */
function bottomPort(line: Uint8Array | undefined, p: number, starDown: boolean): boolean {
  const c = glyphOf(line, p);
  return c === '|' || (c === '*' && starDown) || glyphOf(line, p + 1) === '/' || glyphOf(line, p - 1) === '\\';
}

/** A graph row: its lines, and the line before and after it (from the rows around) so edges meet. */
export interface GraphRowShape {
  lines: Uint8Array[];
  commitLine: number;
  shownParents: number;
}

/** See the file comment. */
export const GraphCells = memo(function GraphCells({
  row,
  above,
  below,
  width,
  unreachable,
}: {
  row: GraphRowShape;
  above?: { line: Uint8Array; starDown: boolean };
  below?: Uint8Array;
  width: number;
  unreachable?: boolean;
}) {
  const paths = new Map<number, string[]>();
  const add = (colour: number, d: string) => {
    const list = paths.get(colour);
    if (list) list.push(d);
    else paths.set(colour, [d]);
  };
  let dot: { cx: number; cy: number; colour: number } | undefined;
  const lines = row.lines;
  const starDown = row.shownParents > 0;
  for (let l = 0; l < lines.length; l++) {
    const line = lines[l];
    const prev = l > 0 ? lines[l - 1] : above?.line;
    const prevStarDown = l > 0 ? starDown : (above?.starDown ?? false);
    const next = l + 1 < lines.length ? lines[l + 1] : below;
    const y0 = l * LINE_H;
    const y1 = y0 + LINE_H;
    const mid = y0 + LINE_H / 2;
    for (let p = 0; p < line.length; p++) {
      const c = GRAPH_GLYPHS[line[p] >> 4];
      const colour = line[p] & 15;
      switch (c) {
        case '|':
          add(colour, `M${x(p)} ${y0}V${y1}`);
          break;
        case '/':
          add(colour, `M${x(p + 1)} ${y0}C${x(p + 1)} ${mid} ${x(p - 1)} ${mid} ${x(p - 1)} ${y1}`);
          break;
        case '\\':
          add(colour, `M${x(p - 1)} ${y0}C${x(p - 1)} ${mid} ${x(p + 1)} ${mid} ${x(p + 1)} ${y1}`);
          break;
        case '_':
          add(colour, `M${x(p - 1)} ${y1}H${x(p + 1)}`);
          break;
        case '-':
        case '.': {
          const end = c === '.' ? x(p) : (p + 1) * CELL_W;
          add(colour, `M${p * CELL_W} ${mid}H${end}`);
          if (topPort(next, p)) add(colour, c === '.' ? `M${x(p) - CELL_W / 2} ${mid}Q${x(p)} ${mid} ${x(p)} ${mid + CELL_W / 2}V${y1}` : `M${x(p)} ${mid}V${y1}`);
          break;
        }
        case '*': {
          // The layout gives the `*` its lane's colour (git prints it uncoloured).
          const dotColour = colour;
          if (prev && bottomPort(prev, p, prevStarDown)) add(colourOf(prev, p) !== NO_COLOUR ? colourOf(prev, p) : dotColour, `M${x(p)} ${y0}V${mid}`);
          if (starDown && next && topPort(next, p)) add(dotColour, `M${x(p)} ${mid}V${y1}`);
          // Octopus dashes start at the dot.
          if (glyphOf(line, p + 1) === '-') add(colourOf(line, p + 1), `M${x(p)} ${mid}H${(p + 1) * CELL_W}`);
          dot = { cx: x(p), cy: mid, colour: dotColour };
          break;
        }
      }
    }
  }
  const height = lines.length * LINE_H;
  return (
    <svg className="graph-cells" width={width} height={height} viewBox={`0 0 ${width} ${height}`} aria-hidden="true" focusable="false">
      {[...paths].map(([colour, ds]) => (
        <path key={colour} className={`lane c${colour === NO_COLOUR ? 'x' : colour}`} d={ds.join('')} />
      ))}
      {dot && <circle className={`dot c${dot.colour === NO_COLOUR ? 'x' : dot.colour}${unreachable ? ' unreachable' : ''}`} cx={dot.cx} cy={dot.cy} r={DOT_R} />}
    </svg>
  );
});
