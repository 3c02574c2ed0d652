import { readFileSync } from 'node:fs';
import { PackscopeError } from '../../core/errors.ts';
import { fromHex, isHex, toHex } from '../../core/hash/hex.ts';
import { changesBetween, commitLinks, type ChangesOptions } from '../../core/diff/changes.ts';
import { Abbreviator, ByteSink, quoted, writeRawLine } from '../../core/diff/diff-format.ts';
import { walkCombined, type CombinedPath } from '../../core/diff/combined.ts';
import { writeCombinedPatch } from '../../core/diff/combined-patch.ts';
import { MAX_SCORE, modeOctal, runToEnd } from '../../core/diff/tree-diff.ts';
import type { ObjectDatabase } from '../../core/odb/database.ts';
import { resolveName } from '../../core/odb/names.ts';
import { parseTag } from '../../core/objects/tag.ts';
import { parseCommit } from '../../core/objects/commit.ts';
import type { RefMap } from '../../core/repo/refs.ts';
import { Output } from '../output.ts';
import { openRepository } from '../repository.ts';
import { UsageError, reportError } from '../errors.ts';
import { writeNumstat, writePatch } from '../../core/diff/pair-text.ts';

/**
 * `diff-tree [-r] [-M[<n>]] [-C[<n>]] [-l<limit>] [--root] [--raw | --numstat | -p] <commit> <path>`,
 * `diff-tree [...] <tree-ish> <tree-ish> <path>` and `diff-tree [...] --stdin <path>`, printing what git 2.39 prints:
 * - one commit: its id on a line, then the changes against its parent; nothing for a commit
 *   with no changes, for a root commit without --root, and for a merge (git shows merges only
 *   with -m, -c or --cc);
 * - two tree-ishes: the changes between their trees, with no id line;
 * - `--stdin`: commit ids one a line, each shown as above (one process for many commits);
 * - `-c` / `--cc` with `--raw`: a merge as git's combined raw lines (the paths that differ from
 *   every parent); with -p (the default of --cc) the combined patch (core/diff/combined-patch.ts).
 * --numstat and -p imply -r, as in git.
 */

type Format = 'raw' | 'numstat' | 'patch';

interface Parsed {
  recursive: boolean;
  root: boolean;
  format: Format;
  options: ChangesOptions;
  names: string[];
  path: string;
  /** `--stdin`: commit ids come one a line on standard input. */
  stdin: boolean;
  /** `-c` / `--cc`: a merge is shown as git's combined view (raw lines, or the combined patch). */
  combined: boolean;
  /** `--cc`: the combined patch leaves out hunks that took one parent's version. */
  dense: boolean;
}

/** git's parse_rename_score: `50%`, or digits read as a fraction (`5` is 50%, `05` is 5%). */
function renameScore(text: string, flag: string): number {
  if (text === '') return 30000;
  const m = /^(\d+)(%?)$/.exec(text);
  if (!m) throw new UsageError(`diff-tree: ${flag}${text}: give a similarity like 50% or 5`);
  const num = Number(m[1]);
  const scale = m[2] ? 100 : 10 ** m[1].length;
  if (num >= scale) return MAX_SCORE;
  return Math.floor((MAX_SCORE * num) / scale);
}

