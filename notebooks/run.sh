#!/usr/bin/env bash
# Execute every notebook headlessly on fresh data; fail on any error or failed assertion.
#
#   notebooks/run.sh
#
# 1. checks that the committed notebooks carry no outputs;
# 2. creates notebooks/.venv (once) and installs notebooks/requirements.txt (again only
#    when that file changes);
# 3. builds regionsim in release (or uses the binary REGIONSIM names, as CI does);
# 4. makes small inputs: `regionsim compare` on the default scenario shortened to five
#    minutes (us-east-1 down from minute 2 to 4), and the sweep in notebooks/sweep.toml;
# 5. executes each notebook with nbclient, writing the executed copies (with their plots)
#    next to the data, never into notebooks/.
#
# Environment: PYTHON (default python3, >= 3.11), NOTEBOOKS_VENV (default notebooks/.venv),
# REGIONSIM_DATA (default out/notebooks: compare/, sweep/, executed/), REGIONSIM (a regionsim
# binary to use instead of building one).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

PYTHON=${PYTHON:-python3}
VENV=${NOTEBOOKS_VENV:-$ROOT/notebooks/.venv}
DATA=${REGIONSIM_DATA:-$ROOT/out/notebooks}
BIN=${REGIONSIM:-}
NOTEBOOKS=(notebooks/compare_layouts.ipynb notebooks/sweep.ipynb notebooks/outage_timeline.ipynb)

step() { printf '== notebooks: %s [%d s]\n' "$1" "$SECONDS"; }
die() { echo "notebooks/run.sh: error: $*" >&2; exit 1; }

command -v "$PYTHON" >/dev/null || die "$PYTHON not found (set PYTHON to a Python >= 3.11)"
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' ||
  die "$("$PYTHON" --version 2>&1) is too old: the notebooks need Python >= 3.11 (set PYTHON)"

step "committed notebooks have no outputs"
"$PYTHON" notebooks/nbtool.py check "${NOTEBOOKS[@]}"

step "python environment in ${VENV#"$ROOT"/}"
if ! [ -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c '' 2>/dev/null; then
  rm -rf "$VENV"
  if ! "$PYTHON" -m venv "$VENV" >/dev/null 2>&1; then
    rm -rf "$VENV"
    # Debian's python3 ships venv without ensurepip: that is the python3-venv package.
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      echo "'$PYTHON -m venv' does not work here: installing python3-venv" >&2
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
      "$PYTHON" -m venv "$VENV"
    else
      die "'$PYTHON -m venv' does not work: install python3-venv (apt-get install python3-venv)"
    fi
  fi
fi
want=$(sha256sum notebooks/requirements.txt | cut -d' ' -f1)
if [ "$(cat "$VENV/.requirements.sha256" 2>/dev/null)" != "$want" ]; then
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check -r notebooks/requirements.txt
  echo "$want" >"$VENV/.requirements.sha256"
fi

if [ -n "$BIN" ]; then
  step "regionsim: $BIN"
else
  step "build regionsim (release)"
  cargo build --release -p sim-core --bin regionsim
  BIN=${CARGO_TARGET_DIR:-$ROOT/target}/release/regionsim
fi
[ -x "$BIN" ] || die "no binary at $BIN"

GEN_START=$SECONDS
mkdir -p "$DATA"
DATA=$(cd "$DATA" && pwd)
rm -rf "$DATA/compare" "$DATA/sweep" "$DATA/executed"
mkdir -p "$DATA/compare"

step "regionsim compare on a five-minute copy of the default scenario"
# The default measures 10 minutes after a 1-minute warm-up, us-east-1 down from 4m for 5m.
# Shortened: 30 s warm-up + 270 s measured, us-east-1 down from 2m to 4m (minutes 2 and 3).
SCENARIO=$DATA/compare/scenario.toml
"$BIN" init | sed -E \
  -e '1,/^\[/ s/^duration = "[^"]*"/duration = "270s"/' \
  -e '1,/^\[/ s/^warmup = "[^"]*"/warmup = "30s"/' \
  -e '/^\[\[failures\]\]/,/^\[/ { s/^start = "[^"]*"/start = "2m"/; s/^duration = "[^"]*"/duration = "2m"/; }' \
  >"$SCENARIO"
for line in 'duration = "270s"' 'warmup = "30s"' 'kind = "region-outage"' 'start = "2m"' 'duration = "2m"'; do
  grep -q "^$line" "$SCENARIO" || die "could not shorten the default scenario (no \`$line\` in $SCENARIO): has \`regionsim init\` changed?"
done
"$BIN" validate "$SCENARIO" >/dev/null
"$BIN" compare "$SCENARIO" --out "$DATA/compare" >"$DATA/compare/compare.txt"

step "regionsim sweep notebooks/sweep.toml"
"$BIN" sweep notebooks/sweep.toml --out "$DATA/sweep" --quiet

step "execute ${#NOTEBOOKS[@]} notebooks"
# The venv's own kernel spec comes first, whatever kernels the user has installed.
env -u MPLBACKEND \
  JUPYTER_PATH="$VENV/share/jupyter" JUPYTER_PLATFORM_DIRS=1 \
  REGIONSIM_DATA="$DATA" \
  REGIONSIM_COMPARE="$DATA/compare" \
  REGIONSIM_SWEEP="$DATA/sweep" \
  REGIONSIM_SCENARIO="$SCENARIO" \
  "$VENV/bin/python" notebooks/nbtool.py execute --out "$DATA/executed" "${NOTEBOOKS[@]}"

step "done: data and executed notebooks in ${DATA#"$ROOT"/} ($((SECONDS - GEN_START)) s to generate data and execute)"
