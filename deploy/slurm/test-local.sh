#!/usr/bin/env bash
# A real Slurm on this machine runs a sweep as a job array, as a cluster would.
#
#   deploy/slurm/test-local.sh target/release/regionsim      (or REGIONSIM=… deploy/slurm/test-local.sh)
#
# 1. Installs Debian's slurm-wlm and munge if missing; starts munged, slurmctld and slurmd
#    (as root, no systemd) with a one-node configuration for this host in a temporary
#    folder, on their own socket and ports; stops them on exit.
# 2. Writes the job scripts with `regionsim cluster slurm` (the files users submit), runs
#    deploy/slurm/ci-sweep.toml as a 4-task array plus the dependent merge, and checks that
#    the merged runs.csv and summary.csv are byte-identical to a single-machine sweep.
# 3. The fault case: cancels one task between two of its runs, checks that the merge was
#    cancelled with it (afterok), resubmits that index (`submit.sh --array=I`, --resume),
#    and checks that the merge is again byte-identical, that the resumed task ran only its
#    missing runs, and that the runs saved before the cancel were not run again.
# Needs root (apt-get, daemons). Takes about a minute once the packages are installed.
set -euo pipefail

REGIONSIM=${1:-${REGIONSIM:-}}
if [ -z "$REGIONSIM" ] || [ ! -x "$REGIONSIM" ]; then
  echo "usage: $0 PATH/TO/regionsim   (or set REGIONSIM); build it with: cargo build --release -p sim-core" >&2
  exit 2
fi
REGIONSIM=$(readlink -f "$REGIONSIM")
HERE=$(cd "$(dirname "$0")" && pwd)
SWEEP=$HERE/ci-sweep.toml
SHARDS=4
FAULT=1            # the task cancelled in the fault case
WAIT_LIMIT=150     # seconds any one wait may take
DEADLINE=290       # seconds the whole test may take (installing the packages included)

say() { echo "slurm-test: $*"; }

# --- 1. Slurm and munge ------------------------------------------------------------------
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null ||
  ! command -v sbatch >/dev/null || ! command -v munged >/dev/null; then
  say "installing slurm-wlm and munge (Debian packages)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends slurm-wlm munge >/dev/null
fi

W=$(mktemp -d /tmp/regionsim-slurm.XXXXXX)
chmod 755 "$W" # munged wants every folder above its socket searchable
mkdir -p "$W/munge" "$W/run" "$W/state" "$W/spool"
chmod 700 "$W/munge"
chmod 755 "$W/run"
export SLURM_CONF=$W/slurm.conf