function parse(args: string[]): Parsed {
  const out: Parsed = { recursive: false, root: false, format: 'raw', options: {}, names: [], path: '', stdin: false, combined: false, dense: false };
  let formatGiven = false;
  let dense = false;
  const rest: string[] = [];
  for (const a of args) {
    if (a === '-r') out.recursive = true;
    else if (a === '--root') out.root = true;
    else if (a === '--stdin') out.stdin = true;
    else if (a === '--raw') [out.format, formatGiven] = ['raw', true];
    else if (a === '--numstat') [out.format, formatGiven] = ['numstat', true];
    else if (a === '-p' || a === '-u' || a === '--patch') [out.format, formatGiven] = ['patch', true];
    else if (a === '-c') out.combined = true;
    else if (a === '--cc') [out.combined, dense] = [true, true];
    else if (a.startsWith('-M') || a.startsWith('--find-renames')) {
      const value = a.startsWith('-M') ? a.slice(2) : a.slice('--find-renames'.length).replace(/^=/, '');
      out.options.renames = true;
      out.options.minScore = renameScore(value, a.startsWith('-M') ? '-M' : '--find-renames=');
    } else if (a.startsWith('-C') || a.startsWith('--find-copies')) {
      const value = a.startsWith('-C') ? a.slice(2) : a.slice('--find-copies'.length).replace(/^=/, '');
      out.options.copies = true;
      out.options.minScore = renameScore(value, a.startsWith('-C') ? '-C' : '--find-copies=');
    } else if (/^-l\d+$/.test(a)) out.options.renameLimit = Number(a.slice(2));
    else if (a.startsWith('-') && a !== '-') throw new UsageError(`diff-tree: unknown option ${a}`);
    else rest.push(a);
  }
  if (out.stdin ? rest.length !== 1 : rest.length !== 2 && rest.length !== 3) throw new UsageError('diff-tree: give <commit> <path>, <tree-ish> <tree-ish> <path>, or --stdin <path>');
  out.path = rest[rest.length - 1];
  out.names = rest.slice(0, -1);
  // --cc prints the combined patch unless told otherwise.
  out.dense = dense;
  if (out.combined && dense && !formatGiven) out.format = 'patch';
  if (out.combined && out.format === 'numstat') throw new UsageError('diff-tree -c/--cc: --numstat of the combined view is not supported');
  if (out.combined && (out.options.renames || out.options.copies)) throw new UsageError('diff-tree -c/--cc: rename detection in the combined view is not supported');
  // diff_setup_done: every format but raw (and name/status) walks recursively.
  if (out.format !== 'raw') out.recursive = true;
  out.options.recursive = out.recursive;
  return out;
}

function resolve(db: ObjectDatabase, refs: RefMap, name: string): Uint8Array {
  const r = resolveName(db, refs, name);
  if (r.kind === 'found' && db.has(r.oid)) return r.oid;
  if (r.kind === 'ambiguous') throw new UsageError(`diff-tree: short object ID ${name} is ambiguous`);
  throw new PackscopeError('NotFound', `${name}: ${r.kind === 'missing' ? r.reason : 'not in this repository'}`);
}

/** Peels tags; a commit gives its tree; a tree is itself. */
function peel(db: ObjectDatabase, oid: Uint8Array): { kind: 'commit' | 'tree'; oid: Uint8Array } {
  for (let hops = 0; hops < 100; hops++) {
    const obj = db.read(oid);
    if (obj.type === 'commit' || obj.type === 'tree') return { kind: obj.type, oid };
    if (obj.type !== 'tag') throw new PackscopeError('BadName', `${toHex(oid)} is a ${obj.type}: there is no tree to compare`);
    oid = fromHex(parseTag(obj.data).object);
  }
  throw new PackscopeError('BadName', 'tag chain longer than 100');
}

function treeOf(db: ObjectDatabase, oid: Uint8Array): Uint8Array {
  const p = peel(db, oid);
  return p.kind === 'tree' ? p.oid : fromHex(parseCommit(db.read(p.oid).data).tree);
}

/** Runs `diff-tree`. */
export async function diffTree(args: string[]): Promise<number> {
  const parsed = parse(args);
  const { db, refs } = await openRepository(parsed.path);
  const out = new Output();
  const abbrev = new Abbreviator(db);
  let status = 0;
  if (parsed.stdin) {
    // git diff-tree --stdin: one commit id a line; a line that is not an id is echoed.
    const lines = readFileSync(0, 'latin1').split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    for (const line of lines) {
      const hex = line.slice(0, db.algo.hexSize);
      if (!isHex(hex) || hex.length !== db.algo.hexSize || (line.length > hex.length && line[hex.length] !== ' ')) {
        out.text(`${line}\n`);
        continue;
      }
      if (line.length > hex.length) throw new UsageError('diff-tree --stdin: give one commit id a line (parents on the line are not supported)');
      // git dies at the first unreadable object; here the commit is reported and the rest go on
      // (a partial clone lacks some blobs), and the exit status says something failed.
      try {
        writeCommit(db, out, fromHex(hex), parsed, abbrev);
      } catch (err) {
        if (!(err instanceof PackscopeError)) throw err;
        out.flush();
        reportError(err, hex);
        status = 1;
      }
    }
  } else if (parsed.names.length === 2) {
    const from = treeOf(db, resolve(db, refs, parsed.names[0]));
    const to = treeOf(db, resolve(db, refs, parsed.names[1]));
    const sink = new ByteSink();
    writeChanges(db, sink, from, to, parsed, abbrev);
    out.bytes(sink.concat());
  } else writeCommit(db, out, resolve(db, refs, parsed.names[0]), parsed, abbrev);
  out.flush();
  // git's diff_result_code: the last comparison that checked the rename limit decides.
  if (neededRenameLimit > 0) {
    process.stderr.write('warning: exhaustive rename detection was skipped due to too many files.\n');
    process.stderr.write(`warning: you may want to set your diff.renameLimit variable to at least ${neededRenameLimit} and retry the command.\n`);
  }
  return status;
}

