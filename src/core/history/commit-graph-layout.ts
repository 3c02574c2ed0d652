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
 * Lanes live in typed arrays and are found by commit through a stamped index (commits are small
 * integers), not by scanning, so a graph with thousands of lanes costs linear time per commit and
 * allocates nothing per lane.
 */

/** Characters are git's: `*` commit, `|` `/` `\` `_` edges, `-` `.` an octopus's dashes. */
export interface GraphLine {
  /** The line's characters (ASCII codes). */
  readonly codes: Uint8Array;
  /** The lane colour of each character (0-based, `COLOURS` of them), or -1 for none; the `*` carries its lane's. */
  readonly colours: Int8Array;
  /** The characters as text, as git prints them. */
  readonly text: string;
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

const MERGE_CHARS = ['/', '|', '\\'];

/** Receives each line of a commit as drawn: the arrays are the layout's own, valid during the call only. */
export type LineSink = (codes: Uint8Array, colours: Int8Array, isCommitLine: boolean) => void;

/** A row of lanes: the commit each lane waits for and its colour, with a lookup by commit. */
class Lanes {
  commit = new Int32Array(16);
  colour = new Int8Array(16);
  length = 0;
  /** By commit number: the lane index, valid when `stamp` holds the current `epoch`. */
  private index = new Int32Array(0);
  private stamp = new Uint32Array(0);
  private epoch = 1;

  clear(): void {
    this.length = 0;
    this.epoch++;
  }

  find(commit: number): number {
    return commit < this.stamp.length && this.stamp[commit] === this.epoch ? this.index[commit] : -1;
  }

  push(commit: number, colour: number): number {
    if (this.length === this.commit.length) {
      const c = new Int32Array(this.length * 2);
      c.set(this.commit);
      this.commit = c;
      const k = new Int8Array(this.length * 2);
      k.set(this.colour);
      this.colour = k;
    }
    if (commit >= this.stamp.length) {
      const size = Math.max(commit + 1, this.stamp.length * 2, 64);
      const index = new Int32Array(size);
      index.set(this.index);
      const stamp = new Uint32Array(size);
      stamp.set(this.stamp);
      this.index = index;
      this.stamp = stamp;
    }
    const i = this.length++;
    this.commit[i] = commit;
    this.colour[i] = colour;
    this.index[commit] = i;
    this.stamp[commit] = this.epoch;
    return i;
  }
}

/** The line being drawn, reused for every line. */
class LineBuilder {
  codes = new Uint8Array(64);
  colours = new Int8Array(64);
  width = 0;

  add(ch: string, colour = -1): void {
    if (this.width === this.codes.length) {
      const codes = new Uint8Array(this.codes.length * 2);
      codes.set(this.codes);
      const colours = new Int8Array(codes.length);
      colours.set(this.colours);
      this.codes = codes;
      this.colours = colours;
    }
    this.codes[this.width] = ch.charCodeAt(0);
    this.colours[this.width++] = colour;
  }

  spaces(n: number): void {
    for (let i = 0; i < n; i++) this.add(' ');
  }
}

class DrawnLine implements GraphLine {
  constructor(
    readonly codes: Uint8Array,
    readonly colours: Int8Array,
  ) {}

  get text(): string {
    let s = '';
    for (let i = 0; i < this.codes.length; i += 4096) s += String.fromCharCode(...this.codes.subarray(i, i + 4096));
    return s;
  }
}

/**
 * See the file comment. Feed commits in graph order with their parents that are shown; commits
 * are small non-negative integers (a walk's commit numbers).
 */
export class GraphLayout {
  private commit = -1;
  private parents: readonly number[] = [];
  private state: State = State.Padding;
  private prevState: State = State.Padding;
  private expansionRow = 0;
  private commitIndex = 0;
  private prevCommitIndex = 0;
  private mergeLayout = 0;
  private edgesAdded = 0;
  private prevEdgesAdded = 0;
  private width = 0;
  /** Lanes before the current commit, and after it. */
  private columns = new Lanes();
  private newColumns = new Lanes();
  private mapping = new Int32Array(64);
  private oldMapping = new Int32Array(64);
  private mappingSize = 0;
  /** Starts at the last colour: the first commit's increment makes it 0. */
  private defaultColour = COLOURS - 1;
  private readonly line = new LineBuilder();

