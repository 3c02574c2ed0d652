import { PackscopeError } from '../core/errors.ts';
import { TOOL } from '../core/report/schema.ts';
import { catFile } from './commands/cat-file.ts';
import { showIndex } from './commands/show-index.ts';
import { verifyPack } from './commands/verify-pack.ts';
import { multiPackIndex } from './commands/multi-pack-index.ts';
import { fsck } from './commands/fsck.ts';
import { indexPack } from './commands/index-pack.ts';
import { diffTree } from './commands/diff-tree.ts';
import { log } from './commands/log.ts';
import { blame } from './commands/blame.ts';
import { commitGraph } from './commands/commit-graph.ts';
import { analyze } from './commands/analyze.ts';
import { RefusedWrite, UsageError, reportError } from './errors.ts';

/**
 * packscope's command line: git's commands over packscope's engine, with git's output.
 * Exit status: 0 success; 1 missing object or corrupt data; 2 usage or ambiguous name; 128 (git's
 * `fatal:`) a file it refuses to write, because the name is a link, FIFO, device or folder.
 * `fsck` exits with git fsck's bits instead (commands/fsck.ts).
 */

const USAGE = `usage: packscope <command> [<args>] <path>

  cat-file --batch-all-objects (--batch | --batch-check) <path>
  cat-file (--batch | --batch-check) <path>        object names on stdin
  cat-file (-t | -s | -p | -e) <object> <path>
  verify-pack [-v | -s] <pack>.idx
  show-index <pack>.idx
  multi-pack-index verify <path>
  multi-pack-index write <path> [--output <file>] [--preferred-pack <pack>]
  commit-graph verify [--shallow] <path>
  fsck [--unreachable | --dangling] [--lost-found=<dir>] [--no-reflogs] <path>
  index-pack [-o <file>.idx] <file>.pack
  diff-tree [-r] [-M[<n>]] [-C[<n>]] [-l<n>] [--root] [--raw | --numstat | -p | -c | --cc --raw]
            (<commit> | <tree-ish> <tree-ish> | --stdin) <path>
  log [--follow] [--format=%H] [<rev>...] [-- <path>...] <path>
  log --graph --oneline [--all] [--first-parent] [--since=<date>] [--until=<date>] [--author=<re>]... [-i] [<rev>...] [-- <path>...] <path>
  blame --porcelain [<rev>] -- <file> <path>
  analyze <path> --report-dir <dir> [--force]   git filter-repo --analyze's report files

<path>: a working tree, a .git folder, an objects folder or a pack folder.
`;

const VERSION = `${TOOL.name} ${TOOL.version}`;

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  switch (command) {
    case 'cat-file':
      return catFile(args);
    case 'verify-pack':
      return verifyPack(args);
    case 'show-index':
      return showIndex(args);
    case 'multi-pack-index':
      return multiPackIndex(args);
    case 'commit-graph':
      return commitGraph(args);
    case 'analyze':
      return analyze(args);
    case 'fsck':
      return fsck(args);
    case 'index-pack':
      return indexPack(args);
    case 'diff-tree':
      return diffTree(args);
    case 'log':
      return log(args);
    case 'blame':
      return blame(args);
    case '--version':
    case 'version':
      process.stdout.write(`${VERSION}\n`);
      return 0;
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      process.stdout.write(USAGE);
      return command === undefined ? 2 : 0;
    default:
      throw new UsageError(`'${command}' is not a packscope command\n\n${USAGE}`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof UsageError) {
      process.stderr.write(`usage error: ${err.message}\n`);
      process.exitCode = 2;
      return;
    }
    if (err instanceof RefusedWrite) {
      process.stderr.write(`fatal: ${err.message}\n`);
      process.exitCode = 128;
      return;
    }
    reportError(err);
    process.exitCode = err instanceof PackscopeError ? 1 : 128;
  },
);
