//! Replicated comparisons on common random numbers (#19): replication 0 is today's
//! compare, the numbers do not depend on the thread count, and pairing on common random
//! numbers gives a narrower interval of a difference than independent seeds.

mod common;

use sim_core::export::csv_out::runs_csv;
use sim_core::export::replicated::{intervals_csv, replications_csv};
use sim_core::metrics::Metric;
use sim_core::scenario::LayoutKind;

/// The default scenario, small: 6 simulated minutes (the us-east-1 outage from minute 4
/// to 9 inside them) at 300 req/s.
fn small(service_mean: &str) -> String {
    sim_core::experiment::DEFAULT_SCENARIO
        .replace("duration = \"10m\"", "duration = \"6m\"")
        .replace("peak_rps = 12000.0", "peak_rps = 300.0")
        .replace("mean = \"4ms\" }", &format!("mean = \"{service_mean}\" }}"))
}

#[test]
fn one_replication_is_the_plain_compare_and_replication_zero_never_moves() {
    let p = common::prepare(&small("4ms"));
    let plain = p.compare(42);
    let one = p.replicate(&LayoutKind::ALL, 42, 1);
    let three = p.replicate(&LayoutKind::ALL, 42, 3);
    let bytes = |runs: &[sim_core::experiment::RunResult]| {
        runs_csv(runs.iter().map(|r| &r.summary)).unwrap()
    };
    assert_eq!(bytes(&one.first), bytes(&plain));
    assert_eq!(bytes(&three.first), bytes(&plain));
    assert_eq!(one.replications(), 1);
    assert_eq!(three.replications(), 3);
    // Replication k has one seed for every layout, and the seeds differ between k.
    for k in 0..3 {
        let seeds: Vec<u64> = three.runs.iter().map(|r| r[k].seed).collect();
        assert!(seeds.iter().all(|&s| s == seeds[0]), "{seeds:?}");
    }
    assert_ne!(three.runs[0][1].seed, three.runs[0][2].seed);
    assert_eq!(three.runs[0][0].seed, 42);
}

#[test]
fn the_same_numbers_on_one_and_on_three_threads() {
    let p = common::prepare(&small("4ms"));
    let files = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let r = pool.install(|| p.replicate(&LayoutKind::ALL, 7, 4));
        (
            replications_csv(r.all_summaries()).unwrap(),
            intervals_csv(&r.intervals()).unwrap(),
        )
    };
    let one = files(1);
    assert_eq!(one, files(3));
    // Four replications of three layouts, one row each plus the header.
    assert_eq!(one.0.iter().filter(|&&b| b == b'\n').count(), 13);
}

/// Half-width of the paired interval of `m` for `layout`.
fn half_width(d: &sim_core::metrics::Paired, layout: LayoutKind, m: Metric) -> f64 {
    let r = d
        .rows
        .iter()
        .find(|r| r.layout == layout && r.metric == m.name())
        .unwrap();
    (r.ci95_high.unwrap().value - r.ci95_low.unwrap().value) / 2.0
}

/// B serves 25 % slower (5 ms instead of 4 ms per request). On common random numbers
/// (B on A's replication seeds) its users, arrivals and service draws are A's, so the
/// difference in mean latency is measured far more precisely than when B runs on
/// independent seeds: the paired interval is several times narrower, for every layout.
#[test]
fn common_random_numbers_narrow_the_interval_of_a_difference() {
    let (a, b) = (
        common::prepare(&small("4ms")),
        common::prepare(&small("5ms")),
    );
    let reps = 6;
    let base = a.replicate(&LayoutKind::ALL, 42, reps);
    let crn = b
        .replicate(&LayoutKind::ALL, 42, reps)
        .against(&base)
        .unwrap();
    let independent = b
        .replicate(&LayoutKind::ALL, 1_000_003, reps)
        .against(&base)
        .unwrap();
    assert!(crn.common_random_numbers);
    assert!(!independent.common_random_numbers);
    for l in LayoutKind::ALL {
        let (w_crn, w_ind) = (
            half_width(&crn, l, Metric::P50),
            half_width(&independent, l, Metric::P50),
        );
        assert!(
            w_crn * 3.0 < w_ind,
            "{l}: p50 difference ± {w_crn} ms on common random numbers, ± {w_ind} ms independent"
        );
        // Both intervals are valid: they cover B's slower service (~+1 ms per request).
        let d = crn
            .rows
            .iter()
            .find(|r| r.layout == l && r.metric == "p50_ms")
            .unwrap();
        assert!(d.difference.value > 0.0 && d.significant(), "{d:?}");
    }
}
