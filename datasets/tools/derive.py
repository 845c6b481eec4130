#!/usr/bin/env python3
"""Derive the catalog files in `datasets/` from the staged source files.

Python 3.11, standard library only. Deterministic: the same inputs give byte-identical outputs
(rows sorted, floats formatted explicitly, LF line ends).

    python3 datasets/tools/derive.py --src ../shared/datasets            # write datasets/*.csv
    python3 datasets/tools/derive.py --src ../shared/datasets --check    # compare, write nothing

The staged sources (see datasets/README.md, "Sources") are not kept in the repository: the
incident files carry no licence and only derived aggregates are published here.
Every rule below is described in datasets/README.md; keep the two in step.
"""

from __future__ import annotations

import argparse
import csv
import io
import math
import statistics
import sys
from collections import defaultdict
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

# ---------------------------------------------------------------------------------------------
# Rules (documented in datasets/README.md)
# ---------------------------------------------------------------------------------------------

# EU member states plus the other EEA states (GDPR applies to all of them) -> jurisdiction "EU".
EU_EEA = set(
    "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE IS LI NO".split()
)
# Countries put in the `middle_east` continent (the transfer-price rules treat it apart from Asia).
MIDDLE_EAST = set("AE BH IL JO KW LB OM QA SA".split())
CONTINENTS = {
    "AF": "africa",
    "AS": "asia",
    "EU": "europe",
    "NA": "north_america",
    "SA": "south_america",
    "OC": "oceania",
}
# Countries absent from the World Bank list (continent and name given here).
EXTRA_COUNTRIES = {"TW": ("Taiwan", "asia")}
# Short display names instead of the World Bank's formal ones.
COUNTRY_NAMES = {
    "AE": "United Arab Emirates",
    "CD": "DR Congo",
    "EG": "Egypt",
    "HK": "Hong Kong",
    "IR": "Iran",
    "KR": "South Korea",
    "RU": "Russia",
    "TR": "Türkiye",
    "VN": "Vietnam",
}
# Coordinate corrections of the staged regions file (see README, "regions.csv").
COORD_FIXES = {("azure", "spaincentral"): (40.4259, -3.4209)}

# User areas: every country with at least this fraction of the world's estimated internet users.
AREA_MIN_SHARE = 0.005
# The United States is split into time-zone areas (metro time zone -> area).
US_SPLIT = {
    "America/New_York": "United States (East)",
    "America/Chicago": "United States (Central)",
    "America/Phoenix": "United States (West)",
    "America/Denver": "United States (West)",
    "America/Los_Angeles": "United States (West)",
}
# Metros closer than this to a more populous metro of the same country are the same metro
# (GeoNames lists New York City and its boroughs separately).
METRO_MERGE_KM = 30.0

# AWS regions without a quoted transfer price: assumed equal to the named quoted region.
AWS_ASSUMED_LIKE = {
    "ap-northeast-3": "ap-northeast-1",
    "ap-south-2": "ap-south-1",
    "ap-southeast-3": "ap-southeast-1",
    "ap-southeast-4": "ap-southeast-2",
    "ap-southeast-5": "ap-southeast-1",
    "ap-southeast-7": "ap-southeast-1",
    "il-central-1": "me-south-1",
    "me-central-1": "me-south-1",
}
# Catch-all rates for providers or regions no other rule covers (AWS's North America/Europe rates).
CATCH_ALL_INTER_REGION = 0.02
CATCH_ALL_EGRESS = 0.09
GIB_PER_GB = 1e9 / 2**30

# Failure defaults: windows of the two status feeds with per-region data.
GCP_WINDOW = ("2022-03-18", "2026-08-20")  # per-region locations exist from 2022-03-18
AWS_WINDOW = ("2018-05-01", "2023-05-01")  # the old Service Health Dashboard archive
GCP_IMPACTS = {"SERVICE_OUTAGE", "SERVICE_DISRUPTION"}
AWS_STATUSES = {"2", "3"}  # performance issues, service disruption
MAX_LOCATIONS = 2  # an incident naming more locations is multi-region or global


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------