/** git's needed_rename_limit, from the last comparison that checked the limit. */
let neededRenameLimit = 0;

/**
 * One commit as git shows it: its id line and its changes against its parent. A merge is
 * shown only with -m, -c or --cc (not supported: nothing is printed, as git prints by
 * default); a root commit only with --root; a commit without changes prints nothing.
 */
function writeCommit(db: ObjectDatabase, out: Output, oid: Uint8Array, parsed: Parsed, abbrev: Abbreviator): void {
  const start = peel(db, oid);
  if (start.kind !== 'commit') throw new UsageError('diff-tree: one argument must be a commit (give two tree-ishes to compare trees)');
  const { tree, parents } = commitLinks(db, start.oid);
  if (parsed.combined && parents.length > 1) {
    // git prints the merge's line even when no path differs from every parent.
    const { paths } = runToEnd(
      walkCombined(
        db,
        tree,
        parents.map((p) => commitLinks(db, p).tree),
      ),
    );
    out.text(`${toHex(start.oid)}\n`);
    const body = new ByteSink();
    for (const p of paths) {
      if (parsed.format === 'patch') writeCombinedPatch(db, body, p, parsed.dense, abbrev);
      else writeCombinedRawLine(body, p);
    }
    out.bytes(body.concat());
    return;
  }
  if (!(parents.length === 1 || (parents.length === 0 && parsed.root))) return;
  const body = new ByteSink();
  const parentTree = parents.length === 1 ? commitLinks(db, parents[0]).tree : undefined;
  // git prints the commit line when the queue holds pairs, even if a pair prints nothing.
  if (writeChanges(db, body, parentTree, tree, parsed, abbrev) === 0) return;
  out.text(`${toHex(start.oid)}\n`);
  out.bytes(body.concat());
}

/** A combined `--raw` line: a colon per parent, the parents' modes and the merge's, ids likewise, a letter per parent. */
function writeCombinedRawLine(out: ByteSink, p: CombinedPath): void {
  out.text(':'.repeat(p.parents.length));
  out.text(`${p.parents.map((q) => `${modeOctal(q.mode)} `).join('')}${modeOctal(p.mode)}`);
  out.text(`${p.parents.map((q) => ` ${toHex(q.oid)}`).join('')} ${toHex(p.oid)} `);
  out.text(`${p.parents.map((q) => q.status).join('')}\t`);
  out.bytes(quoted(p.path));
  out.text('\n');
}

/** Writes the changes in the asked format; returns how many pairs there were. */
function writeChanges(db: ObjectDatabase, sink: ByteSink, from: Uint8Array | undefined, to: Uint8Array, parsed: Parsed, abbrev: Abbreviator): number {
  const changes = changesBetween(db, from, to, parsed.options);
  if (changes.neededLimit !== undefined) neededRenameLimit = changes.neededLimit;
  for (const missing of changes.missing) process.stderr.write(`warning: blob ${missing} is not in this repository (partial clone?): it scored 0 in rename detection\n`);
  if (parsed.format === 'raw') for (const pair of changes.pairs) writeRawLine(sink, pair, db.algo.size);
  else if (parsed.format === 'numstat') writeNumstat(db, sink, changes.pairs);
  else writePatch(db, sink, changes.pairs, abbrev);
  return changes.pairs.length;
}
