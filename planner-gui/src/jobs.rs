//! The comparison worker: a [`Job`] that runs the three layouts.
//!
//! The layouts run in parallel on rayon's pool (the same one `Resolved::compare` uses)
//! through [`Resolved::run_layout_watched`], which reports the fraction of simulated time
//! done every few milliseconds of work and looks at the cancel flag as often: Cancel (or
//! dropping the job) stops every layout within milliseconds.

use crate::job::{End, Job, Worker};
use sim_core::catalog::Catalog;
use sim_core::experiment::{Resolved, RunResult};
use sim_core::scenario::{LayoutKind, Scenario};
use std::sync::atomic::Ordering;
use std::sync::Arc;

/// The name of the worker thread (shown by debuggers and profilers).
pub const WORKER_NAME: &str = "planner-compare";

/// What the worker reports.
#[derive(Debug)]
enum Step {
    /// Fraction of simulated time done by the layout at this index of `LayoutKind::ALL`.
    Progress(usize, f64),
    LayoutDone(LayoutKind),
}

/// How a comparison ended: one result per layout, in `LayoutKind::ALL` order.
pub type JobEnd = End<Vec<RunResult>>;

/// A comparison running on the worker thread.
#[derive(Debug)]
pub struct CompareJob {
    job: Job<Step, Vec<RunResult>>,
    /// Layouts finished so far, in the order they finished.
    pub done: Vec<LayoutKind>,
    pub total: usize,
    /// Fraction of simulated time done per layout, in `LayoutKind::ALL` order.
    pub progress: Vec<f64>,
    /// The scenario being run.
    pub scenario: Scenario,
}

impl CompareJob {
    /// Starts comparing the three layouts of `scenario` with its own seed. `wake` is
    /// called after every message (the app passes `request_repaint`).
    pub fn start(
        scenario: Scenario,
        catalog: Arc<Catalog>,
        wake: impl Fn() + Send + Sync + 'static,
    ) -> std::io::Result<CompareJob> {
        let s = scenario.clone();
        let job = Job::spawn(WORKER_NAME, wake, move |w| work(&s, &catalog, w))?;
        Ok(CompareJob {
            job,
            done: Vec::new(),
            total: LayoutKind::ALL.len(),
            progress: vec![0.0; LayoutKind::ALL.len()],
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
            Step::LayoutDone(l) => {
                if let Some(i) = LayoutKind::ALL.iter().position(|&k| k == l) {
                    progress[i] = 1.0;
                }
                done.push(l);
            }
        })
    }

    /// When the job started (shown as elapsed time).
    pub fn started(&self) -> std::time::Instant {
        self.job.started
    }

    /// Fraction of the whole comparison done, in [0, 1]: the mean over the layouts of
    /// the simulated time each has covered.
    pub fn fraction(&self) -> f32 {
        let sum: f64 = self.progress.iter().sum();
        (sum / self.total.max(1) as f64).clamp(0.0, 1.0) as f32
    }

    /// Asks the worker to stop and forgets the job.
    pub fn cancel(self) {
        self.job.cancel();
    }
}

fn work(scenario: &Scenario, catalog: &Catalog, w: &Worker<Step>) -> JobEnd {
    use rayon::prelude::*;
    let prepared: Resolved = match sim_core::spec::validate(scenario, catalog) {
        Ok(p) => p,
        Err(errors) => {
            let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
            return End::Failed(format!("the scenario cannot run:\n{}", text.join("\n")));
        }
    };
    let runs: Option<Vec<RunResult>> = LayoutKind::ALL
        .par_iter()
        .enumerate()
        .map(|(i, &layout)| {
            // Progress messages are thinned to whole per-cents: the window needs no more.
            let last = std::sync::atomic::AtomicU32::new(0);
            let progress = |f: f64| {
                let pct = (f * 100.0) as u32;
                if pct > last.swap(pct, Ordering::Relaxed) {
                    w.progress(Step::Progress(i, f));
                }
            };
            let r =
                prepared.run_layout_watched(layout, scenario.seed, w.cancel_flag(), &progress)?;
            w.progress(Step::LayoutDone(layout));
            Some(r)
        })
        .collect();
    match runs {
        Some(runs) if !w.cancelled() => End::Finished(runs),
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
        let mut job = CompareJob::start(s, cat, || {}).unwrap();
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
            "no layout ran to its end: {:?}",
            job.done
        );
        assert!(at_cancel.iter().all(|&p| p < 1.0), "{at_cancel:?}");
    }
}
