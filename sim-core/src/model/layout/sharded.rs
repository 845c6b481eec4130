//! Sharded: each area lives in its home region, optionally with a standby.
//!
//! Each area has a home region (resolved by validation: `sharded.homes`, else the
//! lowest-RTT region in its jurisdiction, else the lowest-RTT region); all its requests
//! go there. With `standby = true`, a home replicates asynchronously to the nearest other
//! region of the same jurisdiction, if there is one, which is promoted when the home
//! fails. Each area's data is its own (keys of two areas never collide), so no key is
//! ever read away from its home: no per-key state is tracked. Regions that are neither a
//! home nor a standby are unused (and unbilled).

use super::{Ack, Behaviour, Plan};
use crate::engine::SimDuration;
use crate::scenario::Scenario;
use crate::spec::Resolved;

/// After detection: promotion of the shard's standby (promoted at full capacity).
pub(super) fn failover_delay(s: &Scenario) -> SimDuration {
    s.sharded.failover.promotion
}

pub(super) fn fill(spec: &Resolved, plan: &mut Plan) {
    let (w, sh) = (&spec.world, &spec.scenario.sharded);
    let n = w.n_regions();
    let mut used = vec![false; n];
    for (a, home) in spec.sharded.homes.iter().enumerate() {
        let home = home.index();
        plan.read_region[a] = Some(home);
        plan.write_region[a] = Some(home);
        plan.key_partition[a] = a as u64;
        used[home] = true;
    }
    for (h, &home_used) in used.iter().enumerate() {
        if !home_used || !sh.standby {
            continue;
        }
        if let Some(sb) = w.shard_standby(h) {
            plan.replicas[h] = vec![sb];
        }
    }
    for (a, home) in spec.sharded.homes.iter().enumerate() {
        let home = home.index();
        let stored: Vec<usize> = std::iter::once(home)
            .chain(plan.replicas[home].iter().copied())
            .collect();
        plan.stored_outside[a] = plan.outside(w, a, &stored);
    }
    let standby_target: Vec<bool> = (0..n)
        .map(|r| plan.replicas.iter().any(|reps| reps.contains(&r)))
        .collect();
    for (r, b) in plan.billed_fraction.iter_mut().enumerate() {
        *b = if used[r] || standby_target[r] {
            1.0
        } else {
            0.0
        };
    }
    plan.ack = Ack::Async;
    plan.behaviour = Behaviour {
        failover: Some(sh.failover.clone()),
        shares_keys: false,
        ..Behaviour::new(sh.replication_lag.clone())
    };
}
