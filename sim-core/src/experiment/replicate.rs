//! Replications of a comparison on common random numbers.
//!
//! One run of a layout is one sample: its p99 or its downtime would come out different on
//! another seed. A replicated comparison runs every layout `R` times. Replication `k`
//! uses the seed [`replication_seed`]`(seed, k)` for *every* layout (and, when a baseline
//! is pinned, for the baseline too), so the layouts of one replication see the same users,
//! arrivals and service demands: differences between them come from the layouts, and
//! paired differences ([`crate::metrics::replicated::paired`]) have a small variance.
//!
//! Replication 0 runs on the master seed itself, so `R = 1` is exactly today's single
//! comparison, and adding replications never changes the files of replication 0. Further
//! replications use `derive_seed(seed, "replication", k)`, as sweeps do.
//!
//! Only replication 0 keeps its full results (recorder, time series, stations,
//! incidents: the charts and the per-run CSV files); the others keep their
//! [`RunSummary`], so memory grows by a few kilobytes per replication, not by a run's
//! series. The `(replication, layout)` runs go to rayon as indexed jobs and are collected
//! in order, so every number is the same on any number of threads.

use super::run::RunResult;
use crate::engine::derive_seed;
use crate::metrics::replicated::{intervals, paired, PairError, Paired, Replications};
use crate::metrics::{MetricInterval, RunSummary};
use crate::scenario::LayoutKind;
use crate::spec::Resolved;
use rayon::prelude::*;
use std::sync::atomic::AtomicBool;

/// Most replications one comparison may ask for (each is a full run of every layout).
pub const MAX_REPLICATIONS: u32 = 1000;

/// The seed of replication `k` under master seed `seed`: the master seed for `k = 0`,
/// `derive_seed(seed, "replication", k)` after.
pub fn replication_seed(seed: u64, k: u32) -> u64 {
    if k == 0 {
        seed
    } else {
        derive_seed(seed, "replication", u64::from(k))
    }
}

/// A comparison of `layouts` replicated on common random numbers.
#[derive(Clone, Debug)]
pub struct Replicated {
    pub layouts: Vec<LayoutKind>,
    /// The master seed.
    pub seed: u64,
    /// Replication 0 of each layout, in full, in `layouts` order.
    pub first: Vec<RunResult>,
    /// `runs[i][k]`: replication `k` of `layouts[i]` (replication 0 included).
    pub runs: Vec<Vec<RunSummary>>,
}

impl Replicated {
    pub fn replications(&self) -> usize {
        self.runs.first().map_or(0, Vec::len)
    }

    /// The summaries as the statistics read them.
    pub fn view(&self) -> Replications<'_> {
        Replications {
            layouts: &self.layouts,
            runs: &self.runs,
        }
    }

    /// Mean and 95 % interval of every metric of every layout (`intervals.csv`).
    pub fn intervals(&self) -> Vec<MetricInterval> {
        intervals(self.view())
    }

    /// This comparison (B) against a pinned `baseline` (A): paired differences B − A.
    pub fn against(&self, baseline: &Replicated) -> Result<Paired, PairError> {
        paired(baseline.view(), self.view())
    }

    /// Every replication's summary, layout by layout (`replications.csv`).
    pub fn all_summaries(&self) -> impl Iterator<Item = &RunSummary> {
        self.runs.iter().flatten()
    }
}

/// What one `(replication, layout)` job keeps.
enum Kept {
    Full(Box<RunResult>),
    Summary(Box<RunSummary>),
}

impl Kept {
    /// Replication 0 keeps everything, the others their summary.
    fn of(k: u32, r: RunResult) -> Kept {
        if k == 0 {
            Kept::Full(Box::new(r))
        } else {
            Kept::Summary(Box::new(r.summary))
        }
    }
}

/// Job `j` is replication `j / n` of layout `j % n` (replication-major, so replication 0
/// of every layout starts first).
fn job(j: usize, n: usize) -> (u32, usize) {
    ((j / n) as u32, j % n)
}

impl Resolved {
    /// `layouts`, each `replications` times (at least once) on common random numbers.
    pub fn replicate(&self, layouts: &[LayoutKind], seed: u64, replications: u32) -> Replicated {
        let n = layouts.len();
        let jobs = replications.max(1) as usize * n;
        let kept: Vec<Kept> = super::pool::spread(jobs, || {
            (0..jobs)
                .into_par_iter()
                .with_max_len(1)
                .map(|j| {
                    let (k, i) = job(j, n);
                    Kept::of(k, self.run_layout(layouts[i], replication_seed(seed, k)))
                })
                .collect()
        });
        assemble(layouts, seed, kept)
    }

    /// [`Resolved::replicate`] that can be stopped and reports progress: job
    /// `k · layouts.len() + i` (replication `k` of `layouts[i]`) calls
    /// `progress(job, fraction)` as its simulated time advances; `None` once `cancel`
    /// is set. The runs are those of `replicate`, so the results are identical.
    pub fn replicate_watched(
        &self,
        layouts: &[LayoutKind],
        seed: u64,
        replications: u32,
        cancel: &AtomicBool,
        progress: &(dyn Fn(usize, f64) + Sync),
    ) -> Option<Replicated> {
        let n = layouts.len();
        let jobs = replications.max(1) as usize * n;
        let kept: Option<Vec<Kept>> = super::pool::spread(jobs, || {
            (0..jobs)
                .into_par_iter()
                .with_max_len(1)
                .map(|j| {
                    let (k, i) = job(j, n);
                    let seed = replication_seed(seed, k);
                    let r =
                        self.run_layout_watched(layouts[i], seed, cancel, &|f| progress(j, f))?;
                    Some(Kept::of(k, r))
                })
                .collect()
        });
        Some(assemble(layouts, seed, kept?))
    }
}

/// Sorts the jobs' results (in job order) into a [`Replicated`].
fn assemble(layouts: &[LayoutKind], seed: u64, kept: Vec<Kept>) -> Replicated {
    let n = layouts.len();
    let mut first = Vec::with_capacity(n);
    let mut runs: Vec<Vec<RunSummary>> = vec![Vec::with_capacity(kept.len() / n.max(1)); n];
    for (j, kept) in kept.into_iter().enumerate() {
        let summary = match kept {
            Kept::Full(r) => {
                let s = r.summary.clone();
                first.push(*r);
                s
            }
            Kept::Summary(s) => *s,
        };
        runs[j % n].push(summary);
    }
    Replicated {
        layouts: layouts.to_vec(),
        seed,
        first,
        runs,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replication_zero_is_the_master_seed_and_the_others_differ() {
        assert_eq!(replication_seed(42, 0), 42);
        let seeds: Vec<u64> = (0..50).map(|k| replication_seed(42, k)).collect();
        let mut sorted = seeds.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), seeds.len(), "seeds repeat: {seeds:?}");
        assert_eq!(replication_seed(42, 3), derive_seed(42, "replication", 3));
    }
}