def read(src: Path, name: str) -> list[dict[str, str]]:
    with open(src / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def fmt(x: float, digits: int) -> str:
    """Fixed digits, trailing zeros removed, never '-0'."""
    s = f"{x:.{digits}f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def to_csv(header: list[str], rows: list[list[str]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def mean_position(points: list[tuple[float, float, float]]) -> tuple[float, float]:
    """Weighted mean of (lat, lon, weight) as 3-D unit vectors (safe across the antimeridian)."""
    x = y = z = 0.0
    for lat, lon, w in points:
        p, l = math.radians(lat), math.radians(lon)
        x += w * math.cos(p) * math.cos(l)
        y += w * math.cos(p) * math.sin(l)
        z += w * math.sin(p)
    return math.degrees(math.atan2(z, math.hypot(x, y))), math.degrees(math.atan2(y, x))


def standard_utc_offset_hours(tz: str) -> float:
    """The smaller of the mid-January and mid-July 2025 offsets: the offset without daylight saving."""
    zone = ZoneInfo(tz)
    offsets = []
    for month in (1, 7):
        off = datetime(2025, month, 15, 12, tzinfo=timezone.utc).astimezone(zone).utcoffset()
        assert off is not None
        offsets.append(off.total_seconds() / 3600)
    return min(offsets)


class Countries:
    def __init__(self, rows: list[dict[str, str]]):
        self.rows = {r["country_iso2"]: r for r in rows}

    def name(self, iso2: str, fallback: str) -> str:
        if iso2 in COUNTRY_NAMES:
            return COUNTRY_NAMES[iso2]
        if iso2 in EXTRA_COUNTRIES:
            return EXTRA_COUNTRIES[iso2][0]
        row = self.rows.get(iso2)
        return row["country_name"] if row else fallback

    def continent(self, iso2: str) -> str:
        if iso2 in MIDDLE_EAST:
            return "middle_east"
        if iso2 in EXTRA_COUNTRIES:
            return EXTRA_COUNTRIES[iso2][1]
        return CONTINENTS[self.rows[iso2]["continent_code"]]


def jurisdiction(iso2: str) -> str:
    if iso2 in EU_EEA:
        return "EU"
    if iso2 == "GB":
        return "UK"
    return iso2


# ---------------------------------------------------------------------------------------------
# Derivations
# ---------------------------------------------------------------------------------------------


def derive_regions(src: Path, countries: Countries) -> tuple[str, dict]:
    out, regions = [], {}
    for r in read(src, "regions.csv"):
        if r["in_latency_data"] != "True":
            continue
        key = (r["provider"], r["region_code"])
        lat, lon = COORD_FIXES.get(key, (float(r["latitude"]), float(r["longitude"])))
        iso2 = r["country_iso2"]
        regions[key] = (lat, lon)
        out.append(
            [
                r["provider"],
                r["region_code"],
                r["city"],
                countries.name(iso2, r["country"]),
                iso2,
                jurisdiction(iso2),
                countries.continent(iso2),
                fmt(lat, 6),
                fmt(lon, 6),
            ]
        )
    out.sort(key=lambda row: (row[0], row[1]))
    header = "provider,code,city,country,country_iso2,jurisdiction,continent,lat_deg,lon_deg".split(",")
    return to_csv(header, out), regions


def derive_rtt(src: Path, regions: dict) -> str:
    out = []
    for r in read(src, "latency_inter_region.csv"):
        p = r["provider"]
        assert (p, r["src_region"]) in regions and (p, r["dst_region"]) in regions, r
        out.append([f"{p}:{r['src_region']}", f"{p}:{r['dst_region']}", fmt(float(r["rtt_p50_ms"]), 2)])
    out.sort(key=lambda row: (row[0], row[1]))
    return to_csv(["src", "dst", "rtt_ms"], out)


def derive_compute_prices(src: Path, regions: dict) -> str:
    out = []
    for r in read(src, "pricing_compute_reference_vm.csv"):
        if (r["provider"], r["region_code"]) not in regions:
            continue  # priced, but absent from the latency data, so not in the catalog
        out.append(
            [
                f"{r['provider']}:{r['region_code']}",
                r["instance_type"],
                r["vcpus"],
                r["memory_gib"],
                fmt(float(r["usd_per_hour"]), 6),
            ]
        )
    out.sort()
    return to_csv(["region", "instance_type", "vcpus", "memory_gib", "usd_per_hour"], out)


def derive_transfer(src: Path, regions: dict) -> str:
    header = ["provider", "kind", "src", "dst", "usd_per_gb", "basis", "note"]
    staged = read(src, "pricing_transfer_defaults.csv")
    out = []
    for r in staged:
        out.append([r["provider"], r["kind"], r["from_group"], r["to_group"], r["usd_per_gb"], "quoted", r["note"]])
    # GCP internet egress per source region: first volume tier, worldwide, USD/GiB -> USD/GB.
    for r in read(src, "pricing_internet_egress.csv"):
        if (
            r["provider"] == "gcp"
            and ("gcp", r["src_region"]) in regions
            and r["destination"] == "worldwide_excl_china_australia"
            and r["tier_from_tib_per_month"] == "0"
        ):
            usd_per_gb = float(r["usd_per_gib"]) * GIB_PER_GB
            out.append(
                ["gcp", "internet_egress", r["src_region"], "internet", fmt(usd_per_gb, 6), "quoted",
                 f"premium tier 0-1 TiB/month; {r['usd_per_gib']} USD/GiB"]
            )
    # AWS regions no quoted rule names: assume the rate of a quoted neighbour (after the quoted rules).
    quoted = {(r["kind"], code): r for r in staged if r["provider"] == "aws" for code in r["from_group"].split("|")}
    for code, like in sorted(AWS_ASSUMED_LIKE.items()):
        for kind, dst in (("inter_region", "any"), ("internet_egress", "internet")):
            if (kind, code) in quoted:
                continue
            rule = quoted[(kind, like)]
            out.append(["aws", kind, code, dst, rule["usd_per_gb"], "assumed", f"no quoted rate; assumed as {like}"])
    out.append(["*", "inter_region", "any", "any", fmt(CATCH_ALL_INTER_REGION, 4), "assumed",
                "catch-all for regions no rule covers"])
    out.append(["*", "internet_egress", "any", "internet", fmt(CATCH_ALL_EGRESS, 4), "assumed",
                "catch-all for regions no rule covers"])
    # Rule order matters (first match wins): keep the staged order, then the additions.
    return to_csv(header, out)


def derive_areas(src: Path, countries: Countries) -> str:
    rows = [r for r in read(src, "users_by_country.csv") if r["internet_users_est"]]
    world = sum(int(r["internet_users_est"]) for r in rows)
    chosen = [r for r in rows if int(r["internet_users_est"]) >= AREA_MIN_SHARE * world]
    metros = read(src, "users_metros.csv")
    # Merge metros within METRO_MERGE_KM of a more populous metro of the same country.
    metros.sort(key=lambda m: -int(m["population"]))
    kept: list[dict[str, str]] = []
    for m in metros:
        lat, lon = float(m["latitude"]), float(m["longitude"])
        if not any(
            k["country_iso2"] == m["country_iso2"]
            and great_circle_km(lat, lon, float(k["latitude"]), float(k["longitude"])) < METRO_MERGE_KM
            for k in kept
        ):
            kept.append(m)
    by_country = defaultdict(list)
    for m in kept:
        by_country[m["country_iso2"]].append(m)

    areas = []  # (name, iso2, lat, lon, users, utc_offset)
    for r in chosen:
        iso2, users = r["country_iso2"], int(r["internet_users_est"])
        ms = by_country[iso2]
        assert ms, f"{iso2} has no metro of 1M people for its time zone"
        if iso2 == "US":
            groups = defaultdict(list)
            for m in ms:
                groups[US_SPLIT[m["timezone"]]].append(m)
            total = sum(int(m["population"]) for m in ms)
            for name, g in sorted(groups.items()):
                pop = sum(int(m["population"]) for m in g)
                lat, lon = mean_position([(float(m["latitude"]), float(m["longitude"]), int(m["population"])) for m in g])
                offset = standard_utc_offset_hours(g[0]["timezone"])  # g is sorted by population
                areas.append((name, iso2, lat, lon, users * pop / total, offset))
        else:
            name = countries.name(iso2, r["country_name"])
            offset = standard_utc_offset_hours(ms[0]["timezone"])
            areas.append((name, iso2, float(r["pop_weighted_lat"]), float(r["pop_weighted_lon"]), users, offset))
    chosen_users = sum(a[4] for a in areas)
    out = [
        [name, iso2, jurisdiction(iso2), fmt(lat, 4), fmt(lon, 4), fmt(users / chosen_users, 6),
         fmt(offset, 2), str(round(users))]
        for name, iso2, lat, lon, users, offset in areas
    ]
    out.sort(key=lambda row: row[0])
    print(f"user areas: {len(out)} areas from {len(chosen)} countries cover "
          f"{chosen_users / world:.1%} of {world} estimated internet users", file=sys.stderr)
    header = ["name", "country_iso2", "jurisdiction", "lat_deg", "lon_deg", "share", "utc_offset_hours",
              "internet_users"]
    return to_csv(header, out)


def episodes(intervals: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    """Merge overlapping intervals: incidents that overlap in one region are one failure episode."""
    merged: list[list[datetime]] = []
    for b, e in sorted(intervals):
        if merged and b <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([b, e])
    return [(b, e) for b, e in merged]


def utc(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(tzinfo=timezone.utc)


def failure_row(provider: str, window: tuple[str, str], observed: set[str], per_region: dict) -> list[str]:
    hours = (utc(window[1]) - utc(window[0])).total_seconds() / 3600
    eps = [ep for code in sorted(per_region) for ep in episodes(per_region[code])]
    durations = [(e - b).total_seconds() / 3600 for b, e in eps]
    down = sum(durations)
    up = len(observed) * hours - down
    # MTTR is the median episode: status-page records stay open through residual issues and a few
    # last for weeks, so their mean says more about the record-keeping than about repair times.
    mtbf, mttr, mean = up / len(eps), statistics.median(durations), down / len(eps)
    print(f"failures {provider}: {len(observed)} regions observed, {len(eps)} episodes, MTBF {mtbf:.0f} h, "
          f"MTTR median {mttr:.2f} h, mean {mean:.2f} h", file=sys.stderr)
    return [provider, fmt(mtbf, 0), fmt(mttr, 2), fmt(mean, 2), str(len(eps)),
            fmt(len(observed) * hours / 8766, 1), window[0], window[1]]


def derive_failures(src: Path, regions: dict) -> str:
    rows = []
    # AWS: per-region service events with status 2 or 3; intervals [posted, posted + duration].
    codes = {c for p, c in regions if p == "aws"}
    observed, per_region = set(), defaultdict(list)
    for r in read(src, "reliability_aws_status_events.csv"):
        code = r["region_code"]
        if code not in codes or not (AWS_WINDOW[0] <= r["posted_utc"][:10] < AWS_WINDOW[1]):
            continue
        observed.add(code)
        if r["status_code"] in AWS_STATUSES:
            begin = datetime.fromisoformat(r["posted_utc"])
            hours = float(r["approx_duration_hours"] or 0.0)
            per_region[code].append((begin, begin + timedelta(hours=hours)))
    rows.append(failure_row("aws", AWS_WINDOW, observed, per_region))
    # GCP: outage or disruption incidents naming at most MAX_LOCATIONS locations.
    codes = {c for p, c in regions if p == "gcp"}
    observed, per_region = set(), defaultdict(list)
    for r in read(src, "reliability_gcp_incidents.csv"):
        if not (GCP_WINDOW[0] <= r["begin_utc"][:10] < GCP_WINDOW[1]):
            continue
        locations = [loc for loc in r["locations"].split(";") if loc]
        observed.update(loc for loc in locations if loc in codes)
        if r["status_impact"] not in GCP_IMPACTS or len(locations) > MAX_LOCATIONS or not r["end_utc"]:
            continue
        for loc in locations:
            if loc in codes:
                per_region[loc].append((datetime.fromisoformat(r["begin_utc"]), datetime.fromisoformat(r["end_utc"])))
    rows.append(failure_row("gcp", GCP_WINDOW, observed, per_region))
    header = ["provider", "mtbf_hours", "mttr_hours", "mean_repair_hours", "episodes", "region_years",
              "window_start", "window_end"]
    return to_csv(header, rows)


def main() -> int:
    here = Path(__file__).resolve().parent.parent
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--src", type=Path, default=here.parent.parent / "shared" / "datasets",
                    help="directory of the staged source files")
    ap.add_argument("--out", type=Path, default=here, help="directory to write (default: datasets/)")
    ap.add_argument("--check", action="store_true", help="compare with the files in --out, write nothing")
    args = ap.parse_args()

    countries = Countries(read(args.src, "users_by_country.csv"))
    regions_csv, regions = derive_regions(args.src, countries)
    files = {
        "regions.csv": regions_csv,
        "rtt_ms.csv": derive_rtt(args.src, regions),
        "compute_price_usd_per_hour.csv": derive_compute_prices(args.src, regions),
        "transfer_price_usd_per_gb.csv": derive_transfer(args.src, regions),
        "user_areas.csv": derive_areas(args.src, countries),
        "failure_defaults.csv": derive_failures(args.src, regions),
    }
    stale = []
    for name, text in files.items():
        path = args.out / name
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(name)
        else:
            path.write_text(text, encoding="utf-8", newline="\n")
    if stale:
        print("differs from a fresh derivation: " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
