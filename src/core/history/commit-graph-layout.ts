/**
 * The lanes of `git log --graph` (git 2.39's graph.c, default options), one commit at a time,
 * as git's own ASCII lines with a colour per character: the same drawing byte for byte, which
 * the UI then paints as lines and dots.
 *
 * Each commit produces, in order: expansion lines that make room before an octopus merge, the
 * commit line (`*` in its lane), then the lines after it until every lane is straight again: the
 * merge line fanning out to the parents and collapsing lines moving lanes left (`/`, `_`).
 *
 * State between commits, as in graph.c:
 * - `columns`: one lane per commit expected further down (a parent of something shown),
 *   left to right, each with a colour; `newColumns`: the lanes after the current commit.
 * - `mapping`: for each character position (two per lane) the lane it is heading to, or -1;
 *   collapsing lines move each entry one position left a line until it reaches its lane.
 * - the merge layout: a merge whose first parent sits in the lane just left of it is drawn
 *   "left-skewed" (its first edge fuses with that lane, `edgesAdded` one fewer).
 * Lanes are looked up by commit through maps, not by scanning, so a graph with thousands of
 * lanes costs linear time per commit.
 */

/** Characters are git's: `*` commit, `|` `/` `\` `_` edges, `-` `.` an octopus's dashes. */
export interface GraphLine {
  text: string;
  /** The lane colour of each character (0-based, `COLOURS` of them), or -1 for none. */
  colours: number[];
}

/** Everything drawn for one commit. */
export interface GraphRow {
  lines: GraphLine[];
  /** Which of `lines` holds the commit (`*`); the commit's text goes after it. */
  commitLine: number;
  /** Lanes before this commit (the commit's own included when it starts a new one). */
  lanes: number;
}

/** git's default palette has 12 colours (red, green, yellow, blue, magenta, cyan, then bold). */
export const COLOURS = 12;

/** graph.c's states: which kind of line comes next. */
const State = { Padding: 0, Skip: 1, PreCommit: 2, Commit: 3, PostMerge: 4, Collapsing: 5 } as const;
type State = (typeof State)[keyof typeof State];

interface Column {
  commit: number;
  colour: number;
}

const MERGE_CHARS = ['/', '|', '\\'];

class LineBuilder {
  readonly chars: string[] = [];
  readonly colours: number[] = [];

  get width(): number {
    return this.chars.length;
  }

  add(ch: string, colour = -1): void {
    this.chars.push(ch);
    this.colours.push(colour);
  }

  addColumn(col: Column, ch: string): void {
    this.add(ch, col.colour);
  }

  spaces(n: number): void {
    for (let i = 0; i < n; i++) this.add(' ');
  }

  done(): GraphLine {
    return { text: this.chars.join(''), colours: this.colours };
  }
}

/** See the file comment. Feed commits in graph order with their parents that are shown. */
export class GraphLayout {
  private commit = -1;
  private parents: number[] = [];
  private state: State = State.Padding;
  private prevState: State = State.Padding;
  private expansionRow = 0;
  private commitIndex = 0;
  private prevCommitIndex = 0;
  private mergeLayout = 0;
  private edgesAdded = 0;
  private prevEdgesAdded = 0;
  private width = 0;
  private columns: Column[] = [];
  private newColumns: Column[] = [];
  /** Lane of each commit in `columns` / `newColumns`. */
  private columnOf = new Map<number, number>();
  private newColumnOf = new Map<number, number>();
  private mapping = new Int32Array(60);
  private oldMapping = new Int32Array(60);
  private mappingSize = 0;
  /** Starts at the last colour: the first commit's increment makes it 0. */
  private defaultColour = COLOURS - 1;

