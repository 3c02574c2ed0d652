import { PackscopeError, type ErrorKind } from '../errors.ts';
import { fromHex } from '../hash/hex.ts';
import type { ObjectType } from '../objects/types.ts';
import type { ObjectDatabase } from '../odb/database.ts';
import type { FileEntry } from '../repo/discover.ts';
import { compareRefNames, isBranchName, refnameIsSafe, refnameProblem, showRefText } from '../repo/ref-names.ts';
import type { LooseRef, PackedRecord, RefStore, Resolution } from '../repo/ref-store.ts';
import type { RefMap } from '../repo/refs.ts';
import { parseReflog, type Reflog } from '../repo/reflog.ts';
import type { Finding, Severity } from './findings.ts';

/**
 * The `refs` check: loose refs, packed-refs, HEAD and reflogs, judged as git 2.39 judges them
 * (see repo/ref-store.ts for how each file is read). Two outputs from one reading:
 *   - `RefsCheck`: findings for Verify and the findings report, every problem in every file,
 *     each naming the file (and line) and what to do;
 *   - `gitFsckRefs`: exactly what `git fsck` prints about refs, in its order, with its exit
 *     bits, and the roots its reachability walk starts from (the CLI's `fsck`).
 */

/** What the check asks about objects. */
export interface RefObjects {
  /** The object's type; 'missing' when the repository lacks it; 'unreadable' when it is there but cannot be read. */
  typeOf(oid: string): ObjectType | 'missing' | 'unreadable';
  /** True when the repository has the object (cheaper: no header read). */
  has(oid: string): boolean;
}

/** RefObjects over an object database: a type is read from the object's header. */
export function databaseRefObjects(db: ObjectDatabase): RefObjects {
  return {
    has: (oid) => db.has(fromHex(oid)),
    typeOf: (oid) => {
      const location = db.locate(fromHex(oid));
      if (!location) return 'missing';
      try {
        return db.infoAt(location).type;
      } catch (err) {
        if (err instanceof PackscopeError) return 'unreadable';
        throw err;
      }
    },
  };
}

/** git fsck's exit bits (builtin/fsck.c). */
export const ERROR_REACHABLE = 2;
export const ERROR_REFS = 8;

/** True when git would take the folder for a repository (setup.c validate_headref over HEAD's first 255 bytes). */
export function headValidates(headStart: Uint8Array): boolean {
  const text = new TextDecoder('latin1').decode(headStart);
  const nul = text.indexOf('\0');
  const head = nul < 0 ? text : text.slice(0, nul);
  const symbolic = /^ref:[ \t\n\r]*/.exec(head);
  if (symbolic) {
    if (head.startsWith('refs/', symbolic[0].length)) return true;
  }
  // At discovery git has not read the repository's format yet: a SHA-1-length id is enough.
  return /^[0-9a-fA-F]{40}/.test(head);
}

/** The reflog files git reads, with their ref names; a name starting with `.` or ending `.lock` is skipped by git. */
function reflogRefs(store: RefStore, files: FileEntry[]): { file: FileEntry; ref: string; skipped: boolean }[] {
  const prefix = store.gitDir === '' ? 'logs/' : `${store.gitDir}/logs/`;
  const out: { file: FileEntry; ref: string; skipped: boolean }[] = [];
  for (const file of files) {
    if (!file.path.startsWith(prefix)) continue;
    const ref = file.path.slice(prefix.length);
    const base = ref.slice(ref.lastIndexOf('/') + 1);
    out.push({ file, ref, skipped: base.startsWith('.') || base.endsWith('.lock') });
  }
  return out;
}

/** Loose names git's listing skips: a component starting with `.` or ending `.lock` (files-backend.c loose_fill_ref_dir). */
function skippedByListing(name: string): boolean {
  return name.split('/').some((c) => c.startsWith('.') || c.endsWith('.lock'));
}

