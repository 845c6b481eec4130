//! Shared dependencies (#20): their regions fail together, each `affects` does what the
//! docs say, random outages come in groups, and the annual model's common-cause term
//! agrees with the years simulation.

mod common;

use sim_core::scenario::LayoutKind;

/// Three aws regions (two in the east), one area each side, active-active, then `extra`.
fn three_regions(extra: &str) -> String {
    format!(
        r#"
duration = "12m"
warmup = "1m"
[workload]
peak_rps = 300.0
diurnal = false
read_fraction = 0.8
keys = 1000
[[areas]]
name = "virginia"
lat_deg = 38.9
lon_deg = -77.0
jurisdiction = "US"
share = 0.7
[[areas]]
name = "oregon"
lat_deg = 45.5
lon_deg = -122.7
jurisdiction = "US"
share = 0.3
[[regions]]
id = "aws:us-east-1"
instances = 8
[[regions]]
id = "aws:us-east-2"
instances = 8
[[regions]]
id = "aws:us-west-2"
instances = 8
[routing]
dns_ttl = "10s"
health_check = {{ interval = "5s", failure_threshold = 2, timeout = "1s" }}
[client]
timeout = "1s"
retries = 2
[active_active]
writes = "async"
{extra}
"#
    )
}

const EAST_ALL: &str = r#"
[[dependencies]]
name = "east"
regions = ["aws:us-east-1", "AWS:US-EAST-2"]
affects = "all"
[[failures]]
kind = "dependency-outage"
dependency = "east"
start = "3m"
duration = "4m"
"#;

#[test]
fn dependent_regions_fail_together_and_the_others_do_not() {
    let r = common::prepare(&three_regions(EAST_ALL)).run_layout(LayoutKind::ActiveActive, 1);
    let regions: Vec<usize> = r.incidents.iter().map(|i| i.region).collect();
    assert_eq!(regions, vec![0, 1], "both east regions, not us-west-2");
    assert_eq!(
        r.incidents[0].start, r.incidents[1].start,
        "at the same instant"
    );
    // The east users were rerouted to us-west-2: they recover after detection + TTL.
    let rto = r
        .incidents
        .iter()
        .map(|i| i.rto.as_secs_f64())
        .fold(0.0, f64::max);
    assert!(rto > 5.0 && rto < 60.0, "rto {rto}");
    // Two independent region outages at the same times give the same picture: the
    // dependency is exactly a simultaneous outage of its regions.
    let by_hand = three_regions(
        r#"
[[failures]]
kind = "region-outage"
region = "aws:us-east-1"
start = "3m"
duration = "4m"
[[failures]]
kind = "region-outage"
region = "aws:us-east-2"
start = "3m"
duration = "4m"
"#,
    );
    let h = common::prepare(&by_hand).run_layout(LayoutKind::ActiveActive, 1);
    assert_eq!(h.summary.failed, r.summary.failed);
    assert_eq!(h.summary.served, r.summary.served);
}

#[test]
fn a_writes_dependency_refuses_writes_and_serves_reads() {
    let extra = r#"
[[dependencies]]
name = "identity"
provider = "aws"
affects = "writes"
[[failures]]
kind = "dependency-outage"
dependency = "identity"
start = "3m"
duration = "3m"
"#;
    let r = common::prepare(&three_regions(extra)).run_layout(LayoutKind::ActiveActive, 2);
    // About 3 of the 12 measured minutes refuse writes (20 % of 300/s): ≈ 10,800 writes.
    let u = r.summary.unavailable;
    assert!((9_000..13_000).contains(&u), "unavailable {u}");
    assert_eq!(r.summary.timeouts, 0, "nothing is down");
    assert!(r.incidents.is_empty(), "no region outage");
    let reads = r.rec.read_latency.count();
    assert!(reads > 150_000, "reads served throughout: {reads}");
}

#[test]
fn a_routing_dependency_delays_the_failover_until_it_is_back() {
    let outage = r#"
[[failures]]
kind = "region-outage"
region = "aws:us-east-1"
start = "3m"
duration = "6m"
"#;
    let dns = r#"
[[dependencies]]
name = "global-dns"
regions = ["aws:us-east-1"]
affects = "routing"
[[failures]]
kind = "dependency-outage"
dependency = "global-dns"
start = "2m"
duration = "3m"
"#;
    let plain = common::prepare(&three_regions(outage)).run_layout(LayoutKind::ActiveActive, 3);
    let frozen = common::prepare(&three_regions(&format!("{outage}{dns}")))
        .run_layout(LayoutKind::ActiveActive, 3);
    let rto = |r: &sim_core::experiment::RunResult| r.incidents[0].rto.as_secs_f64();
    assert!(rto(&plain) < 30.0, "plain {}", rto(&plain));
    // The balancer acts only from 5 min on: detection (≤ 2 × 5 s + 1 s) and the TTL later.
    assert!(
        rto(&frozen) >= 120.0 && rto(&frozen) <= 150.0,
        "frozen {}",
        rto(&frozen)
    );
}

