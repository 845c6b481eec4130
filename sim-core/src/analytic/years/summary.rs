//! Summary statistics of replicated simulations: mean, spread, confidence interval and
//! percentiles.
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

/// A mean with its 95 % confidence interval.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Interval {
    pub mean: f64,
    pub ci95_low: f64,
    pub ci95_high: f64,
}

impl Summary {
    /// Summarises `per_replication[r][y]`: year `y` of replication `r` (all replications
    /// the same length, at least one year each).
    pub fn of(per_replication: &[Vec<f64>]) -> Summary {
        let means: Vec<f64> = per_replication.iter().map(|ys| mean(ys)).collect();
        let m = mean(&means);
        let r = means.len();
        let half = if r > 1 {
            t_975(r as u64 - 1) * std_dev(&means, m) / (r as f64).sqrt()
        } else {
            f64::INFINITY
        };
        let mut all: Vec<f64> = per_replication.iter().flatten().copied().collect();
        let sd = std_dev(&all, m);
        all.sort_by(f64::total_cmp);
        Summary {
            mean: m,
            std_dev: sd,
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
            ci95_low: self.ci95_low,
            ci95_high: self.ci95_high,
        }
    }

    /// True when `x` lies in the 95 % confidence interval.
    pub fn ci_contains(&self, x: f64) -> bool {
        self.ci95_low <= x && x <= self.ci95_high
    }
}

fn mean(xs: &[f64]) -> f64 {
    xs.iter().sum::<f64>() / xs.len() as f64
}

/// Sample standard deviation about `m` (`n − 1` in the denominator; 0 for one value).
fn std_dev(xs: &[f64], m: f64) -> f64 {
    if xs.len() < 2 {
        return 0.0;
    }
    let ss: f64 = xs.iter().map(|x| (x - m) * (x - m)).sum();
    (ss / (xs.len() - 1) as f64).sqrt()
}

/// Nearest-rank percentile of a sorted, non-empty sample.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    let n = sorted.len();
    // The guard keeps p·n = 90.000000000000014 (round-off) at rank 90.
    let rank = (p * n as f64 * (1.0 - 1e-12)).ceil() as usize;
    sorted[rank.clamp(1, n) - 1]
}

/// The 0.975 quantile of Student's t with `df` degrees of freedom (infinite for `df = 0`);
/// see [`crate::metrics::stats::t975`].
pub fn t_975(df: u64) -> f64 {
    if df == 0 {
        f64::INFINITY
    } else {
        crate::metrics::stats::t975(df)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t_quantiles_match_the_table_and_the_normal_limit() {
        assert!((t_975(1) - 12.706).abs() < 1e-3);
        // Published values: t(40) = 2.021, t(60) = 2.000, t(120) = 1.980.
        assert!(
            (t_975(30) - 2.042).abs() < 1e-3,
            "expansion agrees at the seam"
        );
        assert!((t_975(40) - 2.021).abs() < 1e-3);
        assert!((t_975(60) - 2.000).abs() < 1e-3);
        assert!((t_975(120) - 1.980).abs() < 1e-3);
        assert!((t_975(1_000_000) - 1.96).abs() < 1e-3);
    }

    #[test]
    fn summary_by_hand() {
        // Two replications of two years: means 1.5 and 3.5.
        let s = Summary::of(&[vec![1.0, 2.0], vec![3.0, 4.0]]);
        assert_eq!(s.mean, 2.5);
        let half = t_975(1) * 2.0f64.sqrt() / 2.0f64.sqrt();
        assert!((s.ci95_high - (2.5 + half)).abs() < 1e-12);
        assert!((half - 12.706).abs() < 1e-3);
        assert!((s.std_dev - (5.0f64 / 3.0).sqrt()).abs() < 1e-12);
        assert_eq!((s.p50, s.p90, s.p99), (2.0, 4.0, 4.0));
        assert!(s.ci_contains(2.5) && !s.ci_contains(30.0));
        let one = Summary::of(&[vec![7.0]]);
        assert_eq!(one.mean, 7.0);
        assert!(one.ci95_low.is_infinite() && one.ci_contains(1e9));
    }

    #[test]
    fn nearest_rank_percentiles() {
        let xs: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&xs, 0.5), 50.0);
        assert_eq!(percentile(&xs, 0.9), 90.0);
        assert_eq!(percentile(&xs, 0.99), 99.0);
        assert_eq!(percentile(&xs, 0.0), 1.0);
        assert_eq!(percentile(&xs, 1.0), 100.0);
    }
}