/** The loose refs git lists (under refs/, not skipped), in its order. */
function listedLooseRefs(store: RefStore): LooseRef[] {
  return [...store.loose.values()].filter((r) => r.name.startsWith('refs/') && !skippedByListing(r.name)).sort((a, b) => compareRefNames(a.name, b.name));
}

// --- what git fsck prints ------------------------------------------------------------------

/** One line git writes to stderr: `error: …` and `fatal: …` go through its report function, `notice: …` does not. */
export interface GitFsckLine {
  level: 'error' | 'notice' | 'fatal';
  text: string;
}

/** What `git fsck` says about refs, and what its walk starts from. */
export interface GitFsckRefs {
  lines: GitFsckLine[];
  /** ERROR_REACHABLE and ERROR_REFS as git sets them. */
  errorBits: number;
  /** git died (exit 128): nothing after `lines` happens. */
  died: boolean;
  /** Refs and HEAD whose objects exist, name → id: the walk's roots (git's fsck_handle_ref marks them reachable). */
  roots: RefMap;
  /** The reflogs git reads (when reflogs are roots), in its order. */
  reflogs: Reflog[];
  /** Reflogs too large or unreadable (packscope's limit, not git's). */
  reflogProblems: PackscopeError[];
}

/**
 * What `git fsck` (2.39) prints about refs, in its order (builtin/fsck.c get_default_heads):
 * every ref under refs/ by name (loose and packed merged, loose winning), then HEAD, then each
 * reflog. `reflogFiles` are taken in the order given (git reads the logs folder in directory
 * order).
 */
export function gitFsckRefs(store: RefStore, objects: RefObjects, options: { reflogs: boolean; reflogFiles: FileEntry[] }): GitFsckRefs {
  const out: GitFsckRefs = { lines: [], errorBits: 0, died: false, roots: new Map(), reflogs: [], reflogProblems: [] };
  const zero = '0'.repeat(store.algo.hexSize);
  const error = (text: string, bit: number): void => {
    out.lines.push({ level: 'error', text });
    out.errorBits |= bit;
  };
  const die = (text: string): GitFsckRefs => {
    out.lines.push({ level: 'fatal', text });
    out.died = true;
    return out;
  };
  // fsck_handle_ref.
  const handle = (name: string, oid: string | undefined): void => {
    const type = oid === undefined || oid === zero ? 'missing' : objects.typeOf(oid);
    if (type === 'missing' || type === 'unreadable') {
      error(`${name}: invalid sha1 pointer ${oid ?? zero}`, ERROR_REACHABLE);
      return;
    }
    if (type !== 'commit' && isBranchName(name)) error(`${name}: not a commit`, ERROR_REFS);
    out.roots.set(name, { kind: 'oid', oid: oid as string });
  };

  // for_each_rawref: the loose listing merged with the packed iterator, which may die.
  const loose = listedLooseRefs(store);
  const packed = store.packed?.git ?? { refs: [] };
  let p = -1;
  const advancePacked = (): boolean => {
    p++;
    return p < packed.refs.length || packed.fatal === undefined;
  };
  if (!advancePacked()) return die(packed.fatal as string);
  let l = 0;
  for (;;) {
    const looseRef = loose[l];
    const packedRef = packed.refs[p];
    if (!looseRef && !packedRef) break;
    const order = looseRef && packedRef ? compareRefNames(looseRef.name, packedRef.name) : looseRef ? -1 : 1;
    if (order <= 0) {
      // The packed ref of the same name is passed over first (merge_ref_iterator, overlay select).
      if (order === 0 && !advancePacked()) return die(packed.fatal as string);
      l++;
      if (refnameProblem(looseRef.name) !== undefined) {
        if (!refnameIsSafe(looseRef.name)) return die(`loose refname is dangerous: ${looseRef.name}`);
        handle(looseRef.name, undefined);
      } else {
        const r = store.resolve(looseRef.name, true);
        handle(looseRef.name, r.ok ? r.oid : undefined);
      }
    } else {
      handle(packedRef.name, packedRef.oid);
      if (!advancePacked()) return die(packed.fatal as string);
    }
  }

  // fsck_head_link, then HEAD as a ref.
  if (store.loose.has('HEAD')) {
    const r = store.resolve('HEAD', false);
    if (!r.ok) error('invalid HEAD', ERROR_REFS);
    else {
      const pointsAt = r.chain[r.chain.length - 1];
      const isNull = r.oid === undefined || r.oid === zero;
      let linkError = false;
      if (pointsAt !== 'HEAD' && !pointsAt.startsWith('refs/heads/')) {
        error(`HEAD points to something strange (${pointsAt})`, ERROR_REFS);
        linkError = true;
      }
      if (!linkError && isNull) {
        if (pointsAt === 'HEAD') error('HEAD: detached HEAD points at nothing', ERROR_REFS);
        else out.lines.push({ level: 'notice', text: `HEAD points to an unborn branch (${pointsAt.slice('refs/heads/'.length)})` });
      }
      if (!isNull) handle('HEAD', r.oid);
    }
  }

  // refs_for_each_reflog, then each entry (fsck_handle_reflog_oid; the null id names nothing).
  if (options.reflogs) checkReflogsAsGit(store, objects, options.reflogFiles, out, error);
  // No ref named an object that exists ("default_refs" is 0): git says so last.
  if (out.roots.size === 0) out.lines.push({ level: 'notice', text: NO_DEFAULT_REFERENCES });
  return out;
}

