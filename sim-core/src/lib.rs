//! `sim-core`: a discrete-event simulator and capacity planner for multi-region
//! deployments.
//!
//! The crate is layered so that each part can be checked on its own:
//!
//! - [`engine`] — a generic DES kernel: integer time, a deterministic pending-event set
//!   with cheap cancellation, named random streams. It knows nothing of regions.
//! - [`model`] — the service model built on the engine (stations, and later users,
//!   network, routing, layouts, failures, cost).
//! - [`analytic`] — closed forms (Erlang C) that the simulation is tested against.
//! - [`catalog`] — real regions, measured inter-region RTTs, prices, default user areas
//!   and failure rates, embedded from `datasets/` and overlaid by a scenario's files.
//! - [`scenario`] — the one input type, parsed from TOML and checked with errors that
//!   name file, line, column and field.
//! - [`spec`] — [`spec::validate`] turns a scenario into the resolved run spec: dense
//!   ids for every name, the world and its latencies; nothing downstream looks a name up.
//!
//! The `regionsim` binary (feature `cli`, on by default) is a thin layer over this library.

pub mod analytic;
pub mod catalog;
pub mod engine;
pub mod experiment;
pub mod export;
pub mod input;
pub mod metrics;
pub mod model;
pub mod report;
pub mod scenario;
pub mod spec;
