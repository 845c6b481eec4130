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
    /// Availability zone `zone` (from 0) of the region fails: its instances and the work
    /// in service on them are lost; all zones down is a region outage.
    ZoneOutage { region: RegionId, zone: u16 },
    /// The region refuses writes (a dependency that writes need is down).
    WritesRefused { region: RegionId },
    /// The balancer cannot change what it says about the region (its routing dependency
    /// is down): health checks neither mark it down nor up.
    RoutingFrozen { region: RegionId },
}

/// A shared dependency with its dependent regions resolved.
#[derive(Clone, Debug, PartialEq)]
pub struct DependencySpec {
    pub name: String,
    /// Dependent regions, ascending, each once.
    pub regions: Vec<RegionId>,
    pub affects: crate::scenario::Affects,
    /// Random outages: (MTBF, MTTR), when the scenario gives both.
    pub rates: Option<(crate::engine::SimDuration, crate::engine::SimDuration)>,
}

impl DependencySpec {
    /// What an outage of this dependency does to its dependent region `region`.
    pub fn effect_on(&self, region: RegionId) -> Effect {
        match self.affects {
            crate::scenario::Affects::All => Effect::Outage { region },
            crate::scenario::Affects::Writes => Effect::WritesRefused { region },
            crate::scenario::Affects::Routing => Effect::RoutingFrozen { region },
        }
    }

    /// The incidents of one outage of the dependency over `[start, end)`: one per
    /// dependent region, in region order.
    pub fn incidents(&self, start: SimTime, end: SimTime, random: bool) -> Vec<Incident> {
        self.regions
            .iter()
            .map(|&r| Incident {
                effect: self.effect_on(r),
                start,
                end,
                random,
            })
            .collect()
    }
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
