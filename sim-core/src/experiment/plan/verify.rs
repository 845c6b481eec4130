//! Request-level verification of finalists, and the feasibility rule.
//!
//! Each design is simulated (rayon, one job per run, results in job order):
//!
//! - **steady** runs: replications with seeds `derive_seed(seed, "plan", i)` (the same seeds
//!   for every design: common random numbers), at least `replications` of them and more,
//!   two at a time up to `max_replications`, while the 95 % interval of an objective still
//!   straddles its bound (the *sequential rule* below). At peak load without failures a
//!   replication is stationary, so it need not be long: with `replication_requests` its
//!   measured window holds about that many requests (at least
//!   [`MIN_REPLICATION_WINDOW`](super::spec::MIN_REPLICATION_WINDOW), at most the
//!   scenario's window) and its warm-up is at most that window. With `--window`,
//!   `--keep-failures`, autoscaling or follow-the-sun the run is not stationary and keeps
//!   the scenario's window and warm-up;
//! - **N+1** runs (if required): for each region the design uses, that region is down from
//!   time zero to the end; the warm-up is stretched to the *settle time* (detection
//!   `threshold × interval + probe timeout`, + promotion and scale-up where a standby is
//!   promoted, + DNS TTL, + the longest retry chain `(retries + 1) × timeout + retries ×
//!   backoff_max`), so the measured window is entirely "one region down, failover done";
//! - **RPO** runs (if an RPO bound is set and the layout can lose acknowledged writes):
//!   for each region the design uses, an outage over the middle half of the window.
//!
//! A design is **feasible** when every objective holds (`Verification::misses` empty):
//!
//! | objective | rule |
//! |---|---|
//! | p99 (global, per area) | upper end of the 95 % CI of the mean p99 over steady runs ≤ bound |
//! | availability | CTMC annual availability × lower end of the CI of the run's served fraction ≥ target |
//! | budget | upper end of the CI of the monthly cost ≤ budget |
//! | residency | zero violations in every run (steady, N+1 and RPO) |
//! | RPO | the oldest lost write in every RPO run ≤ bound (0 by construction for synchronous quorums ≥ 2 and layouts without replicas) |
//! | N+1 | in every N+1 run: p99 of served requests ≤ the global bound, each bounded area's p99 ≤ its bound, and every area has ≥ 99 % of its requests served |
//!
//! The interval is `mean ± t_{0.975, n−1} · s/√n` over replications; with one
//! replication it collapses to the single value.
//!
//! **Sequential rule.** After each look (the first after `replications` steady runs, the
//! outage runs alongside), a design stops when its verdict is settled: some objective is
//! missed beyond doubt (the whole interval on the wrong side of its bound, a residency
//! violation, an RPO or N+1 miss, a run that failed), or every interval lies wholly on the
//! right side of its bound. Otherwise it gets two more steady replications, up to the cap;
//! at the cap the rule above decides, so a design whose interval still straddles a bound
//! is infeasible. With a single replication nothing is settled statistically (the
//! interval is unknown) unless the cap is 1. Each design's looks depend only on its own
//! runs, so its verdict is the same in a plan and in [`super::verify_designs`], on any
//! number of threads.

use super::candidates::{design_scenario, Design};
use super::spec::{Objectives, PlanError, PlanOptions, MIN_REPLICATION_WINDOW};
use crate::catalog::Catalog;
use crate::engine::{derive_seed, SimDuration};
use crate::metrics::stats::Interval;
use crate::metrics::stats::Moments;
use crate::model::cost::cost;
use crate::model::layout::Plan;
use crate::scenario::{FailureSpec, LayoutKind, Scenario};
use rayon::prelude::*;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// The mean of `xs` with its 95 % confidence interval ([`Moments::interval95`]); one
/// replication gives the single value.
pub fn stat(xs: impl IntoIterator<Item = f64>) -> Interval {
    let m = Moments::of(xs);
    m.interval95().unwrap_or(Interval::point(m.mean()))
}

/// What one simulated outage of one region showed (worst over its replications).
#[derive(Clone, Debug, PartialEq)]
pub struct OutageCheck {
    pub region: String,
    /// p99 of the requests served while the region was down, ms.
    pub p99_ms: f64,
    /// Per area: p99 of its served requests, ms.
    pub area_p99_ms: Vec<f64>,
    /// The lowest fraction of an area's requests served, and that area.
    pub min_served: f64,
    pub min_served_area: String,
}

