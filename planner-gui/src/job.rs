//! The one background-job type of the app: a named worker thread that computes a value,
//! reports progress over a channel, can be cancelled, and cannot take the window down.
//!
//! Both long tasks, comparing the layouts ([`crate::jobs::CompareJob`]) and planning
//! ([`crate::plan_job::PlanJob`]), are a [`Job`] plus what their progress means. What they
//! share lives here once:
//!
//! - the window only polls ([`Job::poll`]) and never waits; the worker calls `wake` when
//!   there is something new to show, at most once per [`WAKE_EVERY`] for progress
//!   ([`Throttle`]) and always when the job ends (the app passes `request_repaint`). A
//!   repaint costs the main thread and, with software GL, a core: a window repainting on
//!   every progress message made a comparison 63 % slower than the command line (#17);
//!   a few repaints a second cost nothing measurable;
//! - cancelling sets a flag the work checks ([`Worker::cancelled`]); **dropping a job
//!   cancels it**, so a job nobody polls any more (a new file, a closed window, an edit
//!   that made it stale) does not keep the cores busy;
//! - a panic in the work is caught and ends the job as [`End::Failed`] with the panic's
//!   message, instead of killing the window with the worker;
//! - a worker that ends without saying how also ends the job as [`End::Failed`].

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, Receiver, Sender, TryRecvError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Progress wakes the window at most this often: twice a second keeps a progress bar
/// moving. Each frame costs the window CPU time, which a Compare's runs need: they keep
/// every core busy (`sim_core::experiment::pool`), and under software rendering four
/// frames a second made the GUI's Compare 7–14 % slower than the CLI's, two ≈ 3 %
/// (planner-gui/README.md).
pub const WAKE_EVERY: Duration = Duration::from_millis(500);

/// Lets a call through at most once per period: what keeps progress from repainting the
/// window more than a few times a second, however often the work reports.
#[derive(Debug)]
pub struct Throttle {
    every: Duration,
    last: Mutex<Option<Instant>>,
}

impl Throttle {
    pub fn new(every: Duration) -> Self {
        Throttle {
            every,
            last: Mutex::new(None),
        }
    }

    /// Whether a call at `now` may go through (and if so, the period starts again).
    pub fn due(&self, now: Instant) -> bool {
        // A poisoned lock only means another reporter panicked: its time is still good.
        let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
        match *last {
            Some(t) if now.saturating_duration_since(t) < self.every => false,
            _ => {
                *last = Some(now);
                true
            }
        }
    }
}

/// How a job ended.
#[derive(Debug, PartialEq)]
pub enum End<T> {
    Finished(T),
    Failed(String),
    /// It saw the cancel flag and stopped without a result.
    Cancelled,
}

/// What the work is given: a way to report progress and to see whether to stop. It is
/// `Sync`, so work spread over rayon's threads can report from each.
pub struct Worker<P> {
    tx: Sender<P>,
    cancel: Arc<AtomicBool>,
    wake: Box<dyn Fn() + Send + Sync>,
    throttle: Throttle,
}

impl<P> Worker<P> {
    /// Sends `p` to the window, and wakes it unless it was woken less than
    /// [`WAKE_EVERY`] ago (it then shows `p` with the next report or at the end). A closed
    /// channel means the job was dropped: nothing to do (the work sees
    /// [`Worker::cancelled`] soon).
    pub fn progress(&self, p: P) {
        let _ = self.tx.send(p);
        if self.throttle.due(Instant::now()) {
            (self.wake)();
        }
    }

    /// The flag to stop; long work checks it often (it is set on cancel and on drop).
    pub fn cancel_flag(&self) -> &AtomicBool {
        &self.cancel
    }

    pub fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }
}

/// A job running on its worker thread: `P` is what its progress reports carry, `T` its
/// result.
#[derive(Debug)]
pub struct Job<P, T> {
    progress: Receiver<P>,
    end: Receiver<End<T>>,
    cancel: Arc<AtomicBool>,
    /// When the job started (shown as elapsed time, never compared with anything).
    pub started: Instant,
}

impl<P: Send + 'static, T: Send + 'static> Job<P, T> {
    /// Runs `work` on a new thread named `name`. What `work` returns (or a caught panic)
    /// is how the job ends.
    pub fn spawn(
        name: &str,
        wake: impl Fn() + Send + Sync + 'static,
        work: impl FnOnce(&Worker<P>) -> End<T> + Send + 'static,
    ) -> std::io::Result<Job<P, T>> {
        let (tx, progress) = channel();
        let (end_tx, end) = channel();
        let cancel = Arc::new(AtomicBool::new(false));
        let worker = Worker {
            tx,
            cancel: cancel.clone(),
            wake: Box::new(wake),
            throttle: Throttle::new(WAKE_EVERY),
        };
        std::thread::Builder::new()
            .name(name.into())
            .spawn(move || {
                let outcome =
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(&worker)));
                let end = outcome.unwrap_or_else(|panic| {
                    End::Failed(format!(
                        "stopped on an internal error: {}",
                        panic_message(panic.as_ref())
                    ))
                });
                let _ = end_tx.send(end);
                (worker.wake)();
            })?;
        Ok(Job {
            progress,
            end,
            cancel,
            started: Instant::now(),
        })
    }
}

