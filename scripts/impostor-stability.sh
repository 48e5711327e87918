#!/usr/bin/env bash
# Benchmark checks must fail a sequential impostor every time, not only pass the real
# solution. This grades an exercise's benchmark tasks RUNS times with an impostor in
# place of the learner's code: the exercise's src/ (whose given files the solution includes
# by path), overlaid with the reference solution's src/, then with the files of
# scripts/impostors/EXERCISE/ (only those that differ: "parallel" functions that run on one
# thread). The exercise's own src/ is put back afterwards, also on failure or Ctrl-C.
#
# Usage: scripts/impostor-stability.sh EXERCISE RUNS TASK...
#   e.g. scripts/impostor-stability.sh 01-threads 20 chunked-sum letter-frequency
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -lt 3 ]; then
  sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
exercise=$1 runs=$2
shift 2
src=exercises/$exercise/src
impostor=scripts/impostors/$exercise
[ -d "$impostor" ] || { echo "no impostor at $impostor" >&2; exit 2; }

backup=$(mktemp -d)
cp -R "$src/." "$backup/"
restore() { rm -rf "$src"; mkdir -p "$src"; cp -R "$backup/." "$src/"; rm -rf "$backup"; }
trap restore EXIT
cp -R "solutions/$exercise/src/." "$src/"
cp -R "$impostor/." "$src/"

tasks=()
for task in "$@"; do tasks+=("$exercise/$task"); done
cargo xtask stability --runs "$runs" "${tasks[@]}"
