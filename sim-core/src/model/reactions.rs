//! How the system reacts over time: incidents start and end, the balancer probes,
//! standbys are promoted and scale up, clients retry.

use super::requests::{Ev, ReqRef, RequestModel};
use crate::engine::{Scheduler, SimDuration, SimTime};
use crate::metrics::Failure;
use crate::scenario::StandbyMode;
use rand::RngExt;

/// A region outage as seen by users, for recovery times.
#[derive(Clone, Debug)]
pub struct OutageRecord {
    pub region: usize,
    pub start: SimTime,
    /// Areas whose answers pointed at the region when it failed.
    pub affected: Vec<bool>,
    /// The recorder's watch of its users' recovery
    /// ([`Recorder::recovery_time`](crate::metrics::Recorder::recovery_time)).
    pub watch: usize,
    /// Acknowledged writes this outage lost (at the failure or at the failover after it).
    pub lost_writes: u64,
}

/// Round trip of a health probe to a healthy region (the balancer's network path and the
/// cheap health endpoint), multiplied by the region's slowdown factor: a region degraded
/// by more than `timeout / PROBE_ROUND_TRIP` fails its probes (a gray failure only that
/// severe is detected).
pub const PROBE_ROUND_TRIP: SimDuration = SimDuration::from_millis(10);

/// Steps in which a promoted warm or cold standby reaches full capacity: at step `k` of
/// `SCALE_STEPS`, `k × scale_up / SCALE_STEPS` after promotion, it runs
/// `from + ⌈(full − from) × k / SCALE_STEPS⌉` servers, `from` being its capacity at
/// promotion — the documented linear profile from standby to full capacity over
/// `scale_up`, in whole instances.
const SCALE_STEPS: u8 = 10;

