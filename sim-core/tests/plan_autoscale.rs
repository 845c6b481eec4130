//! The planner choosing autoscaling (#20, `PlanOptions::autoscaling`): on a diurnal
//! workload, an autoscaled design (min/max, billed by the instance-hours it provisions)
//! meets the same objectives as the fixed fleet sized for the peak, for less.

use sim_core::experiment::load_text;
use sim_core::experiment::plan::{plan, PlanAutoscaling, PlanOptions, Status};
use sim_core::scenario::LayoutKind;
use std::path::Path;
use std::sync::atomic::AtomicBool;

/// Virginia users on us-east-1, 40 requests/s at the 14:00 peak and a fifth of it at the
/// trough; six hours from 04:00 local (09:00 UTC) climbing towards the peak. Service
/// 50 ms exponential; p99 ≤ 400 ms.
const DIURNAL: &str = r#"
name = "diurnal"
seed = 5
duration = "6h"
warmup = "10m"
start_utc_hour = 9.0
[workload]
peak_rps = 40.0
diurnal = true
trough_fraction = 0.2
peak_local_hour = 14.0
read_fraction = 0.9
[[areas]]
name = "virginia"
lat_deg = 38.9
lon_deg = -77.0
jurisdiction = "US"
share = 1.0
utc_offset_hours = -5.0
[[regions]]
id = "aws:us-east-1"
service_time = { dist = "exponential", mean = "50ms" }
[slo]
p99 = "400ms"
"#;

#[test]
fn autoscaling_on_a_diurnal_workload_is_a_cheaper_feasible_design() {
    let (s, cat) = load_text(DIURNAL, Path::new("diurnal.toml")).unwrap();
    let opts = PlanOptions {
        layouts: vec![LayoutKind::ActiveActive],
        replications: 1,
        instances: Some(vec![8]),
        at_peak: false,
        autoscaling: Some(PlanAutoscaling::default()),
        ..PlanOptions::default()
    };
    let r = plan(&s, &cat, &opts, &AtomicBool::new(false), &|_| {}).unwrap();
    let feasible: Vec<_> = r.feasible().collect();
    let fixed = feasible
        .iter()
        .find(|d| !d.design.shape.autoscaled)
        .expect("the fixed fleet of 8 is feasible");
    let scaled = feasible
        .iter()
        .find(|d| d.design.shape.autoscaled)
        .expect("the autoscaled design (max 8, min 2) is feasible");
    assert_eq!(scaled.layout, "active-active+autoscaled");
    // The fixed fleet pays 8 instances all day; the autoscaled one about what the load
    // needs at 0.6 utilisation (≈ 2–4 busy of 50 ms at 8–40 requests/s).
    let (cf, ca) = (fixed.cost(), scaled.cost());
    assert!(
        ca < 0.8 * cf,
        "autoscaled ${ca:.0} vs fixed ${cf:.0} per month"
    );
    // Ranked first: cheapest feasible.
    assert_eq!(r.designs[0].status, Status::Feasible);
    assert!(r.designs[0].design.shape.autoscaled);
    // Without the option, no autoscaled design is considered.
    let plain = PlanOptions {
        autoscaling: None,
        ..opts
    };
    let r = plan(&s, &cat, &plain, &AtomicBool::new(false), &|_| {}).unwrap();
    assert!(r.designs.iter().all(|d| !d.design.shape.autoscaled));
}

#[test]
fn a_bad_autoscaling_option_is_named() {
    let (s, cat) = load_text(DIURNAL, Path::new("diurnal.toml")).unwrap();
    let opts = PlanOptions {
        autoscaling: Some(PlanAutoscaling {
            min_fraction: 1.5,
            ..PlanAutoscaling::default()
        }),
        ..PlanOptions::default()
    };
    let e = plan(&s, &cat, &opts, &AtomicBool::new(false), &|_| {})
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("autoscaling.min_fraction: must lie in (0, 1], got 1.5"),
        "{e}"
    );
}
