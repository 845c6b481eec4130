//! Autoscaling (#20) on `datasets/examples/autoscaling.toml`: the policy converges to its
//! target utilisation after a step in load (a failover surge), the boot delay shows as a
//! latency spike of the predicted length (evaluation + boot), the bill counts the
//! instance-hours actually provisioned, and the policy's fields are checked.

use sim_core::experiment::{load_file, load_text, RunResult};
use sim_core::scenario::LayoutKind;
use std::path::{Path, PathBuf};

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../datasets/examples/autoscaling.toml")
}

fn run() -> RunResult {
    let loaded = load_file(Some(&example())).unwrap_or_else(|e| panic!("{e}"));
    loaded
        .spec
        .run_layout(LayoutKind::ActiveActive, loaded.scenario.seed)
}

/// `(minute, requests, p99 ms, instances)` of us-east-1 (region 0), from timeseries.csv.
fn east(r: &RunResult) -> Vec<(u64, f64, f64, f64)> {
    let bytes = sim_core::export::csv_out::timeseries_csv([r.files()]).unwrap();
    let mut rd = csv::Reader::from_reader(bytes.as_slice());
    let head = rd.headers().unwrap().clone();
    let col = |n: &str| head.iter().position(|h| h == n).unwrap();
    let (m, reg, req, p99, inst) = (
        col("minute"),
        col("region"),
        col("requests"),
        col("p99_ms"),
        col("instances"),
    );
    rd.records()
        .map(|x| x.unwrap())
        .filter(|x| &x[reg] == "aws:us-east-1")
        .map(|x| {
            (
                x[m].parse().unwrap(),
                x[req].parse().unwrap(),
                x[p99].parse().unwrap(),
                x[inst].parse().unwrap(),
            )
        })
        .collect()
}

#[test]
fn converges_to_the_target_utilisation_after_a_step_in_load() {
    let r = run();
    let rows = east(&r);
    let mu = 50.0; // 20 ms service
    let util = |rows: &[(u64, f64, f64, f64)]| {
        let served: f64 = rows.iter().map(|x| x.1).sum();
        let inst: f64 = rows.iter().map(|x| x.3).sum();
        served / 60.0 / mu / inst
    };
    // Before the surge: 300 req/s, 6 busy, ⌈6 / 0.6⌉ = 10–11 instances.
    let before: Vec<_> = rows
        .iter()
        .copied()
        .filter(|x| (5..12).contains(&x.0))
        .collect();
    let after: Vec<_> = rows
        .iter()
        .copied()
        .filter(|x| (20..27).contains(&x.0))
        .collect();
    for x in &before {
        assert!((10.0..=11.0).contains(&x.3), "before: {x:?}");
    }
    // After it: 600 req/s, 12 busy, ⌈12 / 0.6⌉ = 20–21 instances, utilisation ≈ 0.6.
    for x in &after {
        assert!((19.0..=22.0).contains(&x.3), "after: {x:?}");
    }
    let (u0, u1) = (util(&before), util(&after));
    assert!((u0 - 0.6).abs() < 0.06, "utilisation before {u0}");
    assert!((u1 - 0.6).abs() < 0.05, "utilisation after {u1}");
    assert!(r.summary.scale_outs >= 2, "{}", r.summary.scale_outs);
}