/** git's notice when no ref names an object that exists. */
export const NO_DEFAULT_REFERENCES = 'No default references';

/** The reflog part of gitFsckRefs. */
function checkReflogsAsGit(store: RefStore, objects: RefObjects, reflogFiles: FileEntry[], out: GitFsckRefs, error: (text: string, bit: number) => void): void {
  for (const { file, ref, skipped } of reflogRefs(store, reflogFiles)) {
    if (skipped) continue;
    if (!store.resolve(ref, false).ok) {
      out.lines.push({ level: 'error', text: `bad ref for ${store.gitPath(`logs/${ref}`)}` });
      continue;
    }
    let log: Reflog;
    try {
      log = parseReflog(file, ref, store.algo);
    } catch (err) {
      out.reflogProblems.push(err instanceof PackscopeError ? err : new PackscopeError('Io', String(err), { file: file.path }));
      continue;
    }
    out.reflogs.push(log);
    for (const oid of log.oids) if (!objects.has(oid)) error(`${ref}: invalid reflog entry ${oid}`, ERROR_REACHABLE);
  }
}

// --- findings for Verify -------------------------------------------------------------------

/** At most this many findings per file; then one that counts the rest. */
const MAX_FINDINGS_PER_FILE = 100;

/** Checks every ref file, a slice at a time (`run()` yields between files and every few thousand lines). */
export class RefsCheck {
  private readonly zero: string;
  private readonly perFile = new Map<string, number>();

  constructor(
    private readonly store: RefStore,
    private readonly reflogFiles: FileEntry[],
    private readonly objects: RefObjects,
    private readonly findings: Finding[],
  ) {
    this.zero = '0'.repeat(store.algo.hexSize);
  }

  *run(): Generator<void> {
    for (const p of this.store.problems) this.add('error', p.kind, p.file ?? '', undefined, p.detail);
    this.checkHead();
    yield;
    for (const ref of [...this.store.loose.values()].sort((a, b) => compareRefNames(a.name, b.name))) {
      if (ref.name !== 'HEAD') this.checkLoose(ref);
      yield;
    }
    yield* this.checkPacked();
    yield* this.checkReflogs();
    this.flushCounts();
  }

