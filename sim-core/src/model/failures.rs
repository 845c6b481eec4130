//! Failures: the incidents of a run and the conditions they impose at each instant.
//!
//! Scheduled failures come from the scenario (a dependency outage as one incident per
//! dependent region); random zone and dependency outages come from
//! [`zones`](super::zones) and [`dependencies`](super::dependencies); random region outages are drawn per region
//! from exponential up-times (mean MTBF, stream `("failures", region)`) and repair times
//! (mean MTTR, stream `("repairs", region)`) over the run's horizon — their own streams,
//! so they are the same for every layout (common random numbers). Overlapping incidents
//! combine: a region is down while any outage covers it; slowdowns multiply; capacity
//! losses multiply their surviving fractions.

use crate::engine::{SimDuration, SimTime, Streams};
pub use crate::spec::{Effect, Incident};
use crate::spec::{RegionId, Resolved};
use rand_distr::{Distribution, Exp1};

/// All incidents of a run: scheduled ones in file order, then random outages by region.
pub fn incidents(spec: &Resolved, seed: u64, horizon: SimTime) -> Vec<Incident> {
    let mut out = spec.failures.clone();
    if spec.scenario.random_failures.enabled {
        let streams = Streams::new(seed);
        for (r, reg) in spec.world.regions.iter().enumerate() {
            let mut up = streams.stream("failures", r as u64);
            let mut repair = streams.stream("repairs", r as u64);
            let mut t = SimTime::ZERO;
            loop {
                let e1: f64 = Exp1.sample(&mut up);
                t += reg.mtbf.mul_f64(e1);
                if t >= horizon {
                    break;
                }
                let e2: f64 = Exp1.sample(&mut repair);
                let end = t + reg.mttr.mul_f64(e2).max(SimDuration::from_secs(1));
                out.push(Incident {
                    effect: Effect::Outage {
                        region: RegionId::new(r),
                    },
                    start: t,
                    end,
                    random: true,
                });
                t = end;
            }
        }
    }
    super::zones::random_incidents(spec, seed, horizon, &mut out);
    super::dependencies::random_incidents(spec, seed, horizon, &mut out);
    out
}

/// The conditions in force at one instant, derived from the active incidents.
#[derive(Clone, Debug)]
pub struct Conditions {
    n: usize,
    areas: usize,
    active: Vec<bool>,
    /// Indices of the active incidents, ascending: the products below multiply in index
    /// order, and nothing scans the incidents that are not in force (a run may have
    /// tens of thousands).
    in_force: Vec<usize>,
    down: Vec<u32>,
    link_blocked: Vec<u32>,
    user_blocked: Vec<u32>,
    pub slow: Vec<f64>,
    link_slow: Vec<f64>,
    pub capacity_factor: Vec<f64>,
    /// Per region its zone count, and per (region, zone) the zone outages in force
    /// (`region × MAX_ZONES + zone`); all zones down counts as one region outage.
    zones: Vec<u32>,
    zone_down: Vec<u32>,
    /// Per region: writes refused, routing frozen (dependency outages in force).
    writes_refused: Vec<u32>,
    routing_frozen: Vec<u32>,
}

const MAX_ZONES: usize = crate::scenario::defaults::MAX_ZONES as usize;

impl Conditions {
    pub fn new(n: usize, areas: usize, incidents: usize) -> Self {
        Conditions {
            n,
            areas,
            active: vec![false; incidents],
            in_force: Vec::new(),
            down: vec![0; n],
            link_blocked: vec![0; n * n],
            user_blocked: vec![0; areas * n],
            slow: vec![1.0; n],
            link_slow: vec![1.0; n * n],
            capacity_factor: vec![1.0; n],
            zones: vec![crate::scenario::defaults::ZONES; n],
            zone_down: vec![0; n * MAX_ZONES],
            writes_refused: vec![0; n],
            routing_frozen: vec![0; n],
        }
    }

    /// The same conditions with each region's zone count.
    pub fn with_zones(mut self, zones: impl IntoIterator<Item = u32>) -> Self {
        for (z, n) in self.zones.iter_mut().zip(zones) {
            *z = n.clamp(1, MAX_ZONES as u32);
        }
        self
    }

    fn all_zones_down(&self, region: usize) -> bool {
        let z = self.zones[region] as usize;
        self.zone_down[region * MAX_ZONES..region * MAX_ZONES + z]
            .iter()
            .all(|&c| c > 0)
    }