/// The simulated evidence about one design and its verdict.
#[derive(Clone, Debug, PartialEq)]
pub struct Verification {
    pub runs: usize,
    /// Steady replications simulated (the sequential rule's sample size).
    pub replications: usize,
    pub cost_usd: Interval,
    pub p99_ms: Interval,
    pub area_p99_ms: Vec<Interval>,
    /// Fraction of requests served in the steady runs.
    pub served: Interval,
    /// Annual availability of the layout from the CTMC.
    pub annual_availability: Option<f64>,
    /// Annual availability × the steady runs' served fraction (mean and CI low end).
    pub availability: f64,
    pub availability_low: f64,
    pub residency_violations: u64,
    /// Worst observed RPO in seconds (`Some(0)` when no write can be lost).
    pub rpo_s: Option<f64>,
    pub outages: Vec<OutageCheck>,
    /// Objectives missed, each as a short text; empty when feasible.
    pub misses: Vec<String>,
}

impl Verification {
    pub fn feasible(&self) -> bool {
        self.misses.is_empty()
    }
}

#[derive(Clone, Copy, Debug)]
pub(super) enum Kind {
    Steady,
    /// Region (index in the design) down for the whole run.
    Settled(usize),
    /// Region down for the middle half of the window.
    Rpo(usize),
}

#[derive(Clone)]
pub(super) struct Out {
    pub(super) p99_ms: f64,
    pub(super) area_p99_ms: Vec<f64>,
    pub(super) served: f64,
    pub(super) area_served: Vec<f64>,
    pub(super) residency: u64,
    pub(super) cost: f64,
    pub(super) rpo_s: f64,
}

/// What verification needs to know of a design besides its scenario.
pub struct Finalist {
    pub design: Design,
    /// Regions (indices in the design) whose outage is simulated.
    pub used: Vec<usize>,
    pub lossy: bool,
    pub annual_availability: Option<f64>,
}

/// Time from a region's failure until routing has settled and retries have drained.
pub fn settle_time(s: &Scenario, layout: LayoutKind) -> SimDuration {
    let hc = &s.routing.health_check;
    let t = hc.interval.mul_f64(hc.failure_threshold as f64)
        + hc.timeout
        + s.routing.dns_ttl
        + crate::model::layout::failover_delay(s, layout);
    let c = &s.client;
    t + c.timeout.mul_f64(c.retries as f64 + 1.0)
        + c.backoff_max.mul_f64(c.retries as f64)
        + SimDuration::from_secs(1)
}

/// Whether a steady run of `s` is stationary (every area at its peak, no failure, fixed
/// fleets), so that a short replication measures what a long one does.
fn stationary(s: &Scenario, opts: &PlanOptions) -> bool {
    opts.at_peak
        && !opts.keep_failures
        && s.failures.is_empty()
        && s.regions.iter().all(|r| r.autoscaling.is_none())
        && s.active_passive.follow_the_sun.is_none()
}

/// A steady replication's measured window and warm-up: about `requests` requests at the
/// scenario's peak rate (every area at its peak, the shares summing to 1), between
/// [`MIN_REPLICATION_WINDOW`] and the scenario's window; the warm-up at most the window.
pub fn replication_window(s: &Scenario, requests: u64) -> (SimDuration, SimDuration) {
    let rate = s.workload.peak_rps.max(1e-9);
    let window = SimDuration::from_secs_f64(requests as f64 / rate)
        .max(MIN_REPLICATION_WINDOW)
        .min(s.duration);
    (window, s.warmup.min(window))
}

fn scenario_for(base: &Scenario, f: &Finalist, kind: Kind, opts: &PlanOptions) -> Scenario {
    let mut s = design_scenario(base, &f.design, opts);
    match kind {
        Kind::Steady => {
            if let Some(n) = opts.replication_requests.filter(|_| stationary(&s, opts)) {
                (s.duration, s.warmup) = replication_window(&s, n);
            }
        }
        Kind::Settled(r) => {
            let settle = settle_time(&s, f.design.shape.layout);
            s.warmup = s.warmup.max(settle);
            s.failures.push(FailureSpec::RegionOutage {
                region: s.regions[r].id.clone(),
                start: SimDuration::ZERO,
                duration: s.warmup + s.duration + settle + SimDuration::from_hours(1),
            });
        }
        Kind::Rpo(r) => s.failures.push(FailureSpec::RegionOutage {
            region: s.regions[r].id.clone(),
            start: s.warmup + s.duration.mul_f64(0.25),
            duration: s.duration.mul_f64(0.5),
        }),
    }
    s
}

