//! The planner's sequential rule: a design's steady replications stop at the first look
//! when every objective is clearly met or one is clearly missed, and run to the cap when
//! the interval straddles a bound; a steady replication measures about
//! `replication_requests` requests.

use sim_core::catalog::Catalog;
use sim_core::engine::SimDuration;
use sim_core::experiment::load_text;
use sim_core::experiment::plan::verify::replication_window;
use sim_core::experiment::plan::{verify_designs, Design, PlanOptions, Shape, Verification};
use sim_core::scenario::{LayoutKind, Scenario};
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

const TINY: &str = include_str!("data/plan_tiny.toml");

fn tiny(slo: &str) -> (Scenario, Arc<Catalog>) {
    let text = format!("{TINY}\n[slo]\n{slo}\n");
    load_text(&text, Path::new("tiny.toml")).expect("the tiny scenario is valid")
}

/// Active-active on all three candidate regions with `n` instances each.
fn all_three(n: u32) -> Design {
    Design {
        shape: Shape {
            layout: LayoutKind::ActiveActive,
            regions: vec![0, 1, 2],
            sharded_standby: false,
            standby_mode: None,
            autoscaled: false,
        },
        instances: vec![n; 3],
    }
}

fn sequential(first: u32, cap: u32) -> PlanOptions {
    PlanOptions {
        replications: first,
        max_replications: cap,
        ..PlanOptions::default()
    }
}

fn verify_one(s: &Scenario, cat: &Catalog, d: &Design, opts: &PlanOptions) -> Verification {
    verify_designs(
        s,
        cat,
        std::slice::from_ref(d),
        opts,
        &AtomicBool::new(false),
    )
    .unwrap()
    .remove(0)
    .expect("a design of its own shape")
}

#[test]
fn a_clearly_feasible_design_stops_at_the_first_look() {
    let (s, cat) = tiny("p99 = \"2s\"\navailability = 0.99");
    let v = verify_one(&s, &cat, &all_three(4), &sequential(3, 9));
    assert!(v.feasible(), "{:?}", v.misses);
    assert_eq!(v.replications, 3);
    assert_eq!(v.runs, 3);
    assert!(v.p99_ms.high < 2000.0);
}

#[test]
fn a_clearly_infeasible_design_stops_at_the_first_look() {
    // Two instances of 20 ms each per region at ~67 req/s: queues are long, the p99 is
    // far above 60 ms (and the round trips alone are under it: nothing is pruned here).
    let (s, cat) = tiny("p99 = \"60ms\"");
    let v = verify_one(&s, &cat, &all_three(2), &sequential(3, 9));
    assert!(!v.feasible());
    assert!(v.p99_ms.low > 60.0, "{:?}", v.p99_ms);
    assert_eq!(v.replications, 3);
}

#[test]
fn a_borderline_design_runs_to_the_cap_and_is_judged_there() {
    // The bound is the design's own mean p99 over four replications: the interval straddles
    // it at every look.
    let (mut s, cat) = tiny("p99 = \"1s\"");
    let d = all_three(4);
    let fixed = verify_one(&s, &cat, &d, &sequential(4, 4));
    assert_eq!(
        fixed.replications, 4,
        "a cap equal to the first look is a fixed number"
    );
    let m = fixed.p99_ms.mean;
    assert!(fixed.p99_ms.high > fixed.p99_ms.low, "replications differ");
    s.slo.p99 = Some(SimDuration::from_secs_f64(m / 1e3));
    let v = verify_one(&s, &cat, &d, &sequential(2, 7));
    assert_eq!(v.replications, 7, "p99 {:?} against {m}", v.p99_ms);
    assert!(v.p99_ms.low <= m && m < v.p99_ms.high, "{:?} {m}", v.p99_ms);
    assert!(!v.feasible(), "at the cap a straddling interval misses");
    // The first replications are the fixed run's (the same seeds: common random numbers).
    let four = verify_one(&s, &cat, &d, &sequential(4, 4));
    assert_eq!(four.p99_ms, fixed.p99_ms);
}

#[test]
fn one_replication_decides_nothing_unless_it_is_the_cap() {
    let (s, cat) = tiny("p99 = \"2s\"");
    let d = all_three(4);
    assert_eq!(verify_one(&s, &cat, &d, &sequential(1, 1)).replications, 1);
    assert_eq!(verify_one(&s, &cat, &d, &sequential(1, 5)).replications, 3);
}

#[test]
fn a_residency_miss_is_settled_at_once() {
    // Active-active stores EU users' data in the US: a violation in the first runs.
    let (s, cat) = tiny("p99 = \"10s\"\nresidency = true");
    let v = verify_one(&s, &cat, &all_three(4), &sequential(2, 8));
    assert!(v.residency_violations > 0 && !v.feasible());
    assert_eq!(v.replications, 2);
}

#[test]
fn a_replication_window_holds_about_the_requests_asked_for() {
    let (s, _) = tiny("");
    // 200 req/s: 2,000 requests take 10 s; the warm-up (10 s) is at most the window.
    let (w, warm) = replication_window(&s, 2_000);
    assert_eq!(w, SimDuration::from_secs(10));
    assert_eq!(warm, SimDuration::from_secs(10));
    let (w, warm) = replication_window(&s, 200);
    assert_eq!(w, SimDuration::from_secs(5), "at least five seconds");
    assert_eq!(warm, SimDuration::from_secs(5));
    assert_eq!(
        replication_window(&s, 10_000_000).0,
        s.duration,
        "at most the scenario's"
    );
}
