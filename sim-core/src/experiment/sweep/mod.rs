//! Headless sweeps: many scenarios × replications, resumable, shardable across machines.
//!
//! A sweep file names a base scenario and the fields to vary:
//!
//! ```toml
//! base = "../scenarios/default.toml"   # relative to this file; omitted = embedded default
//! seed = 7                             # master seed (default: the base scenario's)
//! replications = 5                     # runs per point (default 1)
//!
//! [set]                                # constants applied to every point (no column)
//! duration = "2m"
//!
//! [axes]                               # each entry is a dimension: cartesian product
//! layout = ["active-passive", "active-active", "sharded"]
//! "routing.dns_ttl" = ["10s", "60s"]
//!
//! [[zip]]                              # lists that advance together: one dimension
//! "workload.peak_rps" = [6000.0, 12000.0]
//! "regions[0].instances" = [12, 24]
//! ```
//!
//! - `file`: reads the sweep file, every problem located at its line.
//! - [`plan`]: checks every point's scenario, numbers points and runs.
//! - [`path`]: field paths and setting a value at one in the base scenario's TOML.
//! - [`run`](mod@run): executes the runs of a shard on a rayon pool, persisting each as it
//!   finishes; resumes after any interruption.
//! - [`store`]: the folder layout (manifest, part files) and assembling `runs.csv`.
//! - [`merge`](mod@merge): joins shard folders into the bytes one machine writes.
//! - [`summary`]: per-point mean, standard deviation and 95 % confidence interval.
//!
//! Determinism: run `r` is replication `r % replications` of point `r / replications`; its
//! seed is `derive_seed(seed, "replication", replication)` — the same at every point, so
//! points and layouts compare on common random numbers. Output rows are assembled in run
//! order from the part files, never in completion order, so `runs.csv` and `summary.csv`
//! are byte-identical for any number of threads, after any number of resumes, and after
//! merging shards.

mod file;
pub mod merge;
pub mod path;
pub mod plan;
pub mod run;
pub mod store;
pub mod summary;
mod warnings;

pub use merge::merge;
pub use plan::{RunId, SweepPlan};
pub use run::{run_sweep, Observer, Options, Outcome, Silent};
pub use store::{Manifest, Shard};

use crate::scenario::ScenarioError;
use std::path::{Path, PathBuf};

/// Everything that can go wrong with a sweep; each names its file, line, field or run.
#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    /// Problems in the sweep file, located `file:line:column: field: message`.
    #[error("the sweep is not valid:\n{0}")]
    Sweep(ScenarioError),
    /// The base scenario itself is invalid.
    #[error("the base scenario is not valid:\n{0}")]
    Base(ScenarioError),
    #[error("cannot {action} {}", path.display())]
    Io {
        path: PathBuf,
        action: &'static str,
        #[source]
        source: std::io::Error,
    },
    /// A sweep folder that cannot be used as asked.
    #[error("{}: {message}", dir.display())]
    Dir { dir: PathBuf, message: String },
    /// A part or manifest file that is not what it should be.
    #[error("{}: {message}", path.display())]
    Part { path: PathBuf, message: String },
    #[error("cannot merge: {0}")]
    Merge(String),
    #[error("cannot start the worker threads: {0}")]
    Threads(String),
    #[error("run {run} ({point}): {message}")]
    Run {
        run: u64,
        point: String,
        message: String,
    },
}

impl SweepError {
    pub fn io(path: &Path, action: &'static str, source: std::io::Error) -> SweepError {
        SweepError::Io {
            path: path.to_path_buf(),
            action,
            source,
        }
    }
}
