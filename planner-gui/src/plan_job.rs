//! The planner worker: a [`Job`] that runs [`sim_core::experiment::plan::plan`].
//!
//! A plan is long (dozens of request-level runs), so unlike a comparison it is not
//! forgotten the moment Cancel is pressed: [`PlanJob::cancel`] sets the flag the planner
//! checks between runs, and the job stays (shown as "cancelling…") until the worker
//! confirms. That way a second plan never competes with the tail of a cancelled one for
//! the machine's cores. Dropping a job (opening another file, closing the window) sets the
//! flag too ([`Job`]'s drop).
//!
//! The planner's number of verification rounds is not known in advance, so progress is
//! per round: "round 2: 5 of 12 runs". A panic inside the planner ends the job with a
//! message ([`Job`] catches it), as does every [`PlanError`].

use crate::job::{End, Job};
use sim_core::catalog::Catalog;
use sim_core::experiment::plan::{plan, PlanError, PlanOptions, PlanReport, Progress};
use sim_core::scenario::Scenario;
use std::sync::Arc;

/// The name of the worker thread (shown by debuggers and profilers).
pub const PLAN_WORKER_NAME: &str = "planner-plan";

/// How a plan ended.
pub type PlanEnd = End<Box<PlanReport>>;

/// A plan running on the worker thread.
#[derive(Debug)]
pub struct PlanJob {
    job: Job<Progress, Box<PlanReport>>,
    /// The last progress report (`None` while the analytic stage runs).
    pub progress: Option<Progress>,
    /// Designs sized by the analytic stage, once it reported.
    pub designs: Option<usize>,
    /// The scenario being planned (its regions are the candidates).
    pub scenario: Scenario,
    pub options: PlanOptions,
}

impl PlanJob {
    /// Starts planning `scenario` with `options`. `wake` is called after every message
    /// (the app passes `request_repaint`).
    pub fn start(
        scenario: Scenario,
        catalog: Arc<Catalog>,
        options: PlanOptions,
        wake: impl Fn() + Send + Sync + 'static,
    ) -> std::io::Result<PlanJob> {
        let (s, o) = (scenario.clone(), options.clone());
        let job = Job::spawn(PLAN_WORKER_NAME, wake, move |w| {
            // `plan` reports from rayon's threads (a `Worker` is `Sync`).
            match plan(&s, &catalog, &o, w.cancel_flag(), &|p| w.progress(p)) {
                Ok(report) => End::Finished(Box::new(report)),
                Err(PlanError::Cancelled) => End::Cancelled,
                Err(e) => End::Failed(e.to_string()),
            }
        })?;
        Ok(PlanJob {
            job,
            progress: None,
            designs: None,
            scenario,
            options,
        })
    }

    /// Takes what the worker sent since the last call; returns how the plan ended, if it did.
    pub fn poll(&mut self) -> Option<PlanEnd> {
        let (progress, designs) = (&mut self.progress, &mut self.designs);
        self.job.poll(|p| {
            if let Progress::Analytic { designs: n, .. } = p {
                *designs = Some(n);
            }
            *progress = Some(p);
        })
    }

    /// When the job started (shown as elapsed time).
    pub fn started(&self) -> std::time::Instant {
        self.job.started
    }

    /// Fraction of the current verification round done, in [0, 1] (0 before the first).
    pub fn fraction(&self) -> f32 {
        match self.progress {
            Some(Progress::Runs { done, total, .. }) => done as f32 / total.max(1) as f32,
            _ => 0.0,
        }
    }

    /// What the progress bar says, e.g. `round 2: 5/12 runs`.
    pub fn stage(&self) -> String {
        match &self.progress {
            None => "sizing and pruning designs analytically".into(),
            Some(Progress::Analytic { shapes, designs }) => {
                format!("{designs} designs of {shapes} shapes sized; simulating")
            }
            Some(Progress::Runs { round, done, total }) => {
                format!("round {round}: {done}/{total} runs")
            }
        }
    }

    /// Asks the worker to stop at its next check (between runs). The job ends with
    /// [`End::Cancelled`] once it has.
    pub fn cancel(&self) {
        self.job.cancel();
    }

    pub fn is_cancelling(&self) -> bool {
        self.job.is_cancelling()
    }
}
