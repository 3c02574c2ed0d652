import { fail } from '../errors.ts';
import { toHex } from '../hash/hex.ts';
import type { ObjectDatabase } from '../odb/database.ts';
import { type ByteSink, fileLabels, patchHeader, quoted, renameName, zeroOid, type Abbreviator, type PatchHalf } from './diff-format.ts';
import { countLines, formatPatchBody, isBinaryBlob } from './patch.ts';
import { S_IFMT, isGitlinkMode, isTreeMode, type FilePair, type FileSide } from './tree-diff.ts';

/**
 * `--numstat` and `-p` for the pairs of a tree diff, as diff.c writes them: what each side's
 * content is (a blob, a submodule's "Subproject commit <id>" line, nothing for an absent
 * side), git's binary rule, the numstat rows (binary as `-\t-`, renames as `a => b`, a
 * modified file with no changed line left out), and per pair the patch header, the labels and
 * H1's hunks; a change of file type is shown as a deletion and an addition.
 */

const encoder = new TextEncoder();
const EMPTY = new Uint8Array(0);

/** A side's content as git diffs it. */
export function sideContent(db: ObjectDatabase, side: FileSide | undefined): Uint8Array {
  if (!side) return EMPTY;
  if (isGitlinkMode(side.mode)) return encoder.encode(`Subproject commit ${toHex(side.oid)}\n`);
  if (!db.has(side.oid)) fail('NotFound', `blob ${toHex(side.oid)} (${new TextDecoder().decode(side.path)}) is not in this repository`);
  const obj = db.read(side.oid);
  if (obj.type !== 'blob') fail('CorruptObject', `${toHex(side.oid)} should be a blob but is a ${obj.type}`);
  return obj.data;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** One file's numstat numbers as git computes them (diff.c builtin_diffstat); undefined when git leaves the row out. */
export function pairStat(db: ObjectDatabase, pair: FilePair): { added: number; deleted: number; binary: boolean } | undefined {
  const a = sideContent(db, pair.old);
  const b = sideContent(db, pair.new);
  const binary = isBinaryBlob(a) || isBinaryBlob(b);
  const mayDiffer = !(pair.old && pair.new && sameBytes(pair.old.oid, pair.new.oid));
  if (binary) return { added: 0, deleted: 0, binary };
  if (!mayDiffer) return { added: 0, deleted: 0, binary };
  const counts = countLines(a, b);
  // A modified file whose lines did not change (and whose mode did not) is left out.
  if (pair.status === 'M' && counts.added === 0 && counts.deleted === 0 && pair.old?.mode === pair.new?.mode) return undefined;
  return { ...counts, binary };
}

/** `git diff-tree --numstat` rows. */
export function writeNumstat(db: ObjectDatabase, out: ByteSink, pairs: FilePair[]): void {
  for (const pair of pairs) {
    // No useful stat for tree entries (only without -r).
    if ((pair.old && isTreeMode(pair.old.mode)) || (pair.new && isTreeMode(pair.new.mode))) continue;
    const stat = pairStat(db, pair);
    if (!stat) continue;
    out.text(stat.binary ? '-\t-\t' : `${stat.added}\t${stat.deleted}\t`);
    const oldPath = (pair.old ?? pair.new)?.path as Uint8Array;
    const newPath = (pair.new ?? pair.old)?.path as Uint8Array;
    out.bytes(sameBytes(oldPath, newPath) ? quoted(newPath) : renameName(oldPath, newPath));
    out.text('\n');
  }
}

/** The halves git shows for a pair: one, or a deletion and an addition when the file type changed. */
export function patchHalves(pair: FilePair, hashSize: number): PatchHalf[] {
  const zero = zeroOid(hashSize);
  const oldPath = (pair.old ?? pair.new)?.path as Uint8Array;
  const newPath = (pair.new ?? pair.old)?.path as Uint8Array;
  const half = (oldSide: FileSide | undefined, newSide: FileSide | undefined): PatchHalf => ({
    oldPath,
    newPath,
    oldMode: oldSide ? oldSide.mode : 0,
    newMode: newSide ? newSide.mode : 0,
    oldOid: oldSide ? oldSide.oid : zero,
    newOid: newSide ? newSide.oid : zero,
    status: pair.status,
    score: pair.score,
  });
  if (pair.old && pair.new && (pair.old.mode & S_IFMT) !== (pair.new.mode & S_IFMT)) return [half(pair.old, undefined), half(undefined, pair.new)];
  return [half(pair.old, pair.new)];
}

/** `git diff-tree -p` for the pairs. */
export function writePatch(db: ObjectDatabase, out: ByteSink, pairs: FilePair[], abbrev: Abbreviator): void {
  for (const pair of pairs) {
    if ((pair.old && isTreeMode(pair.old.mode)) || (pair.new && isTreeMode(pair.new.mode))) continue;
    const halves = patchHalves(pair, db.algo.size);
    for (const half of halves) {
      const { header, mustShow, oldLabel, newLabel } = patchHeader(half, abbrev);
      const a = sideContent(db, half.oldMode ? pair.old : undefined);
      const b = sideContent(db, half.newMode ? pair.new : undefined);
      if (isBinaryBlob(a) || isBinaryBlob(b)) {
        if (sameBytes(a, b)) {
          if (mustShow) out.bytes(header.concat());
          continue;
        }
        out.bytes(header.concat());
        out.text('Binary files ');
        out.bytes(oldLabel);
        out.text(' and ');
        out.bytes(newLabel);
        out.text(' differ\n');
        continue;
      }
      const body = formatPatchBody(a, b);
      if (body.length === 0) {
        if (mustShow) out.bytes(header.concat());
        continue;
      }
      out.bytes(header.concat());
      fileLabels(out, oldLabel, newLabel);
      out.bytes(body);
    }
  }
}
