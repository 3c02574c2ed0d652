import { bytesEqual } from '../bytes/be.ts';
import { PackscopeError } from '../errors.ts';
import type { PackIndex } from '../format/idx.ts';
import { readLooseObject } from '../format/loose.ts';
import type { HasherFactory } from '../hash/hasher.ts';
import { hashObject } from '../hash/hasher.ts';
import { toHex } from '../hash/hex.ts';
import type { ObjectDatabase } from '../odb/database.ts';
import type { PackFile } from '../odb/pack-file.ts';
import type { FileEntry } from '../repo/discover.ts';
import type { Finding, VerifyCounts, VerifyProgress, VerifyReport } from './findings.ts';
import { verifyMidx } from './midx-verify.ts';
import { PackChecker } from './pack-check.ts';
import type { DeltaTreeHelpers, ObjectInspector } from './delta-trees.ts';
import type { ObjectType } from '../objects/types.ts';
import { RefStore } from '../repo/ref-store.ts';
import { RefsCheck, databaseRefObjects } from './refs-check.ts';

/**
 * Checks everything in an opened repository, resumably (`step(budgetMs)` works for about that
 * long and returns; call again to go on), in this order:
 *   1. what could not be opened at all (`db.problems`);
 *   2. every file's trailing checksum — idx, pack, rev, bitmap, mtimes, midx (flat and each
 *      chain layer) — hashed in 1 MiB reads, never a whole file in memory;
 *   3. every pack with its idx and .rev (PackChecker: counts, the idx's copy of the pack
 *      checksum, CRC32s, object ids, delta bases and cycles, and the pack walked entry by entry
 *      against what the idx and .rev claim);
 *   4. the multi-pack-index against the idx files (git's `multi-pack-index verify`), and each
 *      covered pack against what the midx claims for it;
 *   5. every loose object: inflated, hashed, compared with its file name;
 *   6. the refs (RefsCheck): loose refs, packed-refs, HEAD and reflogs parse, resolve, have
 *      names git accepts and name objects that exist.
 * A finding never stops the run: whatever can be checked is.
 */

/** What the verifier needs from its host. */
export interface VerifyOptions {
  hasher: HasherFactory;
  /** Other threads that take parts of each pack's delta trees (the browser's verify pool). */
  treeHelpers?: DeltaTreeHelpers;
  /** Check the refs (default true). The CLI's fsck says what git says about refs instead. */
  checkRefs?: boolean;
  /**
   * Sees every commit, tree and tag whose id checks out, with where it is (a pack's name and
   * entry offset, or a loose object's path and 0): fsck's per-object format checks.
   */
  inspect?: (oid: string, type: ObjectType, data: Uint8Array, file: string, offset: number) => void;
}

/** Bytes hashed per read. */
const HASH_STEP = 1 << 20;
/**
 * Progress is counted in bytes: a byte hashed for a trailer is 1 unit, a stored byte whose object
 * is inflated, rebuilt and hashed about this many (measured on the big fixture: the object phase
 * takes ~8x as long per stored byte as the checksum phase), so the bar moves with the time.
 */
const OBJECT_BYTE_WEIGHT = 8;

interface TrailerJob {
  file: FileEntry;
  what: string;
}

/** The whole-repository verifier. */
export class RepositoryVerifier {
  /** Findings so far, in the order found (grows while stepping). */
  readonly findings: Finding[] = [];
  private readonly work: Generator<void>;
  private finished = false;
  private phase = 'starting';
  private done = 0;
  private readonly total: number;
  private readonly objectsTotal: number;
  private readonly counts: VerifyCounts = { files: 0, bytesHashed: 0, objects: 0, packs: 0, looseObjects: 0 };
  private startedAt: number | undefined;
  private durationMs = 0;
  private readonly trailerJobs: TrailerJob[];
  /** The pack checker running now (its progress counts live; it may wait on helpers). */
  private checker: PackChecker | undefined;
  /** Progress units an entry of that pack is worth. */
  private packEntryWeight = 0;

