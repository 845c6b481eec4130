//! Failures: the incidents of a run and the conditions they impose at each instant.
//!
//! Scheduled failures come from the scenario; random region outages are drawn per region
//! from exponential up-times (mean MTBF, stream `("failures", region)`) and repair times
//! (mean MTTR, stream `("repairs", region)`) over the run's horizon — their own streams,
//! so they are the same for every layout (common random numbers). Overlapping incidents
//! combine: a region is down while any outage covers it; slowdowns multiply; capacity
//! losses multiply their surviving fractions.

use super::world::World;
use crate::engine::{SimDuration, SimTime, Streams};
use crate::scenario::{FailureSpec, Scenario};
use rand_distr::{Distribution, Exp1};

/// What an incident does while it lasts.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    Outage { region: usize },
    LinkBlocked { a: usize, b: usize },
    UserBlocked { area: usize, region: usize },
    Slow { region: usize, factor: f64 },
    LinkSlow { a: usize, b: usize, factor: f64 },
    CapacityLoss { region: usize, fraction: f64 },
}

/// One failure with its interval.
#[derive(Clone, Debug, PartialEq)]
pub struct Incident {
    pub effect: Effect,
    pub start: SimTime,
    pub end: SimTime,
    /// Drawn from MTBF/MTTR rather than scheduled.
    pub random: bool,
}

/// All incidents of a run: scheduled ones in file order, then random outages by region.
pub fn incidents(s: &Scenario, w: &World, seed: u64, horizon: SimTime) -> Vec<Incident> {
    let region = |id: &str| w.region_index(id).unwrap_or(0);
    let area = |name: &str| w.areas.iter().position(|a| a.name == name).unwrap_or(0);
    let mut out = Vec::new();
    for f in &s.failures {
        let start = SimTime::ZERO + f.start();
        let end = start + f.duration();
        let effect = match f {
            FailureSpec::RegionOutage { region: r, .. } => Effect::Outage { region: region(r) },
            FailureSpec::CapacityLoss {
                region: r,
                fraction,
                ..
            } => Effect::CapacityLoss {
                region: region(r),
                fraction: *fraction,
            },
            FailureSpec::Degradation {
                region: Some(r),
                factor,
                ..
            } => Effect::Slow {
                region: region(r),
                factor: *factor,
            },
            FailureSpec::Degradation {
                regions, factor, ..
            } => Effect::LinkSlow {
                a: region(&regions[0]),
                b: region(&regions[1]),
                factor: *factor,
            },
            FailureSpec::Partition {
                area: Some(a),
                region: Some(r),
                ..
            } => Effect::UserBlocked {
                area: area(a),
                region: region(r),
            },
            FailureSpec::Partition { regions, .. } => Effect::LinkBlocked {
                a: region(&regions[0]),
                b: region(&regions[1]),
            },
        };
        out.push(Incident {
            effect,
            start,
            end,
            random: false,
        });
    }
    if s.random_failures.enabled {
        let streams = Streams::new(seed);
        for (r, reg) in w.regions.iter().enumerate() {
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
                    effect: Effect::Outage { region: r },
                    start: t,
                    end,
                    random: true,
                });
                t = end;
            }
        }
    }
    out
}

/// The conditions in force at one instant, derived from the active incidents.
#[derive(Clone, Debug)]
pub struct Conditions {
    n: usize,
    areas: usize,
    active: Vec<bool>,
    down: Vec<u32>,
    link_blocked: Vec<u32>,
    user_blocked: Vec<u32>,
    pub slow: Vec<f64>,
    link_slow: Vec<f64>,
    pub capacity_factor: Vec<f64>,
}

impl Conditions {
    pub fn new(n: usize, areas: usize, incidents: usize) -> Self {
        Conditions {
            n,
            areas,
            active: vec![false; incidents],
            down: vec![0; n],
            link_blocked: vec![0; n * n],
            user_blocked: vec![0; areas * n],
            slow: vec![1.0; n],
            link_slow: vec![1.0; n * n],
            capacity_factor: vec![1.0; n],
        }
    }

    /// Starts (`on`) or ends incident `i`.
    pub fn set(&mut self, incidents: &[Incident], i: usize, on: bool) {
        if self.active[i] == on {
            return;
        }
        self.active[i] = on;
        let d = |c: &mut u32| {
            if on {
                *c += 1
            } else {
                *c = c.saturating_sub(1)
            }
        };
        match incidents[i].effect {
            Effect::Outage { region } => d(&mut self.down[region]),
            Effect::LinkBlocked { a, b } => {
                d(&mut self.link_blocked[a * self.n + b]);
                d(&mut self.link_blocked[b * self.n + a]);
            }
            Effect::UserBlocked { area, region } => {
                d(&mut self.user_blocked[area * self.n + region])
            }
            _ => {}
        }
        // Multiplicative effects are recomputed from the active set (no float drift).
        self.slow.iter_mut().for_each(|x| *x = 1.0);
        self.link_slow.iter_mut().for_each(|x| *x = 1.0);
        self.capacity_factor.iter_mut().for_each(|x| *x = 1.0);
        for (inc, _) in incidents.iter().zip(&self.active).filter(|(_, a)| **a) {
            match inc.effect {
                Effect::Slow { region, factor } => self.slow[region] *= factor,
                Effect::LinkSlow { a, b, factor } => {
                    self.link_slow[a * self.n + b] *= factor;
                    self.link_slow[b * self.n + a] *= factor;
                }
                Effect::CapacityLoss { region, fraction } => {
                    self.capacity_factor[region] *= 1.0 - fraction
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
        incidents
            .iter()
            .zip(&self.active)
            .filter(|(_, on)| **on)
            .filter_map(|(inc, _)| match inc.effect {
                Effect::LinkBlocked { a: x, b: y } if (x, y) == (a, b) || (y, x) == (a, b) => {
                    Some(inc.end)
                }
                Effect::Outage { region } if region == a || region == b => Some(inc.end),
                _ => None,
            })
            .max()
            .unwrap_or(SimTime::ZERO)
    }
}