impl RequestModel<'_> {
    /// Sets a region's servers to its base capacity times its surviving fraction.
    pub(super) fn apply_capacity(&mut self, sched: &mut Scheduler<Ev>, region: usize) {
        let now = sched.now();
        let base = self.zone_capacity(region, self.base_servers[region]);
        let servers = (base as f64 * self.cond.capacity_factor[region]).floor() as u32;
        let mut started = Vec::new();
        self.stations[region].set_servers(now, servers, |w| started.push(w), |_| {});
        self.fleet
            .serving_changed(region, now, servers, &mut self.rec.series);
        for w in started {
            // Each started job gets its completion; jobs of finished requests end at once.
            match self.get(w.job) {
                Some(q) => {
                    let d = q.service.mul_f64(self.cond.slow[region]);
                    sched.schedule_in(d, Ev::Done(region as u16, self.epoch[region], w.job));
                }
                None => {
                    let next = self.stations[region].complete(now, |_| {});
                    self.start_next(sched, region, next);
                }
            }
        }
    }

    pub(super) fn on_incident(&mut self, sched: &mut Scheduler<Ev>, i: usize, on: bool) {
        let now = sched.now();
        // A zone outage is news only if its zone was up, and a region outage only if the
        // region was up (an overlapping region outage counts again, as it always has).
        let (zone_was_down, region_news) = match self.incidents[i].effect {
            super::failures::Effect::ZoneOutage { region, zone } => (
                self.cond.zone_is_down(region.index(), u32::from(zone)),
                !self.cond.is_down(region.index()),
            ),
            _ => (true, true),
        };
        self.cond.set(&self.incidents, i, on);
        match self.incidents[i].effect {
            super::failures::Effect::Outage { region }
            | super::failures::Effect::ZoneOutage { region, .. } => {
                let region = region.index();
                if on && region_news && self.cond.is_down(region) && self.down_since[region] != now
                {
                    self.zone_work.clear(region);
                    self.epoch[region] = self.epoch[region].wrapping_add(1);
                    self.down_since[region] = now;
                    let _ = self.stations[region].drain_queue(now).count();
                    self.stations[region].abort_in_service(now);
                    let affected = (0..self.world.areas.len())
                        .map(|a| {
                            let (r, w) = self.control.current(a);
                            r == region || w == region
                        })
                        .collect::<Vec<bool>>();
                    let watch = self.rec.watch_recovery(now, affected.clone());
                    self.outages.push(OutageRecord {
                        region,
                        start: now,
                        affected,
                        watch,
                        lost_writes: 0,
                    });
                    let risk = self.take_at_risk(region, now);
                    self.writes.exposed += risk.0;
                    if self.lost_at_failure() {
                        self.lose(risk, now);
                        if let Some(o) = self.outages.last_mut() {
                            o.lost_writes += risk.0;
                        }
                    } else {
                        let acc = &mut self.at_risk[region];
                        acc.0 += risk.0;
                        acc.1 = match (acc.1, risk.1) {
                            (Some(a), Some(b)) => Some(a.min(b)),
                            (a, b) => a.or(b),
                        };
                    }
                } else if !self.cond.is_down(region) {
                    if let (true, super::failures::Effect::ZoneOutage { zone, .. }) =
                        (on && !zone_was_down, self.incidents[i].effect)
                    {
                        self.zone_failed(now, region, u32::from(zone));
                    }
                    if !on || !zone_was_down {
                        self.apply_capacity(sched, region);
                    }
                }
            }
            super::failures::Effect::CapacityLoss { region, .. } => {
                self.apply_capacity(sched, region.index())
            }
            _ => {}
        }
    }

    /// Sends a probe: it succeeds after its round trip if the region is up and answers
    /// within the timeout, else fails when the timeout expires (see [`PROBE_ROUND_TRIP`]).
    pub(super) fn on_probe(&mut self, sched: &mut Scheduler<Ev>, region: usize) {
        let hc = &self.s.routing.health_check;
        let round_trip = PROBE_ROUND_TRIP.mul_f64(self.cond.slow[region]);
        let ev = if !self.cond.is_down(region) && round_trip <= hc.timeout {
            (round_trip, Ev::ProbeResult(region as u16, true))
        } else {
            (hc.timeout, Ev::ProbeResult(region as u16, false))
        };
        sched.schedule_in(ev.0, ev.1);
        if sched.now() < self.arrivals_end {
            sched.schedule_in(hc.interval, Ev::Probe(region as u16));
        }
    }

    pub(super) fn on_probe_result(&mut self, sched: &mut Scheduler<Ev>, region: usize, ok: bool) {
        // While its routing dependency is down the balancer cannot act on the region's
        // health: the probe's verdict is lost (docs/failures.md, `affects = "routing"`).
        if self.cond.routing_frozen(region) {
            return;
        }
        if self.control.probe(region, ok) {
            if let (false, Some(f)) = (ok, &self.plan.behaviour.failover) {
                let promotion = f.promotion;
                for g in self.control.groups_to_promote(region) {
                    sched.schedule_in(promotion, Ev::Promote(g as u16));
                }
            }
            self.control.refresh(self.world, self.plan, sched.now());
        }
    }

    pub(super) fn on_promote(&mut self, sched: &mut Scheduler<Ev>, g: usize) {
        let Some((old, new)) = self.control.promote(g) else {
            return;
        };
        self.writes.failovers += 1;
        // Writes the old primary acknowledged but never replicated are gone.
        let risk = std::mem::take(&mut self.at_risk[old]);
        let failed_at = self.down_since[old];
        self.lose(risk, failed_at);
        // They belong to the old primary's latest outage (the one that caused this).
        if let Some(o) = self.outages.iter_mut().rev().find(|o| o.region == old) {
            o.lost_writes += risk.0;
        }
        self.replicas[new] = vec![old];
        self.replicas[old].clear();
        if let Some(mode) = self.plan.behaviour.scale_up_after_promotion {
            let full = self.plan.instances[new];
            if self.base_servers[new] < full {
                if mode == StandbyMode::Cold {
                    self.base_servers[new] = 0;
                }
                let gen = self.scale_from[new].1.wrapping_add(1);
                self.scale_from[new] = (self.base_servers[new], gen);
                sched.schedule_in(self.scale_step(), Ev::ScaleStep(new as u16, 1, gen));
            }
            self.apply_capacity(sched, new);
        }
        self.control.refresh(self.world, self.plan, sched.now());
    }

    fn scale_step(&self) -> SimDuration {
        SimDuration::from_nanos(
            self.plan
                .behaviour
                .failover
                .as_ref()
                .map_or(0, |f| f.scale_up.as_nanos())
                / u64::from(SCALE_STEPS),
        )
    }

    pub(super) fn on_scale_step(
        &mut self,
        sched: &mut Scheduler<Ev>,
        region: usize,
        k: u8,
        gen: u16,
    ) {
        let (from, current) = self.scale_from[region];
        if gen != current {
            return; // a later promotion restarted the scale-up
        }
        let full = self.plan.instances[region];
        let gap = full.saturating_sub(from);
        let added = (u64::from(gap) * u64::from(k)).div_ceil(u64::from(SCALE_STEPS));
        self.base_servers[region] = (u64::from(from) + added).min(u64::from(full)) as u32;
        self.apply_capacity(sched, region);
        if k < SCALE_STEPS {
            sched.schedule_in(self.scale_step(), Ev::ScaleStep(region as u16, k + 1, gen));
        }
    }

    /// A failed attempt: retry after a backoff if retries and the budget allow, else fail.
    pub(super) fn retry_or_fail(&mut self, sched: &mut Scheduler<Ev>, r: ReqRef, f: Failure) {
        let Some(q) = self.get(r) else { return };
        let (area, attempt, measured) = (q.area as usize, q.attempt, q.measured);
        let c = &self.s.client;
        let budget_ok = c.retry_budget == 0.0 || self.areas[area].tokens >= 1.0;
        if (attempt as u32) < c.retries && budget_ok {
            if c.retry_budget > 0.0 {
                self.areas[area].tokens -= 1.0;
            }
            let cap = c
                .backoff_base
                .mul_f64(2f64.powi(attempt as i32))
                .min(c.backoff_max);
            let u: f64 = self.areas[area].retry.random();
            let r2 = self.reissue(r);
            self.reqs[r2.idx as usize].attempt += 1;
            if measured {
                self.rec.retries += 1;
            }
            sched.schedule_in(cap.mul_f64(u), Ev::Retry(r2));
        } else {
            self.finish(sched, r, Err(f));
        }
    }
}