    /// Whether zone `zone` (from 0) of `region` is down.
    pub fn zone_is_down(&self, region: usize, zone: u32) -> bool {
        self.zone_down
            .get(region * MAX_ZONES + zone as usize)
            .is_some_and(|&c| c > 0)
    }

    /// Whether `region` refuses writes (a dependency writes need is down).
    #[inline]
    pub fn writes_refused(&self, region: usize) -> bool {
        self.writes_refused[region] > 0
    }

    /// Whether the balancer's view of `region` is frozen (its routing dependency is down).
    pub fn routing_frozen(&self, region: usize) -> bool {
        self.routing_frozen[region] > 0
    }

    /// Starts (`on`) or ends incident `i`.
    pub fn set(&mut self, incidents: &[Incident], i: usize, on: bool) {
        if self.active[i] == on {
            return;
        }
        self.active[i] = on;
        match (self.in_force.binary_search(&i), on) {
            (Err(at), true) => self.in_force.insert(at, i),
            (Ok(at), false) => {
                self.in_force.remove(at);
            }
            _ => {}
        }
        let d = |c: &mut u32| {
            if on {
                *c += 1
            } else {
                *c = c.saturating_sub(1)
            }
        };
        match incidents[i].effect {
            Effect::Outage { region } => d(&mut self.down[region.index()]),
            Effect::LinkBlocked { a, b } => {
                let (a, b) = (a.index(), b.index());
                d(&mut self.link_blocked[a * self.n + b]);
                d(&mut self.link_blocked[b * self.n + a]);
            }
            Effect::UserBlocked { area, region } => {
                d(&mut self.user_blocked[area.index() * self.n + region.index()])
            }
            Effect::ZoneOutage { region, zone } => {
                let r = region.index();
                let before = self.all_zones_down(r);
                if let Some(c) = self.zone_down.get_mut(r * MAX_ZONES + zone as usize) {
                    d(c);
                }
                match (before, self.all_zones_down(r)) {
                    (false, true) => self.down[r] += 1,
                    (true, false) => self.down[r] = self.down[r].saturating_sub(1),
                    _ => {}
                }
            }
            Effect::WritesRefused { region } => d(&mut self.writes_refused[region.index()]),
            Effect::RoutingFrozen { region } => d(&mut self.routing_frozen[region.index()]),
            _ => {}
        }
        // Multiplicative effects are recomputed from the active set (no float drift).
        self.slow.iter_mut().for_each(|x| *x = 1.0);
        self.link_slow.iter_mut().for_each(|x| *x = 1.0);
        self.capacity_factor.iter_mut().for_each(|x| *x = 1.0);
        for inc in self.in_force.iter().map(|&k| &incidents[k]) {
            match inc.effect {
                Effect::Slow { region, factor } => self.slow[region.index()] *= factor,
                Effect::LinkSlow { a, b, factor } => {
                    let (a, b) = (a.index(), b.index());
                    self.link_slow[a * self.n + b] *= factor;
                    self.link_slow[b * self.n + a] *= factor;
                }
                Effect::CapacityLoss { region, fraction } => {
                    self.capacity_factor[region.index()] *= 1.0 - fraction
                }
                _ => {}
            }
        }
    }

    #[inline]
    pub fn is_down(&self, region: usize) -> bool {
        self.down[region] > 0
    }
    #[inline]
    pub fn link_blocked(&self, a: usize, b: usize) -> bool {
        a != b && self.link_blocked[a * self.n + b] > 0
    }
    #[inline]
    pub fn user_blocked(&self, area: usize, region: usize) -> bool {
        debug_assert!(area < self.areas);
        self.user_blocked[area * self.n + region] > 0
    }
    #[inline]
    pub fn link_slow(&self, a: usize, b: usize) -> f64 {
        self.link_slow[a * self.n + b]
    }

    /// When the last active incident blocking the link `a`–`b` ends.
    pub fn link_unblocked_at(&self, incidents: &[Incident], a: usize, b: usize) -> SimTime {
        self.in_force
            .iter()
            .map(|&k| &incidents[k])
            .filter_map(|inc| match inc.effect {
                Effect::LinkBlocked { a: x, b: y }
                    if (x.index(), y.index()) == (a, b) || (y.index(), x.index()) == (a, b) =>
                {
                    Some(inc.end)
                }
                Effect::Outage { region } if region.index() == a || region.index() == b => {
                    Some(inc.end)
                }
                _ => None,
            })
            .max()
            .unwrap_or(SimTime::ZERO)
    }
}
