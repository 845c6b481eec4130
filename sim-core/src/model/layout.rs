//! Layouts: where each area's reads and writes go, and where its data is stored.
//!
//! A [`Plan`] is the static part of a layout, computed once per run from the world and
//! the scenario's layout options:
//!
//! - **active-passive**: writes go to the primary; reads to the primary, or to the nearer
//!   of primary and standby (`reads = "nearest"`); the primary replicates asynchronously
//!   to the standby. Data is stored at both.
//! - **active-active**: every region serves; a request goes to the region chosen by the
//!   routing policy. Writes replicate to every other region, synchronously (all, or a
//!   quorum counting the local region) or asynchronously (multi-master, last writer wins).
//!   Data is stored everywhere.
//! - **sharded**: each area has a home region (the lowest-RTT region in its jurisdiction,
//!   else the lowest-RTT region; `sharded.homes` overrides); all its requests go there.
//!   With `standby = true`, a home replicates asynchronously to the nearest other region
//!   of the same jurisdiction, if there is one. Each area's data is its own (keys of two
//!   areas never collide).
//!
//! Active-passive serves everyone from one site, so its primary (and a hot standby) run
//! `active_passive.instances`, by default the deployment's whole fleet consolidated;
//! the other layouts run each region's own `instances`.

use crate::scenario::{LayoutKind, ReadPolicy, RoutingPolicy, WriteMode};
use crate::spec::Resolved;

/// How writes are acknowledged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ack {
    /// After the origin and `quorum − 1` replicas applied the write.
    Sync { quorum: usize },
    /// After the origin applied it; replicas follow with a lag.
    Async,
}

/// Where requests go in one layout.
#[derive(Clone, Debug)]
pub struct Plan {
    pub layout: LayoutKind,
    /// Per area: the region its reads go to, or `None` when the routing policy decides
    /// per request (active-active).
    pub read_region: Vec<Option<usize>>,
    /// Per area: the region its writes go to, or `None` (routing decides).
    pub write_region: Vec<Option<usize>>,
    /// Per origin region: the regions it replicates writes to.
    pub replicas: Vec<Vec<usize>>,
    pub ack: Ack,
    /// Per area: whether its data is stored outside its jurisdiction (residency).
    pub stored_outside: Vec<bool>,
    /// Per region: instances serving in this layout.
    pub instances: Vec<u32>,
    /// Per region: the fraction of `instances` that runs (and is billed) before any
    /// failure: 1 for serving regions and hot standbys, `warm_fraction` for warm, 0 for
    /// cold standbys and unused regions.
    pub billed_fraction: Vec<f64>,
    /// Per area: key-space partition (sharded layouts keep each area's data apart).
    pub key_partition: Vec<u64>,
    /// Per area: the static routing order used by the policy (best first).
    pub routing_order: Vec<Vec<usize>>,
    /// Routing weights per region (weighted policy).
    pub weights: Vec<f64>,
    pub policy: RoutingPolicy,
}

fn argmin_by(
    n: usize,
    mut key: impl FnMut(usize) -> f64,
    mut allowed: impl FnMut(usize) -> bool,
) -> Option<usize> {
    (0..n)
        .filter(|&r| allowed(r))
        .min_by(|&a, &b| key(a).total_cmp(&key(b)).then(a.cmp(&b)))
}