  /**
   * Lays out the next commit. `parents` are the parents that will be shown (git's "interesting"
   * parents), in order; with `--first-parent`, only the first.
   */
  next(commit: number, parents: readonly number[]): GraphRow {
    this.update(commit, parents);
    const lanes = this.columns.length;
    const lines: GraphLine[] = [];
    let commitLine = -1;
    while (commitLine < 0 && this.state !== State.Padding) {
      const isCommit = this.state === State.Commit;
      lines.push(this.nextLine());
      if (isCommit) commitLine = lines.length - 1;
    }
    while (this.state !== State.Padding) lines.push(this.nextLine());
    return { lines, commitLine, lanes: Math.max(lanes, this.commitIndex + 1) };
  }

  /** Lanes open below the last commit. */
  get openLanes(): number {
    return this.newColumns.length;
  }

  private update(commit: number, parents: readonly number[]): void {
    this.commit = commit;
    this.parents = parents.slice();
    this.prevCommitIndex = this.commitIndex;
    this.updateColumns();
    this.expansionRow = 0;
    // Not through setState: no line was drawn in the state being left.
    if (this.state !== State.Padding) this.state = State.Skip;
    else if (this.needsPreCommitLine()) this.state = State.PreCommit;
    else this.state = State.Commit;
  }

  private setState(s: State): void {
    this.prevState = this.state;
    this.state = s;
  }

  private get numParents(): number {
    return this.parents.length;
  }

  private incrementColour(): void {
    this.defaultColour = (this.defaultColour + 1) % COLOURS;
  }

  private updateColumns(): void {
    [this.columns, this.newColumns] = [this.newColumns, []];
    [this.columnOf, this.newColumnOf] = [this.newColumnOf, new Map()];
    const numColumns = this.columns.length;
    const maxNew = numColumns + this.numParents;
    if (this.mapping.length < 2 * maxNew) {
      let size = this.mapping.length;
      while (size < 2 * maxNew) size *= 2;
      this.mapping = new Int32Array(size);
      this.oldMapping = new Int32Array(size);
    }
    this.mappingSize = 2 * maxNew;
    this.mapping.fill(-1, 0, this.mappingSize);
    this.width = 0;
    this.prevEdgesAdded = this.edgesAdded;
    this.edgesAdded = 0;

    let seenThis = false;
    let inColumns = true;
    for (let i = 0; i <= numColumns; i++) {
      let colCommit: number;
      if (i === numColumns) {
        if (seenThis) break;
        inColumns = false;
        colCommit = this.commit;
      } else colCommit = this.columns[i].commit;
      if (colCommit === this.commit) {
        seenThis = true;
        this.commitIndex = i;
        this.mergeLayout = -1;
        for (const parent of this.parents) {
          // A merge, or a commit starting a lane of its own, takes the next colour.
          if (this.numParents > 1 || !inColumns) this.incrementColour();
          this.insertIntoNewColumns(parent, i);
        }
        // The commit takes two characters even without parents.
        if (this.numParents === 0) this.width += 2;
      } else this.insertIntoNewColumns(colCommit, -1);
    }
    while (this.mappingSize > 1 && this.mapping[this.mappingSize - 1] < 0) this.mappingSize--;
  }

  private insertIntoNewColumns(commit: number, idx: number): void {
    let i = this.newColumnOf.get(commit) ?? -1;
    if (i < 0) {
      i = this.newColumns.length;
      const known = this.columnOf.get(commit);
      this.newColumns.push({ commit, colour: known !== undefined ? this.columns[known].colour : this.defaultColour });
      this.newColumnOf.set(commit, i);
    }
    let mappingIdx: number;
    if (this.numParents > 1 && idx > -1 && this.mergeLayout === -1) {
      // The first parent of a merge: skew the merge left when that parent's lane is left of it.
      const dist = idx - i;
      const shift = dist > 1 ? 2 * dist - 3 : 1;
      this.mergeLayout = dist > 0 ? 0 : 1;
      this.edgesAdded = this.numParents + this.mergeLayout - 2;
      mappingIdx = this.width + (this.mergeLayout - 1) * shift;
      this.width += 2 * this.mergeLayout;
    } else if (this.edgesAdded > 0 && this.width >= 2 && i === this.mapping[this.width - 2]) {
      // Found in the last lane already placed: the two edges join at once.
      mappingIdx = this.width - 2;
      this.edgesAdded = -1;
    } else {
      mappingIdx = this.width;
      this.width += 2;
    }
    this.mapping[mappingIdx] = i;
  }

