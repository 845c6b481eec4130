//! Zone-aware database placement (#20, `[active_passive.data_zone]`): the outage of the
//! zone holding the primary's database, without the option (capacity only), with the
//! database in that zone alone (a region outage: cross-region failover, lost writes) and
//! with a synchronous replica in another zone (an in-region failover: writes refused for
//! `failover`, nothing lost), against hand-computed numbers; the annual model's zone
//! level; and the fields' checks.

mod common;

use sim_core::experiment::{load_text, RunResult};
use sim_core::scenario::LayoutKind;
use std::path::Path;

/// Virginia users, primary us-east-1 (9 instances over 3 zones) with a hot standby in
/// us-east-2; 400 requests/s of which 100 writes/s; replication lag exactly 1 s; health
/// checks every 1 s, 2 failures, 500 ms timeout; promotion 10 s; DNS TTL 0; no retries.
/// Zone 1 of us-east-1 is down from 3 to 8 minutes. Then `extra`.
fn scenario(extra: &str) -> String {
    format!(
        r#"
duration = "12m"
warmup = "1m"
seed = 4
layout = "active-passive"
[workload]
peak_rps = 400.0
diurnal = false
read_fraction = 0.75
[[areas]]
name = "virginia"
lat_deg = 38.9
lon_deg = -77.0
jurisdiction = "US"
share = 1.0
[[regions]]
id = "aws:us-east-1"
instances = 9
zones = 3
service_time = {{ dist = "exponential", mean = "10ms" }}
[[regions]]
id = "aws:us-east-2"
instances = 9
zones = 3
service_time = {{ dist = "exponential", mean = "10ms" }}
[routing]
dns_ttl = "0s"
health_check = {{ interval = "1s", failure_threshold = 2, timeout = "500ms" }}
[client]
timeout = "1s"
retries = 0
[[failures]]
kind = "zone-outage"
region = "aws:us-east-1"
zone = 1
start = "3m"
duration = "5m"
[active_passive]
primary = "aws:us-east-1"
standby = "aws:us-east-2"
standby_mode = "hot"
instances = 9
replication_lag = {{ dist = "constant", value = "1s" }}
failover = {{ promotion = "10s" }}
{extra}
"#
    )
}

fn run(extra: &str) -> RunResult {
    common::prepare(&scenario(extra)).run_layout(LayoutKind::ActivePassive, 4)
}

#[test]
fn without_placement_a_zone_outage_costs_capacity_only() {
    let r = run("");
    assert!(r.incidents.is_empty(), "no region outage");
    assert_eq!(r.summary.failovers, 0);
    assert_eq!(r.summary.lost_writes, 0);
    assert_eq!(r.summary.unavailable, 0);
}

/// The database only in zone 1: its outage is a region outage of the primary. Detection
/// takes (2 − 1) × 1 s + 0.5 s to 2 × 1 s + 0.5 s, promotion 10 s, TTL 0: the RTO lies in
/// [11.5 s, 13.5 s] (+ 1 s for whole seconds). The writes acknowledged in the last lag +
/// one-way delay (1 s + ~5 ms between the two Virginia-Ohio regions) are lost: ≈ 100.
#[test]
fn the_data_zone_alone_fails_over_to_the_other_region_and_loses_the_lag() {
    let r = run("data_zone = { zone = 1 }");
    assert_eq!(r.incidents.len(), 1, "one region outage");
    assert_eq!(r.summary.failovers, 1);
    let rto = r.incidents[0].rto.as_secs_f64();
    assert!((11.5..=14.5).contains(&rto), "rto {rto}");
    let lost = r.summary.lost_writes;
    assert!(
        (70..=135).contains(&lost),
        "lost {lost} ≈ 100 writes/s × 1.005 s"
    );
    assert!(
        r.summary.rpo_s > 0.9 && r.summary.rpo_s < 1.2,
        "{}",
        r.summary.rpo_s
    );
    // Zone 3 (the standby's zones are all up) has nothing to do with it.
    let other = run("data_zone = { zone = 3 }");
    assert!(other.incidents.is_empty() && other.summary.lost_writes == 0);
}

