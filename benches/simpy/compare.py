"""regionsim against the SimPy model of the same scenario: agreement, then speed.

Runs `regionsim run sharded.toml` and `sharded.py sharded.toml` as whole processes, in
pairs (the order alternating), for the same simulated window; checks that their p50 and
p99 agree; prints the ratio of simulated requests per second of wall time and of CPU
time within each pair, and the medians over pairs. Whole processes: start-up, catalog,
validation and writing the CSV files count for regionsim as interpreter start-up and
imports count for SimPy.

    python3 benches/simpy/compare.py --regionsim target/release/regionsim --pairs 7
    python3 benches/simpy/compare.py --quick      # CI: one short pair, agreement only

Exit status 1 if the percentiles disagree beyond the tolerance.
"""

import argparse
import csv
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SCENARIO = os.path.join(HERE, "sharded.toml")
# p50 and p99 of 10^5+ requests: sampling error well under 1 %; regionsim's histograms
# keep three significant digits.
TOLERANCE = {"p50_ms": 0.02, "p99_ms": 0.03}


def timed(cmd):
    """Runs `cmd`; returns (stdout, wall s, CPU s of the child)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return out, wall, cpu


def ours(binary, scenario, duration, out):
    with open(scenario) as f:
        text = f.read()
    # Same scenario, the window set from the command line.
    text = text.replace('duration = "60s"', f'duration = "{duration}"')
    path = os.path.join(out, "scenario.toml")
    with open(path, "w") as f:
        f.write(text)
    _, wall, cpu = timed([binary, "run", path, "--out", out])
    with open(os.path.join(out, "runs.csv")) as f:
        row = next(csv.DictReader(f))
    return {
        "requests": int(row["requests"]),
        "p50_ms": float(row["p50_ms"]),
        "p99_ms": float(row["p99_ms"]),
        "wall_s": wall,
        "cpu_s": cpu,
    }


def simpy(scenario, duration):
    out, wall, cpu = timed(
        [sys.executable, os.path.join(HERE, "sharded.py"), scenario, "--duration", duration]
    )
    r = json.loads(out)
    r["wall_s"], r["cpu_s"] = wall, cpu
    return r


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--regionsim", default="target/release/regionsim")
    ap.add_argument("--pairs", type=int, default=5)
    ap.add_argument("--duration", default="300s", help="simulated window of both")
    ap.add_argument("--quick", action="store_true", help="one 20 s pair: agreement only")
    args = ap.parse_args()
    if args.quick:
        args.pairs, args.duration = 1, "20s"
    with open("/proc/loadavg") as f:
        load = " ".join(f.read().split()[:3])
    print(f"load average before: {load}; {args.pairs} pairs of {args.duration} simulated")
    print("| pair | ours req/s | SimPy req/s | wall ratio | CPU ratio | p50 ours / SimPy | p99 ours / SimPy |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    bad = []
    wall_ratios, cpu_ratios = [], []
    for i in range(args.pairs):
        with tempfile.TemporaryDirectory() as out:
            if i % 2 == 0:
                a = ours(args.regionsim, SCENARIO, args.duration, out)
                b = simpy(SCENARIO, args.duration)
            else:
                b = simpy(SCENARIO, args.duration)
                a = ours(args.regionsim, SCENARIO, args.duration, out)
        rate = lambda r, k: r["requests"] / r[k]
        wall_ratios.append(rate(a, "wall_s") / rate(b, "wall_s"))
        cpu_ratios.append(rate(a, "cpu_s") / max(rate(b, "cpu_s"), 1e-9))
        for k, tol in TOLERANCE.items():
            if abs(a[k] / b[k] - 1) > tol:
                bad.append(f"pair {i + 1}: {k} ours {a[k]:.3f} vs SimPy {b[k]:.3f} (tolerance {tol:.0%})")
        print(
            f"| {i + 1} | {rate(a, 'wall_s'):,.0f} | {rate(b, 'wall_s'):,.0f} | {wall_ratios[-1]:.1f} | "
            f"{cpu_ratios[-1]:.1f} | {a['p50_ms']:.2f} / {b['p50_ms']:.2f} | {a['p99_ms']:.2f} / {b['p99_ms']:.2f} |"
        )
    with open("/proc/loadavg") as f:
        load = " ".join(f.read().split()[:3])
    print(f"\nmedian ratio, requests/s of wall time: {statistics.median(wall_ratios):.1f}x; "
          f"of CPU time: {statistics.median(cpu_ratios):.1f}x; load average after: {load}")
    if bad:
        print("DISAGREE:\n  " + "\n  ".join(bad))
        sys.exit(1)
    print("p50 and p99 agree within " + ", ".join(f"{k} {t:.0%}" for k, t in TOLERANCE.items()))


if __name__ == "__main__":
    main()
