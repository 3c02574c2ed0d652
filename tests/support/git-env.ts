import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The one environment the tests run git in, whatever the machine: no system or global config,
 * no home folder (so no ~/.gitconfig, no credential helper), the C locale. Every helper that
 * spawns git (support/cli.ts, history-paths.ts, huge-repo.ts and the suites' scratch
 * repositories) takes it from here.
 */
export const ISOLATED_GIT: Readonly<Record<string, string>> = {
  LC_ALL: 'C',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  HOME: '/nonexistent',
};

/** The process environment with git isolated, plus `extra`. */
export function isolatedGitEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, ...ISOLATED_GIT, ...extra };
}

/** A fixed author and committer (name, email, date) for commits a test makes: the same ids every run. */
export function fixedIdentity(date = '1700000000 +0000', name = 'A', email = 'a@x'): Record<string, string> {
  return { GIT_AUTHOR_NAME: name, GIT_AUTHOR_EMAIL: email, GIT_AUTHOR_DATE: date, GIT_COMMITTER_NAME: name, GIT_COMMITTER_EMAIL: email, GIT_COMMITTER_DATE: date };
}

/** git's own test-suite identity (A U Thor authors, C O Mitter commits) at a fixed date. */
export function gitTestIdentity(date: string): Record<string, string> {
  return {
    GIT_AUTHOR_NAME: 'A U Thor',
    GIT_AUTHOR_EMAIL: 'author@example.com',
    GIT_COMMITTER_NAME: 'C O Mitter',
    GIT_COMMITTER_EMAIL: 'committer@example.com',
    GIT_AUTHOR_DATE: date,
    GIT_COMMITTER_DATE: date,
  };
}

/** A repository made for one test, in a fresh temporary folder. */
export interface ScratchRepo {
  dir: string;
  /** Runs `git -C dir <args>` isolated, with the fixed identity; stdout as text; throws with git's stderr. */
  git(...args: string[]): string;
  /** Writes (or, for null, removes) files, stages everything and commits. */
  commit(message: string, files: Record<string, string | null>): void;
}

/** `git init` in a fresh folder named with `prefix`; commits carry `fixedIdentity(date)`. */
export function scratchRepo(prefix: string, date?: string): ScratchRepo {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const env = isolatedGitEnv(fixedIdentity(date));
  const git = (...args: string[]): string => {
    const r = spawnSync('git', ['-C', dir, ...args], { env, maxBuffer: 1 << 30 });
    if (r.error) throw r.error;
    if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr.toString()}`);
    return r.stdout.toString();
  };
  git('init', '-q');
  return {
    dir,
    git,
    commit(message, files) {
      for (const [name, text] of Object.entries(files)) {
        const file = join(dir, name);
        if (text === null) rmSync(file, { recursive: true, force: true });
        else {
          mkdirSync(join(file, '..'), { recursive: true });
          writeFileSync(file, text);
        }
      }
      git('add', '-A');
      git('commit', '-q', '--allow-empty', '-m', message);
    },
  };
}
