//! Active-active: every region serves; writes replicate to every other region.
//!
//! A request goes to the region chosen by the routing policy, per request. Writes
//! replicate to every other region, synchronously (all, or a quorum counting the local
//! region) or asynchronously (multi-master, last writer wins: conflicts are counted).
//! Data is stored everywhere. No failover: the balancer routes around a failed region.

use super::{Ack, Behaviour, Plan};
use crate::engine::SimDuration;
use crate::scenario::{Scenario, WriteMode};
use crate::spec::Resolved;

/// No failover: once the balancer marks the region down, the others serve.
pub(super) fn failover_delay(_: &Scenario) -> SimDuration {
    SimDuration::ZERO
}

pub(super) fn fill(spec: &Resolved, plan: &mut Plan) {
    let (w, aa) = (&spec.world, &spec.scenario.active_active);
    let n = w.n_regions();
    for (o, reps) in plan.replicas.iter_mut().enumerate() {
        *reps = (0..n).filter(|&r| r != o).collect();
    }
    let all: Vec<usize> = (0..n).collect();
    for a in 0..w.areas.len() {
        plan.stored_outside[a] = plan.outside(w, a, &all);
    }
    plan.ack = match aa.writes {
        WriteMode::Async => Ack::Async,
        WriteMode::SyncAll => Ack::Sync { quorum: n },
        WriteMode::SyncQuorum => Ack::Sync {
            quorum: spec.active_active.quorum,
        },
    };
    plan.behaviour = Behaviour {
        routed_per_request: true,
        multi_master: true,
        ..Behaviour::new(aa.replication_lag.clone())
    };
}