  private dashedParents(): number {
    return this.numParents + this.mergeLayout - 3;
  }

  private needsPreCommitLine(): boolean {
    return this.numParents >= 3 && this.commitIndex < this.columns.length - 1 && this.expansionRow < this.dashedParents() * 2;
  }

  private mappingCorrect(): boolean {
    for (let i = 0; i < this.mappingSize; i++) {
      const target = this.mapping[i];
      if (target >= 0 && target !== i >> 1) return false;
    }
    return true;
  }

  private nextLine(): GraphLine {
    const line = new LineBuilder();
    switch (this.state) {
      case State.Padding:
        for (const col of this.newColumns) {
          line.addColumn(col, '|');
          line.add(' ');
        }
        break;
      case State.Skip:
        line.add('.');
        line.add('.');
        line.add('.');
        this.setState(this.needsPreCommitLine() ? State.PreCommit : State.Commit);
        break;
      case State.PreCommit:
        this.preCommitLine(line);
        break;
      case State.Commit:
        this.commitLine(line);
        break;
      case State.PostMerge:
        this.postMergeLine(line);
        break;
      case State.Collapsing:
        this.collapsingLine(line);
        break;
    }
    if (line.width < this.width) line.spaces(this.width - line.width);
    return line.done();
  }

  /** A line widening the lanes right of an octopus merge, two per parent past the second. */
  private preCommitLine(line: LineBuilder): void {
    let seenThis = false;
    for (let i = 0; i < this.columns.length; i++) {
      const col = this.columns[i];
      if (col.commit === this.commit) {
        seenThis = true;
        line.addColumn(col, '|');
        line.spaces(this.expansionRow);
      } else if (seenThis && this.expansionRow === 0) {
        // After a merge line, lanes right of it were already leaning: keep them leaning.
        line.addColumn(col, this.prevState === State.PostMerge && this.prevCommitIndex < i ? '\\' : '|');
      } else if (seenThis && this.expansionRow > 0) line.addColumn(col, '\\');
      else line.addColumn(col, '|');
      line.add(' ');
    }
    this.expansionRow++;
    if (!this.needsPreCommitLine()) this.setState(State.Commit);
  }

  private commitLine(line: LineBuilder): void {
    let seenThis = false;
    const numColumns = this.columns.length;
    for (let i = 0; i <= numColumns; i++) {
      let colCommit: number;
      if (i === numColumns) {
        if (seenThis) break;
        colCommit = this.commit;
      } else colCommit = this.columns[i].commit;
      const col = this.columns[i];
      if (colCommit === this.commit) {
        seenThis = true;
        line.add('*');
        if (this.numParents > 2) this.octopusDashes(line);
      } else if (seenThis && this.edgesAdded > 1) line.addColumn(col, '\\');
      else if (seenThis && this.edgesAdded === 1) {
        line.addColumn(col, this.prevState === State.PostMerge && this.prevEdgesAdded > 0 && this.prevCommitIndex < i ? '\\' : '|');
      } else if (this.prevState === State.Collapsing && this.oldMapping[2 * i + 1] === i && this.mapping[2 * i] < i) line.addColumn(col, '/');
      else line.addColumn(col, '|');
      line.add(' ');
    }
    if (this.numParents > 1) this.setState(State.PostMerge);
    else if (this.mappingCorrect()) this.setState(State.Padding);
    else this.setState(State.Collapsing);
  }

  /** `-` and a final `.` toward the parents past the second, each in the colour of the lane it ends in. */
  private octopusDashes(line: LineBuilder): void {
    const dashed = this.dashedParents();
    for (let i = 0; i < dashed; i++) {
      const col = this.newColumns[this.mapping[(this.commitIndex + i + 2) * 2]];
      line.addColumn(col, '-');
      line.addColumn(col, i === dashed - 1 ? '.' : '-');
    }
  }

