//! Long single runs (`run`, `compare`): refuse what is too big before starting, and show a
//! bar with an ETA while it runs.
//!
//! The budget is [`sim_core::experiment::budget`]'s estimate against `--max-requests`. The
//! bar goes to stderr and only on a terminal (stdout and CSV stay as they are); it uses
//! [`Resolved::run_layout_watched`], which handles the same events in the same order as
//! `run_layout`, so the results are identical with or without it.

use anyhow::Result;
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use sim_core::experiment::budget::{estimate, Estimate};
use sim_core::experiment::pool::spread;
use sim_core::experiment::{Replicated, RunResult};
use sim_core::scenario::LayoutKind;
use sim_core::spec::Resolved;
use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// Runs estimated shorter than this (seconds) get no bar.
const BAR_AFTER_S: f64 = 2.0;

/// Steps of the bar (per mille).
const STEPS: u64 = 1000;

/// The run's estimate, or an error naming it and `--max-requests` if it exceeds `max`.
pub fn budget(p: &Resolved, max_requests: u64, runs: u64) -> Result<Estimate> {
    let e = estimate(p);
    e.check(max_requests, runs).map_err(anyhow::Error::msg)?;
    Ok(e)
}

fn bar(e: &Estimate, runs: usize) -> Option<ProgressBar> {
    let show = std::io::stderr().is_terminal() && e.wall_s() * runs as f64 >= BAR_AFTER_S;
    show.then(|| {
        let b = ProgressBar::new(STEPS);
        b.set_style(
            ProgressStyle::with_template("{elapsed_precise} [{wide_bar}] {percent}%  ETA {eta}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        b
    })
}

/// Runs `layouts` (in parallel, results in the given order) with one bar for all.
pub fn run(p: &Resolved, layouts: &[LayoutKind], seed: u64, e: &Estimate) -> Vec<RunResult> {
    let Some(b) = bar(e, layouts.len()) else {
        return spread(layouts.len(), || {
            layouts
                .par_iter()
                .with_max_len(1)
                .map(|&l| p.run_layout(l, seed))
                .collect()
        });
    };
    let never = AtomicBool::new(false);
    let done: Vec<AtomicU64> = layouts.iter().map(|_| AtomicU64::new(0)).collect();
    let results: Vec<RunResult> = spread(layouts.len(), || {
        layouts
            .par_iter()
            .with_max_len(1)
            .enumerate()
            .filter_map(|(i, &l)| {
                let progress = |f: f64| {
                    done[i].store((f * STEPS as f64) as u64, Ordering::Relaxed);
                    let sum: u64 = done.iter().map(|d| d.load(Ordering::Relaxed)).sum();
                    b.set_position(sum / layouts.len() as u64);
                };
                p.run_layout_watched(l, seed, &never, &progress)
            })
            .collect()
    });
    b.finish_and_clear();
    results
}

/// Runs `layouts` `replications` times on common random numbers (see
/// [`Resolved::replicate`]) with one bar for all runs.
pub fn replicate(
    p: &Resolved,
    layouts: &[LayoutKind],
    seed: u64,
    replications: u32,
    e: &Estimate,
) -> Replicated {
    let jobs = layouts.len() * replications.max(1) as usize;
    let Some(b) = bar(e, jobs) else {
        return p.replicate(layouts, seed, replications);
    };
    let never = AtomicBool::new(false);
    let done: Vec<AtomicU64> = (0..jobs).map(|_| AtomicU64::new(0)).collect();
    let progress = |j: usize, f: f64| {
        if let Some(d) = done.get(j) {
            d.store((f * STEPS as f64) as u64, Ordering::Relaxed);
        }
        let sum: u64 = done.iter().map(|d| d.load(Ordering::Relaxed)).sum();
        b.set_position(sum / jobs as u64);
    };
    let r = p.replicate_watched(layouts, seed, replications, &never, &progress);
    b.finish_and_clear();
    // Never cancelled: the flag stays false. Should that change, run without the bar.
    r.unwrap_or_else(|| p.replicate(layouts, seed, replications))
}