impl Plan {
    pub fn new(spec: &Resolved, layout: LayoutKind) -> Plan {
        let (w, s) = (&spec.world, &spec.scenario);
        let n = w.n_regions();
        let areas = w.areas.len();
        // The nearer of the allowed regions (ties: the one listed first).
        let nearest = |a: usize, first: usize, allowed: &dyn Fn(usize) -> bool| {
            argmin_by(n, |r| w.user_rtt(a, r).as_nanos() as f64, allowed).unwrap_or(first)
        };
        let mut routing_order: Vec<Vec<usize>> = Vec::with_capacity(areas);
        for a in 0..areas {
            let mut order: Vec<usize> = match s.routing.policy {
                RoutingPolicy::Priority => {
                    spec.routing.priority.iter().map(|r| r.index()).collect()
                }
                _ => (0..n).collect(),
            };
            match s.routing.policy {
                RoutingPolicy::Latency | RoutingPolicy::Weighted => {
                    order.sort_by_key(|&r| (w.user_rtt(a, r), r))
                }
                RoutingPolicy::Geo => order
                    .sort_by(|&x, &y| w.user_km(a, x).total_cmp(&w.user_km(a, y)).then(x.cmp(&y))),
                RoutingPolicy::Priority => {
                    // Regions missing from the list follow, nearest first.
                    let mut rest: Vec<usize> = (0..n).filter(|r| !order.contains(r)).collect();
                    rest.sort_by_key(|&r| (w.user_rtt(a, r), r));
                    order.extend(rest);
                }
            }
            routing_order.push(order);
        }
        let weights = spec.routing.weights.clone();

        let mut plan = Plan {
            layout,
            read_region: vec![None; areas],
            write_region: vec![None; areas],
            replicas: vec![Vec::new(); n],
            ack: Ack::Async,
            stored_outside: vec![false; areas],
            instances: w.regions.iter().map(|r| r.instances).collect(),
            billed_fraction: vec![1.0; n],
            key_partition: vec![0; areas],
            routing_order,
            weights,
            policy: s.routing.policy,
        };
        let outside = |a: usize, stored: &[usize]| {
            stored
                .iter()
                .any(|&r| w.regions[r].jurisdiction != w.areas[a].jurisdiction)
        };

        match layout {
            LayoutKind::ActivePassive => {
                let ap = &s.active_passive;
                let primary = spec.active_passive.primary.index();
                let standby = spec.active_passive.standby.map(|r| r.index());
                for a in 0..areas {
                    plan.write_region[a] = Some(primary);
                    plan.read_region[a] = Some(match (ap.reads, standby) {
                        (ReadPolicy::Nearest, Some(sb)) => {
                            nearest(a, primary, &|r| r == primary || r == sb)
                        }
                        _ => primary,
                    });
                    let stored: Vec<usize> = std::iter::once(primary).chain(standby).collect();
                    plan.stored_outside[a] = outside(a, &stored);
                }
                plan.billed_fraction = vec![0.0; n];
                plan.billed_fraction[primary] = 1.0;
                // One site serves everyone: by default the whole fleet, consolidated.
                let fleet = spec.active_passive.instances;
                plan.instances[primary] = fleet;
                if let Some(sb) = standby {
                    plan.instances[sb] = fleet;
                    plan.replicas[primary] = vec![sb];
                    plan.billed_fraction[sb] = match ap.standby_mode {
                        crate::scenario::StandbyMode::Hot => 1.0,
                        crate::scenario::StandbyMode::Warm => ap.warm_fraction,
                        crate::scenario::StandbyMode::Cold => 0.0,
                    };
                }
                plan.ack = Ack::Async;
            }
            LayoutKind::ActiveActive => {
                for (o, reps) in plan.replicas.iter_mut().enumerate() {
                    *reps = (0..n).filter(|&r| r != o).collect();
                }
                let all: Vec<usize> = (0..n).collect();
                for a in 0..areas {
                    plan.stored_outside[a] = outside(a, &all);
                }
                plan.ack = match s.active_active.writes {
                    WriteMode::Async => Ack::Async,
                    WriteMode::SyncAll => Ack::Sync { quorum: n },
                    WriteMode::SyncQuorum => Ack::Sync {
                        quorum: spec.active_active.quorum,
                    },
                };
            }
            LayoutKind::Sharded => {
                let sh = &s.sharded;
                let mut used = vec![false; n];
                for a in 0..areas {
                    let home = spec.sharded.homes[a].index();
                    plan.read_region[a] = Some(home);
                    plan.write_region[a] = Some(home);
                    plan.key_partition[a] = a as u64;
                    used[home] = true;
                }
                for (h, &home_used) in used.iter().enumerate() {
                    if !home_used || !sh.standby {
                        continue;
                    }
                    let jur = &w.regions[h].jurisdiction;
                    let sb = argmin_by(
                        n,
                        |r| w.rtt(h, r).as_nanos() as f64,
                        |r| r != h && w.regions[r].jurisdiction == *jur,
                    );
                    if let Some(sb) = sb {
                        plan.replicas[h] = vec![sb];
                    }
                }
                for (a, home) in spec.sharded.homes.iter().enumerate() {
                    let home = home.index();
                    let stored: Vec<usize> = std::iter::once(home)
                        .chain(plan.replicas[home].iter().copied())
                        .collect();
                    plan.stored_outside[a] = outside(a, &stored);
                }
                // Homes and standby targets run their instances; other regions are unused.
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
            }
        }
        plan
    }
}
