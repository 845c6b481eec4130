//! Autoscaling: a per-region target-tracking policy, and the fleet's bookkeeping
//! (instances provisioned and serving over time, for the bill and `timeseries.csv`).
//!
//! Why: real fleets are not fixed, and the delay of a scale-out decides whether a
//! failover surge is absorbed. The policy follows AWS target tracking on average
//! utilisation (`docs/autoscaling.md` has the formulas and an example):
//!
//! - every `evaluation` (from time zero) the policy reads the region's mean busy
//!   instances over the window just ended, `B = Δ(busy·time)/Δt` (from the station's
//!   integrals), and wants `desired = clamp(⌈B / target⌉, min, max)` instances;
//! - **scale-out** when `desired` exceeds the instances running plus booting: the
//!   difference is launched at once and serves `boot` later (the scale-out delay);
//! - **scale-in** when `desired` is below the instances running, nothing is booting and
//!   the last scaling action is at least `cooldown` ago: the surplus stops at once (jobs
//!   in service on it finish — the station lets running jobs complete);
//! - the region's serving capacity is then `running` through its zones and failures, as
//!   any base capacity ([`super::zones`]).
//!
//! Utilisation cannot exceed 1, so an overloaded region grows by at most `1/target` per
//! evaluation, as with the real policy: a step in load needs several windows, and the
//! boot delay comes on top — the latency spike of `docs/autoscaling.md`.
//!
//! A region whose plan runs no instance (a cold standby not yet promoted, an unused
//! region) is not scaled. Billing: an instance is paid from its launch (booting included)
//! to its stop; `instance_hours` in `runs.csv` counts the measured window.

use super::requests::{Ev, RequestModel};
use crate::engine::{Scheduler, SimTime};
use crate::metrics::Series;
use crate::model::station::StationTotals;
use crate::scenario::Autoscaling;
use std::collections::VecDeque;

/// One region's fleet.
#[derive(Clone, Debug)]
struct RegionFleet {
    policy: Option<Autoscaling>,
    /// Instances launched and still booting, with the instant they serve.
    booting: VecDeque<(SimTime, u32)>,
    last_action: Option<SimTime>,
    last_reading: Option<StationTotals>,
    /// Instances paid for now (running + booting), and its integral over the window.
    provisioned: u32,
    provisioned_since: SimTime,
    billed_ns: u128,
    /// Serving instances now and since when (for the time series).
    serving: u32,
    serving_since: SimTime,
}

/// Every region's fleet and the run's scaling counts; see the module docs.
#[derive(Clone, Debug)]
pub struct Fleet {
    regions: Vec<RegionFleet>,
    window: (SimTime, SimTime),
    /// Scaling actions in the measured window.
    pub scale_outs: u64,
    pub scale_ins: u64,
}

impl Fleet {
    /// `servers[r]`: what region `r` runs at time zero; `window`: the measured window.
    pub fn new(
        policies: impl IntoIterator<Item = Option<Autoscaling>>,
        servers: &[u32],
        window: (SimTime, SimTime),
    ) -> Self {
        Fleet {
            regions: policies
                .into_iter()
                .zip(servers)
                .map(|(policy, &s)| RegionFleet {
                    policy,
                    booting: VecDeque::new(),
                    last_action: None,
                    last_reading: None,
                    provisioned: s,
                    provisioned_since: SimTime::ZERO,
                    billed_ns: 0,
                    serving: s,
                    serving_since: SimTime::ZERO,
                })
                .collect(),
            window,
            scale_outs: 0,
            scale_ins: 0,
        }
    }

    /// Whether region `r` has a policy.
    pub fn scaled(&self, r: usize) -> bool {
        self.regions[r].policy.is_some()
    }

    fn in_window(&self, t: SimTime) -> bool {
        t >= self.window.0 && t < self.window.1
    }

    /// Books region `r`'s provisioned instances up to `now`, then sets them to `n`.
    fn provision(&mut self, r: usize, now: SimTime, n: u32) {
        let (from, to) = self.window;
        let f = &mut self.regions[r];
        let a = f.provisioned_since.max(from);
        let b = now.min(to);
        if b > a {
            f.billed_ns += u128::from(f.provisioned) * u128::from(b.since(a).as_nanos());
        }
        f.provisioned = n;
        f.provisioned_since = now;
    }

