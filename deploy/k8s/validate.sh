#!/usr/bin/env bash
# Checks the manifests `regionsim cluster k8s` writes against the Kubernetes API schemas.
#
#   deploy/k8s/validate.sh target/release/regionsim      (or REGIONSIM=… deploy/k8s/validate.sh)
#
# Writes the manifests for deploy/slurm/ci-sweep.toml, validates them with the PyPI package
# kubernetes-validate (strict: unknown fields are errors; installed into a virtualenv under
# ~/.cache on first use), and reads them back with a YAML parser to check what the schemas
# cannot: the ConfigMap holds the sweep file and its base scenario byte for byte, the
# shard arguments name the job's own completion count, and the merge lists every part.
set -euo pipefail

REGIONSIM=${1:-${REGIONSIM:-}}
if [ -z "$REGIONSIM" ] || [ ! -x "$REGIONSIM" ]; then
  echo "usage: $0 PATH/TO/regionsim   (or set REGIONSIM)" >&2
  exit 2
fi
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
VALIDATOR_VERSION=1.37.0
VENV=${KUBERNETES_VALIDATE_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/regionsim/kubernetes-validate-$VALIDATOR_VERSION}

if ! "$VENV/bin/kubernetes-validate" --version >/dev/null 2>&1; then
  echo "k8s-validate: installing kubernetes-validate $VALIDATOR_VERSION into $VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q "kubernetes-validate==$VALIDATOR_VERSION"
fi

W=$(mktemp -d /tmp/regionsim-k8s.XXXXXX)
trap 'rm -rf "$W"' EXIT
SHARDS=4
"$REGIONSIM" cluster k8s "$ROOT/deploy/slurm/ci-sweep.toml" --shards "$SHARDS" --out "$W/k8s" \
  --image registry.example.com/regionsim:ci --threads 2 --storage-class nfs-client >/dev/null
bash -n "$W/k8s/submit.sh"
"$VENV/bin/kubernetes-validate" --strict "$W"/k8s/*.yaml

"$VENV/bin/python" - "$W/k8s" "$ROOT" "$SHARDS" <<'EOF'
import sys, yaml
from pathlib import Path
out, root, n = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
load = lambda f: yaml.safe_load((out / f).read_text())
cm, job, merge, pvc = (load(f) for f in ("input.yaml", "sweep-job.yaml", "merge-job.yaml", "volume.yaml"))
sweep = root / "deploy/slurm/ci-sweep.toml"
base = root / "datasets/scenarios/default.toml"
assert cm["data"]["sweep.toml"] == sweep.read_text(), "ConfigMap sweep.toml differs from the sweep file"
assert cm["data"]["base.toml"] == base.read_text(), "ConfigMap base.toml differs from the base scenario"
spec = job["spec"]
assert spec["completionMode"] == "Indexed"
assert spec["completions"] == n and spec["parallelism"] == n
pod = spec["template"]["spec"]
c = pod["containers"][0]
cmd = c["command"]
assert cmd[cmd.index("--shard") + 1] == f"$(JOB_COMPLETION_INDEX)/{n}", cmd
assert cmd[cmd.index("--out") + 1] == "/data/part-$(JOB_COMPLETION_INDEX)", cmd
assert "--resume" in cmd
# The sweep path in the pod, and its base path, land where the ConfigMap puts the files.
items = {i["key"]: i["path"] for v in pod["volumes"] if "configMap" in v for i in v["configMap"]["items"]}
assert cmd[2] == "/input/" + items["sweep.toml"], (cmd, items)
import posixpath, tomllib
rel = tomllib.loads(sweep.read_text())["base"]
assert posixpath.normpath(posixpath.join(posixpath.dirname(items["sweep.toml"]), rel)) == items["base.toml"], items
mounts = {m["name"]: m["mountPath"] for m in c["volumeMounts"]}
assert mounts == {"data": "/data", "input": "/input"}, mounts
claim = pvc["metadata"]["name"]
assert any(v.get("persistentVolumeClaim", {}).get("claimName") == claim for v in pod["volumes"])
mpod = merge["spec"]["template"]["spec"]
mcmd = mpod["containers"][0]["command"]
assert mcmd[1:] == ["merge"] + [f"/data/part-{i}" for i in range(n)] + ["--out", "/data/result"], mcmd
assert mpod["volumes"][0]["persistentVolumeClaim"]["claimName"] == claim
assert pvc["spec"]["accessModes"] == ["ReadWriteMany"]
print(f"k8s-validate: {len(list(out.glob('*.yaml')))} manifests valid; ConfigMap files byte-identical; {n} shards and parts consistent")
EOF
