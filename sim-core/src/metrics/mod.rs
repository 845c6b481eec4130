//! Streaming, mergeable, bounded measurements. Models feed observers; they do not
//! compute statistics themselves.

pub mod latency;
pub mod recorder;
pub mod stats;

pub use latency::LatencyHist;
pub use recorder::{AreaStats, Failure, Kind, MinuteCell, Outcome, Recorder};