    /// Region `r` serves with `servers` instances from `now` on: books the time series.
    pub fn serving_changed(&mut self, r: usize, now: SimTime, servers: u32, series: &mut Series) {
        let f = &mut self.regions[r];
        if now > f.serving_since {
            series.add_instances(r, f.serving_since, now, f.serving);
        }
        f.serving = servers;
        f.serving_since = now;
    }

    /// Closes the books at `end` (after the run): the series up to `end`, the bill.
    pub fn finish(&mut self, end: SimTime, series: &mut Series) {
        for r in 0..self.regions.len() {
            let s = self.regions[r].serving;
            self.serving_changed(r, end, s, series);
            let p = self.regions[r].provisioned;
            self.provision(r, end, p);
        }
        series.instances_until(end);
    }

    /// Instance-hours region `r` was paid for in the window, if it has a policy.
    pub fn billed_hours(&self, r: usize) -> Option<f64> {
        let f = &self.regions[r];
        f.policy.as_ref().map(|_| f.billed_ns as f64 / 3.6e12)
    }
}

impl RequestModel<'_> {
    /// Schedules each scaled region's first evaluation.
    pub(super) fn start_autoscaling(&mut self, sched: &mut Scheduler<Ev>) {
        for r in 0..self.world.n_regions() {
            if let Some(p) = &self.fleet.regions[r].policy {
                let e = p.evaluation;
                sched.schedule_in(e, Ev::Autoscale(r as u16));
                let zero = self.stations[r].totals(SimTime::ZERO);
                self.fleet.regions[r].last_reading = Some(zero);
            }
        }
    }

    /// One evaluation of region `r`'s policy (see the module docs).
    pub(super) fn on_autoscale(&mut self, sched: &mut Scheduler<Ev>, r: usize) {
        let now = sched.now();
        let Some(p) = self.fleet.regions[r].policy.clone() else {
            return;
        };
        if now < self.arrivals_end {
            sched.schedule_in(p.evaluation, Ev::Autoscale(r as u16));
        }
        let reading = self.stations[r].totals(now);
        let Some(last) = self.fleet.regions[r].last_reading.replace(reading) else {
            return;
        };
        let w = reading.window(&last);
        self.decide(sched, r, &p, w.utilisation * w.mean_servers);
    }

    fn decide(&mut self, sched: &mut Scheduler<Ev>, r: usize, p: &Autoscaling, busy: f64) {
        let now = sched.now();
        if self.plan.base_servers[r] == 0 && self.base_servers[r] == 0 {
            return; // a standby that runs nothing is not scaled
        }
        let desired = ((busy / p.target_utilisation).ceil() as u32).clamp(p.min, p.max);
        let running = self.base_servers[r];
        let f = &self.fleet.regions[r];
        let booting: u32 = f.booting.iter().map(|b| b.1).sum();
        let cooled = f.last_action.is_none_or(|t| now.since(t) >= p.cooldown);
        if desired > running + booting {
            let n = desired - running - booting;
            self.fleet.regions[r].booting.push_back((now + p.boot, n));
            self.fleet.regions[r].last_action = Some(now);
            self.fleet.provision(r, now, running + booting + n);
            if self.fleet.in_window(now) {
                self.fleet.scale_outs += 1;
            }
            sched.schedule_in(p.boot, Ev::Booted(r as u16));
        } else if desired < running && booting == 0 && cooled {
            self.fleet.regions[r].last_action = Some(now);
            self.fleet.provision(r, now, desired);
            if self.fleet.in_window(now) {
                self.fleet.scale_ins += 1;
            }
            self.base_servers[r] = desired;
            self.apply_capacity(sched, r);
        }
    }

    /// Instances launched `boot` ago start serving.
    pub(super) fn on_booted(&mut self, sched: &mut Scheduler<Ev>, r: usize) {
        let now = sched.now();
        let f = &mut self.fleet.regions[r];
        let mut ready = 0;
        while let Some(&(at, n)) = f.booting.front() {
            if at > now {
                break;
            }
            f.booting.pop_front();
            ready += n;
        }
        if ready > 0 {
            self.base_servers[r] += ready;
            self.apply_capacity(sched, r);
        }
    }
}
