//! Layouts: where each area's reads and writes go, where its data is stored, and how the
//! layout behaves when a region fails.
//!
//! A [`Plan`] is the static part of a layout, computed once per run from the resolved
//! spec. Each layout is one module that fills it — routing, replica sets, billing, and
//! its [`Behaviour`] (replication lag, failover and promotion, scale-up, per-key state):
//!
//! - [`active_passive`]: one primary serves, an asynchronous standby takes over;
//! - [`active_active`]: every region serves, writes replicate everywhere;
//! - [`sharded`]: each area lives in its home region, optionally with a standby.
//!
//! [`Plan::new`] and [`failover_delay`] are the only places in the model that dispatch on
//! [`LayoutKind`]: the request model, the control plane and replication read the plan's
//! fields and flags, never the layout's name. A fourth layout is a module here plus an arm
//! in each of the two.

pub mod active_active;
pub mod active_passive;
pub mod sharded;

use crate::engine::SimDuration;
use crate::scenario::{Dist, Failover, LayoutKind, RoutingPolicy, Scenario, StandbyMode};
use crate::spec::{Resolved, World};

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
    /// Per region: instances running before any failure or promotion.
    pub base_servers: Vec<u32>,
    pub behaviour: Behaviour,
}

/// How a layout behaves, beyond where requests go.
#[derive(Clone, Debug)]
pub struct Behaviour {
    /// Delay between a write's commit at its origin and its apply at a replica, beyond
    /// the network.
    pub replication_lag: Dist,
    /// Promotion and scale-up when a group's primary fails; `None`: no failover groups
    /// (the balancer routes around a failed region).
    pub failover: Option<Failover>,
    /// A promoted standby of this mode starts at its standby capacity and scales up to
    /// full over `failover.scale_up` (active-passive); `None`: promoted at full capacity.
    pub scale_up_after_promotion: Option<StandbyMode>,
    /// Reads go to the nearer healthy member of the failover group (active-passive
    /// `reads = "nearest"`).
    pub reads_nearest_standby: bool,
    /// The routing policy picks a region per request (active-active); else each area's
    /// answer is its group's primary.
    pub routed_per_request: bool,
    /// Every region accepts writes (active-active): asynchronous writes can conflict, and
    /// `async_recovery` decides what a failed region's unreplicated writes become.
    pub multi_master: bool,
    /// Areas share one key space that several regions hold, so per-key state is tracked
    /// (stale reads); sharded areas keep their data apart and need none.
    pub shares_keys: bool,
}

impl Behaviour {
    /// A layout without failover, conflicts or nearest reads, sharing keys.
    fn new(replication_lag: Dist) -> Self {
        Behaviour {
            replication_lag,
            failover: None,
            scale_up_after_promotion: None,
            reads_nearest_standby: false,
            routed_per_request: false,
            multi_master: false,
            shares_keys: true,
        }
    }
}

/// The nearer (by user RTT from area `a`) of the allowed regions; ties go to the region
/// listed first, and `first` if none is allowed.
fn nearest(w: &World, a: usize, first: usize, allowed: &dyn Fn(usize) -> bool) -> usize {
    (0..w.n_regions())
        .filter(|&r| allowed(r))
        .min_by_key(|&r| (w.user_rtt(a, r), r))
        .unwrap_or(first)
}

impl Plan {
    pub fn new(spec: &Resolved, layout: LayoutKind) -> Plan {
        let (w, s) = (&spec.world, &spec.scenario);
        let n = w.n_regions();
        let areas = w.areas.len();
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
            base_servers: Vec::new(),
            behaviour: Behaviour::new(s.active_active.replication_lag.clone()),
        };
        match layout {
            LayoutKind::ActivePassive => active_passive::fill(spec, &mut plan),
            LayoutKind::ActiveActive => active_active::fill(spec, &mut plan),
            LayoutKind::Sharded => sharded::fill(spec, &mut plan),
        }
        if plan.base_servers.is_empty() {
            plan.base_servers = plan.instances.clone();
        }
        plan
    }
}

/// How long `layout` takes, after the balancer has detected a failed region, until a
/// standby serves at full capacity (promotion, and scale-up for warm or cold standbys);
/// zero for layouts that route around a failure instead of failing over.
pub fn failover_delay(s: &Scenario, layout: LayoutKind) -> SimDuration {
    match layout {
        LayoutKind::ActivePassive => active_passive::failover_delay(s),
        LayoutKind::ActiveActive => active_active::failover_delay(s),
        LayoutKind::Sharded => sharded::failover_delay(s),
    }
}

impl Plan {
    /// Whether area `a`'s data, stored at `stored`, leaves its jurisdiction.
    fn outside(&self, w: &World, a: usize, stored: &[usize]) -> bool {
        stored
            .iter()
            .any(|&r| w.regions[r].jurisdiction != w.areas[a].jurisdiction)
    }
}