/// With a synchronous replica in zone 2, zone 1's outage is an in-region failover: writes
/// refused for 30 s (100 writes/s × 30 s ≈ 3000 `unavailable`, no retries), no region
/// outage, no cross-region promotion, nothing lost.
#[test]
fn a_replica_in_another_zone_fails_over_inside_the_region_and_loses_nothing() {
    let r = run("data_zone = { zone = 1, replica = \"other-zone\", failover = \"30s\" }");
    assert!(r.incidents.is_empty(), "no region outage");
    assert_eq!(r.summary.failovers, 0, "no cross-region promotion");
    assert_eq!(r.summary.lost_writes, 0);
    let refused = r.summary.unavailable;
    assert!(
        (2800..=3200).contains(&refused),
        "refused {refused} ≈ 100 writes/s × 30 s"
    );
}

#[test]
fn the_annual_model_counts_the_data_zones() {
    use sim_core::experiment::availability::params_for;
    // A region is down while the zones holding its database are: u (one zone), u² (with a
    // replica), u³ without placement (all three zones), u = 20/70.
    let base = r#"
[[regions]]
id = "aws:us-east-1"
zones = 3
[[regions]]
id = "aws:us-west-2"
zones = 3
[random_failures]
mtbf = "4000000h"
mttr = "1h"
zones = { mtbf = "50h", mttr = "20h" }
[active_passive]
"#;
    let u: f64 = 20.0 / 70.0;
    for (extra, want) in [
        ("", u.powi(3)),
        ("data_zone = { zone = 2 }", u),
        ("data_zone = { zone = 2, replica = \"other-zone\" }", u * u),
    ] {
        let p = common::prepare(&format!("{base}{extra}\n"));
        let (_, params) = params_for(&p, LayoutKind::ActivePassive);
        let unavail = params.mttr_h / (params.mtbf_h + params.mttr_h);
        assert!(
            (unavail - want).abs() / want < 1e-3,
            "{extra}: {unavail} vs {want}"
        );
        // Other layouts keep every zone.
        let (_, aa) = params_for(&p, LayoutKind::ActiveActive);
        let u3 = aa.mttr_h / (aa.mtbf_h + aa.mttr_h);
        assert!((u3 - u.powi(3)).abs() / u.powi(3) < 1e-3, "{u3}");
    }
}

#[test]
fn data_zone_fields_are_checked_with_their_place() {
    let err = |extra: &str| -> String {
        match load_text(&scenario(extra), Path::new("test.toml")) {
            Err(e) => e.to_string(),
            Ok((s, cat)) => format!(
                "{:?}",
                sim_core::spec::validate(&s, &cat).expect_err("invalid")
            ),
        }
    };
    let e = err("data_zone = { zone = 4 }");
    assert!(
        e.contains(
            "active_passive.data_zone.zone: `aws:us-east-1` has 3 zones: give a zone from 1 to 3"
        ),
        "{e}"
    );
    let one = scenario("data_zone = { zone = 1, replica = \"other-zone\" }").replace(
        "instances = 9\nzones = 3\nservice_time = { dist = \"exponential\", mean = \"10ms\" }\n[[regions]]\nid = \"aws:us-east-2\"",
        "instances = 9\nzones = 1\nservice_time = { dist = \"exponential\", mean = \"10ms\" }\n[[regions]]\nid = \"aws:us-east-2\"",
    );
    let e = load_text(&one, Path::new("test.toml"))
        .expect_err("one zone cannot hold a replica elsewhere")
        .to_string();
    assert!(
        e.contains("active_passive.data_zone.replica: `aws:us-east-1` has one zone"),
        "{e}"
    );
    let e = err("data_zone = { zone = 1, replica = \"elsewhere\" }");
    assert!(e.contains("active_passive.data_zone.replica"), "{e}");
}
