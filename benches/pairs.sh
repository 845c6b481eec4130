#!/usr/bin/env bash
# Interleaved pairs of two regionsim binaries on benches/scenarios/model.toml (the method
# of benches/README.md): for each layout, N pairs, the order alternating within pairs.
# Prints one line per run: layout, binary, requests (runs.csv), wall_s of the run alone
# (timing.csv), CPU milliseconds of the whole process (perf stat task-clock, or
# /usr/bin/time %U × 1000 where perf is missing), and the 1-minute load average.
#
#   benches/pairs.sh A_BINARY B_BINARY N [LAYOUT...]   (layouts: all three by default)
set -euo pipefail
a=${1:?usage: pairs.sh A B N [LAYOUT...]}
b=${2:?}
n=${3:?}
shift 3
layouts=("$@")
[ ${#layouts[@]} -eq 0 ] && layouts=(active-passive active-active sharded)
root=$(cd "$(dirname "$0")/.." && pwd)
out=$(mktemp -d /tmp/pairs.XXXXXX)
one() {
  local bin=$1 layout=$2 cpu
  if command -v perf > /dev/null; then
    cpu=$(perf stat -x, -e task-clock "$bin" run "$root/benches/scenarios/model.toml" \
      --layout "$layout" --out "$out/run" 2>&1 > /dev/null | grep task-clock | cut -d, -f1)
  else
    cpu=$( { /usr/bin/time -f "%U" "$bin" run "$root/benches/scenarios/model.toml" \
      --layout "$layout" --out "$out/run" > /dev/null; } 2>&1 | tail -1)
    cpu=$(echo "$cpu * 1000" | bc)
  fi
  local req wall
  req=$(tail -1 "$out/run/runs.csv" | cut -d, -f3)
  wall=$(tail -1 "$out/run/timing.csv" | cut -d, -f4)
  echo "$layout $bin $req $wall $cpu $(cut -d' ' -f1 /proc/loadavg)"
}
for layout in "${layouts[@]}"; do
  for i in $(seq 1 "$n"); do
    if [ $((i % 2)) -eq 1 ]; then one "$a" "$layout"; one "$b" "$layout"
    else one "$b" "$layout"; one "$a" "$layout"; fi
  done
done
rm -rf "$out"