#[test]
fn random_dependency_outages_hit_every_dependent_region_at_once() {
    let extra = r#"
[random_failures]
enabled = true
mtbf = "1000000h"
[[dependencies]]
name = "east"
regions = ["aws:us-east-1", "aws:us-east-2"]
mtbf = "2m"
mttr = "20s"
"#;
    let r = common::prepare(&three_regions(extra)).run_layout(LayoutKind::ActiveActive, 4);
    assert!(r.incidents.len() >= 4, "{}", r.incidents.len());
    assert_eq!(r.incidents.len() % 2, 0);
    for pair in r.incidents.chunks(2) {
        assert_eq!((pair[0].region, pair[1].region), (0, 1));
        assert_eq!(pair[0].start, pair[1].start);
    }
}

/// A provider-wide dependency (every region of every layout) is a common cause: the chain
/// multiplies by its availability, and the years simulation — which runs it as its own
/// process — agrees within its confidence interval.
#[test]
fn the_annual_model_matches_the_years_simulation_with_a_common_cause() {
    use sim_core::experiment::availability::{availability, params_for};
    let extra = r#"
[random_failures]
mtbf = "3000h"
mttr = "6h"
[[dependencies]]
name = "aws"
provider = "aws"
mtbf = "2000h"
mttr = "10h"
"#;
    let with = common::prepare(&three_regions(extra));
    let without = common::prepare(&three_regions(
        "[random_failures]\nmtbf = \"3000h\"\nmttr = \"6h\"\n",
    ));
    let cfg = sim_core::analytic::years::YearsConfig {
        replications: 8,
        years_per_replication: 250,
        seed: 12,
    };
    let u_dep = 10.0 / 2010.0;
    let rows = availability(&with, &cfg).unwrap();
    let base = availability(&without, &cfg).unwrap();
    for (row, b) in rows.iter().zip(&base) {
        let (_, params) = params_for(&with, row.layout);
        assert_eq!(params.common_causes.len(), 1, "{}", row.layout);
        let a = row.analytic.availability;
        assert!(
            (a - b.analytic.availability * (1.0 - u_dep)).abs() < 1e-12,
            "{}: the common-cause term multiplies",
            row.layout
        );
        let s = &row.simulated.availability;
        let half = (s.high - s.low) / 2.0;
        assert!(
            (s.mean - a).abs() <= 3.0 * half + 2e-5,
            "{}: years {} ± {half} vs chain {a}",
            row.layout,
            s.mean
        );
        // It costs about U_dep of availability: far more than the regions' own.
        assert!(b.simulated.availability.mean - s.mean > 0.5 * u_dep);
    }
}

#[test]
fn a_writes_dependency_is_a_common_cause_of_the_write_share() {
    use sim_core::experiment::availability::params_for;
    let extra = r#"
[[dependencies]]
name = "east-writes"
regions = ["aws:us-east-1"]
affects = "writes"
mtbf = "1000h"
mttr = "1h"
"#;
    let p = common::prepare(&three_regions(extra));
    let (_, params) = params_for(&p, LayoutKind::ActiveActive);
    // Virginia (70 % of users) writes to us-east-1; writes are 20 % of requests.
    let c = params.common_causes[0];
    assert!((c.down_share - 0.2 * 0.7).abs() < 1e-9, "{}", c.down_share);
}

#[test]
fn dependency_fields_are_checked_with_their_place() {
    let check = |extra: &str, want: &str| {
        let toml = three_regions(extra);
        // Loading checks too (and locates each problem); validation without a file says
        // the same by field path.
        let all = common::problems(&toml);
        assert!(all.iter().any(|e| e.contains(want)), "{all:?} lacks {want}");
    };
    check(
        "[[dependencies]]\nname = \"global-dns\"\nprovider = \"aws\"\n[[failures]]\nkind = \"dependency-outage\"\ndependency = \"globl-dns\"\nstart = \"1m\"\nduration = \"1m\"\n",
        "test.toml:43:14: failures[0].dependency: no [[dependencies]] entry is named `globl-dns`; did you mean `global-dns`?",
    );
    check(
        "[[dependencies]]\nname = \"dns\"\nprovider = \"gcp\"\n",
        "dependencies[0].provider: no deployed region is from provider `gcp`",
    );
    check(
        "[[dependencies]]\nname = \"dns\"\nprovider = \"aws\"\nregions = [\"aws:us-east-1\"]\n",
        "dependencies[0]: give either `regions = [..]`",
    );
    check(
        "[[dependencies]]\nname = \"dns\"\nregions = [\"aws:eu-west-1\"]\n",
        "dependencies[0].regions[0]: `aws:eu-west-1` is not one of the deployment's regions",
    );
    check(
        "[[dependencies]]\nname = \"dns\"\nprovider = \"aws\"\nmtbf = \"100h\"\n",
        "dependencies[0]: random outages of a dependency need both `mtbf` and `mttr`",
    );
}
