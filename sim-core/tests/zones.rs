//! Availability zones (#20): a zone outage against queueing theory, its lost in-flight
//! work, all zones down as a region outage, random zone failures, and the zone level of
//! the annual model.

mod common;

use sim_core::analytic::erlang::{erlang_c, mmc_mean_wait};
use sim_core::export::csv_out::regions_csv;
use sim_core::scenario::LayoutKind;

/// One area at Virginia, one region of `instances` over `zones` zones, exponential 20 ms
/// service (μ = 50/s), `rps` arrivals, no diurnal curve, reads only, then `extra`.
fn one_region(instances: u32, zones: u32, rps: f64, extra: &str) -> String {
    format!(
        r#"
duration = "1h"
warmup = "2m"
[workload]
peak_rps = {rps}
diurnal = false
read_fraction = 1.0
[[areas]]
name = "here"
lat_deg = 39.0
lon_deg = -77.5
jurisdiction = "US"
share = 1.0
[[regions]]
id = "aws:us-east-1"
instances = {instances}
zones = {zones}
service_time = {{ dist = "exponential", mean = "20ms" }}
queue_limit = 1000000
{extra}
"#
    )
}

/// The row of `regions.csv` as a lookup by column name.
fn region_row(r: &sim_core::experiment::RunResult) -> impl Fn(&str) -> f64 {
    let bytes = regions_csv([r.files()]).unwrap();
    let mut rd = csv::Reader::from_reader(bytes.as_slice());
    let head = rd.headers().unwrap().clone();
    let row = rd.records().next().unwrap().unwrap();
    move |name: &str| {
        let i = head.iter().position(|h| h == name).unwrap();
        row[i].parse().unwrap()
    }
}

/// λ = 160/s, μ = 50/s, c = 6 over 3 zones; zone 2 is down for the whole run, so the
/// region is M/M/4 (c·(z−1)/z) at ρ = 0.8 — not M/M/6 (ρ = 0.53), whose P(wait) is a
/// quarter as large.
#[test]
fn a_zone_outage_turns_mmc_into_mmc_times_z_minus_1_over_z() {
    let toml = one_region(
        6,
        3,
        160.0,
        r#"
[client]
timeout = "1h"
[[failures]]
kind = "zone-outage"
region = "aws:us-east-1"
zone = 2
start = "0s"
duration = "2h"
"#,
    );
    let r = common::prepare(&toml).run_layout(LayoutKind::ActiveActive, 3);
    let get = region_row(&r);
    let rel = |got: f64, want: f64| (got - want).abs() / want;
    let (lambda, mu) = (160.0, 50.0);
    assert_eq!(get("servers"), 4.0, "6 × (3 − 1)/3 instances serve");
    assert!(
        rel(get("utilisation"), 0.8) < 0.01,
        "{}",
        get("utilisation")
    );
    let pw = erlang_c(4, lambda / mu);
    assert!(
        rel(get("p_wait"), pw) < 0.03,
        "P(wait) {} vs M/M/4 {pw}",
        get("p_wait")
    );
    let full = erlang_c(6, lambda / mu);
    assert!(get("p_wait") > 2.0 * full, "not M/M/6 ({full})");
    let wq_ms = 1e3 * mmc_mean_wait(4, lambda, mu);
    assert!(
        rel(get("mean_wait_ms"), wq_ms) < 0.06,
        "Wq {} vs {wq_ms}",
        get("mean_wait_ms")
    );
    assert_eq!(
        r.rec.failed, 0,
        "a zone outage with headroom loses nothing queued"
    );
}

/// λ = 1000/s on 45 instances (20 busy on average) over 3 zones; zone 1 fails at 10 min
/// for 5 min. Its share of the work in service, ≈ 20 × 15/45 ≈ 7 requests, gets no answer
/// (no retries: each is one timeout); nothing else fails, and the same run without the
/// outage fails nothing.
#[test]
fn a_zone_outage_loses_its_share_of_the_work_in_service() {
    let base = r#"
[client]
timeout = "3s"
retries = 0
"#;
    let outage = r#"
[[failures]]
kind = "zone-outage"
region = "aws:us-east-1"
zone = 1
start = "10m"
duration = "5m"
"#;
    let calm =
        common::prepare(&one_region(45, 3, 1000.0, base)).run_layout(LayoutKind::ActiveActive, 4);
    assert_eq!(calm.rec.failed, 0);
    let hit = common::prepare(&one_region(45, 3, 1000.0, &format!("{base}{outage}")))
        .run_layout(LayoutKind::ActiveActive, 4);
    assert!(
        (2..=16).contains(&hit.rec.timeouts) && hit.rec.failed == hit.rec.timeouts,
        "lost in service: {} timeouts, {} failed",
        hit.rec.timeouts,
        hit.rec.failed
    );
    // 30 instances carry the load at ρ = 1000/(30·50) ≈ 0.67 while the zone is out: the
    // loss is only the in-service share, and no region outage is recorded.
    assert!(hit.incidents.is_empty(), "{:?}", hit.incidents.len());
}

