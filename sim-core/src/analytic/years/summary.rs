//! Summary statistics of replicated simulations: mean, spread, confidence interval and
//! percentiles, on the shared [`crate::metrics::stats`].
//!
//! Replications are independent, so the 95 % confidence interval of a mean is built from
//! the replication means `x̄_r` (each the average over that replication's years):
//! `x̄ ± t_{0.975, R−1} · s/√R`, with `s` the sample standard deviation of the `x̄_r`
//! (Law, *Simulation Modeling and Analysis*, 5th ed., §9.4.1). Years inside one
//! replication are not independent (an outage can straddle New Year), which is why they
//! are not used as the sample for the interval. The standard deviation and percentiles,
//! on the other hand, describe single years: they are taken over every simulated year
//! pooled, so "p99 of annual downtime" means 99 % of simulated years had less.
//!
//! Percentiles use the nearest-rank definition: the smallest value such that at least
//! `p` of the sample is at or below it. All sums run in replication order, so the result
//! does not depend on how the replications were scheduled on threads.

use crate::metrics::stats::{percentile, Interval, Moments};
use serde::Serialize;

/// Mean, spread, 95 % confidence interval of the mean, and percentiles of a yearly figure.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Summary {
    /// Mean over all simulated years.
    pub mean: f64,
    /// Sample standard deviation of single years.
    pub std_dev: f64,
    /// 95 % confidence interval of the mean (infinite with a single replication).
    pub ci95_low: f64,
    pub ci95_high: f64,
    /// Percentiles of single years.
    pub p50: f64,
    pub p90: f64,
    pub p99: f64,
}

impl Summary {
    /// Summarises `per_replication[r][y]`: year `y` of replication `r` (all replications
    /// the same length, at least one year each).
    pub fn of(per_replication: &[Vec<f64>]) -> Summary {
        let mut means = Moments::default();
        let mut years = Moments::default();
        for ys in per_replication {
            let one = Moments::of(ys.iter().copied());
            means.push(one.mean());
            years.merge(&one);
        }
        let m = means.mean();
        let half = means.ci95().unwrap_or(f64::INFINITY);
        let mut all: Vec<f64> = per_replication.iter().flatten().copied().collect();
        all.sort_by(f64::total_cmp);
        Summary {
            mean: m,
            std_dev: years.sd().unwrap_or(0.0),
            ci95_low: m - half,
            ci95_high: m + half,
            p50: percentile(&all, 0.50),
            p90: percentile(&all, 0.90),
            p99: percentile(&all, 0.99),
        }
    }

    /// The interval of the mean alone.
    pub fn interval(&self) -> Interval {
        Interval {
            mean: self.mean,
            low: self.ci95_low,
            high: self.ci95_high,
        }
    }

    /// True when `x` lies in the 95 % confidence interval.
    pub fn ci_contains(&self, x: f64) -> bool {
        self.interval().contains(x)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_by_hand() {
        // Two replications of two years: means 1.5 and 3.5.
        let s = Summary::of(&[vec![1.0, 2.0], vec![3.0, 4.0]]);
        assert_eq!(s.mean, 2.5);
        let half = crate::metrics::stats::t975(1) * 2.0f64.sqrt() / 2.0f64.sqrt();
        assert!((s.ci95_high - (2.5 + half)).abs() < 1e-12);
        assert!((half - 12.706).abs() < 1e-3);
        assert!((s.std_dev - (5.0f64 / 3.0).sqrt()).abs() < 1e-12);
        assert_eq!((s.p50, s.p90, s.p99), (2.0, 4.0, 4.0));
        assert!(s.ci_contains(2.5) && !s.ci_contains(30.0));
        let one = Summary::of(&[vec![7.0]]);
        assert_eq!(one.mean, 7.0);
        assert!(one.ci95_low.is_infinite() && one.ci_contains(1e9));
    }
}