  /** The line under a merge: one edge per parent (`/` `|` `\`), `_` bridging to a first parent further left. */
  private postMergeLine(line: LineBuilder): void {
    let seenThis = false;
    const firstParent = this.parents[0];
    let parentCol: Column | undefined;
    const numColumns = this.columns.length;
    for (let i = 0; i <= numColumns; i++) {
      let colCommit: number;
      if (i === numColumns) {
        if (seenThis) break;
        colCommit = this.commit;
      } else colCommit = this.columns[i].commit;
      const col = this.columns[i];
      if (colCommit === this.commit) {
        seenThis = true;
        let idx = this.mergeLayout;
        for (let j = 0; j < this.numParents; j++) {
          const parCol = this.newColumns[this.newColumnOf.get(this.parents[j]) as number];
          line.addColumn(parCol, MERGE_CHARS[idx]);
          if (idx === 2) {
            if (this.edgesAdded > 0 || j < this.numParents - 1) line.add(' ');
          } else idx++;
        }
        if (this.edgesAdded === 0) line.add(' ');
      } else if (seenThis) {
        line.addColumn(col, this.edgesAdded > 0 ? '\\' : '|');
        line.add(' ');
      } else {
        line.addColumn(col, '|');
        if (this.mergeLayout !== 0 || i !== this.commitIndex - 1) {
          if (parentCol) line.addColumn(parentCol, '_');
          else line.add(' ');
        }
      }
      if (i < numColumns && colCommit === firstParent) parentCol = col;
    }
    this.setState(this.mappingCorrect() ? State.Padding : State.Collapsing);
  }

  /** Moves every lane that is not yet where it belongs one position left; one lane may travel far on `_`. */
  private collapsingLine(line: LineBuilder): void {
    [this.mapping, this.oldMapping] = [this.oldMapping, this.mapping];
    const size = this.mappingSize;
    const mapping = this.mapping;
    mapping.fill(-1, 0, size);
    let usedHorizontal = false;
    let horizontalEdge = -1;
    let horizontalEdgeTarget = -1;
    for (let i = 0; i < size; i++) {
      const target = this.oldMapping[i];
      if (target < 0) continue;
      if (target * 2 === i) mapping[i] = target;
      else if (mapping[i - 1] < 0) {
        // Nothing to the left: move one position left.
        mapping[i - 1] = target;
        if (horizontalEdge === -1) {
          horizontalEdge = i;
          horizontalEdgeTarget = target;
          for (let j = target * 2 + 3; j < i - 2; j += 2) mapping[j] = target;
        }
      } else if (mapping[i - 1] === target) {
        // The lane to the left goes to the same commit: this one merges into it.
      } else {
        // Cross the lane to the left (the position before it is free).
        mapping[i - 2] = target;
        if (horizontalEdge === -1) {
          horizontalEdgeTarget = target;
          horizontalEdge = i - 1;
          for (let j = target * 2 + 3; j < i - 2; j += 2) mapping[j] = target;
        }
      }
    }
    this.oldMapping.set(mapping.subarray(0, size));
    if (mapping[this.mappingSize - 1] < 0) this.mappingSize--;
    for (let i = 0; i < this.mappingSize; i++) {
      const target = mapping[i];
      if (target < 0) line.add(' ');
      else if (target * 2 === i) line.addColumn(this.newColumns[target], '|');
      else if (target === horizontalEdgeTarget && i !== horizontalEdge - 1) {
        // Only the first segment of the horizontal run carries on to the next line.
        if (i !== target * 2 + 3) mapping[i] = -1;
        usedHorizontal = true;
        line.addColumn(this.newColumns[target], '_');
      } else {
        if (usedHorizontal && i < horizontalEdge) mapping[i] = -1;
        line.addColumn(this.newColumns[target], '/');
      }
    }
    if (this.mappingCorrect()) this.setState(State.Padding);
  }
}
