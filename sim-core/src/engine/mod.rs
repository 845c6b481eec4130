//! The discrete-event engine: time, the pending-event set, the event loop and random
//! streams.
//!
//! Architecture invariant: nothing in this module knows of regions, users, requests or
//! replicas. It is a generic DES kernel that models plug into through [`Model`].
//!
//! Guarantees:
//! - simulated time is an integer number of nanoseconds ([`SimTime`], [`SimDuration`]);
//! - events leave the pending set by time, then by the order they were scheduled;
//! - every random draw comes from a [`Streams`] stream keyed by purpose and entity;
//! - the hot loop allocates nothing once the pending set has reached its working size.

pub mod queue;
pub mod rng;
pub mod sim;
pub mod time;

pub use queue::{EventQueue, QueueKind, Timer};
pub use rng::{derive_seed, StreamRng, Streams};
pub use sim::{run, Model, Scheduler, Stop, StopReason};
pub use time::{ParseDurationError, SimDuration, SimTime};