  private add(severity: Severity, kind: ErrorKind, file: string, offset: number | undefined, message: string, oid?: string): void {
    const n = (this.perFile.get(file) ?? 0) + 1;
    this.perFile.set(file, n);
    if (n > MAX_FINDINGS_PER_FILE) return;
    const f: Finding = { severity, check: 'refs', kind, file, message };
    if (offset !== undefined) f.offset = offset;
    if (oid !== undefined) f.oid = oid;
    this.findings.push(f);
  }

  /** One finding per file that had more than the cap, counting what was left out. */
  private flushCounts(): void {
    for (const [file, n] of this.perFile) {
      if (n > MAX_FINDINGS_PER_FILE)
        this.findings.push({
          severity: 'warning',
          check: 'refs',
          kind: 'TooLarge',
          file,
          message: `${n - MAX_FINDINGS_PER_FILE} more problems in this file are not listed (the first ${MAX_FINDINGS_PER_FILE} are)`,
        });
    }
  }

  /** Findings about the object a ref names (`subject` starts the sentence: "refs/heads/x", "line 4: refs/tags/v1"). */
  private checkObject(subject: string, name: string, oid: string, file: string, offset?: number): void {
    if (oid === this.zero) {
      this.add(
        'error',
        'BadRef',
        file,
        offset,
        `${subject} holds the null id, which git treats as a broken ref (git fsck: "invalid sha1 pointer"); point it at a commit again (its reflog has the ids it held) or delete it`,
      );
      return;
    }
    const type = this.objects.typeOf(oid);
    if (type === 'missing') {
      this.add(
        'error',
        'NotFound',
        file,
        offset,
        `${subject} names ${oid}, which the repository lacks (git fsck: "invalid sha1 pointer"): what it pointed to is lost unless another clone or a backup has it; delete the ref or point it at an object that exists`,
        oid,
      );
    } else if (type === 'unreadable') {
      this.add('error', 'CorruptObject', file, offset, `${subject} names ${oid}, which is in the repository but cannot be read (see the object findings): git fsck counts the ref as broken`, oid);
    } else if (type !== 'commit' && isBranchName(name)) {
      this.add('error', 'Mismatch', file, offset, `${subject} is a branch but names a ${type}, ${oid}; a branch must name a commit (git fsck: "not a commit")`, oid);
    }
  }

  /** Findings for a name followed through symbolic refs. */
  private checkResolution(subject: string, name: string, r: Resolution, file: string, offset?: number): void {
    const path = r.chain.map(showRefText).join(' → ');
    if (!r.ok) {
      const kind: ErrorKind = r.reason.endsWith('does not exist') ? 'NotFound' : 'BadRef';
      this.add(
        'error',
        kind,
        file,
        offset,
        `${subject} does not resolve (${path}): ${showRefText(r.reason)}; git treats it as broken (git fsck: "invalid sha1 pointer 0000…"); point it at a ref that exists or delete it`,
      );
      return;
    }
    if (r.oid !== undefined) this.checkObject(r.chain.length > 1 ? `${subject} (${path})` : subject, name, r.oid, file, offset);
  }

