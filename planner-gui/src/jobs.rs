//! The comparison worker: a named thread runs the three layouts and reports over a channel.
//!
//! The window only polls ([`CompareJob::poll`]) and never waits. The layouts run in
//! parallel on rayon's pool (the same one `Resolved::compare` uses) through
//! [`Resolved::run_layout_watched`], which reports the fraction of simulated time done
//! every few milliseconds of work and looks at the cancel flag as often: Cancel stops
//! every layout within milliseconds, and the worker thread ends without a result.

use sim_core::catalog::Catalog;
use sim_core::experiment::RunResult;
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
    /// Fraction of simulated time done by the layout at this index of `LayoutKind::ALL`.
    Progress(usize, f64),
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
    /// Fraction of simulated time done per layout, in `LayoutKind::ALL` order.
    pub progress: Vec<f64>,
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
            progress: vec![0.0; LayoutKind::ALL.len()],
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
                Ok(Msg::Progress(i, f)) => {
                    if let Some(p) = self.progress.get_mut(i) {
                        *p = p.max(f);
                    }
                }
                Ok(Msg::LayoutDone(l)) => {
                    if let Some(i) = LayoutKind::ALL.iter().position(|&k| k == l) {
                        self.progress[i] = 1.0;
                    }
                    self.done.push(l);
                }
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

    /// Fraction of the whole comparison done, in [0, 1]: the mean over the layouts of
    /// the simulated time each has covered.
    pub fn fraction(&self) -> f32 {
        let sum: f64 = self.progress.iter().sum();
        (sum / self.total.max(1) as f64).clamp(0.0, 1.0) as f32
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
    let prepared = match sim_core::spec::validate(scenario, catalog) {
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
        .enumerate()
        .map(|(i, &layout)| {
            // Progress messages are thinned to whole per-cents: the window needs no more.
            let last = std::sync::atomic::AtomicU32::new(0);
            let progress = |f: f64| {
                let pct = (f * 100.0) as u32;
                if pct > last.swap(pct, Ordering::Relaxed) {
                    send(Msg::Progress(i, f));
                }
            };
            let r = prepared.run_layout_watched(layout, scenario.seed, cancel, &progress)?;
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
        job.cancel.store(true, Ordering::Relaxed);
        let end = loop {
            if let Some(end) = job.poll() {
                break end;
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
        };
        // The worker dropped its sender without sending `Finished`.
        assert!(matches!(end, JobEnd::Failed(_)), "{end:?}");
        assert!(
            job.done.is_empty(),
            "no layout ran to its end: {:?}",
            job.done
        );
        assert!(at_cancel.iter().all(|&p| p < 1.0), "{at_cancel:?}");
    }
}
