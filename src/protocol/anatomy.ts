import type { MidxAnatomy, DuplicateObject, PackStats, PackMap, IdxAnatomy, IdxEntryRow, Companions, FolderFile, HexWindow, CacheLimits, DeltaChainDetail } from '../core/anatomy/types.ts';

/** The anatomy views' data shapes live in core (core/anatomy/types.ts), where the engine builds them. */
export type {
  FieldInfo,
  RegionInfo,
  MidxLayerAnatomy,
  MidxAnatomy,
  DuplicateObject,
  PackStats,
  PackMap,
  IdxAnatomy,
  IdxEntryRow,
  Companions,
  FolderFile,
  HexAnnotation,
  HexWindow,
  CacheLimits,
  DeltaChainDetail,
  DeltaStepDetail,
} from '../core/anatomy/types.ts';

/** Requests of the anatomy views: name -> [arguments, result]. */
export interface AnatomyRequests {
  midxAnatomy: [Record<string, never>, MidxAnatomy];
  midxDuplicates: [{ limit: number }, { total: number; duplicates: DuplicateObject[] }];
  writeMidx: [Record<string, never>, { bytes: Uint8Array; packs: number; objects: number; sameAsExisting: boolean }];
  packStats: [{ pack: string }, PackStats];
  packMap: [{ pack: string }, PackMap];
  idxAnatomy: [{ pack: string }, IdxAnatomy];
  /** Entries [start, start + count) in idx order; with `largeOnly`, slots of the 64-bit offset table instead. */
  idxEntries: [{ pack: string; start: number; count: number; largeOnly?: boolean }, { rows: IdxEntryRow[] }];
  companions: [{ pack: string }, Companions];
  folderFiles: [Record<string, never>, { files: FolderFile[]; caches: CacheLimits }];
  hexWindow: [{ file: string; offset: number; length: number }, HexWindow];
  deltaSteps: [{ oid: string; maxInstructions: number }, DeltaChainDetail];
}
