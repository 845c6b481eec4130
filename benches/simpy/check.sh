#!/usr/bin/env bash
# CI: regionsim and the SimPy model of benches/simpy/sharded.toml agree on p50 and p99
# (one 20-second pair, about 5 s). Creates benches/simpy/.venv with SimPy once.
#
#   benches/simpy/check.sh [path/to/regionsim]
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
BIN=${1:-$HERE/../../target/release/regionsim}
PYTHON=${PYTHON:-python3}
VENV=${SIMPY_VENV:-$HERE/.venv}
if ! "$VENV/bin/python" -c 'import simpy' 2>/dev/null; then
  rm -rf "$VENV"
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$HERE/requirements.txt"
fi
"$VENV/bin/python" "$HERE/compare.py" --quick --regionsim "$BIN"