fn run(
    base: &Scenario,
    catalog: &Catalog,
    f: &Finalist,
    kind: Kind,
    rep: u32,
    opts: &PlanOptions,
) -> Result<Out, String> {
    let s = scenario_for(base, f, kind, opts);
    let p = crate::spec::validate(&s, catalog).map_err(|e| {
        e.iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("; ")
    })?;
    let layout = f.design.shape.layout;
    let r = p.run_layout(layout, derive_seed(opts.seed, "plan", rep as u64));
    let mut real = s.clone();
    real.workload = base.workload.clone();
    let plan = Plan::new(&p, layout);
    let mut c = cost(&p.world, &plan, &real, &r.rec, &r.writes);
    if f.design.shape.autoscaled {
        // Billed by the instance-hours its policy provisioned (plan/autoscale.rs).
        c.compute = r.cost.compute;
    }
    // The run's own figures (its RunSummary): p99 is the objectives' QUANTILE.
    let sum = &r.summary;
    Ok(Out {
        p99_ms: sum.p99_ms,
        area_p99_ms: sum.areas.iter().map(|a| a.p99_ms).collect(),
        served: sum.availability,
        area_served: sum.areas.iter().map(|a| a.availability).collect(),
        residency: sum.residency_violations,
        cost: c.total(),
        rpo_s: sum.rpo_s,
    })
}

/// One simulation job: design, kind of run, replication.
type Job = (usize, Kind, u32);

/// Steady replications added at each look after the first.
const STEP: u32 = 2;

/// Simulates every finalist and judges it, looking again after each stage of runs (the
/// sequential rule in the module docs); `progress(done, total)` after each run, `total`
/// growing as stages are added. Runs go in parallel; results are combined in job order,
/// so the outcome does not depend on the number of threads.
pub fn verify(
    base: &Scenario,
    catalog: &Catalog,
    finalists: &[Finalist],
    obj: &Objectives,
    opts: &PlanOptions,
    cancel: &AtomicBool,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Vec<Verification>, PlanError> {
    let cap = opts.replication_cap();
    let first = opts.replications.min(cap);
    let mut jobs: Vec<Job> = Vec::new();
    for (i, f) in finalists.iter().enumerate() {
        jobs.extend((0..first).map(|k| (i, Kind::Steady, k)));
        for &r in &f.used {
            if obj.n_plus_one {
                jobs.extend((0..opts.outage_replications).map(|k| (i, Kind::Settled(r), k)));
            }
            if obj.rpo_s.is_some() && f.lossy {
                jobs.extend((0..opts.outage_replications).map(|k| (i, Kind::Rpo(r), k)));
            }
        }
    }
    let mut steady = vec![first; finalists.len()];
    let mut per: Vec<Vec<(Kind, Result<Out, String>)>> =
        finalists.iter().map(|_| Vec::new()).collect();
    let done = AtomicUsize::new(0);
    let mut total = 0;
    let mut verdicts: Vec<Verification> = Vec::new();
    while !jobs.is_empty() {
        total += jobs.len();
        progress(done.load(Ordering::Relaxed), total);
        let outs: Vec<Option<Result<Out, String>>> = jobs
            .par_iter()
            .map(|&(i, kind, rep)| {
                if cancel.load(Ordering::Relaxed) {
                    return None;
                }
                let o = run(base, catalog, &finalists[i], kind, rep, opts);
                let d = done.fetch_add(1, Ordering::Relaxed) + 1;
                progress(d, total);
                Some(o)
            })
            .collect();
        if cancel.load(Ordering::Relaxed) || outs.iter().any(Option::is_none) {
            return Err(PlanError::Cancelled);
        }
        for ((i, kind, _), o) in jobs.drain(..).zip(outs.into_iter().flatten()) {
            per[i].push((kind, o));
        }
        verdicts = Vec::with_capacity(finalists.len());
        for (i, f) in finalists.iter().enumerate() {
            let (v, open) = super::judge::judge(base, f, &per[i], obj);
            if open && steady[i] < cap {
                let more = (cap - steady[i]).min(STEP);
                jobs.extend((steady[i]..steady[i] + more).map(|k| (i, Kind::Steady, k)));
                steady[i] += more;
            }
            verdicts.push(v);
        }
    }
    Ok(verdicts)
}
