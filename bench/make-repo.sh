#!/usr/bin/env bash
# Builds the benchmark repository bench/build/repo-100k (~130k objects, one pack) from the
# deterministic fast-import stream written by bench/gen-stream.mjs, then repacks it the way
# a long-lived repository looks: `repack -a -d -f --depth=50 --window=10`.
#
# Cached: bench/build/repo-100k.stamp holds the sha256 of this script, gen-stream.mjs and
# `git --version`; when it matches, the script only prints the repository's figures.
# Object ids are deterministic; the pack's bytes can vary slightly between runs because
# the delta search runs on 2 threads.
#
# Usage: bash bench/make-repo.sh [--force]
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build="$here/build"
repo="$build/repo-100k"
stamp_file="$build/repo-100k.stamp"

stamp="$( { cat "$here/make-repo.sh" "$here/gen-stream.mjs"; git --version; } | sha256sum | cut -d' ' -f1)"

report() {
  local objects size_kib packs
  objects="$(git --git-dir="$repo/.git" count-objects -v | awk '$1=="in-pack:"{p=$2} $1=="count:"{l=$2} END{print p+l}')"
  size_kib="$(du -k "$repo"/.git/objects/pack/*.pack | awk '{s+=$1} END{print s}')"
  packs="$(ls "$repo"/.git/objects/pack/*.pack | wc -l)"
  echo "repo-100k: $objects objects, $packs pack(s), $(awk -v k="$size_kib" 'BEGIN{printf "%.1f MiB", k/1024}') of pack data"
  echo "           $repo"
}

if [[ "${1:-}" != "--force" && -f "$stamp_file" && "$(cat "$stamp_file")" == "$stamp" && -d "$repo/.git" ]]; then
  echo "make-repo: cached (stamp $(cut -c1-12 "$stamp_file"))"
  report
  exit 0
fi

start=$(date +%s.%N)
mkdir -p "$build"
tmp="$build/repo-100k.tmp.$$"
rm -rf "$tmp"
trap 'rm -rf "$tmp"' EXIT

# Pinned identity and config, so nothing from the user's environment leaks in.
export GIT_CONFIG_NOSYSTEM=1 HOME="$tmp/home" GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.org \
  GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.org
mkdir -p "$tmp/home"
git init -q -b main "$tmp/repo"
git -C "$tmp/repo" config gc.auto 0
git -C "$tmp/repo" config core.autocrlf false

echo "make-repo: generating history (node bench/gen-stream.mjs | git fast-import) ..."
node "$here/gen-stream.mjs" | git -C "$tmp/repo" fast-import --quiet --done 2>&1 || {
  echo "make-repo: fast-import failed" >&2; exit 1; }
t1=$(date +%s.%N)
echo "make-repo: fast-import done in $(awk -v a="$start" -v b="$t1" 'BEGIN{printf "%.1f", b-a}') s; repacking ..."

git -C "$tmp/repo" -c pack.threads=2 repack -a -d -f -q --depth=50 --window=10
git -C "$tmp/repo" prune-packed
rm -rf "$tmp/repo/.git/logs"   # fast-import writes none; keep the layout minimal and stable
t2=$(date +%s.%N)
echo "make-repo: repack done in $(awk -v a="$t1" -v b="$t2" 'BEGIN{printf "%.1f", b-a}') s; checking out the work tree ..."
git -C "$tmp/repo" reset -q --hard main

rm -rf "$repo"
mv "$tmp/repo" "$repo"
echo "$stamp" > "$stamp_file"
end=$(date +%s.%N)
echo "make-repo: built in $(awk -v a="$start" -v b="$end" 'BEGIN{printf "%.1f", b-a}') s (HEAD $(git --git-dir="$repo/.git" rev-parse HEAD))"
report