#[test]
fn the_boot_delay_shows_as_a_latency_spike_of_the_predicted_length() {
    let r = run();
    let rows = east(&r);
    let calm: Vec<f64> = rows
        .iter()
        .filter(|x| (3..12).contains(&x.0))
        .map(|x| x.2)
        .collect();
    let baseline = calm.iter().copied().fold(0.0, f64::max);
    let spiked: Vec<u64> = rows
        .iter()
        .filter(|x| x.2 > 3.0 * baseline)
        .map(|x| x.0)
        .collect();
    // The outage at 12 min doubles the load; the evaluation at 13 min (the first whose
    // window saw it) launches instances that serve `boot` = 3 min later, at 16 min. The
    // predicted spike is [12, 16): evaluation + boot = 4 minutes, plus the queue's drain
    // in the first seconds of minute 16 (an outcome is booked when it ends).
    assert_eq!(
        spiked.first(),
        Some(&12),
        "{spiked:?} (baseline p99 {baseline} ms)"
    );
    let last = *spiked.last().unwrap();
    assert!(last == 15 || last == 16, "{spiked:?}");
    assert!(
        spiked.windows(2).all(|w| w[1] == w[0] + 1),
        "one spike: {spiked:?}"
    );
    // Capacity steps up exactly when the boot completes: 16 min.
    let inst = |m: u64| rows.iter().find(|x| x.0 == m).unwrap().3;
    assert!(
        inst(15) <= 11.0 && inst(16) >= 17.0,
        "{} → {}",
        inst(15),
        inst(16)
    );
}

#[test]
fn the_bill_counts_the_instance_hours_actually_provisioned() {
    let r = run();
    let rows = east(&r);
    // us-east-2's 12 fixed instances over the 25-minute window, plus us-east-1's
    // provisioned instances (booting included), which are at least its serving ones.
    let window_h = 25.0 / 60.0;
    let fixed = 12.0 * window_h;
    let serving_east: f64 = rows
        .iter()
        .filter(|x| (2..27).contains(&x.0))
        .map(|x| x.3 / 60.0)
        .sum();
    let east_h = r.summary.instance_hours - fixed;
    // Booting time is paid too: two scale-outs (7, then ≈ 4 instances) of 3 minutes each.
    let booting_h = east_h - serving_east;
    assert!(
        (0.4..0.65).contains(&booting_h),
        "provisioned {east_h} h vs serving {serving_east} h"
    );
    // The monthly compute bill is the same instance count at the hourly price.
    let fixed_run = {
        let text = std::fs::read_to_string(example()).unwrap();
        let text = text.replace(
            "autoscaling = { target_utilisation = 0.6, min = 4, max = 40, evaluation = \"1m\", boot = \"3m\", cooldown = \"5m\" }",
            "",
        );
        let (s, cat) = load_text(&text, &example()).unwrap();
        let spec = sim_core::spec::validate(&s, &cat).unwrap();
        spec.run_layout(LayoutKind::ActiveActive, s.seed)
    };
    assert_eq!(fixed_run.summary.scale_outs, 0);
    assert!((fixed_run.summary.instance_hours - 22.0 * window_h).abs() < 1e-9);
    let per_instance_month =
        fixed_run.summary.compute_usd_month / (fixed_run.summary.instance_hours / window_h);
    let want = r.summary.instance_hours / window_h * per_instance_month;
    assert!(
        (r.summary.compute_usd_month - want).abs() / want < 1e-9,
        "{} vs {want}",
        r.summary.compute_usd_month
    );
}

#[test]
fn autoscaling_fields_are_checked_with_their_place() {
    let text = std::fs::read_to_string(example()).unwrap();
    let bad = text.replace(
        "target_utilisation = 0.6, min = 4, max = 40",
        "target_utilisation = 1.5, min = 0, max = 40",
    );
    let err = load_text(&bad, Path::new("a.toml"))
        .expect_err("invalid")
        .to_string();
    assert!(
        err.contains("regions[0].autoscaling.target_utilisation: must be a utilisation in (0, 1)"),
        "{err}"
    );
    assert!(
        err.contains("regions[0].autoscaling.min: must be at least 1"),
        "{err}"
    );
    let bad = text.replace("min = 4, max = 40", "min = 4, max = 3");
    let err = load_text(&bad, Path::new("a.toml"))
        .expect_err("invalid")
        .to_string();
    assert!(
        err.contains("regions[0].autoscaling.max: must be at least min (4), got 3"),
        "{err}"
    );
}
