//! Scenario files: the one input type, parsed from TOML, then validated.
//!
//! [`Scenario`] is the only serde type for input; the CLI, the GUI, sweeps and tests all
//! use it. Loading ([`load`]) reports every problem of a file at once as
//! `file:line:column: field.path: what is wrong (and what is allowed)`; checks that need
//! no text ([`validate`]) return [`FieldError`]s with paths, which the GUI shows next to
//! its fields.

pub mod dist;
pub mod error;
pub mod failures;
mod hints;
pub mod load;
pub mod realism;
mod shape;
pub mod slo;
pub mod types;
pub mod validate;

pub use dist::Dist;

/// The most instances one region may run (a count, an autoscaling maximum, a planner
/// candidate): far above any real regional fleet of one service, and low enough that the
/// exact Erlang computations of the planner stay fast.
pub const MAX_INSTANCES: u32 = 100_000;
pub use error::{FieldError, FieldPath, ScenarioError};
pub use types::*;
