//! Region-state simulation over years: the Monte Carlo twin of the Markov availability
//! models, on the same DES engine as the request-level simulation.
//!
//! Outages are rare, so an hours-long request-level run cannot say what a year looks
//! like. This model keeps only region states: each region alternates exponential up-times
//! (mean MTBF, stream `("failures", region)`) and repair times (mean MTTR, stream
//! `("repairs", region)`); the layout reacts with failovers, reroutes and outages exactly
//! as described in [`crate::analytic::availability`], except that
//!
//! - the failover delay `D` (active-passive, sharded with standby) is **deterministic**,
//!   where the Markov chain uses an Erlang-k approximation of it;
//! - the reroute delay `R` (active-active) is deterministic and tracked per failed region,
//!   where the chain books its expected cost as an impulse. Stranded users come back when
//!   their region is repaired, if that is sooner; they lose what the others are served
//!   (everything above the write quorum, the reads below it), so a stranded share is
//!   never counted twice.
//!
//! Both differences are second order in `D·λ` and `R·λ` (see the tests for their size
//! against the confidence intervals).
//!
//! Replications run in parallel with rayon. Replication `r` uses its own streams, seeded
//! with `engine::derive_seed(seed, "years", r)`; results are collected in replication order
//! and reduced sequentially, so the report is identical for any number of threads. Because
//! region failures come from their own streams and do not depend on the layout, two
//! layouts simulated with the same seed see the same outages (common random numbers).
//!
//! Each replication starts with every region up and simulates whole years of 8766 h; the
//! report gives the mean, the standard deviation of single years, the 95 % confidence
//! interval of the mean (over replications) and the p50/p90/p99 of single years
//! ([`summary`]).

mod model;
pub mod summary;

use crate::analytic::availability::{AvailabilityError, AvailabilityParams, Layout};
use crate::engine::{derive_seed, Streams};
pub use crate::metrics::stats::Interval;
use rayon::prelude::*;
use serde::Serialize;
pub use summary::Summary;

/// At most this many years per replication: simulated time is a u64 of nanoseconds
/// (about 584 years); use more replications instead.
pub const MAX_YEARS_PER_REPLICATION: u32 = 500;

/// How much to simulate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct YearsConfig {
    /// Independent replications (at least 2 for a finite confidence interval).
    pub replications: u32,
    /// Years simulated in each replication.
    pub years_per_replication: u32,
    /// Master seed; replication `r` uses `derive_seed(seed, "years", r)`.
    pub seed: u64,
}

/// What happened in one simulated year.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct YearOutcome {
    /// User-weighted downtime: minutes × fraction of users not served.
    pub downtime_min: f64,
    /// Failovers begun (per shard; reroutes for active-active).
    pub failovers: u32,
    /// Acknowledged writes lost.
    pub lost_writes: f64,
}

/// The summary of a years simulation.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct YearsReport {
    pub replications: u32,
    pub years_per_replication: u32,
    /// Mean availability (user-weighted) and its 95 % confidence interval.
    pub availability: Interval,
    pub downtime_min_per_year: Summary,
    pub failovers_per_year: Summary,
    pub lost_writes_per_year: Summary,
}

impl YearsConfig {
    pub fn validate(&self) -> Result<(), AvailabilityError> {
        let bad = |field, reason: &str| {
            Err(AvailabilityError::Invalid {
                field,
                reason: reason.to_string(),
            })
        };
        if self.replications == 0 {
            return bad("replications", "at least one replication is needed");
        }
        if self.years_per_replication == 0 {
            return bad("years_per_replication", "at least one year is needed");
        }
        if self.years_per_replication > MAX_YEARS_PER_REPLICATION {
            return bad(
                "years_per_replication",
                "at most 500 years fit in one replication; use more replications",
            );
        }
        Ok(())
    }
}

/// Simulates `cfg.replications × cfg.years_per_replication` years of `layout` in
/// parallel and summarises them; see the module docs.
pub fn simulate_years(
    layout: Layout,
    params: &AvailabilityParams,
    cfg: &YearsConfig,
) -> Result<YearsReport, AvailabilityError> {
    params.validate(layout)?;
    cfg.validate()?;
    let plan = model::Plan::new(layout, params);
    let runs: Vec<Vec<YearOutcome>> = (0..cfg.replications)
        .into_par_iter()
        .map(|rep| {
            let streams = Streams::new(derive_seed(cfg.seed, "years", rep as u64));
            plan.run(streams, cfg.years_per_replication)
        })
        .collect();
    Ok(summarise(&runs, cfg))
}

/// One replication: `years` years with the streams of `master_seed`.
pub fn simulate_replication(
    layout: Layout,
    params: &AvailabilityParams,
    master_seed: u64,
    years: u32,
) -> Result<Vec<YearOutcome>, AvailabilityError> {
    params.validate(layout)?;
    YearsConfig {
        replications: 1,
        years_per_replication: years,
        seed: master_seed,
    }
    .validate()?;
    Ok(model::Plan::new(layout, params).run(Streams::new(master_seed), years))
}

fn summarise(runs: &[Vec<YearOutcome>], cfg: &YearsConfig) -> YearsReport {
    let column = |f: fn(&YearOutcome) -> f64| -> Vec<Vec<f64>> {
        runs.iter().map(|ys| ys.iter().map(f).collect()).collect()
    };
    let downtime = Summary::of(&column(|y| y.downtime_min));
    let minutes = model::YEAR.as_secs_f64() / 60.0;
    YearsReport {
        replications: cfg.replications,
        years_per_replication: cfg.years_per_replication,
        availability: Interval {
            mean: 1.0 - downtime.mean / minutes,
            low: 1.0 - downtime.ci95_high / minutes,
            high: 1.0 - downtime.ci95_low / minutes,
        },
        downtime_min_per_year: downtime,
        failovers_per_year: Summary::of(&column(|y| y.failovers as f64)),
        lost_writes_per_year: Summary::of(&column(|y| y.lost_writes)),
    }
}
