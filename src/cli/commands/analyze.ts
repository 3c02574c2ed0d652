import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { filterRepoReport, REPORT_FILE_NAMES } from '../../core/analysis/filter-repo-report.ts';
import { ownSizesFile } from '../../core/analysis/own-sizes.ts';
import { SizeAnalysisRun } from '../../core/analysis/size-analysis.ts';
import { toHex } from '../../core/hash/hex.ts';
import { reportError, UsageError } from '../errors.ts';
import { openRepository } from '../repository.ts';
import { makeDirectory, writeRegularFile } from '../safe-write.ts';

const USAGE = 'analyze <path> --report-dir <dir> [--force]';

/** The file beside filter-repo's with packscope's own numbers (each blob once, stored bytes). */
export const OWN_SIZES_FILE = 'packscope-sizes.txt';

/**
 * `analyze <path> --report-dir <dir> [--force]`: the files `git filter-repo --analyze` writes, with
 * its numbers (core/analysis/filter-repo-report.ts), plus packscope-sizes.txt with ours. Like
 * filter-repo it will not write into a folder that already holds something, unless `--force`;
 * unlike filter-repo, `--force` does not delete the folder first: the report's files are replaced
 * one by one (a report folder inside a hostile repository could be a link to anywhere; nothing
 * is ever removed recursively). An existing empty folder is used as is.
 */
export async function analyze(args: string[]): Promise<number> {
  let reportDir: string | undefined;
  let force = false;
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--report-dir') {
      reportDir = args[++i];
      if (reportDir === undefined) throw new UsageError(`analyze: --report-dir needs a folder\nusage: ${USAGE}`);
    } else if (a.startsWith('--report-dir=')) reportDir = a.slice('--report-dir='.length);
    else if (a === '--force' || a === '-f') force = true;
    else if (a.startsWith('-')) throw new UsageError(`analyze: unknown option ${a}\nusage: ${USAGE}`);
    else rest.push(a);
  }
  if (rest.length !== 1 || reportDir === undefined || reportDir === '') throw new UsageError(`analyze: give one repository path and --report-dir\nusage: ${USAGE}`);
  if (!force && holdsSomething(reportDir)) {
    process.stdout.write(`Error: dir already exists (use --force to replace its report files): "${reportDir}"\n`);
    return 1;
  }
  const { db, refs } = await openRepository(rest[0]);
  const run = new SizeAnalysisRun(db, refs);
  // Progress on a terminal only, as filter-repo shows it (a pipe or a test gets none).
  const tty = process.stderr.isTTY === true;
  while (!run.step(500)) {
    if (!tty) continue;
    const p = run.progress();
    process.stderr.write(`\r${p.label}: ${p.done}${p.total > 0 ? ` of ${p.total}` : ''}\x1b[K`);
  }
  if (tty) process.stderr.write('\r\x1b[K');
  const analysis = run.result();
  if (analysis.totals.commits === 0) {
    process.stderr.write('Nothing to analyze; repository is empty.\n');
    return 1;
  }
  const notes = run.changeNotes;
  if (analysis.totals.missingBlobs > 0) {
    process.stderr.write(`warning: ${analysis.totals.missingBlobs} blobs history names are not in this repository (a partial clone?): they count as 0 bytes; filter-repo stops on them\n`);
  }
  if (notes.renameLimitHit > 0) process.stderr.write(`warning: rename detection skipped its inexact pass in ${notes.renameLimitHit} comparisons (git's rename limit, as diff-tree does)\n`);
  if (notes.unreadableCommits > 0) {
    const H = analysis.commits.hashSize;
    for (const { commit, error } of notes.firstErrors) reportError(error, `commit ${toHex(analysis.commits.ids, commit * H, H)} left out`);
    process.stderr.write(`warning: ${notes.unreadableCommits} commits could not be read and were left out (git diff-tree would stop)\n`);
  }
  if (notes.unhandled > 0) process.stderr.write(`warning: ${notes.unhandled} changes of a kind filter-repo stops on were skipped\n`);
  makeDirectory(reportDir);
  process.stdout.write(`Writing reports to ${reportDir}...`);
  const files = filterRepoReport(analysis);
  for (const name of REPORT_FILE_NAMES) writeRegularFile(join(reportDir, name), files.get(name) as Uint8Array, { durable: false });
  writeRegularFile(join(reportDir, OWN_SIZES_FILE), ownSizesFile(analysis), { durable: false });
  process.stdout.write('done.\n');
  // Corrupt data gives the CLI's status 1, after the report of what could be read.
  return notes.unreadableCommits > 0 ? 1 : 0;
}

/** True when `path` exists and is not an empty folder. */
function holdsSomething(path: string): boolean {
  const stats = lstatSync(path, { throwIfNoEntry: false });
  if (stats === undefined) return false;
  if (!stats.isDirectory()) return true;
  return readdirSync(path).length > 0;
}
