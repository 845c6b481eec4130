//! Scheduled failures with their names resolved: what each does, to which ids, when.

use super::ids::{AreaId, RegionId};
use crate::engine::SimTime;

/// What an incident does while it lasts.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Effect {
    /// The region serves nothing and answers no health probe.
    Outage { region: RegionId },
    /// The two regions cannot reach each other (replication waits).
    LinkBlocked { a: RegionId, b: RegionId },
    /// The area's users cannot reach the region.
    UserBlocked { area: AreaId, region: RegionId },
    /// Service at the region is `factor` times slower (a gray failure: probes still pass).
    Slow { region: RegionId, factor: f64 },
    /// Traffic between the two regions is `factor` times slower.
    LinkSlow {
        a: RegionId,
        b: RegionId,
        factor: f64,
    },
    /// The region loses `fraction` of its instances.
    CapacityLoss { region: RegionId, fraction: f64 },
}

/// One failure with its interval `[start, end)` in simulated time.
#[derive(Clone, Debug, PartialEq)]
pub struct Incident {
    pub effect: Effect,
    pub start: SimTime,
    pub end: SimTime,
    /// Drawn from MTBF/MTTR rather than scheduled.
    pub random: bool,
}
