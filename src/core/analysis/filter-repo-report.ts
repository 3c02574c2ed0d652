import { compareBytes } from '../bytes/be.ts';
import { toHex } from '../hash/hex.ts';
import type { SizeAnalysis } from './types.ts';

/**
 * The text files `git filter-repo --analyze` (2.38) writes, made from the analysis: README,
 * path-all-sizes.txt, path-deleted-sizes.txt, directories-all-sizes.txt,
 * directories-deleted-sizes.txt, extensions-all-sizes.txt, extensions-deleted-sizes.txt,
 * blob-shas-and-paths.txt, renames.txt. Its numbers, not ours: each blob's sizes count once per
 * path it appeared at (`reportInflated`/`reportStored`), "packed" is `%(objectsize:disk)`. Rows
 * come in its order: largest packed size first, ties by name, larger bytes first; names are
 * written as raw bytes (a name with a newline breaks its line, as in filter-repo's files), except
 * in renames.txt, where filter-repo decodes names as UTF-8 with `\xNN` for bytes that are not.
 *
 * Blobs history names that the repository lacks (a partial clone) make filter-repo stop (it has
 * no size for them); here they count as size 0 and are left out of blob-shas-and-paths.txt.
 */

/** The README's part after the statistics, as filter-repo 2.38 writes it. */
const CAVEATS =
  "== Caveats ==\n=== Sizes ===\nPacked size represents what size your repository would be if no\ntrees, commits, tags, or other metadata were included (though it may\nfail to represent de-duplication; see below).  It also represents the\ncurrent packing, which may be suboptimal if you haven't gc'ed for a\nwhile.\n\nUnpacked size represents what size your repository would be if no\ntrees, commits, tags, or other metadata were included AND if no\nfiles were packed; i.e., without delta-ing or compression.\n\nBoth unpacked and packed sizes can be slightly misleading.  Deleting\na blob from history not save as much space as the unpacked size,\nbecause it is obviously normally stored in packed form.  Also,\ndeleting a blob from history may not save as much space as its packed\nsize either, because another blob could be stored as a delta against\nthat blob, so when you remove one blob another blob's packed size may\ngrow.\n\nAlso, the sum of the packed sizes can add up to more than the\nrepository size; if the same contents appeared in the repository in\nmultiple places, git will automatically de-dupe and store only one\ncopy, while the way sizes are added in this analysis adds the size\nfor each file path that has those contents.  Further, if a file is\never reverted to a previous version's contents, the previous\nversion's size will be counted multiple times in this analysis, even\nthough git will only store it once.\n\n=== Deletions ===\nWhether a file is deleted is not a binary quality, since it can be\ndeleted on some branches but still exist in others.  Also, it might\nexist in an old tag, but have been deleted in versions newer than\nthat.  More thorough tracking could be done, including looking at\nmerge commits where one side of history deleted and the other modified,\nin order to give a more holistic picture of deletions.  However, that\nalgorithm would not only be more complex to implement, it'd also be\nquite difficult to present and interpret by users.  Since --analyze\nis just about getting a high-level rough picture of history, it instead\nimplements the simplistic rule that is good enough for 98% of cases:\n  A file is marked as deleted if the last commit in the fast-export\n  stream that mentions the file lists it as deleted.\nThis makes it dependent on topological ordering, but generally gives\nthe \"right\" answer.\n\n=== Renames ===\nRenames share the same non-binary nature that deletions do, plus\nadditional challenges:\n  * If the renamed file is renamed again, instead of just two names for\n    a path you can have three or more.\n  * Rename pairs of the form (oldname, newname) that we consider to be\n    different names of the \"same file\" might only be valid over certain\n    commit ranges.  For example, if a new commit reintroduces a file\n    named oldname, then new versions of oldname aren't the \"same file\"\n    anymore.  We could try to portray this to the user, but it's easier\n    for the user to just break the pairing and only report unbroken\n    rename pairings to the user.\n  * The ability for users to rename files differently in different\n    branches means that our chains of renames will not necessarily be\n    linear but may branch out.\n\n";

