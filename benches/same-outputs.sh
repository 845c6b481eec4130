#!/usr/bin/env bash
# Checks that a speed change left every output byte-identical: runs a new and a reference
# regionsim binary on the benchmark scenario (all three layouts), `compare` on the
# embedded default and `compare` on each datasets/examples/*.toml, and compares runs,
# areas, regions, timeseries and incidents CSVs byte for byte (timing.csv holds wall
# times and is skipped).
#
#   benches/same-outputs.sh NEW_BINARY REF_BINARY
#   e.g. benches/same-outputs.sh target/release/regionsim /tmp/regionsim-ref
#
# The reference's outputs are kept in /tmp/same-outputs/ref-<its sha256 prefix>, so a rerun
# against the same reference only runs the new binary. Exits 1 on the first difference
# (printing it), 0 when everything matched.
set -euo pipefail
new=${1:?usage: same-outputs.sh NEW_BINARY REF_BINARY}
ref=${2:?usage: same-outputs.sh NEW_BINARY REF_BINARY}
root=$(cd "$(dirname "$0")/.." && pwd)
work=/tmp/same-outputs
refdir=$work/ref-$(sha256sum "$ref" | cut -c1-12)
newdir=$work/new
rm -rf "$newdir"
mkdir -p "$refdir" "$newdir"

cases=()
for layout in active-passive active-active sharded; do
  cases+=("model-$layout|run $root/benches/scenarios/model.toml --layout $layout")
done
cases+=("compare-default|compare")
for f in "$root"/datasets/examples/*.toml; do
  cases+=("compare-$(basename "$f" .toml)|compare $f")
done

status=0
for c in "${cases[@]}"; do
  name=${c%%|*}
  args=${c#*|}
  if [ ! -f "$refdir/$name/.done" ]; then
    rm -rf "${refdir:?}/$name"
    # shellcheck disable=SC2086
    "$ref" $args --out "$refdir/$name" > /dev/null
    touch "$refdir/$name/.done"
  fi
  # shellcheck disable=SC2086
  "$new" $args --out "$newdir/$name" > /dev/null
  for csv in runs areas regions timeseries incidents; do
    if ! cmp "$refdir/$name/$csv.csv" "$newdir/$name/$csv.csv"; then
      diff "$refdir/$name/$csv.csv" "$newdir/$name/$csv.csv" | head -5 || true
      status=1
    fi
  done
  if [ $status -ne 0 ]; then
    echo "DIFFERENT: $name ($args)"
    exit 1
  fi
  echo "same: $name"
done
echo "all outputs byte-identical"
