import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A small repository of hand-resolved merges, made with the real git (pinned names and dates)
 * for the combined-diff and syntax-colour tests: `main` is a merge of three branches whose
 * every file differs from every parent (a JavaScript module with a hostile line, 2,500 changed
 * lines, a binary file, a last line without a newline); `two` is a merge of two branches that
 * takes one line from each, which `git diff --cc` leaves out and `-c` shows. Branch `a` also
 * adds a generated 20,000-line JavaScript module (2.3 MB of diff text).
 */

const SCRIPT = String.raw`
set -e
export GIT_AUTHOR_NAME=Ada GIT_AUTHOR_EMAIL=ada@example.com GIT_COMMITTER_NAME=Cy GIT_COMMITTER_EMAIL=cy@example.com
export GIT_AUTHOR_DATE='2024-03-01T10:00:00Z' GIT_COMMITTER_DATE='2024-03-01T10:00:00Z'
git init -q -b main repo && cd repo
git config core.autocrlf false
module() {
  printf '/* A module of the %s branch.\n * Its comment spans lines.\n */\n' "$1"
  for i in $(seq 1 40); do printf 'export function f%d(x) { return x + %d; } // %s\n' $i $i "$1"; done
}
module base > app.js
seq 1 2500 | sed 's/^/line /' > big.txt
printf 'PNG\0\1\2base' > pic.bin
printf 'one\ntwo\nthree\nfour\nfive\nsix\nseven\neight\nnine\nten\neleven\ntwelve\n' > pick.txt
printf 'last line without newline' > tail.txt
git add -A && git commit -q -m base
n=4
for b in a b c; do
  git checkout -q -b $b main
  sed -i -e "1s/base/base and $b/" -e "$n s/.*/changed on $b/" app.js
  n=$((n + 2))
  sed -i "s/^line 1\$/line one on $b/" big.txt
  printf 'PNG\0\1\2%s' $b > pic.bin
  sed -i "s/^two\$/two ($b)/; s/^eleven\$/eleven ($b)/" pick.txt
  printf 'last line without newline (%s)' $b > tail.txt
  if [ $b = a ]; then
    awk 'BEGIN { for (i = 1; i <= 20000; i++) printf "export const value%05d = \"%s\"; // a generated line of a large module\n", i, sprintf("%060d", i) }' > generated.js
    git add generated.js
  fi
  git commit -q -am "Branch $b"
done
git checkout -q main
git read-tree -m -u a
{ printf '/* Merged.\n */\n'; for i in $(seq 1 40); do printf 'export function f%d(x) { return "%d"; } // merged\n' $i $i; done; printf 'const hostile = "</span><img src=x onerror=window.__pwned=1>"; // \xe2\x80\xae evil\n'; } > app.js
seq 1 2500 | sed 's/^/merged line /' > big.txt
printf 'PNG\0\1\2merged' > pic.bin
printf 'last line without newline (merged)' > tail.txt
git add -A
m3=$(git commit-tree $(git write-tree) -p a -p b -p c -m 'Merge a, b and c by hand')
git read-tree -m -u a
sed -i 's/^eleven (a)$/eleven (b)/' pick.txt
git add -A
m2=$(git commit-tree $(git write-tree) -p a -p b -m 'Merge a and b, a line from each')
git update-ref refs/heads/main $m3
git update-ref refs/heads/two $m2
git checkout -q -f main
git gc -q
`;

/** Builds the repository in a new temporary folder; returns the work tree's path. */
export function buildMerges(): string {
  const dir = mkdtempSync(join(tmpdir(), 'packscope-merges-'));
  execFileSync('bash', ['-c', SCRIPT], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
  return join(dir, 'repo');
}

/** git in that repository. */
export function gitIn(repo: string, args: string[]): Buffer {
  return execFileSync('git', ['-C', repo, ...args], { maxBuffer: 64 * 1024 * 1024 });
}
