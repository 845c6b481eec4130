//! The multi-region service model, built from small parts on the generic engine.
//!
//! - the [`World`](crate::spec::World) of regions, areas and latencies comes resolved from
//!   [`crate::spec::validate`];
//! - [`layout`] decides where each area's reads and writes go and where data is stored;
//! - [`workload`] generates arrivals that follow local time of day;
//! - [`station`] is the validated multi-server queue of one region;
//! - [`requests`] is the event-driven request model tying them together; `replies` keeps
//!   its successful responses in order outside the pending-event set, `deadlines` its
//!   client timeouts behind one sweep event;
//! - [`keys`] tracks replication per key (stale reads, conflicts);
//! - [`failures`] expands scheduled and random incidents; [`control`] is the balancer's
//!   health view, DNS answers and failover groups; [`reactions`] and [`replication`]
//!   handle incidents, promotions, retries and lost writes;
//! - [`zones`] spreads a region's instances over availability zones and loses a failed
//!   zone's share; [`dependencies`] turns a shared dependency's outage into incidents of
//!   every region that depends on it (a common cause); [`data_zone`] places the
//!   active-passive database in a zone (and a synchronous replica in another), so the
//!   data zone's outage is a region outage or an in-region failover;
//! - [`follow_sun`] moves the active-passive write primary on a daily schedule, each
//!   move a planned (drained) failover;
//! - [`autoscale`] runs each region's target-tracking policy and books the instances
//!   provisioned (the bill) and serving (`timeseries.csv`);
//! - [`cost`] turns instances and traffic into USD per month.
//!
//! Models know nothing of the CLI or the GUI; they feed a [`Recorder`](crate::metrics::Recorder).

mod arrivals;
pub mod autoscale;
pub mod control;
pub mod cost;
pub mod data_zone;
mod deadlines;
pub mod dependencies;
pub mod failures;
pub mod follow_sun;
pub mod keys;
pub mod layout;
pub mod reactions;
pub mod replication;
mod replies;
pub mod requests;
pub mod station;
pub mod workload;
pub mod zones;
