//! The planner worker: a named thread runs [`sim_core::experiment::plan::plan`] and reports
//! progress over a channel.
//!
//! Like [`crate::jobs::CompareJob`], the window only polls ([`PlanJob::poll`]) and never
//! waits. A plan is long (dozens of request-level runs), so unlike a comparison it is not
//! forgotten the moment Cancel is pressed: [`PlanJob::cancel`] sets the flag the planner
//! checks between runs, and the job stays (shown as "cancelling…") until the worker
//! confirms. That way a second plan never competes with the tail of a cancelled one for
//! the machine's cores. Dropping a job (opening another file, closing the window) sets the
//! flag too.
//!
//! The planner's number of verification rounds is not known in advance, so progress is
//! per round: "round 2: 5 of 12 runs". A panic inside the planner is caught and becomes a
//! message, as does every [`PlanError`].

use sim_core::catalog::Catalog;
use sim_core::experiment::plan::{plan, PlanError, PlanOptions, PlanReport, Progress};
use sim_core::scenario::Scenario;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, Receiver, Sender, TryRecvError};
use std::sync::Arc;
use std::time::Instant;

/// The name of the worker thread (shown by debuggers and profilers).
pub const PLAN_WORKER_NAME: &str = "planner-plan";

/// What the worker sends.
#[derive(Debug)]
enum Msg {
    Progress(Progress),
    Finished(Box<PlanReport>),
    Failed(String),
    Cancelled,
}

/// How a plan ended.
#[derive(Debug)]
pub enum PlanEnd {
    Finished(Box<PlanReport>),
    Failed(String),
    Cancelled,
}

/// A plan running on the worker thread.
#[derive(Debug)]
pub struct PlanJob {
    rx: Receiver<Msg>,
    cancel: Arc<AtomicBool>,
    /// The last progress report (`None` while the analytic stage runs).
    pub progress: Option<Progress>,
    /// Designs sized by the analytic stage, once it reported.
    pub designs: Option<usize>,
    /// When the job started (shown as elapsed time, never compared with anything).
    pub started: Instant,
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
        let (tx, rx) = channel();
        let cancel = Arc::new(AtomicBool::new(false));
        let job = PlanJob {
            rx,
            cancel: cancel.clone(),
            progress: None,
            designs: None,
            started: Instant::now(),
            scenario: scenario.clone(),
            options: options.clone(),
        };
        std::thread::Builder::new()
            .name(PLAN_WORKER_NAME.into())
            .spawn(move || work(&scenario, &catalog, &options, &cancel, tx, &wake))?;
        Ok(job)
    }

    /// Takes what the worker sent since the last call; returns how the plan ended, if it did.
    pub fn poll(&mut self) -> Option<PlanEnd> {
        loop {
            match self.rx.try_recv() {
                Ok(Msg::Progress(p)) => {
                    if let Progress::Analytic { designs, .. } = p {
                        self.designs = Some(designs);
                    }
                    self.progress = Some(p);
                }
                Ok(Msg::Finished(r)) => return Some(PlanEnd::Finished(r)),
                Ok(Msg::Failed(e)) => return Some(PlanEnd::Failed(e)),
                Ok(Msg::Cancelled) => return Some(PlanEnd::Cancelled),
                Err(TryRecvError::Empty) => return None,
                Err(TryRecvError::Disconnected) => {
                    return Some(PlanEnd::Failed(
                        "the planner stopped unexpectedly (worker thread ended)".into(),
                    ))
                }
            }
        }
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
    /// [`PlanEnd::Cancelled`] once it has.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    pub fn is_cancelling(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }
}

impl Drop for PlanJob {
    /// A job nobody polls any more should not keep the cores busy.
    fn drop(&mut self) {
        self.cancel();
    }
}

fn work(
    scenario: &Scenario,
    catalog: &Catalog,
    options: &PlanOptions,
    cancel: &AtomicBool,
    tx: Sender<Msg>,
    wake: &(impl Fn() + Sync),
) {
    // `plan` reports from rayon's threads (a `Sender` is `Sync`).
    let send = |m: Msg| {
        // A closed channel means the job was dropped: just stop reporting.
        let _ = tx.send(m);
        wake();
    };
    let progress = |p: Progress| send(Msg::Progress(p));
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        plan(scenario, catalog, options, cancel, &progress)
    }));
    send(match outcome {
        Ok(Ok(report)) => Msg::Finished(Box::new(report)),
        Ok(Err(PlanError::Cancelled)) => Msg::Cancelled,
        Ok(Err(e)) => Msg::Failed(format!("the plan failed: {e}")),
        Err(panic) => {
            let why = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown reason".into());
            Msg::Failed(format!("the planner stopped on an internal error: {why}"))
        }
    });
}
