#!/usr/bin/env bash
# Measures a learner's first contact: from a fresh clone of this repository's HEAD (in a
# temporary folder, with its own empty target directory; the crates already downloaded in
# ~/.cargo), the seconds from `cargo xtask grade EXERCISE` to its first output, to the first
# verdict of a check, and to the scoreboard. Run it on an idle machine.
#
# Usage: scripts/first-contact-timing.sh [EXERCISE]   (default: 01-threads)
set -euo pipefail
cd "$(dirname "$0")/.."
exercise=${1:-01-threads}
clone=$(mktemp -d)
trap 'rm -rf "$clone"' EXIT
git clone --quiet . "$clone/course"
cd "$clone/course"
# Fetching is not what is measured: a learner's first `cargo` command fetches once.
cargo fetch --quiet

start=$(date +%s%N)
since() { awk -v s="$start" -v n="$(date +%s%N)" 'BEGIN { printf "%.1f", (n - s) / 1e9 }'; }
first_output="" first_verdict="" scoreboard=""
while IFS= read -r line; do
  [ -z "$first_output" ] && first_output=$(since) && echo "[${first_output} s] $line"
  # A progress line with a verdict: `[n/N] EXERCISE/TASK · kind name … pass (0.1 s)`.
  if [ -z "$first_verdict" ] && [[ "$line" =~ ^\[\ *[0-9]+/[0-9]+\].*…\ [a-z] ]]; then
    first_verdict=$(since) && echo "[${first_verdict} s] $line"
  fi
  # Where the time goes: the grader's own build ends at cargo's `Running`, then one
  # build per profile (`building tests of ...`, `building loom models of ...`).
  if [[ "$line" == *"Running \`"* || "$line" == building* ]]; then
    echo "[$(since) s] $line"
  fi
  if [ -z "$scoreboard" ] && [[ "$line" == *"tasks passed"* ]]; then
    scoreboard=$(since) && echo "[${scoreboard} s] $line"
  fi
done < <(cargo xtask grade "$exercise" 2>&1 || true)
echo
echo "fresh clone, cargo xtask grade $exercise, $(nproc) cores:"
echo "  first output:  ${first_output:-never} s"
echo "  first verdict: ${first_verdict:-never} s"
echo "  scoreboard:    ${scoreboard:-never} s"
