"""The small sharded scenario (sharded.toml) as a SimPy user would write it.

One process per request, one `simpy.Resource` per region (its servers), an arrival
process per user area. A request travels to its home region (half the area's RTT, access
latency included, plus exponential jitter), queues for a server, is served for an
exponential time, and travels back the same way. Latency is measured from sending to
the answer, for requests sent inside the measured window (after the warm-up).

Everything is read from the scenario file, so both simulators run one scenario. What the
regionsim model does beyond this (DNS, health checks, timeouts and retries, key draws)
changes nothing here: no region fails and the servers are 25 % busy, so no request waits
anywhere near the 2 s client timeout.

    python3 benches/simpy/sharded.py benches/simpy/sharded.toml [--duration 60s] [--seed N]

prints one JSON line: requests, p50_ms, p99_ms, wall_s, requests_per_s.
"""

import argparse
import json
import random
import re
import sys
import time
import tomllib

import simpy

UNITS = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}


def seconds(text):
    """'20ms' -> 0.02."""
    m = re.fullmatch(r"\s*([0-9.]+)\s*([a-z]+)\s*", text)
    if not m or m.group(2) not in UNITS:
        sys.exit(f"cannot read the duration {text!r} (expected e.g. 20ms, 60s)")
    return float(m.group(1)) * UNITS[m.group(2)]


def exponential_mean(dist, field):
    if dist.get("dist") != "exponential":
        sys.exit(f"{field}: this model supports exponential distributions only")
    return seconds(dist["mean"])


def percentile(sorted_values, q):
    """Nearest-rank percentile of a sorted list."""
    k = max(0, min(len(sorted_values) - 1, int(q * len(sorted_values) + 0.5) - 1))
    return sorted_values[k]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("scenario")
    ap.add_argument("--duration", help="measured window, overriding the file's")
    ap.add_argument("--seed", type=int, default=None)
    args = ap.parse_args()

    with open(args.scenario, "rb") as f:
        s = tomllib.load(f)
    duration = seconds(args.duration or s["duration"])
    warmup = seconds(s.get("warmup", "0s"))
    rng = random.Random(s.get("seed", 0) if args.seed is None else args.seed)
    access = seconds(s["network"]["access_latency"])
    jitter_mean = exponential_mean(s["network"]["jitter"], "network.jitter")
    total_share = sum(a["share"] for a in s["areas"])

    env = simpy.Environment()
    servers = {}
    service_mean = {}
    for r in s["regions"]:
        servers[r["id"]] = simpy.Resource(env, capacity=r["instances"])
        service_mean[r["id"]] = exponential_mean(r["service_time"], f"regions.{r['id']}")

    latencies = []

    def request(env, region, one_way):
        sent = env.now
        yield env.timeout(one_way + rng.expovariate(1.0 / jitter_mean))
        with servers[region].request() as req:
            yield req
            yield env.timeout(rng.expovariate(1.0 / service_mean[region]))
        yield env.timeout(one_way + rng.expovariate(1.0 / jitter_mean))
        if sent >= warmup:
            latencies.append(env.now - sent)

    def users(env, area):
        rate = s["workload"]["peak_rps"] * area["share"] / total_share
        rtts = {k: seconds(v) for k, v in area["rtt_overrides"].items()}
        home = min(rtts, key=rtts.get)  # proximity: the nearest region
        one_way = (rtts[home] + access) / 2
        while True:
            yield env.timeout(rng.expovariate(rate))
            if env.now >= warmup + duration:
                return
            env.process(request(env, home, one_way))

    for area in s["areas"]:
        env.process(users(env, area))

    started = time.perf_counter()
    env.run()
    wall = time.perf_counter() - started
    latencies.sort()
    print(
        json.dumps(
            {
                "requests": len(latencies),
                "p50_ms": percentile(latencies, 0.50) * 1e3,
                "p99_ms": percentile(latencies, 0.99) * 1e3,
                "wall_s": wall,
                "requests_per_s": len(latencies) / wall,
            }
        )
    )


if __name__ == "__main__":
    main()
