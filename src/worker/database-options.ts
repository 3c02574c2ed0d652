/**
 * The largest object the browser rebuilds (the CLI's limit is 2 GiB - 1): a worker's memory is
 * shared by the page, the caches and the views, and a delta bomb's 2 GiB results (issue 10,
 * defect 9) must be refused before they are allocated. git's own big-file threshold is 512 MiB.
 */
export const BROWSER_MAX_OBJECT_BYTES = 256 << 20;

/**
 * Reads in the browser cost a millisecond or more each (`Blob.slice` + `FileReaderSync`, through
 * the browser process), whatever their length up to a few hundred KiB: fewer, larger reads win.
 * Point reads load 256 KiB pages (git.git's reachability walk: 6.1k reads instead of 14.6k with
 * 64 KiB pages; Unreachable 112 s -> 67 s). Exact reads (the verifier's delta children, which
 * jump across the pack) load 64 KiB pages: more of them fit the budget, and 256 KiB ones made
 * Verify slower (170 s against 120 s).
 */
export const BROWSER_DATABASE_OPTIONS = { windowCache: { pageSize: 256 << 10, exactPageSize: 64 << 10 }, maxObjectBytes: BROWSER_MAX_OBJECT_BYTES };

/**
 * The reachability walk's prefetch (core/reach/link-prefetch.ts): every commit, tree and tag's
 * stored bytes read once in pack order before the walk. git.git needs 210 MB of its 496 MB; a
 * history larger than the budget has the rest read by pages. Reads as the verifier's delta
 * batches: gaps up to 128 KiB read through, 4 MiB at most a read.
 */
export const LINK_PREFETCH_OPTIONS = { budgetBytes: 320 << 20, batchBytes: 8 << 20, gapBytes: 128 << 10, maxReadBytes: 4 << 20 };
