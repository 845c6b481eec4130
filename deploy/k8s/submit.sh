#!/bin/bash
# {{header}}
#
# Applies the sweep's input, volume and Indexed Job, waits for the job, then applies the
# merge job and waits for it:
#   ./submit.sh                  in the current namespace
#   ./submit.sh -n research      arguments go to every kubectl call
# Run it again after a failure: a failed sweep job is replaced, and indexes whose runs are
# all saved finish at once (--resume), so only the missing runs are simulated.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
NAME={{name}}

# A job that gave up cannot be restarted in place: delete it (its saved runs stay on the volume).
if kubectl "$@" get "job/$NAME-sweep" -o 'jsonpath={.status.conditions[?(@.type=="Failed")].status}' 2>/dev/null | grep -q True; then
  kubectl "$@" delete "job/$NAME-sweep"
fi
kubectl "$@" apply -f "$HERE/input.yaml" -f "$HERE/volume.yaml" -f "$HERE/sweep-job.yaml"
echo "waiting for job/$NAME-sweep ({{shards}} indexes)…"
while :; do
  state=$(kubectl "$@" get "job/$NAME-sweep" -o 'jsonpath={range .status.conditions[?(@.status=="True")]}{.type} {end}')
  case " $state " in
    *" Complete "*) break ;;
    *" Failed "*)
      echo "job/$NAME-sweep failed: kubectl $* describe job/$NAME-sweep; logs: kubectl $* logs -l job-name=$NAME-sweep" >&2
      exit 1 ;;
  esac
  sleep 10
done
kubectl "$@" delete --ignore-not-found "job/$NAME-merge"
kubectl "$@" apply -f "$HERE/merge-job.yaml"
kubectl "$@" wait --for=condition=complete --timeout=24h "job/$NAME-merge"
echo "result: /data/result/ on the volume claim $NAME-data (runs.csv, summary.csv)"
