import { memorySource } from '../core/bytes/source.ts';
import { ObjectDatabase, groupPackFiles, type ObjectLocation } from '../core/odb/database.ts';
import { type ObjectTable, ObjectTableBuilder } from '../core/odb/object-table.ts';
import { discoverRepository, type DirectoryReader, type RepositoryFiles } from '../core/repo/discover.ts';
import { readRefs, type RefMap } from '../core/repo/refs.ts';
import { repositorySummary } from '../core/repo/summary.ts';
import type { HandlerContext } from '../protocol/rpc.ts';
import { jobs, ownerKey, stepFor } from './jobs.ts';
import type { RepoSummary } from '../protocol/messages.ts';
import type { PackWithoutIdx } from '../protocol/index-pack.ts';
import { BROWSER_DATABASE_OPTIONS } from './database-options.ts';

/**
 * The worker's one open repository: the object database, its refs, and what was computed
 * from it (the object table, the type scan), kept so nothing is computed twice.
 */
export class Session {
  private builder: ObjectTableBuilder | undefined;
  private table: ObjectTable | undefined;

  constructor(
    readonly title: string,
    readonly reader: DirectoryReader,
    readonly files: RepositoryFiles,
    readonly db: ObjectDatabase,
    readonly refs: RefMap,
    readonly openMs: number,
    /**
     * Indexes built in this session by index-pack (pack name -> idx bytes), held in memory
     * only: `files` includes each as an idx FileEntry, but nothing is written to the folder.
     */
    readonly memoryIndexes: ReadonlyMap<string, Uint8Array> = new Map(),
  ) {}

  /**
   * A new session that reads the pack `name` through `idx` (built in memory by index-pack), with
   * a database reopened over the same files plus that idx. The old session's caches (object
   * table, per-session results elsewhere) belong to the old database and are dropped with it.
   */
  withMemoryIndex(name: string, idx: Uint8Array): Session {
    const packEntry = this.files.packDirFiles.find((f) => f.path.replace(/^.*\//, '') === `${name}.pack`);
    if (!packEntry) throw new Error(`${name}.pack is not in the open folder`);
    const path = packEntry.path.replace(/\.pack$/, '.idx');
    const idxEntry = { path, source: memorySource(path, idx), mtimeMs: packEntry.mtimeMs };
    const packDirFiles = [...this.files.packDirFiles.filter((f) => f.path !== path), idxEntry];
    const files: RepositoryFiles = { ...this.files, packDirFiles };
    const indexes = new Map(this.memoryIndexes);
    indexes.set(name, idx);
    return new Session(this.title, this.reader, files, new ObjectDatabase(files, BROWSER_DATABASE_OPTIONS), this.refs, this.openMs, indexes);
  }

  /** Packs with no idx on disk: those still without one, and those indexed in memory. */
  packsWithoutIdx(): PackWithoutIdx[] {
    const out: PackWithoutIdx[] = [];
    const opened = new Map(this.db.packs.map((p) => [p.name, p]));
    for (const g of groupPackFiles(this.files.packDirFiles)) {
      if (!g.pack) continue;
      const inMemory = this.memoryIndexes.has(g.name);
      if (g.idx && !inMemory) continue;
      const entry: PackWithoutIdx = { name: g.name, path: g.pack.path, bytes: g.pack.source.size, indexedInMemory: inMemory };
      const pack = opened.get(g.name);
      if (inMemory && pack) entry.objects = pack.count;
      out.push(entry);
    }
    return out;
  }

  /** Opens whatever folder `reader` shows. */
  static async open(title: string, reader: DirectoryReader): Promise<Session> {
    const started = performance.now();
    const files = await discoverRepository(reader);
    const db = new ObjectDatabase(files, BROWSER_DATABASE_OPTIONS);
    const refs = files.gitDir !== undefined ? readRefs(files.refFiles, files.gitDir) : new Map();
    return new Session(title, reader, files, db, refs, performance.now() - started);
  }

  /** The overview (core/repo/summary.ts): headers, fanouts, names; never a pack's content. */
  summary(): RepoSummary {
    return repositorySummary(this, { title: this.title, refs: this.refs, openMs: this.openMs, packsWithoutIdx: this.packsWithoutIdx() });
  }

  /** The object table, built once through the job queue (shared by every caller; progress in objects). */
  async objectTable(ctx: HandlerContext): Promise<ObjectTable> {
    if (this.table) return this.table;
    // The builder is kept, so a build every caller stopped waiting for continues where it was.
    this.builder ??= new ObjectTableBuilder(this.db);
    const builder = this.builder;
    return jobs.run(
      {
        key: `${ownerKey(this)}:object-table`,
        step: (ms) => stepFor(ms, () => builder.step(5_000)),
        progress: () => ({ done: builder.placed, total: builder.expected, label: 'Listing objects', unit: 'objects' }),
        finish: () => (this.table ??= builder.finish()),
      },
      ctx,
    );
  }

  /** Reads every object's type once (headers only), for the type filter: the per-pack scans (`db.packScan`), driven through the job queue. */
  async scanTypes(ctx: HandlerContext): Promise<ObjectTable> {
    const table = await this.objectTable(ctx);
    if (table.typesScanned) return table;
    return jobs.run(
      {
        key: `${ownerKey(this)}:types`,
        step: (ms) => stepFor(ms, () => table.scanTypes(2_000)),
        progress: () => ({ done: table.scannedRows, total: table.count, label: 'Reading object types', unit: 'objects' }),
        finish: () => table,
      },
      ctx,
    );
  }

  /** The table if already built. */
  get builtTable(): ObjectTable | undefined {
    return this.table;
  }

  /** Describes where an object lives, for rows and details. */
  describeLocation(loc: ObjectLocation): { pack: string; offset?: number } {
    return loc.kind === 'loose' ? { pack: 'loose' } : { pack: loc.pack.name, offset: loc.offset };
  }
}
