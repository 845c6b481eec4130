"""Leave-one-out check of the user RTT construction (sim-core/src/catalog/latency.rs, UserRoute).

Each measured region in turn plays a user at its own position, with itself removed from the
catalog; the predicted RTT to every region it has a measurement with is compared with that
measurement. Prints, per band of great-circle distance, the median and p90 (nearest rank) of
|predicted - measured| / measured for the distance fit alone and for the anchored construction.

    python3 datasets/tools/user_rtt_loo.py

Standard library only. The fit constants are those of datasets/README.md.
"""

import csv
import math
import os
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.dirname(HERE)
A, B = 8.82, 0.015208  # the latency fit (ms, ms/km)
INTRA_DEFAULT = 1.0
ANCHOR_MAX_SHARE = 0.1
BANDS = [(0, 500), (500, 2000), (2000, 5000), (5000, 10000), (10000, math.inf)]


def km(p, q):
    p1, p2 = math.radians(p[0]), math.radians(q[0])
    dl = math.radians(q[1] - p[1])
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371 * math.asin(min(1, math.sqrt(h)))


def fit(d):
    return max(A + B * d, d / 100)


def quantile(v, p):
    v = sorted(v)
    return v[max(1, min(len(v), math.ceil(p * len(v)))) - 1]


def main():
    regs = {}
    with open(os.path.join(DATA, "regions.csv")) as f:
        for r in csv.DictReader(f):
            regs[r["provider"] + ":" + r["code"]] = (float(r["lat_deg"]), float(r["lon_deg"]))
    raw = {}
    with open(os.path.join(DATA, "rtt_ms.csv")) as f:
        for r in csv.DictReader(f):
            raw[(r["src"], r["dst"])] = float(r["rtt_ms"])
    meas = {}
    for a, b in raw:
        k = (min(a, b), max(a, b))
        x, y = raw.get(k), raw.get((k[1], k[0]))
        meas[k] = (x + y) / 2 if (x is not None and y is not None) else (x if x is not None else y)
    partners = defaultdict(set)
    for a, b in meas:
        if a != b:
            partners[a].add(b)
            partners[b].add(a)

    def m(a, b):
        return meas.get((min(a, b), max(a, b)))

    def anchored(user, x):
        pu = regs[user]
        direct = km(pu, regs[x])
        cands = [x] + sorted(r for r in partners[x] if r != user)
        anchor = min(cands, key=lambda r: (km(pu, regs[r]), r != x, r))
        d = km(pu, regs[anchor])
        if anchor == x:
            intra = m(x, x)
            return (intra if intra is not None else INTRA_DEFAULT) + B * d
        if d <= ANCHOR_MAX_SHARE * direct:
            return B * d + m(anchor, x)
        return fit(direct)

    errs = defaultdict(lambda: defaultdict(list))
    for (a, b), v in meas.items():
        if a == b:
            continue
        for user, x in ((a, b), (b, a)):
            d = km(regs[user], regs[x])
            band = next(bd for bd in BANDS if bd[0] <= d < bd[1])
            for name, pred in (("fit", fit(d)), ("anchored", anchored(user, x))):
                e = abs(pred - v) / v
                errs[name][band].append(e)
                errs[name]["all"].append(e)
    print("| distance | pairs | fit: median | fit: p90 | anchored: median | anchored: p90 |")
    print("|---|---:|---:|---:|---:|---:|")
    for band in BANDS + ["all"]:
        label = "all" if band == "all" else (
            f"≥ {band[0]:,} km" if band[1] == math.inf else f"{band[0]:,}–{band[1]:,} km")
        f, an = errs["fit"][band], errs["anchored"][band]
        print(f"| {label} | {len(f)} | {100 * quantile(f, .5):.1f} % | {100 * quantile(f, .9):.1f} % "
              f"| {100 * quantile(an, .5):.1f} % | {100 * quantile(an, .9):.1f} % |")


if __name__ == "__main__":
    main()
