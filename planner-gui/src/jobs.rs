//! The comparison worker: a named thread runs the three layouts and reports over a channel.
//!
//! The window only polls ([`CompareJob::poll`]) and never waits. Progress is per layout:
//! the layouts run in parallel on rayon's pool (the same one `Prepared::compare` uses) and
//! each reports when it is done. Cancelling sets a flag and drops the receiver: layouts not
//! yet started are skipped, one already running finishes in the background and its result
//! is dropped (a run has no cancellation point inside it).

use sim_core::catalog::Catalog;
use sim_core::experiment::{Prepared, RunResult};
use sim_core::scenario::{LayoutKind, Scenario};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, Receiver, Sender, TryRecvError};
use std::sync::Arc;
use std::time::Instant;

/// The name of the worker thread (shown by debuggers and profilers).
pub const WORKER_NAME: &str = "planner-compare";

/// What the worker sends.
#[derive(Debug)]
enum Msg {
    LayoutDone(LayoutKind),
    Finished(Vec<RunResult>),
    Failed(String),
}

/// How a job ended.
#[derive(Debug)]
pub enum JobEnd {
    /// One result per layout, in `LayoutKind::ALL` order.
    Finished(Vec<RunResult>),
    Failed(String),
}

/// A comparison running on the worker thread.
#[derive(Debug)]
pub struct CompareJob {
    rx: Receiver<Msg>,
    cancel: Arc<AtomicBool>,
    /// Layouts finished so far, in the order they finished.
    pub done: Vec<LayoutKind>,
    pub total: usize,
    /// When the job started (shown as elapsed time, never compared with anything).
    pub started: Instant,
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
        let (tx, rx) = channel();
        let cancel = Arc::new(AtomicBool::new(false));
        let job = CompareJob {
            rx,
            cancel: cancel.clone(),
            done: Vec::new(),
            total: LayoutKind::ALL.len(),
            started: Instant::now(),
            scenario: scenario.clone(),
        };
        std::thread::Builder::new()
            .name(WORKER_NAME.into())
            .spawn(move || work(&scenario, &catalog, &cancel, &tx, &wake))?;
        Ok(job)
    }

    /// Takes what the worker sent since the last call; returns how the job ended, if it did.
    pub fn poll(&mut self) -> Option<JobEnd> {
        loop {
            match self.rx.try_recv() {
                Ok(Msg::LayoutDone(l)) => self.done.push(l),
                Ok(Msg::Finished(runs)) => return Some(JobEnd::Finished(runs)),
                Ok(Msg::Failed(e)) => return Some(JobEnd::Failed(e)),
                Err(TryRecvError::Empty) => return None,
                Err(TryRecvError::Disconnected) => {
                    return Some(JobEnd::Failed(
                        "the simulation stopped unexpectedly (worker thread ended)".into(),
                    ))
                }
            }
        }
    }

    /// Fraction of the layouts done, in [0, 1].
    pub fn fraction(&self) -> f32 {
        self.done.len() as f32 / self.total.max(1) as f32
    }

    /// Asks the worker to stop and forgets the job.
    pub fn cancel(self) {
        self.cancel.store(true, Ordering::Relaxed);
    }
}

fn work(
    scenario: &Scenario,
    catalog: &Catalog,
    cancel: &AtomicBool,
    tx: &Sender<Msg>,
    wake: &(impl Fn() + Sync),
) {
    use rayon::prelude::*;
    let send = |m: Msg| {
        // A closed channel means the job was cancelled or the window closed: just stop.
        let _ = tx.send(m);
        wake();
    };
    let prepared = match Prepared::new(scenario, catalog) {
        Ok(p) => p,
        Err(errors) => {
            let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
            send(Msg::Failed(format!(
                "the scenario cannot run:\n{}",
                text.join("\n")
            )));
            return;
        }
    };
    let runs: Option<Vec<RunResult>> = LayoutKind::ALL
        .par_iter()
        .map(|&layout| {
            if cancel.load(Ordering::Relaxed) {
                return None;
            }
            let r = prepared.run_layout(layout, scenario.seed);
            send(Msg::LayoutDone(layout));
            Some(r)
        })
        .collect();
    if let Some(runs) = runs {
        if !cancel.load(Ordering::Relaxed) {
            send(Msg::Finished(runs));
        }
    }
}
