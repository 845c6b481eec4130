//! Workloads for the engine benches, each written three times:
//!
//! - **floor** — a plain `std::collections::BinaryHeap` of `Reverse((time, seq, payload))`
//!   in a hand-written loop: no scheduler, no model trait, no cancellation support. Nothing
//!   a general engine does can be cheaper than this, so it is the floor.
//! - **ours** — `sim_core::engine`: a [`Model`](sim_core::engine::Model) driven by
//!   [`run`](sim_core::engine::run) through the [`Scheduler`](sim_core::engine::Scheduler).
//! - **simcore** — DSLab's DES core from crates.io (`simcore` 0.1.0), written the way its
//!   own examples are: a component that owns a `SimulationContext`, implements
//!   `EventHandler` with `cast!`, emits to itself, and is stepped with `Simulation::steps`.
//!
//! All three draw from the same `sim_core` random streams (Xoshiro256++) with the same
//! samplers (`rand_distr`'s ziggurat `Exp1` and `Exp`), in the same order, so they do the
//! same work and differ only by their engine. Floor and ours use integer-nanosecond time
//! and visit exactly the same events; simcore keeps `f64` seconds and agrees up to
//! rounding (see the tests).
//!
//! The hold model also runs on hand-written reference queues ([`queues`]: a radix heap and
//! a 4-ary heap, each in a plain loop like the floor) and on ours with the pending set
//! pinned to the 4-ary heap store (the engine before the radix store).
//!
//! Workloads:
//! - [`hold`]: the classic hold model — a pending set held at `n` events; each event
//!   schedules one successor at `now + Exp(1)` seconds.
//! - [`mm1`]: an M/M/1 queue (λ = 0.9, μ = 1): arrivals and departures through the
//!   engine.

pub mod hold;
pub mod mm1;
pub mod queues;

use sim_core::engine::{SimDuration, StreamRng, Streams};

/// Master seed of every bench run.
pub const SEED: u64 = 0x00BE_7C4E_2025;

/// One implementation of one workload, advanced a batch of events at a time.
pub trait Workload {
    /// Handles exactly `n` more events.
    fn run_events(&mut self, n: u64);
    /// Events handled so far.
    fn events(&self) -> u64;
    /// The simulated clock, in seconds.
    fn now_secs(&self) -> f64;
}

/// The named stream `purpose` under [`SEED`].
pub fn stream(purpose: &str) -> StreamRng {
    Streams::new(SEED).stream(purpose, 0)
}

/// Seconds to whole nanoseconds, exactly as models built on the engine convert.
#[inline]
pub fn nanos(secs: f64) -> u64 {
    SimDuration::from_secs_f64(secs).as_nanos()
}
