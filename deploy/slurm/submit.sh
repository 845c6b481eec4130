#!/bin/bash
# {{header}}
#
# Queues the sweep's job array, then the merge with --dependency=afterok on it:
#   ./submit.sh                   all {{shards}} tasks, then the merge
#   ./submit.sh --array=2,5       tasks 2 and 5 again (after they failed), then the merge
# Other arguments go to the array's sbatch as well (e.g. --partition=long). sbatch's own
# environment variables (SBATCH_PARTITION, SBATCH_ACCOUNT, SBATCH_QOS) apply to both jobs.
set -euo pipefail

OUT={{out}}

mkdir -p "$OUT/logs"
array=$(sbatch --parsable "$@" "$OUT/array.sbatch")
array=${array%%;*}
merge=$(sbatch --parsable --dependency="afterok:$array" "$OUT/merge.sbatch")
merge=${merge%%;*}
echo "submitted job array $array and merge job $merge (it runs once every task of $array succeeded)"
echo "watch: squeue -j $array,$merge    logs: $OUT/logs/    result: $OUT/result/"
