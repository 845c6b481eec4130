//! The multi-region service model, built from small parts on the generic engine.
//!
//! - [`world`] resolves a scenario against the catalog (regions, areas, latencies, prices);
//! - [`layout`] decides where each area's reads and writes go and where data is stored;
//! - [`workload`] generates arrivals that follow local time of day;
//! - [`station`] is the validated multi-server queue of one region;
//! - [`requests`] is the event-driven request model tying them together;
//! - [`keys`] tracks replication per key (stale reads, conflicts);
//! - [`cost`] turns instances and traffic into USD per month.
//!
//! Models know nothing of the CLI or the GUI; they feed a [`Recorder`](crate::metrics::Recorder).

pub mod cost;
pub mod keys;
pub mod layout;
pub mod requests;
pub mod station;
pub mod workload;
pub mod world;
