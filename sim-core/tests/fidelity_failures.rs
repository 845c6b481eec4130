//! Fidelity of the failure model (issue #15): the numbers people plan with — RTO, lost
//! and refused writes, capacity after failover — against their documented definitions.

mod common;

use common::{conserved, prepare};
use sim_core::experiment::RunResult;
use sim_core::scenario::LayoutKind;
use std::process::Command;

fn pair(extra: &str, rps: f64, read_fraction: f64) -> String {
    common::pair(extra, rps, read_fraction, 8, "6m")
}

/// Active-passive Virginia → Ohio; the primary fails at 2 min for `outage_s`.
fn failover(routing: &str, client: &str, outage_s: u64) -> String {
    let extra = format!(
        r#"
[routing]
{routing}
[client]
{client}
[active_passive]
primary = "aws:us-east-1"
standby = "aws:us-east-2"
instances = 8
failover = {{ promotion = "20s" }}
[[failures]]
kind = "region-outage"
region = "aws:us-east-1"
start = "2m"
duration = "{outage_s}s"
"#
    );
    pair(&extra, 400.0, 0.5)
}

fn mean_sd(x: &[f64]) -> (f64, f64) {
    let n = x.len() as f64;
    let m = x.iter().sum::<f64>() / n;
    let v = x.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (n - 1.0);
    (m, v.sqrt())
}

// ---- 3. Probe phases come from the run's master seed ----

