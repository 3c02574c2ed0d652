/**
 * Reads in the browser cost a millisecond or more each (`Blob.slice` + `FileReaderSync`, through
 * the browser process), whatever their length up to a few hundred KiB: fewer, larger reads win.
 * Point reads load 256 KiB pages (git.git's reachability walk: 6.1k reads instead of 14.6k with
 * 64 KiB pages; Unreachable 112 s -> 67 s). Exact reads (the verifier's delta children, which
 * jump across the pack) load 64 KiB pages: more of them fit the budget, and 256 KiB ones made
 * Verify slower (170 s against 120 s).
 */
export const BROWSER_DATABASE_OPTIONS = { windowCache: { pageSize: 256 << 10, exactPageSize: 64 << 10 } };
