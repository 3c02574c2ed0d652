import { PackscopeError, fail, toWire } from '../../errors.ts';
import type { ByteSource } from '../../bytes/source.ts';
import type { FileEntry } from '../../repo/discover.ts';
import type { HexWindow } from '../types.ts';
import type { OpenRepository } from '../../repo/open-repository.ts';
import { annotateBitmap } from './bitmap.ts';
import { annotateCommitGraph, annotateCommitGraphChain, graphFileFor } from './commit-graph.ts';
import { loadedCommitGraph } from '../commit-graph.ts';
import { findFile } from './files.ts';
import { annotateIdx } from './idx.ts';
import { annotateLoose } from './loose.ts';
import { annotateMidxChain } from './midx-chain.ts';
import { annotateMidx } from './midx.ts';
import { annotateMtimes } from './mtimes.ts';
import { annotatePack, annotatePackEnds } from './pack.ts';
import { annotateRev } from './rev.ts';
import { AnnotationSink } from './sink.ts';
import { cachedSource, openBitmap, openIdx, openMidxFile, openMtimes, openPack, openRev, packOfIdx } from './structures.ts';

/** The largest window one request returns. */
export const MAX_HEX_WINDOW = 64 * 1024;

/**
 * A window of a file's bytes, read through the database's window cache, with the annotations
 * of every structure it overlaps. A file whose structure does not parse still shows its
 * bytes; `error` says why the annotations stop (file and offset).
 */
export function hexWindow(repo: OpenRepository, path: string, offset: number, length: number): HexWindow {
  const { entry, kind } = findFile(repo.files, path);
  const file = entry.path;
  const size = entry.source.size;
  if (!Number.isSafeInteger(offset) || offset < 0 || offset > size)
    fail('OutOfRange', `offset ${offset} is outside the file's ${size} bytes`, { file, offset: Number.isSafeInteger(offset) ? offset : undefined });
  if (!Number.isSafeInteger(length) || length < 0) fail('OutOfRange', `window length ${length} is not a byte count`, { file, offset });
  const n = Math.min(length, MAX_HEX_WINDOW, size - offset);
  const db = repo.db;
  const source = byteSource(repo, entry, kind);
  // A copy: window-cache reads are views into shared windows, and this one is transferred.
  const bytes = n > 0 ? source.read(offset, n).slice() : new Uint8Array(0);
  const sink = new AnnotationSink(offset, offset + n);
  let error: PackscopeError | undefined;
  const run = (annotate: () => PackscopeError | undefined | void): void => {
    try {
      const found = annotate();
      if (found instanceof PackscopeError) error = found;
    } catch (err) {
      error = err instanceof PackscopeError ? err : new PackscopeError('CorruptObject', err instanceof Error ? err.message : String(err), { file });
    }
  };
  if (n > 0) {
    switch (kind) {
      case 'pack':
        run(() => {
          const pack = openPack(db, entry);
          if (pack.error) {
            // Without its .idx the entries cannot be found; the header and trailer still can.
            try {
              annotatePackEnds(sink, source, db.algo);
            } catch {
              // The header itself is damaged: the error below says why the pack did not open.
            }
            throw pack.error;
          }
          return annotatePack(sink, pack.value as NonNullable<typeof pack.value>);
        });
        break;
      case 'idx':
        run(() => {
          const idx = openIdx(db, entry);
          if (idx.error) throw idx.error;
          const value = idx.value as NonNullable<typeof idx.value>;
          annotateIdx(sink, value, packOfIdx(db, value));
        });
        break;
      case 'midx':
        run(() => {
          const midx = openMidxFile(db, entry);
          if (midx.error) throw midx.error;
          annotateMidx(sink, midx.value as NonNullable<typeof midx.value>, db);
        });
        break;
      case 'midx-chain':
        run(() => annotateMidxChain(sink, source, db.algo, repo.files));
        break;
      case 'commit-graph':
        run(() => {
          const g = graphFileFor(loadedCommitGraph(repo), entry.source, db.algo);
          annotateCommitGraph(sink, g.file, g.base, g.layer);
        });
        break;
      case 'commit-graph-chain':
        run(() => annotateCommitGraphChain(sink, source, db.algo, repo.files));
        break;
      case 'rev':
        run(() => {
          const rev = openRev(db, entry);
          if (rev.error) throw rev.error;
          const value = rev.value as NonNullable<typeof rev.value>;
          annotateRev(sink, value.rev, value.of);
        });
        break;
      case 'bitmap':
        run(() => {
          const bitmap = openBitmap(db, entry);
          if (bitmap.error) throw bitmap.error;
          const value = bitmap.value as NonNullable<typeof bitmap.value>;
          return annotateBitmap(sink, value.bitmap, value.of);
        });
        break;
      case 'mtimes':
        run(() => {
          const mtimes = openMtimes(db, entry);
          if (mtimes.error) throw mtimes.error;
          const value = mtimes.value as NonNullable<typeof mtimes.value>;
          annotateMtimes(sink, value.mtimes, value.pack);
        });
        break;
      case 'loose':
        run(() => annotateLoose(sink, entry.source, db.ctx.inflater));
        break;
      default:
        // Refs, config, .keep and .promisor: text, shown as it is.
        break;
    }
  }
  const window: HexWindow = { file, fileSize: size, kind, offset, bytes, annotations: sink.annotations() };
  if (error) window.error = toWire(error);
  return window;
}

/**
 * Where the bytes are read: the very wrapper the engine reads the file through (so the hex view
 * shares its windows), a window-cache wrapper for the other binary files, the plain file for text.
 */
function byteSource(repo: OpenRepository, entry: FileEntry, kind: HexWindow['kind']): ByteSource {
  const db = repo.db;
  if (kind === 'pack') return openPack(db, entry).value?.data ?? cachedSource(db, entry);
  if (kind === 'idx') return openIdx(db, entry).value?.source ?? cachedSource(db, entry);
  if (kind === 'midx') return openMidxFile(db, entry).value?.midx.source ?? cachedSource(db, entry);
  if (kind === 'rev' || kind === 'bitmap' || kind === 'mtimes') return cachedSource(db, entry);
  return entry.source;
}