/** File name to contents. */
export type ReportFiles = Map<string, Uint8Array>;

/** The files in the order filter-repo writes them. */
export const REPORT_FILE_NAMES = [
  'README',
  'renames.txt',
  'directories-deleted-sizes.txt',
  'directories-all-sizes.txt',
  'extensions-deleted-sizes.txt',
  'extensions-all-sizes.txt',
  'path-deleted-sizes.txt',
  'path-all-sizes.txt',
  'blob-shas-and-paths.txt',
] as const;

const encoder = new TextEncoder();

/** A file's bytes, written into one buffer that doubles as it fills (git.git's blob list: 350k lines). */
class Lines {
  private buf = new Uint8Array(1 << 16);
  private length = 0;

  private reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.buf.subarray(0, this.length));
    this.buf = grown;
  }

  text(s: string): void {
    // UTF-8 is at most 3 bytes per UTF-16 unit.
    this.reserve(s.length * 3);
    this.length += encoder.encodeInto(s, this.buf.subarray(this.length)).written;
  }

  bytes(b: Uint8Array): void {
    this.reserve(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }

  /** One row: `  %10d %10d %-10s <name>\n`. */
  row(inflated: number, stored: number, date: string, name: Uint8Array): void {
    this.text(`  ${pad(inflated)} ${pad(stored)} ${date.padEnd(10)} `);
    this.bytes(name);
    this.text('\n');
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

function pad(n: number): string {
  return String(n).padStart(10);
}

function compareNames(a: Uint8Array, b: Uint8Array): number {
  const c = compareBytes(a, 0, b, 0, Math.min(a.length, b.length));
  return c !== 0 ? c : a.length - b.length;
}

/** filter-repo's order: packed size, then name, both descending. */
function bySizeThenName<T>(rows: T[], stored: (r: T) => number, name: (r: T) => Uint8Array): T[] {
  return rows.sort((x, y) => stored(y) - stored(x) || compareNames(name(y), name(x)));
}

const PRESENT = '<present>';

/** Python's `bytes.decode('utf-8', 'backslashreplace')`: valid UTF-8 as is, other bytes as `\xNN`. */
export function backslashReplace(bytes: Uint8Array): string {
  const strict = new TextDecoder('utf-8', { fatal: true });
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    if (b < 0x80) {
      out += String.fromCharCode(b);
      i++;
      continue;
    }
    const len = b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (len > 0 && i + len <= bytes.length) {
      try {
        out += strict.decode(bytes.subarray(i, i + len));
        i += len;
        continue;
      } catch {
        // Not a valid sequence from here: this byte is escaped alone, as Python does.
      }
    }
    out += `\\x${b.toString(16).padStart(2, '0')}`;
    i++;
  }
  return out;
}

/** Every file of the report. */
export function filterRepoReport(a: SizeAnalysis): ReportFiles {
  const files: ReportFiles = new Map();
  const fileNodes = a.paths.filter((n) => n.file);
  const dirNodes = a.paths.filter((n) => n.dir);
  const exts = a.extensions;

  const readme = new Lines();
  readme.text('== Overall Statistics ==\n');
  readme.text(`  Number of commits: ${a.totals.commits}\n`);
  readme.text(`  Number of filenames: ${fileNodes.length}\n`);
  readme.text(`  Number of directories: ${dirNodes.length}\n`);
  readme.text(`  Number of file extensions: ${exts.length}\n`);
  readme.text('\n');
  readme.text(`  Total unpacked size (bytes): ${a.totals.reportInflated}\n`);
  readme.text(`  Total packed size (bytes): ${a.totals.reportStored}\n`);
  readme.text('\n');
  readme.text(CAVEATS);
  files.set('README', readme.finish());

  const renames = new Lines();
  for (const g of a.renames) {
    renames.text(`${backslashReplace(g.names[0])} ->\n    ${g.names.slice(1).map(backslashReplace).join('\n    ')}\n`);
  }
  files.set('renames.txt', renames.finish());

  const dirsSorted = bySizeThenName(
    dirNodes.slice(),
    (n) => n.dir!.reportStored,
    (n) => n.path,
  );
  const toplevel = encoder.encode('<toplevel>');
  for (const deletedOnly of [true, false]) {
    const out = new Lines();
    out.text(deletedOnly ? '=== Deleted directories by reverse size ===\n' : '=== All directories by reverse size ===\n');
    out.text('Format: unpacked size, packed size, date deleted, directory name\n');
    for (const n of dirsSorted) {
      const d = n.dir!;
      if (deletedOnly && !d.deleted) continue;
      out.row(d.reportInflated, d.reportStored, d.deleted?.date ?? PRESENT, n.path.length > 0 ? n.path : toplevel);
    }
    files.set(deletedOnly ? 'directories-deleted-sizes.txt' : 'directories-all-sizes.txt', out.finish());
  }

  const extsSorted = bySizeThenName(
    exts.slice(),
    (e) => e.reportStored,
    (e) => e.extension,
  );
  const none = encoder.encode('<no extension>');
  for (const deletedOnly of [true, false]) {
    const out = new Lines();
    out.text(deletedOnly ? '=== Deleted extensions by reverse size ===\n' : '=== All extensions by reverse size ===\n');
    out.text('Format: unpacked size, packed size, date deleted, extension name\n');
    for (const e of extsSorted) {
      if (deletedOnly && !e.deleted) continue;
      out.row(e.reportInflated, e.reportStored, e.deleted ?? PRESENT, e.extension.length > 0 ? e.extension : none);
    }
    files.set(deletedOnly ? 'extensions-deleted-sizes.txt' : 'extensions-all-sizes.txt', out.finish());
  }

  const pathsSorted = bySizeThenName(
    fileNodes.slice(),
    (n) => n.file!.reportStored,
    (n) => n.path,
  );
  for (const deletedOnly of [true, false]) {
    const out = new Lines();
    out.text(deletedOnly ? '=== Deleted paths by reverse accumulated size ===\n' : '=== All paths by reverse accumulated size ===\n');
    out.text(deletedOnly ? 'Format: unpacked size, packed size, date deleted, path name(s)\n' : 'Format: unpacked size, packed size, date deleted, path name\n');
    for (const n of pathsSorted) {
      const f = n.file!;
      if (deletedOnly && !f.deleted) continue;
      out.row(f.reportInflated, f.reportStored, f.deleted?.date ?? PRESENT, n.path);
    }
    files.set(deletedOnly ? 'path-deleted-sizes.txt' : 'path-all-sizes.txt', out.finish());
  }

  files.set('blob-shas-and-paths.txt', blobList(a));
  return files;
}

function blobList(a: SizeAnalysis): Uint8Array {
  const blobs = a.blobs;
  const H = blobs.hashSize;
  const named: { b: number; hex: string }[] = [];
  for (let b = 0; b < blobs.count; b++) {
    if (blobs.pathStart[b + 1] === blobs.pathStart[b] || blobs.pack[b] === -2) continue;
    named.push({ b, hex: toHex(blobs.ids, b * H, H) });
  }
  named.sort((x, y) => blobs.stored[y.b] - blobs.stored[x.b] || (y.hex < x.hex ? -1 : y.hex > x.hex ? 1 : 0));
  const out = new Lines();
  out.text('=== Files by sha and associated pathnames in reverse size ===\n');
  out.text('Format: sha, unpacked size, packed size, filename(s) object stored as\n');
  const comma = encoder.encode(', ');
  for (const { b, hex } of named) {
    out.text(`  ${hex} ${pad(blobs.inflated[b])} ${pad(blobs.stored[b])} `);
    const start = blobs.pathStart[b];
    const end = blobs.pathStart[b + 1];
    if (end - start === 1) out.bytes(a.paths[blobs.pathIds[start]].path);
    else {
      out.text('[');
      for (let i = start; i < end; i++) {
        if (i > start) out.bytes(comma);
        out.bytes(a.paths[blobs.pathIds[i]].path);
      }
      out.text(']');
    }
    out.text('\n');
  }
  return out.finish();
}