dump_logs() {
  for f in "$W"/slurmctld.log "$W"/slurmd.log "$W"/munge/munged.log "$W"/*/logs/*.out; do
    [ -f "$f" ] || continue
    echo "----- $f (last 30 lines)"
    tail -n 30 "$f"
  done
}
fail() {
  echo "slurm-test: FAILED: $*" >&2
  dump_logs >&2
  exit 1
}
stop_daemons() {
  local rc=$?
  set +e
  if [ -f "$W/run/slurmctld.pid" ]; then
    scancel --user="$(id -un)" >/dev/null 2>&1 # our private controller: only this test's jobs
    for _ in $(seq 20); do
      [ -z "$(squeue -h 2>/dev/null)" ] && break
      sleep 0.5
    done
    scontrol shutdown >/dev/null 2>&1
    sleep 1
  fi
  local f pid
  for f in slurmd slurmctld munged; do
    pid=$(cat "$W/run/$f.pid" 2>/dev/null)
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null
      sleep 0.5
      kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null
    fi
  done
  if [ "$rc" = 0 ]; then
    rm -rf "$W"
  else
    echo "slurm-test: files kept in $W" >&2
  fi
  exit "$rc"
}
trap stop_daemons EXIT
trap 'exit 143' TERM INT # so that the EXIT trap stops the daemons

mungekey --create --keyfile="$W/munge/munge.key" >/dev/null 2>&1 ||
  { dd if=/dev/urandom of="$W/munge/munge.key" bs=1024 count=1 status=none && chmod 600 "$W/munge/munge.key"; }
munged --socket="$W/run/munge.socket" --key-file="$W/munge/munge.key" \
  --log-file="$W/munge/munged.log" --pid-file="$W/run/munged.pid" \
  --seed-file="$W/munge/munged.seed" || fail "munged did not start"

HOST=$(hostname -s)
MEM_MB=$(free -m | awk '/^Mem:/ {print $2}')
REAL_MB=$((MEM_MB > 2048 ? MEM_MB - 1024 : MEM_MB))
cat >"$SLURM_CONF" <<EOF
# One node: this host, 2 CPUs. No cgroups, no accounting, no systemd.
ClusterName=regionsim-ci
SlurmctldHost=$HOST(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$W/run/munge.socket
SlurmctldPort=16817
SlurmdPort=16818
StateSaveLocation=$W/state
SlurmdSpoolDir=$W/spool
SlurmctldPidFile=$W/run/slurmctld.pid
SlurmdPidFile=$W/run/slurmd.pid
SlurmctldLogFile=$W/slurmctld.log
SlurmdLogFile=$W/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU_Memory
ReturnToService=2
KillWait=5
MinJobAge=600
NodeName=$HOST NodeAddr=127.0.0.1 CPUs=2 RealMemory=$REAL_MB State=UNKNOWN
PartitionName=ci Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
EOF
slurmctld || fail "slurmctld did not start"
slurmd || fail "slurmd did not start"

# Waits until `$1` (a command) succeeds, at most WAIT_LIMIT seconds; $2 says what for.
wait_for() {
  local t0=$SECONDS
  until eval "$1"; do
    ((SECONDS - t0 < WAIT_LIMIT)) || fail "waited ${WAIT_LIMIT}s for $2"
    ((SECONDS < DEADLINE)) || fail "the test ran out of its ${DEADLINE}s while waiting for $2"
    sleep 0.3
  done
}
wait_for '[ "$(sinfo -h -o %T 2>/dev/null)" = idle ]' "the node to be idle"
say "slurm $(sinfo -V | awk '{print $2}') up: node $HOST, 2 CPUs, ${REAL_MB} MB"

# Job states of a job (every task of an array), e.g. "COMPLETED" or "CANCELLED COMPLETED".
states() { scontrol -o show job "$1" 2>/dev/null | grep -o 'JobState=[A-Z_]*' | cut -d= -f2 | sort -u | tr '\n' ' ' | sed 's/ $//'; }
queued() { [ -n "$(squeue -h -j "$1" 2>/dev/null)" ]; }
wait_gone() { wait_for "! queued $1" "job $1 to finish"; }
# Submits with the generated submit.sh; sets ARRAY and MERGE to the job ids.
submit() {
  local dir=$1
  shift
  local msg
  msg=$(bash "$dir/submit.sh" "$@") || fail "submit.sh $* failed: $msg"
  echo "$msg"
  ARRAY=$(sed -n 's/^submitted job array \([0-9]*\) and merge job \([0-9]*\).*/\1/p' <<<"$msg")
  MERGE=$(sed -n 's/^submitted job array \([0-9]*\) and merge job \([0-9]*\).*/\2/p' <<<"$msg")
  [ -n "$ARRAY" ] && [ -n "$MERGE" ] || fail "cannot read the job ids from: $msg"
}
generate() {
  "$REGIONSIM" cluster slurm "$SWEEP" --shards "$SHARDS" --out "$1" --threads 1 \
    --time 10m --mem 512M --regionsim "$REGIONSIM" >/dev/null
  for f in array.sbatch merge.sbatch submit.sh; do
    [ -x "$1/$f" ] || fail "regionsim cluster slurm did not write $1/$f"
    bash -n "$1/$f" || fail "$1/$f is not valid bash"
  done
}
same_as_single() {
  for f in runs.csv summary.csv; do
    cmp "$W/single/$f" "$1/result/$f" || fail "$1/result/$f differs from the single-machine sweep"
  done
}

