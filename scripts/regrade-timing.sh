#!/usr/bin/env bash
# Measures a warm re-grade: the time from saving an edit to an exercise's source to the end of
# `cargo xtask grade` for that exercise's test checks (no benchmarks), as a learner sees it
# in watch mode. It adds a function to the fixture course's starter, times RUNS grades
# (default 10), restores the file and prints each time and the median.
#
# Usage: scripts/regrade-timing.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
manifest=xtask/tests/fixture/Cargo.toml
file=xtask/tests/fixture/exercises/01-demo/src/lib.rs
tasks=(01-demo/passes 01-demo/fails 01-demo/answer 01-demo/counter)

backup=$(mktemp)
cp "$file" "$backup"
trap 'cp "$backup" "$file"; rm -f "$backup"' EXIT

grade() { cargo xtask --manifest-path "$manifest" grade -q --no-bench "${tasks[@]}" >/dev/null || true; }
grade # warm: everything built once
times=()
for i in $(seq 1 "$runs"); do
  # A real code change, as a learner makes, not just a comment.
  printf '\n#[doc(hidden)]\npub fn timing_edit_%s() -> u64 {\n    %s\n}\n' "$i" "$i" >>"$file"
  start=$(date +%s%N)
  grade
  end=$(date +%s%N)
  ms=$(( (end - start) / 1000000 ))
  times+=("$ms")
  echo "run $i: ${ms} ms"
done
median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2] + a[NR/2+1]) / 2)}')
echo "warm re-grade after an edit (${tasks[*]}): median ${median} ms over ${runs} runs on $(nproc) cores"
