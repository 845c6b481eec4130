//! The comparison worker: a [`Job`] that runs the three layouts, `R` times each.
//!
//! The runs go to rayon's pool through [`Resolved::replicate_watched`]: replication `k`
//! of every layout on the same seed (common random numbers), replication 0 on the
//! scenario's own seed, so one replication is exactly the plain comparison. Each run
//! reports the fraction of simulated time done every few milliseconds of work and looks
//! at the cancel flag as often: Cancel (or dropping the job) stops every run within
//! milliseconds, however many replications were asked for.

use crate::job::{End, Job, Worker};
use sim_core::catalog::Catalog;
use sim_core::experiment::{Replicated, Resolved};
use sim_core::scenario::{LayoutKind, Scenario};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

/// The name of the worker thread (shown by debuggers and profilers).
pub const WORKER_NAME: &str = "planner-compare";

/// What the worker reports, about run `j`: replication `j / 3` of layout
/// `LayoutKind::ALL[j % 3]` (the job order of [`Resolved::replicate_watched`]).
#[derive(Debug)]
enum Step {
    /// Fraction of simulated time done by run `j`.
    Progress(usize, f64),
    RunDone(usize),
}

/// How a comparison ended: every layout's replications, in `LayoutKind::ALL` order.
pub type JobEnd = End<Replicated>;

/// A comparison running on the worker thread.
#[derive(Debug)]
pub struct CompareJob {
    job: Job<Step, Replicated>,
    /// The layout of each run finished so far, in the order they finished.
    pub done: Vec<LayoutKind>,
    /// Runs in all: layouts × replications.
    pub total: usize,
    /// Fraction of simulated time done per run, in job order.
    pub progress: Vec<f64>,
    /// Replications of each layout.
    pub replications: u32,
    /// The scenario being run.
    pub scenario: Scenario,
}

impl CompareJob {
    /// Starts comparing the three layouts of `scenario`, `replications` times each (at
    /// least once), replication 0 on its own seed. `wake` is called after every message
    /// (the app passes `request_repaint`).
    pub fn start(
        scenario: Scenario,
        catalog: Arc<Catalog>,
        replications: u32,
        wake: impl Fn() + Send + Sync + 'static,
    ) -> std::io::Result<CompareJob> {
        let replications = replications.max(1);
        let total = LayoutKind::ALL.len() * replications as usize;
        let s = scenario.clone();
        let job = Job::spawn(WORKER_NAME, wake, move |w| {
            work(&s, &catalog, replications, w)
        })?;
        Ok(CompareJob {
            job,
            done: Vec::new(),
            total,
            progress: vec![0.0; total],
            replications,
            scenario,
        })
    }

    /// Takes what the worker sent since the last call; returns how the job ended, if it did.
    pub fn poll(&mut self) -> Option<JobEnd> {
        let (progress, done) = (&mut self.progress, &mut self.done);
        self.job.poll(|step| match step {
            Step::Progress(i, f) => {
                if let Some(p) = progress.get_mut(i) {
                    *p = p.max(f);
                }
            }
            Step::RunDone(j) => {
                if let Some(p) = progress.get_mut(j) {
                    *p = 1.0;
                }
                done.push(LayoutKind::ALL[j % LayoutKind::ALL.len()]);
            }
        })
    }

    /// When the job started (shown as elapsed time).
    pub fn started(&self) -> std::time::Instant {
        self.job.started
    }

    /// Fraction of the whole comparison done, in [0, 1]: the mean over the runs of the
    /// simulated time each has covered.
    pub fn fraction(&self) -> f32 {
        let sum: f64 = self.progress.iter().sum();
        (sum / self.total.max(1) as f64).clamp(0.0, 1.0) as f32
    }

    /// Asks the worker to stop and forgets the job.
    pub fn cancel(self) {
        self.job.cancel();
    }
}

fn work(scenario: &Scenario, catalog: &Catalog, replications: u32, w: &Worker<Step>) -> JobEnd {
    let prepared: Resolved = match sim_core::spec::validate(scenario, catalog) {
        Ok(p) => p,
        Err(errors) => {
            let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
            return End::Failed(format!("the scenario cannot run:\n{}", text.join("\n")));
        }
    };
    // Progress messages are thinned to whole per-cents of each run: the window needs no
    // more. A run's last report (100 %) says it is done.
    let runs = LayoutKind::ALL.len() * replications as usize;
    let last: Vec<AtomicU32> = (0..runs).map(|_| AtomicU32::new(0)).collect();
    let progress = |j: usize, f: f64| {
        let pct = (f * 100.0) as u32;
        if last
            .get(j)
            .is_some_and(|l| pct > l.swap(pct, Ordering::Relaxed))
        {
            w.progress(if pct >= 100 {
                Step::RunDone(j)
            } else {
                Step::Progress(j, f)
            });
        }
    };
    let res = prepared.replicate_watched(
        &LayoutKind::ALL,
        scenario.seed,
        replications,
        w.cancel_flag(),
        &progress,
    );
    match res {
        Some(r) if !w.cancelled() => End::Finished(r),
        _ => End::Cancelled,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sim_core::experiment::{load_text, DEFAULT_SCENARIO};
    use std::path::Path;

    /// Cancelling stops layouts that are already running: the worker ends without a
    /// result, long before any layout could have finished.
    #[test]
    fn cancel_interrupts_layouts_already_running() {
        let (s, cat) = load_text(DEFAULT_SCENARIO, Path::new("default.toml")).unwrap();
        let mut job = CompareJob::start(s, cat, 2, || {}).unwrap();
        assert_eq!((job.total, job.progress.len()), (6, 6));
        // Wait until a layout has reported progress (it is running; how many run at once
        // depends on the cores).
        while job.progress.iter().all(|&p| p == 0.0) {
            assert!(job.poll().is_none(), "ended before it was cancelled");
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        let at_cancel = job.progress.clone();
        job.job.cancel();
        let end = loop {
            if let Some(end) = job.poll() {
                break end;
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
        };
        // The worker stopped without a result.
        assert!(matches!(end, End::Cancelled), "{end:?}");
        assert!(
            job.done.is_empty(),
            "no run went to its end: {:?}",
            job.done
        );
        assert!(at_cancel.iter().all(|&p| p < 1.0), "{at_cancel:?}");
    }
}