# --- 2. Reference, then the whole array -------------------------------------------------
"$REGIONSIM" sweep "$SWEEP" --out "$W/single" --threads 2 --quiet
RUNS=$(($(wc -l <"$W/single/runs.csv") - 1))
say "single-machine sweep: $RUNS runs"

generate "$W/clean"
submit "$W/clean"
wait_gone "$ARRAY"
wait_gone "$MERGE"
[ "$(states "$ARRAY")" = COMPLETED ] || fail "array $ARRAY ended as $(states "$ARRAY")"
[ "$(states "$MERGE")" = COMPLETED ] || fail "merge $MERGE ended as $(states "$MERGE")"
same_as_single "$W/clean"
say "clean run: $SHARDS tasks + merge → runs.csv and summary.csv byte-identical to one machine"

# --- 3. Fault: cancel a task between runs, resubmit it -----------------------------------
generate "$W/fault"
submit "$W/fault"
PARTS=$W/fault/part-$FAULT/parts
task_between_runs() {
  [ "$(squeue -h -j "${ARRAY}_$FAULT" -o %T 2>/dev/null)" = RUNNING ] &&
    [ "$(find "$PARTS" -name 'run-*.csv' 2>/dev/null | wc -l)" -ge 1 ]
}
wait_for task_between_runs "task $FAULT to save its first run"
scancel "${ARRAY}_$FAULT"
wait_gone "$ARRAY"
wait_gone "$MERGE"
[ "$(squeue -h -j "${ARRAY}_$FAULT" 2>/dev/null)" = "" ] || fail "task $FAULT still queued"
case " $(states "$ARRAY") " in *" CANCELLED "*) ;; *) fail "array $ARRAY: $(states "$ARRAY"), no cancelled task" ;; esac
[ "$(states "$MERGE")" = CANCELLED ] ||
  fail "merge $MERGE ended as $(states "$MERGE"): it must not run after a failed task (afterok)"
SHARD_RUNS=$(((RUNS - FAULT + SHARDS - 1) / SHARDS))
BEFORE=$(cd "$PARTS" && stat -c '%n %i %Y %s' run-*.csv)
SAVED=$(wc -l <<<"$BEFORE")
((SAVED < SHARD_RUNS)) || fail "task $FAULT finished all $SHARD_RUNS runs before it was cancelled: the runs are too short to test a cancel"
say "cancelled task $FAULT after $SAVED of its $SHARD_RUNS runs; the merge was cancelled with it"

submit "$W/fault" --array="$FAULT"
wait_gone "$ARRAY"
wait_gone "$MERGE"
[ "$(states "$ARRAY")" = COMPLETED ] || fail "resubmitted task ended as $(states "$ARRAY")"
[ "$(states "$MERGE")" = COMPLETED ] || fail "merge $MERGE ended as $(states "$MERGE")"
LOG=$(ls "$W/fault/logs/"*"-${ARRAY}_$FAULT.out")
grep -q "ran $((SHARD_RUNS - SAVED)), $SAVED already done" "$LOG" ||
  fail "the resubmitted task did not resume: expected 'ran $((SHARD_RUNS - SAVED)), $SAVED already done' in $LOG"
AFTER=$(cd "$PARTS" && stat -c '%n %i %Y %s' run-*.csv | grep -F -f <(cut -d' ' -f1 <<<"$BEFORE"))
[ "$BEFORE" = "$AFTER" ] || fail "runs saved before the cancel were written again"
[ "$(find "$W/fault" -name 'run-*.csv' | wc -l)" = "$RUNS" ] || fail "the task folders do not hold $RUNS runs"
same_as_single "$W/fault"
say "fault case: resubmitted task $FAULT ran its $((SHARD_RUNS - SAVED)) missing runs only; merge byte-identical to one machine"
say "passed"
