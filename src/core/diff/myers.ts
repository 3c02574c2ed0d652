/**
 * Myers' O(ND) diff with xdiff's cost heuristics (xdl_split, xdl_recs_cmp): the middle snake is
 * searched from both corners at once, in O(N+M) memory; past a cost bound the search stops and
 * takes the furthest-reaching diagonal, so hostile input costs about (N+M)·sqrt(N+M) at worst.
 * The results (which lines changed) are exactly git's, which is why the heuristics and their
 * constants are git's too.
 */

/** Shortest snake that makes a diagonal "interesting" once the cost passes HEUR_MIN_COST. */
const SNAKE_COUNT = 20;
/** Edit cost after which the interesting-diagonal heuristic may cut the search. */
const HEUR_MIN_COST = 256;
/** Lower bound of the cost after which the furthest-reaching diagonal is taken. */
const MAX_COST_MIN = 256;
/** How far an interesting diagonal must reach relative to the cost. */
const K_HEUR = 4;
/** "Beyond any line" in the backward vector (git's XDL_LINE_MAX, within int32). */
const LINE_MAX = 0x7fffffff;

/** One side as the Myers pass sees it: only the lines that may match, by class. */
export interface MyersSide {
  /** Class of each kept line. */
  classes: Int32Array;
  /** Line number (in the whole file) of each kept line. */
  lineOf: Int32Array;
  /** One byte per line of the whole file; set to 1 for a changed line. */
  changed: Uint8Array;
}

/** xdiff's integer square-root estimate (a power of two). */
export function bogoSqrt(n: number): number {
  let i = 1;
  for (; n > 0; n = Math.floor(n / 4)) i *= 2;
  return i;
}

interface Split {
  i1: number;
  i2: number;
  minLow: boolean;
  minHigh: boolean;
}

/** Marks the changed lines of `a` and `b` in their `changed` arrays. */
export function myersDiff(a: MyersSide, b: MyersSide, needMinimal: boolean): void {
  const n1 = a.classes.length;
  const n2 = b.classes.length;
  const diagonals = n1 + n2 + 3;
  // Forward and backward furthest-reaching vectors, indexed by diagonal k = i1 - i2 (+ bias).
  const forward = new Int32Array(diagonals);
  const backward = new Int32Array(diagonals);
  const bias = n2 + 1;
  const maxCost = Math.max(bogoSqrt(diagonals), MAX_COST_MIN);
  const ha1 = a.classes;
  const ha2 = b.classes;
  const split: Split = { i1: 0, i2: 0, minLow: false, minHigh: false };

  // xdl_recs_cmp's recursion as an explicit stack: boxes are independent, so order is free.
  const stack: number[] = [0, n1, 0, n2, needMinimal ? 1 : 0];
  while (stack.length > 0) {
    const minimal = stack.pop() === 1;
    let lim2 = stack.pop() as number;
    let off2 = stack.pop() as number;
    let lim1 = stack.pop() as number;
    let off1 = stack.pop() as number;

    while (off1 < lim1 && off2 < lim2 && ha1[off1] === ha2[off2]) {
      off1++;
      off2++;
    }
    while (off1 < lim1 && off2 < lim2 && ha1[lim1 - 1] === ha2[lim2 - 1]) {
      lim1--;
      lim2--;
    }
    if (off1 === lim1) {
      for (; off2 < lim2; off2++) b.changed[b.lineOf[off2]] = 1;
    } else if (off2 === lim2) {
      for (; off1 < lim1; off1++) a.changed[a.lineOf[off1]] = 1;
    } else {
      splitBox(ha1, off1, lim1, ha2, off2, lim2, forward, backward, bias, minimal, maxCost, split);
      const { i1, i2, minLow, minHigh } = split;
      stack.push(i1, lim1, i2, lim2, minHigh ? 1 : 0);
      stack.push(off1, i1, off2, i2, minLow ? 1 : 0);
    }
  }
}

