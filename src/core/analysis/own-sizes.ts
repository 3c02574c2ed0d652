import type { SizeAnalysis, SizeSums } from './types.ts';

/**
 * packscope's own numbers beside filter-repo's report (the CLI writes them as
 * packscope-sizes.txt): the same directories and extensions, but each blob counted once however
 * many paths under them it appeared at, next to filter-repo's per-path sum. A path's own numbers
 * are the same in both (a blob appears at a path once), so paths are not repeated here.
 */

const encoder = new TextEncoder();

function row(s: SizeSums, date: string | undefined): string {
  return `  ${String(s.versions).padStart(8)} ${String(s.inflated).padStart(12)} ${String(s.stored).padStart(12)} ${String(s.reportStored).padStart(12)} ${(date ?? '<present>').padEnd(10)} `;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The file's bytes (names raw, as in filter-repo's files). */
export function ownSizesFile(a: SizeAnalysis): Uint8Array {
  const t = a.totals;
  const parts: Uint8Array[] = [];
  const text = (s: string): void => {
    parts.push(encoder.encode(s));
  };
  text('== packscope: stored sizes, each blob counted once ==\n');
  text('Stored size: the bytes an object occupies where git keeps it: a pack entry from its offset to\n');
  text("the next entry's (header, compressed data, or the delta when it is a delta), or a loose file's\n");
  text('size. filter-repo\'s "packed size" is the same number for one blob, but its directory,\n');
  text('extension and total sums add a blob once for every path it appeared at.\n\n');
  text(`  Distinct blobs named by history: ${t.versions}\n`);
  text(`  Their inflated size (bytes): ${t.inflated}\n`);
  text(`  Their stored size (bytes): ${t.stored}\n`);
  text(`  filter-repo's sums (unpacked, packed): ${t.reportInflated} ${t.reportStored}\n`);
  text(`  Blobs no commit names, and their stored size: ${t.unnamedBlobs} ${t.unnamedStored}\n`);
  text(`  Blobs named but not in the repository: ${t.missingBlobs}\n`);
  text(`  Stored size of every pack entry and loose object: ${t.storedAllObjects}\n\n`);
  const header = 'Format: versions, inflated size, stored size, filter-repo packed size, date deleted, name\n';
  text('=== Directories by stored size ===\n');
  text(header);
  const dirs = a.paths.filter((n) => n.dir).sort((x, y) => y.dir!.stored - x.dir!.stored || x.id - y.id);
  for (const n of dirs) {
    text(row(n.dir!, n.dir!.deleted?.date));
    parts.push(n.path.length > 0 ? n.path : encoder.encode('<toplevel>'));
    text('\n');
  }
  text('\n=== Extensions by stored size ===\n');
  text(header);
  const exts = a.extensions.slice().sort((x, y) => y.stored - x.stored);
  for (const e of exts) {
    text(row(e, e.deleted));
    parts.push(e.extension.length > 0 ? e.extension : encoder.encode('<no extension>'));
    text('\n');
  }
  return concat(parts);
}
