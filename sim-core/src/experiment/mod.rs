//! Experiments: running scenarios (one layout, a comparison) and sweeps of them.
//! This is the one place that measures wall time.

pub mod availability;
pub mod budget;
pub mod load;
pub mod plan;
pub mod run;
pub mod sweep;

pub use load::{load_scenario, load_text, DEFAULT_SCENARIO};
pub use run::{Prepared, RunResult, WATCH_EVERY};
