#!/usr/bin/env bash
# Measures a warm re-grade: the time from saving an edit to the end of `cargo xtask grade`
# for what was edited, without benchmarks, as a learner sees it in watch mode. Two cases:
#   - one task: the fixture course's `01-demo/passes` after an edit of its starter;
#   - a whole exercise: every task of EXERCISE (default 01-threads) after an edit of its
#     reference solution, graded with `--solutions` (the learner's starter fails at once,
#     a complete solution runs every check).
# Each case is graded once to warm up, then RUNS times (default 10) after a real code edit;
# the edited files are restored at the end. Prints each time and the medians.
#
# Usage: scripts/regrade-timing.sh [RUNS] [EXERCISE]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
exercise=${2:-01-threads}

fixture_file=xtask/tests/fixture/exercises/01-demo/src/lib.rs
solution_file=solutions/$exercise/src/lib.rs
backups=$(mktemp -d)
cp "$fixture_file" "$backups/fixture.rs"
cp "$solution_file" "$backups/solution.rs"
trap 'cp "$backups/fixture.rs" "$fixture_file"; cp "$backups/solution.rs" "$solution_file"; rm -rf "$backups"' EXIT

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2] + a[NR/2+1]) / 2)}'; }

# measure NAME FILE GRADE-ARGS...: RUNS timed grades, each after appending a function.
measure() {
  local name=$1 file=$2
  shift 2
  cargo xtask "$@" >/dev/null 2>&1 || true # warm: everything built once
  local times=()
  for i in $(seq 1 "$runs"); do
    # A real code change, as a learner makes, not just a comment.
    printf '\n#[doc(hidden)]\npub fn timing_edit_%s() -> u64 {\n    %s\n}\n' "$i" "$i" >>"$file"
    local start end
    start=$(date +%s%N)
    cargo xtask "$@" >/dev/null 2>&1 || true
    end=$(date +%s%N)
    times+=("$(( (end - start) / 1000000 ))")
    echo "$name, run $i: ${times[-1]} ms"
  done
  echo "$name: median $(printf '%s\n' "${times[@]}" | median) ms over $runs runs"
}

one=$(measure "one task (fixture 01-demo/passes)" "$fixture_file" \
  --manifest-path xtask/tests/fixture/Cargo.toml grade -q --no-bench 01-demo/passes | tee /dev/stderr | tail -1)
whole=$(measure "a whole exercise ($exercise, every task)" "$solution_file" \
  grade -q --no-bench --solutions "$exercise" | tee /dev/stderr | tail -1)
echo
echo "warm re-grade after an edit, on $(nproc) cores:"
echo "  $one"
echo "  $whole"
