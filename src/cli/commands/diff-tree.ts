import { PackscopeError } from '../../core/errors.ts';
import { toHex } from '../../core/hash/hex.ts';
import { changesBetween, commitLinks, type ChangesOptions } from '../../core/diff/changes.ts';
import { Abbreviator, ByteSink, writeRawLine } from '../../core/diff/diff-format.ts';
import { MAX_SCORE } from '../../core/diff/tree-diff.ts';
import type { ObjectDatabase } from '../../core/odb/database.ts';
import { resolveName } from '../../core/odb/names.ts';
import { parseTag } from '../../core/objects/tag.ts';
import { parseCommit } from '../../core/objects/commit.ts';
import { fromHex } from '../../core/hash/hex.ts';
import type { RefMap } from '../../core/repo/refs.ts';
import { Output } from '../output.ts';
import { openRepository } from '../repository.ts';
import { UsageError } from '../errors.ts';
import { writeNumstat, writePatch } from '../../core/diff/pair-text.ts';

/**
 * `diff-tree [-r] [-M[<n>]] [-C[<n>]] [--root] [--raw | --numstat | -p] <commit> <path>` and
 * `diff-tree [...] <tree-ish> <tree-ish> <path>`, printing what git 2.39 prints:
 * - one commit: its id on a line, then the changes against its parent; nothing for a commit
 *   with no changes, for a root commit without --root, and for a merge (git shows merges only
 *   with -m, -c or --cc);
 * - two tree-ishes: the changes between their trees, with no id line.
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
  const out: Parsed = { recursive: false, root: false, format: 'raw', options: {}, names: [], path: '' };
  const rest: string[] = [];
  for (const a of args) {
    if (a === '-r') out.recursive = true;
    else if (a === '--root') out.root = true;
    else if (a === '--raw') out.format = 'raw';
    else if (a === '--numstat') out.format = 'numstat';
    else if (a === '-p' || a === '-u' || a === '--patch') out.format = 'patch';
    else if (a.startsWith('-M') || a.startsWith('--find-renames')) {
      const value = a.startsWith('-M') ? a.slice(2) : a.slice('--find-renames'.length).replace(/^=/, '');
      out.options.renames = true;
      out.options.minScore = renameScore(value, a.startsWith('-M') ? '-M' : '--find-renames=');
    } else if (a.startsWith('-C') || a.startsWith('--find-copies')) {
      const value = a.startsWith('-C') ? a.slice(2) : a.slice('--find-copies'.length).replace(/^=/, '');
      out.options.copies = true;
      out.options.minScore = renameScore(value, a.startsWith('-C') ? '-C' : '--find-copies=');
    } else if (a.startsWith('-') && a !== '-') throw new UsageError(`diff-tree: unknown option ${a}`);
    else rest.push(a);
  }
  if (rest.length !== 2 && rest.length !== 3) throw new UsageError('diff-tree: give <commit> <path> or <tree-ish> <tree-ish> <path>');
  out.path = rest[rest.length - 1];
  out.names = rest.slice(0, -1);
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
  const sink = new ByteSink();
  if (parsed.names.length === 2) {
    const from = treeOf(db, resolve(db, refs, parsed.names[0]));
    const to = treeOf(db, resolve(db, refs, parsed.names[1]));
    writeChanges(db, sink, from, to, parsed);
  } else {
    const start = peel(db, resolve(db, refs, parsed.names[0]));
    if (start.kind !== 'commit') throw new UsageError('diff-tree: one argument must be a commit (give two tree-ishes to compare trees)');
    const { tree, parents } = commitLinks(db, start.oid);
    // A merge is shown only with -m, -c or --cc; a root commit only with --root.
    if (parents.length === 1 || (parents.length === 0 && parsed.root)) {
      const body = new ByteSink();
      // git prints the commit line when the queue holds pairs, even if a pair prints nothing.
      const parentTree = parents.length === 1 ? commitLinks(db, parents[0]).tree : undefined;
      if (writeChanges(db, body, parentTree, tree, parsed) > 0) {
        sink.text(`${toHex(start.oid)}\n`);
        sink.bytes(body.concat());
      }
    }
  }
  out.bytes(sink.concat());
  out.flush();
  return 0;
}

/** Writes the changes in the asked format; returns how many pairs there were. */
function writeChanges(db: ObjectDatabase, sink: ByteSink, from: Uint8Array | undefined, to: Uint8Array, parsed: Parsed): number {
  const changes = changesBetween(db, from, to, parsed.options);
  for (const missing of changes.missing) process.stderr.write(`warning: blob ${missing} is not in this repository (partial clone?): it scored 0 in rename detection\n`);
  if (parsed.format === 'raw') for (const pair of changes.pairs) writeRawLine(sink, pair, db.algo.size);
  else if (parsed.format === 'numstat') writeNumstat(db, sink, changes.pairs);
  else writePatch(db, sink, changes.pairs, new Abbreviator(db));
  return changes.pairs.length;
}