impl<P, T> Job<P, T> {
    /// Hands every progress report sent since the last call to `seen`, in order; returns
    /// how the job ended, if it did.
    pub fn poll(&mut self, mut seen: impl FnMut(P)) -> Option<End<T>> {
        // The end first: every report sent before it is then already queued.
        let end = match self.end.try_recv() {
            Ok(end) => Some(end),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => Some(End::Failed(
                "the worker thread ended without a result".into(),
            )),
        };
        while let Ok(p) = self.progress.try_recv() {
            seen(p);
        }
        end
    }

    /// Asks the work to stop at its next look at the flag.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    pub fn is_cancelling(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }
}

impl<P, T> Drop for Job<P, T> {
    /// A job nobody polls any more should not keep the cores busy.
    fn drop(&mut self) {
        self.cancel();
    }
}

/// The text of a panic payload (`panic!` with a literal or a formatted message).
fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown reason".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn wait<P, T>(job: &mut Job<P, T>, seen: &mut Vec<P>) -> End<T> {
        loop {
            if let Some(end) = job.poll(|p| seen.push(p)) {
                return end;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
    }

    #[test]
    fn progress_then_result_in_order() {
        let mut job = Job::spawn(
            "test-job",
            || {},
            |w: &Worker<u32>| {
                (1..=3).for_each(|i| w.progress(i));
                End::Finished("done")
            },
        )
        .unwrap();
        let mut seen = Vec::new();
        assert_eq!(wait(&mut job, &mut seen), End::Finished("done"));
        assert_eq!(seen, vec![1, 2, 3]);
    }

    #[test]
    fn the_throttle_lets_one_call_through_per_period() {
        let t = Throttle::new(Duration::from_millis(250));
        let t0 = Instant::now();
        let at = |ms| t0 + Duration::from_millis(ms);
        let passed: Vec<u64> = (0..1000).filter(|&ms| t.due(at(ms))).collect();
        assert_eq!(passed, vec![0, 250, 500, 750]);
    }

    /// Thousands of progress reports wake the window a handful of times, and the end
    /// wakes it once more: no continuous repaints while a job runs (#17).
    #[test]
    fn progress_wakes_the_window_a_few_times_a_second_at_most() {
        let wakes = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counter = wakes.clone();
        let started = Instant::now();
        let mut job = Job::spawn(
            "test-job",
            move || {
                counter.fetch_add(1, Ordering::Relaxed);
            },
            |w: &Worker<u32>| {
                for i in 0..20_000 {
                    w.progress(i);
                    if i % 100 == 0 {
                        std::thread::sleep(Duration::from_millis(1));
                    }
                }
                End::Finished(())
            },
        )
        .unwrap();
        let mut seen = Vec::new();
        assert_eq!(wait(&mut job, &mut seen), End::Finished(()));
        assert_eq!(seen.len(), 20_000, "every report still reaches the window");
        let periods = started.elapsed().as_millis() / WAKE_EVERY.as_millis() + 1;
        let n = wakes.load(Ordering::Relaxed) as u128;
        // One per period at most, plus the end.
        assert!(n >= 2 && n <= periods + 1, "{n} wakes in {periods} periods");
    }

    #[test]
    fn a_panic_becomes_an_error_message() {
        let mut job = Job::<(), ()>::spawn(
            "test-job",
            || {},
            |_| {
                let v: Vec<u32> = Vec::new();
                panic!("index {} out of range", v.len() + 7)
            },
        )
        .unwrap();
        match wait(&mut job, &mut Vec::new()) {
            End::Failed(e) => assert!(e.contains("internal error: index 7 out of range"), "{e}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn dropping_a_job_cancels_its_work() {
        let (tx, rx) = channel();
        let job = Job::<(), ()>::spawn(
            "test-job",
            || {},
            move |w| {
                while !w.cancelled() {
                    std::thread::sleep(Duration::from_millis(1));
                }
                let _ = tx.send("saw the flag");
                End::Cancelled
            },
        )
        .unwrap();
        std::thread::sleep(Duration::from_millis(20));
        drop(job);
        assert_eq!(rx.recv_timeout(Duration::from_secs(10)), Ok("saw the flag"));
    }
}
