//! Active-passive: one primary serves; an asynchronous standby takes over.
//!
//! Writes go to the primary; reads to the primary, or to the nearer of primary and
//! standby (`reads = "nearest"`). The primary replicates asynchronously to the standby;
//! data is stored at both. One site serves everyone, so the primary (and a hot standby)
//! run `active_passive.instances`, by default the whole fleet consolidated. A warm
//! standby runs `warm_fraction` of that before promotion, a cold one nothing; after
//! promotion they scale up over `failover.scale_up`.

use super::{nearest, Ack, Behaviour, Plan};
use crate::engine::SimDuration;
use crate::scenario::{ReadPolicy, Scenario, StandbyMode};
use crate::spec::Resolved;

/// After detection: promotion, then (warm or cold standby) scaling up to full capacity.
pub(super) fn failover_delay(s: &Scenario) -> SimDuration {
    let f = &s.active_passive.failover;
    match s.active_passive.standby_mode {
        StandbyMode::Hot => f.promotion,
        StandbyMode::Warm | StandbyMode::Cold => f.promotion + f.scale_up,
    }
}

pub(super) fn fill(spec: &Resolved, plan: &mut Plan) {
    let (w, ap) = (&spec.world, &spec.scenario.active_passive);
    let n = w.n_regions();
    let primary = spec.active_passive.primary.index();
    let standby = spec.active_passive.standby.map(|r| r.index());
    for a in 0..w.areas.len() {
        plan.write_region[a] = Some(primary);
        plan.read_region[a] = Some(match (ap.reads, standby) {
            (ReadPolicy::Nearest, Some(sb)) => nearest(w, a, primary, &|r| r == primary || r == sb),
            _ => primary,
        });
        let stored: Vec<usize> = std::iter::once(primary).chain(standby).collect();
        plan.stored_outside[a] = plan.outside(w, a, &stored);
    }
    plan.billed_fraction = vec![0.0; n];
    plan.billed_fraction[primary] = 1.0;
    let fleet = spec.active_passive.instances;
    plan.instances[primary] = fleet;
    if let Some(sb) = standby {
        plan.instances[sb] = fleet;
        plan.replicas[primary] = vec![sb];
        plan.billed_fraction[sb] = match ap.standby_mode {
            StandbyMode::Hot => 1.0,
            StandbyMode::Warm => ap.warm_fraction,
            StandbyMode::Cold => 0.0,
        };
    }
    plan.ack = Ack::Async;
    // A standby runs its billed fraction until promoted (rounded up to whole instances).
    plan.base_servers = plan
        .instances
        .iter()
        .zip(&plan.billed_fraction)
        .map(|(&i, &f)| (i as f64 * f).ceil() as u32)
        .collect();
    plan.behaviour = Behaviour {
        failover: Some(ap.failover.clone()),
        scale_up_after_promotion: Some(ap.standby_mode),
        reads_nearest_standby: ap.reads == ReadPolicy::Nearest,
        ..Behaviour::new(ap.replication_lag.clone())
    };
}