#[test]
fn cli_seed_flag_is_the_files_seed_byte_for_byte() {
    let dir = std::env::temp_dir().join(format!("regionsim-fidelity-seed-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let body = failover(
        "dns_ttl = \"10s\"\nhealth_check = { interval = \"30s\", failure_threshold = 1 }",
        "timeout = \"1s\"",
        300,
    );
    let run = |file_seed: u64, flag: Option<&str>, name: &str| {
        let f = dir.join(format!("{name}.toml"));
        std::fs::write(&f, format!("seed = {file_seed}\n{body}")).unwrap();
        let out = dir.join(name);
        let mut c = Command::new(env!("CARGO_BIN_EXE_regionsim"));
        c.args([
            "run",
            f.to_str().unwrap(),
            "--layout",
            "active-passive",
            "--out",
        ])
        .arg(&out);
        if let Some(s) = flag {
            c.args(["--seed", s]);
        }
        let o = c.output().expect("regionsim runs");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        out
    };
    let by_file = run(11, None, "file");
    let by_flag = run(5, Some("11"), "flag");
    let other = run(5, None, "other");
    for f in ["runs.csv", "areas.csv", "timeseries.csv"] {
        let a = std::fs::read(by_file.join(f)).unwrap();
        let b = std::fs::read(by_flag.join(f)).unwrap();
        assert!(a == b, "{f}: `--seed 11` differs from `seed = 11`");
    }
    let a = std::fs::read(by_file.join("runs.csv")).unwrap();
    let c = std::fs::read(other.join("runs.csv")).unwrap();
    assert!(a != c, "seed 5 and seed 11 gave the same run");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn replications_spread_rto_by_the_probe_phase() {
    // Threshold 1: detection waits for the next probe, uniform over the 30 s interval, so
    // across seeds the RTO spreads by about 30 / √12 ≈ 8.7 s.
    let p = prepare(&failover(
        "dns_ttl = \"5s\"\nhealth_check = { interval = \"30s\", failure_threshold = 1, timeout = \"1s\" }",
        "timeout = \"1s\"\nretries = 0",
        200,
    ));
    let rtos: Vec<f64> = (1..=16u64)
        .map(|seed| {
            let seed = sim_core::engine::derive_seed(7, "replication", seed);
            p.run_layout(LayoutKind::ActivePassive, seed).summary.rto_s
        })
        .collect();
    let (_, sd) = mean_sd(&rtos);
    let want = 30.0 / 12f64.sqrt();
    assert!(
        sd > 0.5 * want && sd < 1.6 * want,
        "RTO spread {sd:.2} s over replications, expected ≈ {want:.2}: {rtos:?}"
    );
}

// ---- 2. A probe of a dead region fails after the probe timeout ----

#[test]
fn rto_grows_by_the_probe_timeout() {
    let rto = |timeout_s: u64, seed: u64| {
        let p = prepare(&failover(
            &format!("dns_ttl = \"5s\"\nhealth_check = {{ interval = \"30s\", failure_threshold = 1, timeout = \"{timeout_s}s\" }}"),
            "timeout = \"1s\"\nretries = 0",
            200,
        ));
        p.run_layout(LayoutKind::ActivePassive, seed).summary.rto_s
    };
    // Same seeds, same probe phases: only the timeout differs.
    for seed in 1..=3 {
        let grew = rto(9, seed) - rto(1, seed);
        assert!(
            (6.0..=10.0).contains(&grew),
            "seed {seed}: RTO grew by {grew} s for an 8 s longer probe timeout"
        );
    }
}

#[test]
fn a_severely_slow_region_times_out_its_probes_and_is_routed_around() {
    // Active-active, Virginia degraded 400×: its probes (10 ms × 400 = 4 s) miss the 2 s
    // timeout, so the balancer marks it down and east's users move to Ohio. A 10×
    // slowdown (100 ms) passes the probes and stays a gray failure.
    let run = |factor: f64| {
        let extra = format!(
            r#"
[active_active]
writes = "async"
[routing]
dns_ttl = "5s"
health_check = {{ interval = "5s", failure_threshold = 2, timeout = "2s" }}
[[failures]]
kind = "degradation"
region = "aws:us-east-1"
factor = {factor}
start = "1m"
duration = "1h"
"#
        );
        prepare(&pair(&extra, 200.0, 0.9)).run_layout(LayoutKind::ActiveActive, 2)
    };
    let gray = run(10.0);
    let severe = run(400.0);
    conserved(&severe);
    let share_east = |r: &RunResult| {
        r.rec.served_by_region[0] as f64 / r.rec.served_by_region.iter().sum::<u64>() as f64
    };
    assert!(
        share_east(&gray) > 0.4,
        "10× is not detected: {}",
        share_east(&gray)
    );
    assert!(
        share_east(&severe) < 0.25,
        "400× is detected and routed around: {}",
        share_east(&severe)
    );
}

// ---- 1. A client's DNS cache survives its retries ----

#[test]
fn retries_do_not_escape_a_stale_dns_answer() {
    // A 60 s TTL: after the failover, clients keep the dead primary's address until
    // their own cache expires, retries included. Retrying cannot shorten the drain, so
    // the RTO with retries equals the RTO without (same seeds, same probe phases).
    let rto = |retries: u32, seed: u64| {
        let p = prepare(&failover(
            "dns_ttl = \"60s\"\nhealth_check = { interval = \"10s\", failure_threshold = 1, timeout = \"1s\" }",
            &format!("timeout = \"1s\"\nretries = {retries}\nbackoff_base = \"200ms\"\nbackoff_max = \"1s\"\nretry_budget = 0.0"),
            300,
        ));
        p.run_layout(LayoutKind::ActivePassive, seed).summary.rto_s
    };
    let diffs: Vec<f64> = (1..=4).map(|seed| rto(3, seed) - rto(0, seed)).collect();
    let (mean, _) = mean_sd(&diffs);
    // The probe phase alone spreads RTO by 10 / √12 ≈ 2.9 s.
    assert!(
        mean.abs() <= 2.9 && diffs.iter().all(|d| d.abs() <= 5.0),
        "RTO with retries − without: {diffs:?}"
    );
}

// ---- 8. RTO per incident ----

/// Active-active (asynchronous) with outages of Virginia at `starts` (seconds), 30 s each.
fn two_outages(starts: &[u64]) -> RunResult {
    let mut extra = String::from(
        r#"
[active_active]
writes = "async"
[routing]
dns_ttl = "10s"
health_check = { interval = "5s", failure_threshold = 2, timeout = "1s" }
[client]
timeout = "1s"
"#,
    );
    for s in starts {
        extra += &format!(
            "[[failures]]\nkind = \"region-outage\"\nregion = \"aws:us-east-1\"\nstart = \"{s}s\"\nduration = \"30s\"\n"
        );
    }
    let r = prepare(&pair(&extra, 300.0, 0.8)).run_layout(LayoutKind::ActiveActive, 5);
    conserved(&r);
    r
}

#[test]
fn two_outages_give_two_rtos_each_its_own() {
    let one = two_outages(&[60]);
    let two = two_outages(&[60, 240]);
    assert_eq!(two.incidents.len(), 2);
    let (first, second) = (&two.incidents[0], &two.incidents[1]);
    // Detection (5–10 s + 1 s) and the 10 s DNS drain: each RTO is its own, far below the
    // 180 s between the outages.
    for inc in [first, second] {
        let rto = inc.rto.as_secs_f64();
        assert!((5.0..=30.0).contains(&rto), "RTO {rto} of {inc:?}");
        assert_eq!(inc.affected_areas, 1, "east's users");
    }
    // Until the second outage the runs are the same: the first RTO does not see it.
    assert_eq!(first.rto, one.incidents[0].rto);
    assert_eq!(
        two.summary.rto_s,
        first.rto.max(second.rto).as_secs_f64(),
        "the run's RTO is the longest incident's"
    );
}

// ---- 5. Writes without a quorum are refused: `unavailable` ----

#[test]
fn writes_without_a_quorum_are_unavailable_not_timeouts() {
    // Two regions, a synchronous quorum of 2, and a 60 s partition between them: no
    // write can be acknowledged. The origin knows its replica is cut off and refuses
    // at once; clients retry, then give up with `unavailable`.
    let extra = r#"
[active_active]
writes = "sync-quorum"
quorum = 2
[client]
timeout = "1s"
retries = 1
[[failures]]
kind = "partition"
regions = ["aws:us-east-1", "aws:us-east-2"]
start = "2m"
duration = "60s"
"#;
    let r = prepare(&pair(extra, 300.0, 0.5)).run_layout(LayoutKind::ActiveActive, 3);
    conserved(&r);
    // 150 writes/s for 60 s (each refused on both attempts).
    assert!(
        r.rec.unavailable > 8_100,
        "unavailable {}, timeouts {}",
        r.rec.unavailable,
        r.rec.timeouts
    );
    // Refused fast, not left to time out.
    assert!(
        r.rec.timeouts < r.rec.unavailable / 100,
        "timeouts {}",
        r.rec.timeouts
    );
}

// ---- 7. A warm standby follows its scale-up profile ----

#[test]
fn a_warm_standby_is_half_way_up_at_half_of_scale_up() {
    use sim_core::engine::{run, Scheduler, SimDuration, SimTime, Stop};
    use sim_core::model::{layout::Plan, requests::RequestModel};
    // 20 instances, warm fraction 0.5: the standby runs 10, and after promotion grows
    // linearly to 20 over the 100 s scale-up — 15 at 50 s.
    let extra = r#"
[routing]
health_check = { interval = "5s", failure_threshold = 1, timeout = "1s" }
[active_passive]
primary = "aws:us-east-1"
standby = "aws:us-east-2"
instances = 20
standby_mode = "warm"
warm_fraction = 0.5
failover = { promotion = "10s", scale_up = "100s" }
[[failures]]
kind = "region-outage"
region = "aws:us-east-1"
start = "1m"
duration = "5m"
"#;
    let p = prepare(&pair(extra, 100.0, 0.5));
    let plan = Plan::new(&p, LayoutKind::ActivePassive);
    let mut m = RequestModel::new(&p, &plan, 1);
    let mut sched = Scheduler::new();
    m.start(&mut sched);
    let standby = 1;
    // (second, servers, promoted) after each simulated second.
    let mut trace = Vec::new();
    for s in 1..=300u64 {
        run(
            &mut m,
            &mut sched,
            Stop::at(SimTime::ZERO + SimDuration::from_secs(s)),
        );
        trace.push((s, m.servers(standby), m.writes.failovers > 0));
    }
    let promoted = trace
        .iter()
        .find(|t| t.2)
        .expect("the standby is promoted")
        .0;
    let at = |s: u64| trace.iter().find(|t| t.0 == s).unwrap().1;
    assert_eq!(
        at(promoted - 1),
        10,
        "warm: half the fleet before promotion"
    );
    assert_eq!(at(promoted), 10, "promoted at its standby capacity");
    // `promoted` is the first whole second after the promotion: k steps are done k × 10 s
    // after it, the next one 10 s later.
    assert_eq!(
        at(promoted + 50),
        15,
        "half-way at half of scale_up: {trace:?}"
    );
    assert_eq!(at(promoted + 20), 12);
    assert!(
        at(promoted + 98) < 20,
        "not full before the end of scale_up"
    );
    assert_eq!(at(promoted + 100), 20, "full at the end of scale_up");
}

// ---- 9. A demoted primary is fenced ----

#[test]
fn a_demoted_primary_acknowledges_no_write() {
    // Virginia fails at 2 min for 60 s; Ohio is promoted ~20 s in. With a 120 s TTL,
    // clients still name Virginia for over a minute after it is back: their writes reach
    // a demoted primary, which must refuse them (they would never reach Ohio).
    let p = prepare(&pair(
        r#"
[routing]
dns_ttl = "120s"
health_check = { interval = "5s", failure_threshold = 1, timeout = "1s" }
[client]
timeout = "1s"
retries = 1
[active_passive]
primary = "aws:us-east-1"
standby = "aws:us-east-2"
instances = 8
failover = { promotion = "10s" }
[[failures]]
kind = "region-outage"
region = "aws:us-east-1"
start = "2m"
duration = "60s"
"#,
        300.0,
        0.0,
    ));
    let r = p.run_layout(LayoutKind::ActivePassive, 4);
    conserved(&r);
    assert_eq!(r.writes.failovers, 1);
    // Every write Virginia handled after its return (minute 3 on) was refused.
    let (requests, failed) = r
        .rec
        .series
        .cells()
        .filter(|&(minute, region, _)| region == 0 && minute >= 3)
        .fold((0, 0), |(n, f), (_, _, c)| (n + c.requests, f + c.failed));
    assert!(
        requests > 1000,
        "stale clients reached the old primary: {requests}"
    );
    assert_eq!(failed, requests, "a demoted primary acknowledged writes");
    assert!(r.writes.fenced >= requests, "fenced {}", r.writes.fenced);
    assert!(r.rec.unavailable > 0 && r.rec.unavailable <= r.writes.fenced);
}