  constructor(
    private readonly db: ObjectDatabase,
    private readonly options: VerifyOptions,
  ) {
    this.trailerJobs = trailerJobs(db);
    let total = 0;
    for (const job of this.trailerJobs) total += job.file.source.size;
    for (const pack of db.packs) total += pack.data.size * OBJECT_BYTE_WEIGHT;
    for (const file of db.loose.values()) total += file.source.size * OBJECT_BYTE_WEIGHT;
    this.total = total;
    this.objectsTotal = db.packs.reduce((sum, pack) => sum + pack.count, 0) + db.loose.size;
    this.work = this.run();
  }

  /** Works for about `budgetMs` milliseconds (Infinity = to the end); true when everything is checked. */
  step(budgetMs: number): boolean {
    if (this.finished) return true;
    const now = (): number => performance.now();
    const start = now();
    this.startedAt ??= start;
    const deadline = start + budgetMs;
    for (;;) {
      const next = this.work.next();
      if (next.done) {
        this.finished = true;
        this.phase = 'done';
        this.durationMs = now() - this.startedAt;
        return true;
      }
      // Helpers are walking: nothing to do here until `waiting` settles.
      if (this.waiting !== undefined || now() >= deadline) return false;
    }
  }

  /** While other threads do the work (`treeHelpers`): settles when stepping can go on. */
  get waiting(): Promise<unknown> | undefined {
    return this.checker?.waiting;
  }

  /** The run is paused (no one waits for it): helpers stop, and start again when it is stepped. */
  pause(): void {
    this.checker?.pauseHelpers();
  }

  /** Stops the run for good: helpers still walking are stopped. */
  dispose(): void {
    this.finished = true;
    this.work.return(undefined);
  }

  /** Where the run is. */
  progress(): VerifyProgress {
    // The pack being checked counts live (its helpers report while this thread waits on them).
    const packObjects = this.checker?.entriesDone ?? 0;
    const done = this.done + packObjects * this.packEntryWeight;
    return { phase: this.phase, done: Math.round(Math.min(done, this.total)), total: this.total, objectsDone: this.counts.objects + packObjects, objectsTotal: this.objectsTotal };
  }

  /** The full report; valid once step() returned true. */
  report(): VerifyReport {
    return { findings: this.findings.slice(), counts: { ...this.counts }, durationMs: this.durationMs };
  }

  private *run(): Generator<void> {
    this.reportProblems();
    yield;
    for (const job of this.trailerJobs) yield* this.checkTrailer(job);
    for (const pack of this.db.packs) yield* this.checkPack(pack);
    yield* this.checkMidx();
    yield* this.checkLoose();
    if (this.options.checkRefs !== false) yield* this.checkRefs();
  }

  /** Refs of the git directory, when one was opened (a pack folder has none). */
  private *checkRefs(): Generator<void> {
    const files = this.db.files;
    if (files.gitDir === undefined) return;
    this.phase = 'refs';
    const store = new RefStore(files.refFiles, files.gitDir, this.db.algo);
    yield* new RefsCheck(store, files.reflogFiles ?? [], databaseRefObjects(this.db), this.findings).run();
  }

  /** Files that failed to open. Disagreements a pack opened with are re-found by its checker. */
  private reportProblems(): void {
    const packProblems = new Set<PackscopeError>();
    for (const pack of this.db.packs) for (const p of pack.problems) packProblems.add(p);
    for (const problem of this.db.problems) {
      if (packProblems.has(problem)) continue;
      const f: Finding = { severity: 'error', check: 'open', kind: problem.kind, file: problem.file ?? '', message: problem.detail };
      if (problem.offset !== undefined) f.offset = problem.offset;
      this.findings.push(f);
    }
  }

  /** Hashes everything before the trailer in 1 MiB reads (one per step) and compares. */
  private *checkTrailer(job: TrailerJob): Generator<void> {
    const source = job.file.source;
    const algo = this.db.algo;
    const H = algo.size;
    this.phase = `${job.file.path}: checksum`;
    this.counts.files++;
    if (source.size < H) {
      this.findings.push({
        severity: 'error',
        check: 'trailer',
        kind: 'Truncated',
        file: job.file.path,
        offset: 0,
        message: `the ${job.what} is ${source.size} bytes, too short to hold its ${H}-byte checksum`,
      });
      this.done += source.size;
      return;
    }
    const end = source.size - H;
    const hasher = this.options.hasher(algo);
    for (let at = 0; at < end; at += HASH_STEP) {
      const length = Math.min(HASH_STEP, end - at);
      hasher.update(source.read(at, length));
      this.done += length;
      this.counts.bytesHashed += length;
      yield;
    }
    const actual = hasher.digest();
    const stored = source.read(end, H).slice();
    this.done += H;
    if (!bytesEqual(actual, stored)) {
      this.findings.push({
        severity: 'error',
        check: 'trailer',
        kind: 'BadChecksum',
        file: job.file.path,
        offset: end,
        message: `the ${job.what}'s trailing checksum is ${toHex(stored)}, but its content hashes to ${toHex(actual)}: the file was changed or cut after it was written`,
      });
    }
  }

