import type { Handlers } from '../../protocol/rpc.ts';
import { current } from '../state.ts';
import { deltaSteps } from '../../core/anatomy/hex/delta-steps.ts';
import { folderFileList } from '../../core/anatomy/hex/files.ts';
import { hexWindow } from '../../core/anatomy/hex/window.ts';

/**
 * The folder's files, annotated hex windows of any of them, and delta chains with their
 * instructions. The logic lives in core/anatomy/hex/, one annotator per file format.
 */
export const hexHandlers: Pick<Handlers, 'folderFiles' | 'hexWindow' | 'deltaSteps'> = {
  folderFiles() {
    const s = current();
    const windows = s.db.windows;
    const bases = s.db.baseCache;
    return {
      files: folderFileList(s.files),
      caches: { windowSize: windows.windowSize, windowBudget: windows.budget, deltaBaseBudget: bases.budget, deltaBaseMaxEntry: bases.maxEntryBytes },
    };
  },

  hexWindow({ file, offset, length }, ctx) {
    const window = hexWindow(current(), file, offset, length);
    ctx.transfer(window.bytes.buffer as ArrayBuffer);
    return window;
  },

  deltaSteps({ oid, maxInstructions }) {
    return deltaSteps(current(), oid, maxInstructions);
  },
};
