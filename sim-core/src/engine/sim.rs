//! The event loop: a clock, the pending set, and a model that handles events.
//!
//! A model implements [`Model`]; [`run`] pops events in `(time, sequence)` order and hands
//! each to the model together with the [`Scheduler`], through which the model schedules
//! and cancels further events. The loop stops at a time horizon, at an event budget, or
//! when nothing is pending, and says which.

use super::queue::{EventQueue, QueueKind, Timer};
use super::time::{SimDuration, SimTime};

/// The clock and the pending events of one simulation.
pub struct Scheduler<E> {
    now: SimTime,
    queue: EventQueue<E>,
    processed: u64,
}

impl<E> Default for Scheduler<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E> Scheduler<E> {
    pub fn new() -> Self {
        Self::with_queue(QueueKind::Adaptive)
    }

    /// A scheduler whose pending set uses the store `kind` (benches compare them).
    pub fn with_queue(kind: QueueKind) -> Self {
        Scheduler {
            now: SimTime::ZERO,
            queue: EventQueue::of_kind(kind),
            processed: 0,
        }
    }

    /// Current simulated time.
    #[inline]
    pub fn now(&self) -> SimTime {
        self.now
    }

    /// Schedules `event` at absolute time `at`. An instant in the past is a model bug:
    /// it panics in debug builds and is clamped to `now` otherwise, so causality holds.
    #[inline]
    pub fn schedule_at(&mut self, at: SimTime, event: E) {
        debug_assert!(
            at >= self.now,
            "scheduled into the past: {at} < {}",
            self.now
        );
        self.queue.push(at.max(self.now), event);
    }

    /// Schedules `event` after `delay`.
    #[inline]
    pub fn schedule_in(&mut self, delay: SimDuration, event: E) {
        self.queue.push(self.now + delay, event);
    }

    /// Schedules a cancellable `event` after `delay` (e.g. a request timeout).
    #[inline]
    pub fn timer_in(&mut self, delay: SimDuration, event: E) -> Timer {
        self.queue.push_cancellable(self.now + delay, event)
    }

    /// Cancels a pending timer; `false` if it already fired or was cancelled.
    #[inline]
    pub fn cancel(&mut self, timer: Timer) -> bool {
        self.queue.cancel(timer)
    }

    /// The place of the event being handled in the total order: `(time << 64) | sequence`.
    /// An event kept outside the pending set under a [`reserve_seq`](Self::reserve_seq)
    /// number `q` at time `t` comes before the current one exactly when
    /// `(t << 64 | q) < current_key()`.
    #[inline]
    pub fn current_key(&self) -> u128 {
        ((self.now.as_nanos() as u128) << 64) | self.queue.last_seq() as u128
    }

    /// Reserves the sequence number an event scheduled now would get, for a model that
    /// keeps that event itself (a reorder buffer) instead of in the pending set. Events
    /// scheduled later keep the numbers, hence the order, they would have had.
    #[inline]
    pub fn reserve_seq(&mut self) -> u64 {
        self.queue.reserve_seq()
    }

    /// Events handed to the model so far.
    pub fn events_processed(&self) -> u64 {
        self.processed
    }

    /// Live pending events.
    pub fn pending(&self) -> usize {
        self.queue.len()
    }
}

/// A simulation model: reacts to its events by changing state and scheduling more.
pub trait Model {
    type Event;
    fn handle(&mut self, sched: &mut Scheduler<Self::Event>, event: Self::Event);
}

/// When [`run`] should stop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stop {
    /// Events strictly after this instant stay pending; the clock ends here.
    pub until: SimTime,
    /// At most this many events are handled in this call.
    pub max_events: u64,
}

impl Stop {
    pub const fn at(until: SimTime) -> Self {
        Stop {
            until,
            max_events: u64::MAX,
        }
    }
    pub const fn after_events(n: u64) -> Self {
        Stop {
            until: SimTime::MAX,
            max_events: n,
        }
    }
}

/// Why [`run`] returned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StopReason {
    /// The next event lies after `Stop::until` (or there is none left and the horizon is finite).
    Horizon,
    /// `Stop::max_events` events were handled.
    EventBudget,
    /// Nothing is pending and the horizon is infinite.
    Exhausted,
}

/// Runs `model` until `stop`. Events at exactly `stop.until` are handled.
pub fn run<M: Model>(model: &mut M, sched: &mut Scheduler<M::Event>, stop: Stop) -> StopReason {
    let mut budget = stop.max_events;
    loop {
        if budget == 0 {
            return StopReason::EventBudget;
        }
        match sched.queue.pop_due(stop.until) {
            Some((t, ev)) => {
                sched.now = t;
                sched.processed += 1;
                budget -= 1;
                model.handle(sched, ev);
            }
            None if stop.until == SimTime::MAX => return StopReason::Exhausted,
            None => {
                sched.now = sched.now.max(stop.until);
                return StopReason::Horizon;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each tick schedules the next one a second later and records when it ran.
    struct Ticker(Vec<SimTime>);
    impl Model for Ticker {
        type Event = ();
        fn handle(&mut self, s: &mut Scheduler<()>, _: ()) {
            self.0.push(s.now());
            s.schedule_in(SimDuration::from_secs(1), ());
        }
    }

    #[test]
    fn stops_at_horizon_inclusive_and_at_budget() {
        let mut m = Ticker(vec![]);
        let mut s = Scheduler::new();
        s.schedule_at(SimTime::ZERO, ());
        let r = run(
            &mut m,
            &mut s,
            Stop::at(SimTime::ZERO + SimDuration::from_secs(3)),
        );
        assert_eq!(r, StopReason::Horizon);
        assert_eq!(m.0.len(), 4, "t = 0, 1, 2, 3 s");
        assert_eq!(s.now(), SimTime::ZERO + SimDuration::from_secs(3));
        let r = run(&mut m, &mut s, Stop::after_events(2));
        assert_eq!(r, StopReason::EventBudget);
        assert_eq!(m.0.len(), 6);
        assert_eq!(s.events_processed(), 6);
    }

    struct Once;
    impl Model for Once {
        type Event = u8;
        fn handle(&mut self, s: &mut Scheduler<u8>, e: u8) {
            if e == 0 {
                let t = s.timer_in(SimDuration::from_secs(5), 9);
                s.schedule_in(SimDuration::from_secs(1), 1);
                assert!(s.cancel(t));
            }
            assert_ne!(e, 9, "cancelled timer fired");
        }
    }

    #[test]
    fn exhausts_and_cancelled_timers_do_not_fire() {
        let mut s = Scheduler::new();
        s.schedule_at(SimTime::ZERO, 0);
        assert_eq!(
            run(&mut Once, &mut s, Stop::at(SimTime::MAX)),
            StopReason::Exhausted
        );
        assert_eq!(s.events_processed(), 2);
    }
}