  /**
   * Lays out the next commit. `parents` are the parents that will be shown (git's "interesting"
   * parents), in order; with `--first-parent`, only the first.
   */
  next(commit: number, parents: readonly number[]): GraphRow {
    const lines: GraphLine[] = [];
    let commitLine = -1;
    const lanes = this.draw(commit, parents, (codes, colours, isCommit) => {
      if (isCommit) commitLine = lines.length;
      lines.push(new DrawnLine(codes.slice(), colours.slice()));
    });
    return { lines, commitLine, lanes };
  }

  /** Lays out the next commit, handing each line to `sink` (no copies); returns the lanes before it. */
  draw(commit: number, parents: readonly number[], sink: LineSink): number {
    this.update(commit, parents);
    const lanes = Math.max(this.columns.length, this.commitIndex + 1);
    let shown = false;
    while (!shown && this.state !== State.Padding) {
      const isCommit = this.state === State.Commit;
      this.nextLine();
      sink(this.line.codes.subarray(0, this.line.width), this.line.colours.subarray(0, this.line.width), isCommit);
      shown = isCommit;
    }
    while (this.state !== State.Padding) {
      this.nextLine();
      sink(this.line.codes.subarray(0, this.line.width), this.line.colours.subarray(0, this.line.width), false);
    }
    return lanes;
  }