  private checkHead(): void {
    const head = this.store.loose.get('HEAD');
    const prefix = this.store.gitDir === '' ? '' : `${this.store.gitDir}/`;
    if (!head) {
      this.add(
        'error',
        'NotFound',
        `${prefix}HEAD`,
        undefined,
        'there is no HEAD: git does not take this folder for a repository ("not a git repository"); write "ref: refs/heads/<branch>" into HEAD',
      );
      return;
    }
    const file = head.file.path;
    if (this.store.headStart && !headValidates(this.store.headStart)) {
      this.add(
        'error',
        'BadRef',
        file,
        0,
        'HEAD holds neither "ref: refs/…" nor an object id: git does not take this folder for a repository ("fatal: not a git repository"); write "ref: refs/heads/<branch>" or a commit id into it',
      );
      if (head.content.kind === 'broken') return;
    }
    if (head.content.kind === 'broken') {
      this.add('error', 'BadRef', file, 0, `HEAD ${head.content.reason} (git fsck: "invalid HEAD")`);
      return;
    }
    const r = this.store.resolve('HEAD', false);
    if (!r.ok) {
      this.add('error', 'BadRef', file, 0, `HEAD does not resolve (${r.chain.map(showRefText).join(' → ')}): ${showRefText(r.reason)} (git fsck: "invalid HEAD"); point HEAD at a branch that exists`);
      return;
    }
    const pointsAt = r.chain[r.chain.length - 1];
    const isNull = r.oid === undefined || r.oid === this.zero;
    if (pointsAt !== 'HEAD' && !pointsAt.startsWith('refs/heads/')) {
      this.add('error', 'BadRef', file, 0, `HEAD points to ${showRefText(pointsAt)}, which is not a branch (git fsck: "HEAD points to something strange"); point HEAD at a branch under refs/heads/`);
    } else if (isNull && pointsAt === 'HEAD') {
      this.add('error', 'BadRef', file, 0, 'HEAD is detached but holds the null id (git fsck: "detached HEAD points at nothing"); write a commit id or "ref: refs/heads/<branch>" into it');
    } else if (isNull) {
      this.add('info', 'NotFound', file, 0, `HEAD points to ${showRefText(pointsAt)}, which does not exist yet (an unborn branch: normal before the first commit)`);
    }
    if (!isNull) this.checkObject(r.chain.length > 1 ? `HEAD (${r.chain.map(showRefText).join(' → ')})` : 'HEAD', 'HEAD', r.oid as string, file, 0);
  }

  private checkLoose(ref: LooseRef): void {
    const file = ref.file.path;
    const name = showRefText(ref.name);
    if (!ref.name.startsWith('refs/')) return;
    if (skippedByListing(ref.name)) {
      const lock = ref.name.endsWith('.lock');
      this.add(
        'warning',
        'BadName',
        file,
        undefined,
        lock
          ? `${name} is a lock file left by a ref update that did not finish: git ignores it, but refuses to update the ref while it exists; delete it once no git command is running`
          : `git ignores ${name}: a ref name component may not start with "."`,
      );
      return;
    }
    const nameProblem = refnameProblem(ref.name);
    if (nameProblem !== undefined) {
      const safe = refnameIsSafe(ref.name);
      this.add(
        'error',
        'BadName',
        file,
        undefined,
        `the ref name ${name} ${nameProblem}, which git refuses: ${safe ? 'git treats the ref as broken (git fsck: "invalid sha1 pointer 0000…")' : 'git dies listing refs ("loose refname is dangerous")'}; rename the file to a valid name or delete it`,
      );
      return;
    }
    const c = ref.content;
    if (c.kind === 'broken') {
      this.add(
        'error',
        'BadRef',
        file,
        0,
        `${name} ${showRefText(c.reason)}: git treats the ref as broken (git fsck: "invalid sha1 pointer 0000…"); restore the id it held (its reflog may have it) or delete the file`,
      );
    } else if (c.kind === 'oid') {
      this.checkObject(name, ref.name, c.oid, file, 0);
    } else {
      this.checkResolution(name, ref.name, this.store.resolve(ref.name, true), file, 0);
    }
  }

