//! Client deadlines: one pending sweep event instead of a timer per attempt.
//!
//! Every attempt has the same timeout, so the deadlines, kept in the order they were set,
//! are sorted: a FIFO of `(deadline, attempt)` and a single `TimeoutSweep` event replace a
//! timer per request in the pending-event set (which would hold `rate × timeout` entries).
//! The sweep expires every attempt whose deadline has passed and sleeps until the earliest
//! deadline of an attempt still going; entries of attempts that already ended are dropped
//! on the way (lazy cancellation — an attempt can only end, never come back), so it wakes
//! about once per timeout instead of once per request.
//!
//! `runs.csv` counts `events` as the sweep-per-deadline model would have scheduled them:
//! one per distinct deadline value, whether or not a sweep woke for it ([`Deadlines::elided`]).

use super::requests::{Ev, ReqRef, RequestModel};
use crate::engine::{Scheduler, SimTime};
use crate::metrics::Failure;
use std::collections::VecDeque;

/// The deadlines of the attempts in flight, in the order they were set.
pub(super) struct Deadlines {
    queue: VecDeque<(SimTime, ReqRef)>,
    /// A `TimeoutSweep` is pending.
    armed: bool,
    /// The latest distinct deadline pushed, how many distinct ones there were, and how many
    /// sweeps ran.
    last: SimTime,
    values: u64,
    sweeps: u64,
}

impl Deadlines {
    pub(super) fn new() -> Self {
        Deadlines {
            queue: VecDeque::new(),
            armed: false,
            last: SimTime::MAX,
            values: 0,
            sweeps: 0,
        }
    }

    /// Keeps attempt `r`'s deadline; `true` when no sweep is pending (the caller schedules
    /// one, at this deadline).
    pub(super) fn push(&mut self, deadline: SimTime, r: ReqRef) -> bool {
        if deadline != self.last {
            self.last = deadline;
            self.values += 1;
        }
        self.queue.push_back((deadline, r));
        !std::mem::replace(&mut self.armed, true)
    }

    /// Sweeps the model would have scheduled (one per distinct deadline) but did not run.
    pub(super) fn elided(&self) -> u64 {
        self.values.saturating_sub(self.sweeps)
    }
}

impl RequestModel<'_> {
    /// Expires the attempts whose deadline has passed, then waits for the earliest
    /// deadline of an attempt still going (see the module docs).
    pub(super) fn on_sweep(&mut self, sched: &mut Scheduler<Ev>) {
        let now = sched.now();
        self.deadlines.sweeps += 1;
        while let Some(&(deadline, r)) = self.deadlines.queue.front() {
            let live = self.get(r).is_some();
            if deadline > now && live {
                sched.schedule_at(deadline, Ev::TimeoutSweep);
                return;
            }
            self.deadlines.queue.pop_front();
            if live {
                self.retry_or_fail(sched, r, Failure::Timeout);
            }
        }
        self.deadlines.armed = false;
    }
}