  private *checkPack(pack: PackFile): Generator<void> {
    this.counts.packs++;
    const group = this.db.packFiles.find((g) => g.pack?.path === pack.data.name);
    const checker = new PackChecker(pack, {
      hasher: this.options.hasher,
      ...(this.options.treeHelpers ? { treeHelpers: this.options.treeHelpers } : {}),
      verifyObjects: true,
      keepRows: false,
      findings: this.findings,
      hasObject: (oid) => this.db.has(oid),
      ...(group?.rev ? { rev: group.rev.source } : {}),
      ...(this.options.inspect ? { inspect: inspectIn(this.options.inspect, pack.data.name) } : {}),
    });
    this.phase = `${pack.data.name}: objects`;
    this.packEntryWeight = pack.count === 0 ? 0 : (pack.data.size * OBJECT_BYTE_WEIGHT) / pack.count;
    this.checker = checker;
    try {
      yield* checker.run();
    } finally {
      this.checker = undefined;
    }
    if (checker.treeThreads > 1) this.counts.threads = Math.max(this.counts.threads ?? 1, checker.treeThreads);
    if (checker.helperFailures.length > 0) this.counts.helperFailures = [...(this.counts.helperFailures ?? []), ...checker.helperFailures];
    this.done += pack.data.size * OBJECT_BYTE_WEIGHT;
    this.counts.objects += checker.entriesDone;
    this.counts.bytesHashed += checker.bytesRead;
  }

  /** git's midx checks, then each covered pack against the entries the midx gives it. */
  private *checkMidx(): Generator<void> {
    const opened = this.db.midx;
    if (!opened) return;
    this.phase = `${opened.file}: against the idx files`;
    const byIdxName = new Map<string, PackFile>();
    for (const pack of this.db.packs) byIdxName.set(`${pack.name}.idx`, pack);
    const packFor = (name: string): PackFile | undefined => byIdxName.get(name.replace(/\.pack$/, '.idx'));
    const midx = opened.midx;
    const gitFindings = verifyMidx(midx, {
      hasher: this.options.hasher,
      openIdx: (name): PackIndex => {
        const pack = packFor(name);
        if (!pack) throw new PackscopeError('NotFound', `${name} is missing or did not open`, { file: name });
        return pack.idx;
      },
      packExists: (name) => packFor(name) !== undefined,
    });
    for (const f of gitFindings) {
      // The checksum is the trailer check's; it was hashed already, in steps.
      if (f.message === 'incorrect checksum') continue;
      // The reason joins git's line, as the views and the report show one message.
      const { reason, ...finding } = f;
      this.findings.push(reason ? { ...finding, message: `${f.message} (${reason})` } : finding);
    }
    yield;

    // Each entry the midx assigns to a pack: listed by that pack's idx at the same offset.
    let k = 0;
    for (const entry of midx.entries()) {
      const pack = packFor(midx.packNames[entry.packId] ?? '');
      if (pack) {
        const hex = toHex(entry.oid);
        const position = pack.idx.find(entry.oid);
        const layer = midx.layers[entry.layer];
        if (position < 0) {
          this.findings.push({
            severity: 'error',
            check: 'cross-check',
            kind: 'Mismatch',
            file: layer.name,
            offset: layer.oidOffset(entry.layerPosition),
            oid: hex,
            message: `the multi-pack-index assigns ${hex} to ${pack.data.name} at offset ${entry.offset}, but ${pack.idx.name} does not list it`,
          });
        } else {
          let offset = -1;
          try {
            offset = pack.idx.offsetAt(position);
          } catch {
            offset = -1;
          }
          if (offset !== entry.offset) {
            this.findings.push({
              severity: 'error',
              check: 'cross-check',
              kind: 'Mismatch',
              file: layer.name,
              offset: layer.objectOffsetEntryAt(entry.layerPosition) + 4,
              oid: hex,
              message: `the multi-pack-index puts ${hex} at offset ${entry.offset} of ${pack.data.name}, but ${pack.idx.name} says ${offset}`,
            });
          }
        }
      }
      if ((++k & 4095) === 0) yield;
    }

    // Each object of a covered pack: present in the midx (else lookups through it miss it).
    for (const name of midx.packNames) {
      const pack = packFor(name);
      if (!pack) continue;
      this.phase = `${pack.idx.name}: against the multi-pack-index`;
      for (let p = 0; p < pack.idx.count; p++) {
        const oid = pack.idx.oidAt(p);
        if (midx.find(oid) < 0) {
          const hex = toHex(oid);
          this.findings.push({
            severity: 'error',
            check: 'cross-check',
            kind: 'Mismatch',
            file: pack.idx.name,
            offset: pack.idx.idOffset(p),
            oid: hex,
            message: `${hex} is in ${pack.idx.name}, but the multi-pack-index, which covers that pack, does not list it: lookups through the midx miss it`,
          });
        }
        if ((p & 4095) === 4095) yield;
      }
    }
  }