  private *checkPacked(): Generator<void> {
    const packed = this.store.packed;
    if (!packed) return;
    const file = packed.file.path;
    // git's verdict first: it is the one that matters most, and the per-line findings are capped.
    if (packed.git.fatal !== undefined) {
      this.add(
        'error',
        'BadRef',
        file,
        undefined,
        `git dies reading this file ("fatal: ${showRefText(packed.git.fatal)}"), so every git command that lists refs (fsck, for-each-ref, gc, push) fails until the line is fixed or removed`,
      );
    }
    for (const p of packed.problems) {
      this.add('error', 'BadRef', file, p.offset, `line ${p.line}: ${p.reason}; git cannot read the line`);
    }
    const seen = new Map<string, number>();
    let outOfOrder = false;
    let previous: PackedRecord | undefined;
    for (let i = 0; i < packed.records.length; i++) {
      const r = packed.records[i];
      const name = showRefText(r.name);
      const where = `line ${r.line}: ${name}`;
      const first = seen.get(r.name);
      if (first !== undefined) this.add('warning', 'Mismatch', file, r.offset, `${where} is listed again (first on line ${first}): git uses one of the two ids`);
      else seen.set(r.name, r.line);
      if (packed.sorted && !outOfOrder && previous && compareRefNames(previous.name, r.name) > 0) {
        outOfOrder = true;
        this.add(
          'warning',
          'Mismatch',
          file,
          r.offset,
          `${where} comes after ${showRefText(previous.name)} though the header says "sorted": git looks packed refs up by binary search and may not find some; run "git pack-refs --all" on a copy`,
        );
      }
      previous = r;
      if (r.nameProblem !== undefined) {
        const safe = refnameIsSafe(r.name);
        this.add(
          'error',
          'BadName',
          file,
          r.offset,
          `${where}: the name ${r.nameProblem}, which git refuses: ${safe ? 'git treats the ref as broken (git fsck: "invalid sha1 pointer 0000…")' : 'git dies listing refs ("packed refname is dangerous")'}`,
        );
        continue;
      }
      // A loose file of the same name wins: this line is not what git uses.
      if (this.store.loose.has(r.name)) continue;
      this.checkObject(where, r.name, r.oid, file, r.offset);
      if (r.peeled !== undefined && !this.objects.has(r.peeled)) {
        this.add('warning', 'NotFound', file, r.offset, `line ${r.line + 1}: the peeled id ${r.peeled} (what ${name} finally points to) names an object the repository lacks`, r.peeled);
      }
      if ((i & 1023) === 1023) yield;
    }
  }

  private *checkReflogs(): Generator<void> {
    const store = this.store;
    for (const { file, ref, skipped } of reflogRefs(store, this.reflogFiles).sort((a, b) => compareRefNames(a.ref, b.ref))) {
      const name = showRefText(ref);
      if (skipped) {
        this.add('warning', 'BadName', file.path, undefined, `git ignores the reflog ${name}: its name starts with "." or ends with ".lock" (a lock file left by an update that did not finish?)`);
        continue;
      }
      const r = store.resolve(ref, false);
      if (!r.ok) {
        this.add(
          'warning',
          'BadRef',
          file.path,
          undefined,
          `git skips this reflog (git fsck: "bad ref for …") because the ref ${name} does not resolve: ${showRefText(r.reason)}; the ids it lists keep nothing alive`,
        );
        continue;
      }
      let log: Reflog;
      try {
        log = parseReflog(file, ref, store.algo);
      } catch (err) {
        if (!(err instanceof PackscopeError)) throw err;
        this.add('error', err.kind, file.path, undefined, err.detail);
        continue;
      }
      for (const p of log.problems) {
        this.add('warning', 'BadRef', file.path, p.offset, `line ${p.line} is not a reflog entry git can read (${p.reason}): git skips it, so the ids on it keep nothing alive`);
      }
      if (log.badLineCount > log.problems.length) {
        this.add('warning', 'BadRef', file.path, undefined, `${log.badLineCount} lines in all are not reflog entries git can read; the first ${log.problems.length} are listed`);
      }
      yield;
      for (let i = 0; i < log.oids.length; i++) {
        const oid = log.oids[i];
        if (!this.objects.has(oid)) {
          this.add(
            'error',
            'NotFound',
            file.path,
            log.oidOffsets[i],
            `line ${log.oidLines[i]}: the ${log.oidIsOld[i] ? 'old' : 'new'} id ${oid} names an object the repository lacks (git fsck: "invalid reflog entry"); the state it recorded cannot be restored from this repository`,
            oid,
          );
        }
        if ((i & 4095) === 4095) yield;
      }
    }
  }
}
