//! One region outage as users lived it: the rows of `incidents.csv`, and what a run's
//! observed RTO is the maximum of.

use crate::engine::{SimDuration, SimTime};

/// One region outage as users lived it.
#[derive(Clone, Debug, PartialEq)]
pub struct IncidentResult {
    /// Index of the failed region.
    pub region: usize,
    pub start: SimTime,
    /// Areas whose DNS answer pointed at the region when it failed.
    pub affected_areas: usize,
    /// From the start to the end of the last second in which the affected users were
    /// down (under 90 % success), counting only seconds before the next outage affecting
    /// any of them started; zero when no users were affected or never down.
    pub rto: SimDuration,
    /// Acknowledged writes this outage lost.
    pub lost_writes: u64,
}
