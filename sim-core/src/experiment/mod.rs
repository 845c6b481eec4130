//! Experiments: running scenarios (one layout, a comparison) and sweeps of them.
//! This is the one place that measures wall time.

pub mod availability;
pub mod budget;
pub mod cluster;
pub mod correlated;
pub mod load;
pub mod plan;
pub mod pool;
pub mod replicate;
pub mod run;
mod summary;
pub mod sweep;
pub mod variant;

pub use crate::metrics::IncidentResult;
pub use crate::spec::{validate, Resolved};
pub use load::{load_checked, load_file, load_scenario, load_text, Loaded, DEFAULT_SCENARIO};
pub use replicate::{replication_seed, Replicated, MAX_REPLICATIONS};
pub use run::{RunResult, WATCH_EVERY};