/// Every zone down is a region outage: an incident with its RTO, and the region's users
/// fail over (active-active to the second region).
#[test]
fn all_zones_down_is_a_region_outage() {
    let toml = format!(
        "{}{}",
        one_region(8, 2, 100.0, ""),
        r#"
[[regions]]
id = "aws:us-east-2"
instances = 8
[[failures]]
kind = "zone-outage"
region = "aws:us-east-1"
zone = 1
start = "10m"
duration = "10m"
[[failures]]
kind = "zone-outage"
region = "aws:us-east-1"
zone = 2
start = "12m"
duration = "5m"
"#
    );
    let r = common::prepare(&toml).run_layout(LayoutKind::ActiveActive, 2);
    assert_eq!(
        r.incidents.len(),
        1,
        "one region outage, when the second zone failed"
    );
    let rto = r.incidents[0].rto.as_secs_f64();
    assert!(rto > 5.0 && rto < 300.0, "rto {rto}");
}

#[test]
fn random_zone_failures_happen_at_their_rate_and_leave_runs_without_them_unchanged() {
    let plain = one_region(6, 3, 50.0, "[random_failures]\nenabled = false\n");
    let zones = one_region(
        6,
        3,
        50.0,
        "[random_failures]\nenabled = true\nmtbf = \"1000000h\"\nzones = { mtbf = \"20m\", mttr = \"5m\" }\n",
    );
    let a = common::prepare(&plain).run_layout(LayoutKind::ActiveActive, 9);
    let b = common::prepare(&zones).run_layout(LayoutKind::ActiveActive, 9);
    // Three zones, each down 5/25 of the time: the mean capacity is 6 × 0.8 = 4.8 (and
    // the region is never down for long: all three down has probability 0.008).
    let mean_servers = |r: &sim_core::experiment::RunResult| r.stations[0].mean_servers;
    assert_eq!(mean_servers(&a), 6.0);
    let m = mean_servers(&b);
    assert!(
        (4.0..5.6).contains(&m),
        "mean servers with random zone outages: {m}"
    );
    // Arrivals are the same users either way (their streams do not move).
    assert_eq!(a.rec.requests, b.rec.requests);
}

#[test]
fn the_annual_model_learns_the_zone_level() {
    use sim_core::experiment::availability::{availability, params_for};
    let toml = r#"
[[regions]]
id = "aws:us-east-1"
zones = 2
[[regions]]
id = "aws:us-west-2"
zones = 2
[random_failures]
mtbf = "4000000h"
mttr = "1h"
zones = { mtbf = "50h", mttr = "20h" }
"#;
    let p = common::prepare(toml);
    let (_, params) = params_for(&p, LayoutKind::Sharded);
    // A region is down while both its zones are: u² with u = 20/70 (often, so that the
    // years simulation sees many double failures and its interval is honest).
    let u: f64 = 20.0 / 70.0;
    let unavail = params.mttr_h / (params.mtbf_h + params.mttr_h);
    assert!(
        (unavail - u * u).abs() / (u * u) < 1e-3,
        "{unavail} vs {}",
        u * u
    );
    // And the years simulation agrees with the chain on the result.
    let cfg = sim_core::analytic::years::YearsConfig {
        replications: 8,
        years_per_replication: 200,
        seed: 3,
    };
    for row in availability(&p, &cfg).unwrap() {
        let s = &row.simulated.availability;
        let a = row.analytic.availability;
        let half = (s.high - s.low) / 2.0;
        assert!(
            (s.mean - a).abs() <= 3.0 * half + 1e-6,
            "{}: sim {} ± {half} vs chain {a}",
            row.layout,
            s.mean
        );
    }
}

#[test]
fn zone_fields_are_checked_with_their_place() {
    let check = |extra: &str, want: &str| {
        let toml = format!("{}{extra}", one_region(6, 3, 10.0, ""));
        // Loading checks too (and locates each problem); validation without a file says
        // the same by field path.
        let all = common::problems(&toml);
        assert!(all.iter().any(|e| e.contains(want)), "{all:?} lacks {want}");
    };
    check(
        "[[failures]]\nkind = \"zone-outage\"\nregion = \"aws:us-east-1\"\nzone = 4\nstart = \"1m\"\nduration = \"1m\"\n",
        "failures[0].zone: `aws:us-east-1` has 3 zones: give a zone from 1 to 3",
    );
    check(
        "[[failures]]\nkind = \"zone-outage\"\nregion = \"aws:eu-west-1\"\nzone = 1\nstart = \"1m\"\nduration = \"1m\"\n",
        "failures[0].region: `aws:eu-west-1` is not one of the deployment's regions",
    );
    check(
        "[random_failures]\nzones = { mtbf = \"0s\", mttr = \"1h\" }\n",
        "random_failures.zones.mtbf: must be longer than 0s",
    );
}