  private update(commit: number, parents: readonly number[]): void {
    this.commit = commit;
    this.parents = parents;
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
    [this.columns, this.newColumns] = [this.newColumns, this.columns];
    this.newColumns.clear();
    const columns = this.columns;
    const numColumns = columns.length;
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
      } else colCommit = columns.commit[i];
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
    let i = this.newColumns.find(commit);
    if (i < 0) {
      const known = this.columns.find(commit);
      i = this.newColumns.push(commit, known >= 0 ? this.columns.colour[known] : this.defaultColour);
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

  private nextLine(): void {
    const line = this.line;
    line.width = 0;
    switch (this.state) {
      case State.Padding:
        for (let i = 0; i < this.newColumns.length; i++) {
          line.add('|', this.newColumns.colour[i]);
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
  }

  /** A line widening the lanes right of an octopus merge, two per parent past the second. */
  private preCommitLine(line: LineBuilder): void {
    let seenThis = false;
    const columns = this.columns;
    for (let i = 0; i < columns.length; i++) {
      const colour = columns.colour[i];
      if (columns.commit[i] === this.commit) {
        seenThis = true;
        line.add('|', colour);
        line.spaces(this.expansionRow);
      } else if (seenThis && this.expansionRow === 0) {
        // After a merge line, lanes right of it were already leaning: keep them leaning.
        line.add(this.prevState === State.PostMerge && this.prevCommitIndex < i ? '\\' : '|', colour);
      } else if (seenThis && this.expansionRow > 0) line.add('\\', colour);
      else line.add('|', colour);
      line.add(' ');
    }
    this.expansionRow++;
    if (!this.needsPreCommitLine()) this.setState(State.Commit);
  }

  private commitLine(line: LineBuilder): void {
    let seenThis = false;
    const columns = this.columns;
    const numColumns = columns.length;
    for (let i = 0; i <= numColumns; i++) {
      let colCommit: number;
      if (i === numColumns) {
        if (seenThis) break;
        colCommit = this.commit;
      } else colCommit = columns.commit[i];
      const colour = i < numColumns ? columns.colour[i] : -1;
      if (colCommit === this.commit) {
        seenThis = true;
        // git prints the `*` uncoloured; the colour kept here is the commit's lane, for drawing a dot.
        line.add('*', this.commitColour());
        if (this.numParents > 2) this.octopusDashes(line);
      } else if (seenThis && this.edgesAdded > 1) line.add('\\', colour);
      else if (seenThis && this.edgesAdded === 1) {
        line.add(this.prevState === State.PostMerge && this.prevEdgesAdded > 0 && this.prevCommitIndex < i ? '\\' : '|', colour);
      } else if (this.prevState === State.Collapsing && this.oldMapping[2 * i + 1] === i && this.mapping[2 * i] < i) line.add('/', colour);
      else line.add('|', colour);
      line.add(' ');
    }
    if (this.numParents > 1) this.setState(State.PostMerge);
    else if (this.mappingCorrect()) this.setState(State.Padding);
    else this.setState(State.Collapsing);
  }

  /** The colour of the lane the commit sits in, or of the lane its first parent starts. */
  private commitColour(): number {
    const own = this.columns.find(this.commit);
    if (own >= 0) return this.columns.colour[own];
    const first = this.parents.length > 0 ? this.newColumns.find(this.parents[0]) : -1;
    return first >= 0 ? this.newColumns.colour[first] : this.defaultColour;
  }

  /** `-` and a final `.` toward the parents past the second, each in the colour of the lane it ends in. */
  private octopusDashes(line: LineBuilder): void {
    const dashed = this.dashedParents();
    for (let i = 0; i < dashed; i++) {
      const colour = this.newColumns.colour[this.mapping[(this.commitIndex + i + 2) * 2]];
      line.add('-', colour);
      line.add(i === dashed - 1 ? '.' : '-', colour);
    }
  }

  /** The line under a merge: one edge per parent (`/` `|` `\`), `_` bridging to a first parent further left. */
  private postMergeLine(line: LineBuilder): void {
    let seenThis = false;
    const firstParent = this.parents[0];
    /** Colour of the first parent's lane once passed (-2: not passed yet). */
    let parentColour = -2;
    const columns = this.columns;
    const numColumns = columns.length;
    for (let i = 0; i <= numColumns; i++) {
      let colCommit: number;
      if (i === numColumns) {
        if (seenThis) break;
        colCommit = this.commit;
      } else colCommit = columns.commit[i];
      const colour = i < numColumns ? columns.colour[i] : -1;
      if (colCommit === this.commit) {
        seenThis = true;
        let idx = this.mergeLayout;
        for (let j = 0; j < this.numParents; j++) {
          line.add(MERGE_CHARS[idx], this.newColumns.colour[this.newColumns.find(this.parents[j])]);
          if (idx === 2) {
            if (this.edgesAdded > 0 || j < this.numParents - 1) line.add(' ');
          } else idx++;
        }
        if (this.edgesAdded === 0) line.add(' ');
      } else if (seenThis) {
        line.add(this.edgesAdded > 0 ? '\\' : '|', colour);
        line.add(' ');
      } else {
        line.add('|', colour);
        if (this.mergeLayout !== 0 || i !== this.commitIndex - 1) {
          if (parentColour !== -2) line.add('_', parentColour);
          else line.add(' ');
        }
      }
      if (i < numColumns && colCommit === firstParent) parentColour = colour;
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
      else if (target * 2 === i) line.add('|', this.newColumns.colour[target]);
      else if (target === horizontalEdgeTarget && i !== horizontalEdge - 1) {
        // Only the first segment of the horizontal run carries on to the next line.
        if (i !== target * 2 + 3) mapping[i] = -1;
        usedHorizontal = true;
        line.add('_', this.newColumns.colour[target]);
      } else {
        if (usedHorizontal && i < horizontalEdge) mapping[i] = -1;
        line.add('/', this.newColumns.colour[target]);
      }
    }
    if (this.mappingCorrect()) this.setState(State.Padding);
  }
}
