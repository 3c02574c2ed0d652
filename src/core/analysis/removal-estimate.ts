/**
 * "What would removing this path from history save?" (`git filter-repo --path X --invert-paths`
 * followed by a repack.) Each blob ever stored at the path is sorted into one of three outcomes:
 *
 * - freed: no kept path has it, and no kept blob is stored as a delta against it (directly, or
 *   through other removed blobs on its chain): its stored bytes go;
 * - kept, other path: the same blob is also at a path that stays (a copy, a rename's old and new
 *   name), so history still needs it;
 * - kept, delta base: a kept blob is stored as a delta whose chain runs through it, so the pack
 *   as written cannot drop it. A repack that finds the dependent a new base frees it too, which
 *   is why the estimate is a range: `saved` (freed bytes only) to `upTo` (plus these).
 *
 * Trees and commits are rewritten by the removal (one entry less in each tree that held the
 * path; new ids), which moves the real figure by the size of those trees' deltas; the estimate
 * counts blobs only and says so. Delta chains in hostile packs may loop: every walk stops at a
 * blob it has already marked.
 */

/**
 * What the estimate needs of the blobs, in columns indexed by blob number (the analysis's
 * `BlobTable` has this shape: git.git has some 300k blobs, too many for an object each).
 */
export interface StoredBlobFacts {
  count: number;
  /** Bytes each entry takes where it is stored (entry header and compressed data, or the loose file); negative when missing. */
  stored: ArrayLike<number>;
  /** The blob number of its delta base; -1 when it is stored whole (or its base is not a blob of the list). */
  deltaBase: ArrayLike<number>;
  /** The ids of the paths blob b appears at over history: `pathIds[pathStart[b] .. pathStart[b + 1])` (none: no commit names it). */
  pathStart: ArrayLike<number>;
  pathIds: ArrayLike<number>;
}

/** Why a blob of the removed path does or does not go. */
export type RemovalReason =
  | { kind: 'freed' }
  /** Also at `path`, which stays. */
  | { kind: 'other-path'; path: number }
  /** `dependent`, a kept blob, is stored as a delta whose chain runs through this blob. */
  | { kind: 'delta-base'; dependent: number };

/** One blob of the removed path and what happens to it. */
export interface RemovalBlob {
  blob: number;
  stored: number;
  reason: RemovalReason;
}

/** The estimate for one removal. */
export interface RemovalEstimate {
  /** Stored bytes of the freed blobs: what goes with the packs' delta choices as they are. */
  saved: number;
  /** `saved` plus the blobs kept only as delta bases: what goes if a repack rebases their dependents for free. */
  upTo: number;
  /** Stored bytes of blobs also at a kept path (never saved). */
  keptElsewhere: number;
  /** Every blob seen at a removed path, the largest first. */
  blobs: RemovalBlob[];
  counts: { freed: number; otherPath: number; deltaBase: number };
}

/**
 * The estimate for removing the paths whose ids `removed` marks non-zero (a path and everything
 * under it is the caller's choice of ids). Linear in the number of blobs: each delta chain is
 * walked once.
 */
export function estimateRemoval(blobs: StoredBlobFacts, removed: ArrayLike<number>): RemovalEstimate {
  const n = blobs.count;
  const { pathStart, pathIds, deltaBase } = blobs;
  // 0: not at a removed path; 1: only at removed paths (goes unless needed); 2: at a removed and a kept path.
  const touched = new Uint8Array(n);
  const keptPath = new Int32Array(n).fill(-1);
  for (let b = 0; b < n; b++) {
    const start = pathStart[b];
    const end = pathStart[b + 1];
    let count = 0;
    for (let i = start; i < end; i++) {
      const p = pathIds[i];
      if (removed[p]) count++;
      else if (keptPath[b] < 0) keptPath[b] = p;
    }
    if (count === 0) continue;
    touched[b] = count === end - start ? 1 : 2;
  }
  // Every blob that stays marks the chain under it as needed; the first kept blob to reach a
  // removed one is named as its dependent.
  const needed = new Uint8Array(n);
  const dependent = new Int32Array(n).fill(-1);
  for (let k = 0; k < n; k++) {
    if (touched[k] === 1) continue;
    for (let b = deltaBase[k]; b >= 0 && b < n && needed[b] === 0; b = deltaBase[b]) {
      needed[b] = 1;
      dependent[b] = k;
    }
  }
  const estimate: RemovalEstimate = { saved: 0, upTo: 0, keptElsewhere: 0, blobs: [], counts: { freed: 0, otherPath: 0, deltaBase: 0 } };
  for (let b = 0; b < n; b++) {
    if (touched[b] === 0) continue;
    const stored = Math.max(0, blobs.stored[b]);
    let reason: RemovalReason;
    if (touched[b] === 2) {
      reason = { kind: 'other-path', path: keptPath[b] };
      estimate.keptElsewhere += stored;
      estimate.counts.otherPath++;
    } else if (needed[b]) {
      reason = { kind: 'delta-base', dependent: dependent[b] };
      estimate.upTo += stored;
      estimate.counts.deltaBase++;
    } else {
      reason = { kind: 'freed' };
      estimate.saved += stored;
      estimate.upTo += stored;
      estimate.counts.freed++;
    }
    estimate.blobs.push({ blob: b, stored, reason });
  }
  estimate.blobs.sort((a, b) => b.stored - a.stored || a.blob - b.blob);
  return estimate;
}
