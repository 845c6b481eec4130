//! Streaming, mergeable, bounded measurements. Models feed observers; they do not
//! compute statistics themselves.

pub mod downtime;
pub mod incident;
pub mod latency;
pub mod recorder;
pub mod replicated;
pub mod series;
pub mod station;
pub mod stats;
pub mod summary;

pub use incident::IncidentResult;
pub use latency::LatencyHist;
pub use recorder::{AreaStats, Failure, Kind, Outcome, Recorder};
pub use replicated::{MetricDifference, MetricInterval, Paired, Replications};
pub use series::{MinuteCell, Series};
pub use station::StationWindow;
pub use summary::{AreaSummary, Metric, RunSummary};