/** xdl_split: finds where to cut the box [off1, lim1) x [off2, lim2) into two. */
function splitBox(
  ha1: Int32Array,
  off1: number,
  lim1: number,
  ha2: Int32Array,
  off2: number,
  lim2: number,
  kvdf: Int32Array,
  kvdb: Int32Array,
  bias: number,
  needMinimal: boolean,
  maxCost: number,
  out: Split,
): void {
  const dmin = off1 - lim2;
  const dmax = lim1 - off2;
  const fmid = off1 - off2;
  const bmid = lim1 - lim2;
  const odd = ((fmid - bmid) & 1) !== 0;
  let fmin = fmid;
  let fmax = fmid;
  let bmin = bmid;
  let bmax = bmid;

  kvdf[fmid + bias] = off1;
  kvdb[bmid + bias] = lim1;

  for (let ec = 1; ; ec++) {
    let gotSnake = false;

    // Grow the forward diagonal range by one on each side, or shrink it at the box's edge.
    if (fmin > dmin) kvdf[--fmin - 1 + bias] = -1;
    else ++fmin;
    if (fmax < dmax) kvdf[++fmax + 1 + bias] = -1;
    else --fmax;

    for (let d = fmax; d >= fmin; d -= 2) {
      let i1: number;
      const lower = kvdf[d - 1 + bias];
      const upper = kvdf[d + 1 + bias];
      if (lower >= upper) i1 = lower + 1;
      else i1 = upper;
      const prev1 = i1;
      let i2 = i1 - d;
      while (i1 < lim1 && i2 < lim2 && ha1[i1] === ha2[i2]) {
        i1++;
        i2++;
      }
      if (i1 - prev1 > SNAKE_COUNT) gotSnake = true;
      kvdf[d + bias] = i1;
      if (odd && bmin <= d && d <= bmax && kvdb[d + bias] <= i1) {
        out.i1 = i1;
        out.i2 = i2;
        out.minLow = out.minHigh = true;
        return;
      }
    }

    if (bmin > dmin) kvdb[--bmin - 1 + bias] = LINE_MAX;
    else ++bmin;
    if (bmax < dmax) kvdb[++bmax + 1 + bias] = LINE_MAX;
    else --bmax;

    for (let d = bmax; d >= bmin; d -= 2) {
      let i1: number;
      const lower = kvdb[d - 1 + bias];
      const upper = kvdb[d + 1 + bias];
      if (lower < upper) i1 = lower;
      else i1 = upper - 1;
      const prev1 = i1;
      let i2 = i1 - d;
      while (i1 > off1 && i2 > off2 && ha1[i1 - 1] === ha2[i2 - 1]) {
        i1--;
        i2--;
      }
      if (prev1 - i1 > SNAKE_COUNT) gotSnake = true;
      kvdb[d + bias] = i1;
      if (!odd && fmin <= d && d <= fmax && i1 <= kvdf[d + bias]) {
        out.i1 = i1;
        out.i2 = i2;
        out.minLow = out.minHigh = true;
        return;
      }
    }

    if (needMinimal) continue;

    // Past the trigger cost, a diagonal that went far (measured from the corner, less its
    // distance from the middle diagonal) and ends in a snake of SNAKE_COUNT lines is good enough.
    if (gotSnake && ec > HEUR_MIN_COST) {
      let best = 0;
      for (let d = fmax; d >= fmin; d -= 2) {
        const dd = d > fmid ? d - fmid : fmid - d;
        const i1 = kvdf[d + bias];
        const i2 = i1 - d;
        const v = i1 - off1 + (i2 - off2) - dd;
        if (v > K_HEUR * ec && v > best && off1 + SNAKE_COUNT <= i1 && i1 < lim1 && off2 + SNAKE_COUNT <= i2 && i2 < lim2) {
          for (let k = 1; ha1[i1 - k] === ha2[i2 - k]; k++) {
            if (k === SNAKE_COUNT) {
              best = v;
              out.i1 = i1;
              out.i2 = i2;
              break;
            }
          }
        }
      }
      if (best > 0) {
        out.minLow = true;
        out.minHigh = false;
        return;
      }

      for (let d = bmax; d >= bmin; d -= 2) {
        const dd = d > bmid ? d - bmid : bmid - d;
        const i1 = kvdb[d + bias];
        const i2 = i1 - d;
        const v = lim1 - i1 + (lim2 - i2) - dd;
        if (v > K_HEUR * ec && v > best && off1 < i1 && i1 <= lim1 - SNAKE_COUNT && off2 < i2 && i2 <= lim2 - SNAKE_COUNT) {
          for (let k = 0; ha1[i1 + k] === ha2[i2 + k]; k++) {
            if (k === SNAKE_COUNT - 1) {
              best = v;
              out.i1 = i1;
              out.i2 = i2;
              break;
            }
          }
        }
      }
      if (best > 0) {
        out.minLow = false;
        out.minHigh = true;
        return;
      }
    }

    // Too expensive: take the furthest-reaching point of either direction.
    if (ec >= maxCost) {
      let fbest = -1;
      let fbest1 = -1;
      for (let d = fmax; d >= fmin; d -= 2) {
        let i1 = Math.min(kvdf[d + bias], lim1);
        let i2 = i1 - d;
        if (lim2 < i2) {
          i1 = lim2 + d;
          i2 = lim2;
        }
        if (fbest < i1 + i2) {
          fbest = i1 + i2;
          fbest1 = i1;
        }
      }
      let bbest = LINE_MAX;
      let bbest1 = LINE_MAX;
      for (let d = bmax; d >= bmin; d -= 2) {
        let i1 = Math.max(off1, kvdb[d + bias]);
        let i2 = i1 - d;
        if (i2 < off2) {
          i1 = off2 + d;
          i2 = off2;
        }
        if (i1 + i2 < bbest) {
          bbest = i1 + i2;
          bbest1 = i1;
        }
      }
      if (lim1 + lim2 - bbest < fbest - (off1 + off2)) {
        out.i1 = fbest1;
        out.i2 = fbest - fbest1;
        out.minLow = true;
        out.minHigh = false;
      } else {
        out.i1 = bbest1;
        out.i2 = bbest - bbest1;
        out.minLow = false;
        out.minHigh = true;
      }
      return;
    }
  }
}