  /** Every loose object: inflated, hashed, and compared with the id its path names. */
  private *checkLoose(): Generator<void> {
    const algo = this.db.algo;
    for (const [hex, file] of this.db.loose) {
      this.phase = `${file.path}: loose object`;
      this.done += file.source.size * OBJECT_BYTE_WEIGHT;
      this.counts.looseObjects++;
      this.counts.objects++;
      try {
        const object = readLooseObject(file.source, this.db.ctx.inflater, this.db.ctx.maxObjectBytes);
        const actual = toHex(hashObject(this.options.hasher, algo, object.type, object.data));
        if (actual !== hex) {
          this.findings.push({
            severity: 'error',
            check: 'loose',
            kind: 'Mismatch',
            file: file.path,
            offset: 0,
            oid: hex,
            message: `the loose ${object.type} stored as ${hex} hashes to ${actual}: its content was changed, or the file was renamed`,
          });
        } else if (this.options.inspect && object.type !== 'blob') {
          this.options.inspect(hex, object.type, object.data, file.path, 0);
        }
      } catch (err) {
        if (!(err instanceof PackscopeError)) throw err;
        const f: Finding = { severity: 'error', check: 'loose', kind: err.kind, file: err.file ?? file.path, oid: hex, message: `the loose object ${hex} cannot be read: ${err.detail}` };
        f.offset = err.offset ?? 0;
        this.findings.push(f);
      }
      yield;
    }
  }
}

/** The verifier's inspector bound to one pack file. */
function inspectIn(inspect: NonNullable<VerifyOptions['inspect']>, file: string): ObjectInspector {
  return (oid, type, data, offset) => inspect(oid, type, data, file, offset);
}

/** Every file with a trailing checksum: per pack idx, pack, rev, bitmap, mtimes; the midx files. */
function trailerJobs(db: ObjectDatabase): TrailerJob[] {
  const jobs: TrailerJob[] = [];
  for (const g of db.packFiles) {
    if (g.idx) jobs.push({ file: g.idx, what: 'pack index' });
    if (g.pack) jobs.push({ file: g.pack, what: 'pack' });
    if (g.rev) jobs.push({ file: g.rev, what: 'reverse index' });
    if (g.bitmap) jobs.push({ file: g.bitmap, what: 'bitmap index' });
    if (g.mtimes) jobs.push({ file: g.mtimes, what: 'mtimes file' });
  }
  const files = db.files;
  for (const f of files.packDirFiles) {
    const base = f.path.replace(/^.*\//, '');
    if (base === 'multi-pack-index') jobs.push({ file: f, what: 'multi-pack-index' });
    else if (/^multi-pack-index-[0-9a-f]+\.(rev|bitmap)$/.test(base)) jobs.push({ file: f, what: base.endsWith('.rev') ? 'multi-pack-index reverse index' : 'multi-pack-index bitmap' });
  }
  for (const f of files.midxChainFiles) if (f.path.endsWith('.midx')) jobs.push({ file: f, what: 'multi-pack-index layer' });
  return jobs;
}
