//! The region-state model on the DES engine: regions fail and are repaired, shards fail
//! over, users are rerouted; downtime, failovers and lost writes are booked per year.
//!
//! The semantics are those of [`crate::analytic::availability`] with two differences, both
//! on purpose: failover and reroute delays are *deterministic* (the chain uses Erlang
//! phases and an expected-value impulse), and overlapping reroutes are tracked exactly.

use super::YearOutcome;
use crate::analytic::availability::{pool_served, AvailabilityParams, Layout, HOURS_PER_YEAR};
use crate::engine::{run, Model, Scheduler, SimDuration, SimTime, Stop, StreamRng, Streams, Timer};
use rand::RngExt;
use rand_distr::Exp1;

/// One simulated year, exactly the year of the Markov model.
pub(super) const YEAR: SimDuration = SimDuration::from_hours(HOURS_PER_YEAR as u64);

/// The layout and its constants, shared (read-only) by every replication.
pub(super) struct Plan {
    regions: u32,
    /// Per region: mean up and down times, seconds.
    mtbf_s: Vec<f64>,
    mttr_s: Vec<f64>,
    failover: SimDuration,
    reroute: SimDuration,
    /// Writes in one replication window: write rate × (lag + one-way delay).
    window: f64,
    kind: Kind,
    /// Common causes: mean up and down times (seconds) and the share of users they take.
    causes: Vec<(f64, f64, f64)>,
}

enum Kind {
    /// Active-passive and sharded: each shard fails over among its candidate regions.
    Shards(Vec<ShardSpec>),
    /// Active-active: serving everyone while `quorum` regions are up and the `reads`
    /// share while at least one is; `lossy` for async.
    Pool {
        quorum: u32,
        reads: f64,
        lossy: bool,
    },
}

struct ShardSpec {
    /// The regions that may serve the shard, the initial primary first; failover goes to
    /// the next one up in this cyclic order.
    candidates: Vec<u32>,
    /// Share of users and writes.
    share: f64,
}

impl Plan {
    pub(super) fn new(layout: Layout, p: &AvailabilityParams) -> Plan {
        let n = p.regions;
        let shard = |candidates, share| ShardSpec { candidates, share };
        // Physical regions: one shard with a standby needs a second region.
        let regions = p.model_regions(layout);
        let kind = match layout {
            Layout::ActivePassive => Kind::Shards(vec![shard((0..n).collect(), 1.0)]),
            Layout::Sharded { standbys } => Kind::Shards(
                (0..n)
                    .map(|i| {
                        let c = if i < standbys {
                            vec![i, (i + 1) % regions]
                        } else {
                            vec![i]
                        };
                        shard(c, p.shard_share(i as usize))
                    })
                    .collect(),
            ),
            Layout::ActiveActiveSync { quorum } => Kind::Pool {
                quorum,
                reads: p.reads_share,
                lossy: false,
            },
            Layout::ActiveActiveAsync => Kind::Pool {
                quorum: 1,
                reads: 0.0,
                lossy: true,
            },
        };
        Plan {
            regions,
            mtbf_s: (0..regions as usize)
                .map(|r| p.rates_of(r).0 * 3600.0)
                .collect(),
            mttr_s: (0..regions as usize)
                .map(|r| p.rates_of(r).1 * 3600.0)
                .collect(),
            failover: SimDuration::from_secs_f64(p.failover.failover_s()),
            reroute: SimDuration::from_secs_f64(p.failover.reroute_s()),
            window: p.loss_window(),
            kind,
            causes: p
                .common_causes
                .iter()
                .map(|c| (c.mtbf_h * 3600.0, c.mttr_h * 3600.0, c.down_share))
                .collect(),
        }
    }

    /// Simulates `years` years from all regions up, with the streams of `streams`.
    pub(super) fn run(&self, streams: Streams, years: u32) -> Vec<YearOutcome> {
        let n = self.regions as usize;
        let mut m = Regions {
            plan: self,
            up: vec![true; n],
            up_count: self.regions,
            failures: (0..n)
                .map(|r| streams.stream("failures", r as u64))
                .collect(),
            repairs: (0..n)
                .map(|r| streams.stream("repairs", r as u64))
                .collect(),
            shards: match &self.kind {
                Kind::Shards(specs) => specs
                    .iter()
                    .map(|s| Shard::Serving(s.candidates[0]))
                    .collect(),
                Kind::Pool { .. } => Vec::new(),
            },
            stranded: vec![None; n],
            cause_down: vec![false; self.causes.len()],
            cause_failures: (0..self.causes.len())
                .map(|c| streams.stream("cause-failures", c as u64))
                .collect(),
            cause_repairs: (0..self.causes.len())
                .map(|c| streams.stream("cause-repairs", c as u64))
                .collect(),
            served: 1.0,
            last: SimTime::ZERO,
            lost_user_ns: 0.0,
            year: YearOutcome::default(),
            years: Vec::with_capacity(years as usize),
        };
        let mut s = Scheduler::new();
        for r in 0..self.regions {
            let d = m.draw(r, true);
            s.schedule_in(d, Ev::Fail(r));
        }
        for c in 0..self.causes.len() {
            let d = m.draw_cause(c, true);
            s.schedule_in(d, Ev::CauseFail(c as u32));
        }
        for y in 1..=years as u64 {
            s.schedule_at(
                SimTime::ZERO + SimDuration::from_nanos(YEAR.as_nanos() * y),
                Ev::YearEnd,
            );
        }
        let end = SimTime::ZERO + SimDuration::from_nanos(YEAR.as_nanos() * years as u64);
        run(&mut m, &mut s, Stop::at(end));
        m.years
    }
}

#[derive(Clone, Copy, Debug)]
enum Ev {
    Fail(u32),
    Repair(u32),
    FailoverDone(usize),
    Rerouted(u32),
    YearEnd,
    /// A common cause (shared dependency) fails or is repaired.
    CauseFail(u32),
    CauseRepair(u32),
}

#[derive(Clone, Copy, Debug)]
enum Shard {
    Serving(u32),
    FailingOver { target: u32, timer: Timer },
    Down,
}

struct Regions<'a> {
    plan: &'a Plan,
    up: Vec<bool>,
    up_count: u32,
    failures: Vec<StreamRng>,
    repairs: Vec<StreamRng>,
    shards: Vec<Shard>,
    /// Active-active: a failed region's users waiting to be rerouted, and their share.
    stranded: Vec<Option<(f64, Timer)>>,
    /// Per common cause: down now, and its up/down streams.
    cause_down: Vec<bool>,
    cause_failures: Vec<StreamRng>,
    cause_repairs: Vec<StreamRng>,
    /// Fraction of users served since `last`.
    served: f64,
    last: SimTime,
    /// Users × nanoseconds not served in the current year.
    lost_user_ns: f64,
    year: YearOutcome,
    years: Vec<YearOutcome>,
}

impl Regions<'_> {
    /// Time to the next failure (`up`) or repair of region `r`.
    fn draw(&mut self, r: u32, up: bool) -> SimDuration {
        let (rng, mean) = if up {
            (&mut self.failures[r as usize], self.plan.mtbf_s[r as usize])
        } else {
            (&mut self.repairs[r as usize], self.plan.mttr_s[r as usize])
        };
        let x: f64 = rng.sample(Exp1);
        SimDuration::from_secs_f64(x * mean)
    }

    /// Time to the next failure (`up`) or repair of common cause `c`.
    fn draw_cause(&mut self, c: usize, up: bool) -> SimDuration {
        let (mtbf, mttr, _) = self.plan.causes[c];
        let (rng, mean) = if up {
            (&mut self.cause_failures[c], mtbf)
        } else {
            (&mut self.cause_repairs[c], mttr)
        };
        let x: f64 = rng.sample(Exp1);
        SimDuration::from_secs_f64(x * mean)
    }

    /// The share of users the common causes leave served now (independent of regions).
    fn causes_served(&self) -> f64 {
        self.plan
            .causes
            .iter()
            .zip(&self.cause_down)
            .filter(|(_, &down)| down)
            .fold(1.0, |a, (c, _)| a * (1.0 - c.2))
    }

    /// The next region up after `from` among `candidates`, cyclically, not `from` itself.
    fn next_up(&self, candidates: &[u32], from: u32) -> Option<u32> {
        let at = candidates.iter().position(|&c| c == from)?;
        (1..candidates.len())
            .map(|k| candidates[(at + k) % candidates.len()])
            .find(|&c| self.up[c as usize])
    }

    fn start_failover(&mut self, s: &mut Scheduler<Ev>, shard: usize, target: u32) {
        self.year.failovers += 1;
        self.shards[shard] = if self.plan.failover.is_zero() {
            Shard::Serving(target)
        } else {
            let timer = s.timer_in(self.plan.failover, Ev::FailoverDone(shard));
            Shard::FailingOver { target, timer }
        };
    }

    fn region_failed(&mut self, s: &mut Scheduler<Ev>, r: u32, up_before: u32) {
        let plan = self.plan;
        match &plan.kind {
            Kind::Shards(specs) => {
                for (i, spec) in specs.iter().enumerate() {
                    let next = self.next_up(&spec.candidates, r);
                    match self.shards[i] {
                        Shard::Serving(p) if p == r => {
                            if let Some(t) = next {
                                self.year.lost_writes += self.plan.window * spec.share;
                                self.start_failover(s, i, t);
                            } else {
                                self.shards[i] = Shard::Down;
                            }
                        }
                        Shard::FailingOver { target, timer } if target == r => {
                            s.cancel(timer);
                            match next {
                                Some(t) => self.start_failover(s, i, t),
                                None => self.shards[i] = Shard::Down,
                            }
                        }
                        _ => {}
                    }
                }
            }
            &Kind::Pool {
                quorum,
                reads,
                lossy,
            } => {
                let share = 1.0 / up_before as f64;
                if lossy {
                    self.year.lost_writes += self.plan.window * share;
                }
                let after = pool_served(up_before as usize - 1, quorum as usize, reads);
                if after > 0.0 {
                    self.year.failovers += 1;
                    if !self.plan.reroute.is_zero() {
                        let timer = s.timer_in(self.plan.reroute, Ev::Rerouted(r));
                        self.stranded[r as usize] = Some((share, timer));
                    }
                }
            }
        }
    }

    fn region_repaired(&mut self, s: &mut Scheduler<Ev>, r: u32) {
        if let Some((_, timer)) = self.stranded[r as usize].take() {
            s.cancel(timer);
        }
        let plan = self.plan;
        if let Kind::Shards(specs) = &plan.kind {
            for (i, spec) in specs.iter().enumerate() {
                if matches!(self.shards[i], Shard::Down) && spec.candidates.contains(&r) {
                    self.shards[i] = Shard::Serving(r);
                }
            }
        }
    }

    fn served_now(&self) -> f64 {
        match &self.plan.kind {
            Kind::Shards(specs) => specs
                .iter()
                .zip(&self.shards)
                .filter(|(_, st)| matches!(st, Shard::Serving(_)))
                .map(|(spec, _)| spec.share)
                .sum(),
            &Kind::Pool { quorum, reads, .. } => {
                // Stranded users get nothing; the others what the regions up serve.
                let stranded: f64 = self.stranded.iter().flatten().map(|(x, _)| x).sum();
                pool_served(self.up_count as usize, quorum as usize, reads)
                    * (1.0 - stranded).max(0.0)
            }
        }
    }
}

impl Model for Regions<'_> {
    type Event = Ev;

    fn handle(&mut self, s: &mut Scheduler<Ev>, ev: Ev) {
        let now = s.now();
        self.lost_user_ns += (1.0 - self.served) * now.since(self.last).as_nanos() as f64;
        self.last = now;
        match ev {
            Ev::Fail(r) => {
                let up_before = self.up_count;
                self.up[r as usize] = false;
                self.up_count -= 1;
                self.region_failed(s, r, up_before);
                let d = self.draw(r, false);
                s.schedule_in(d, Ev::Repair(r));
            }
            Ev::Repair(r) => {
                self.up[r as usize] = true;
                self.up_count += 1;
                self.region_repaired(s, r);
                let d = self.draw(r, true);
                s.schedule_in(d, Ev::Fail(r));
            }
            Ev::FailoverDone(i) => {
                if let Shard::FailingOver { target, .. } = self.shards[i] {
                    self.shards[i] = Shard::Serving(target);
                }
            }
            Ev::Rerouted(r) => self.stranded[r as usize] = None,
            Ev::CauseFail(c) => {
                self.cause_down[c as usize] = true;
                let d = self.draw_cause(c as usize, false);
                s.schedule_in(d, Ev::CauseRepair(c));
            }
            Ev::CauseRepair(c) => {
                self.cause_down[c as usize] = false;
                let d = self.draw_cause(c as usize, true);
                s.schedule_in(d, Ev::CauseFail(c));
            }
            Ev::YearEnd => {
                self.year.downtime_min = self.lost_user_ns / 60e9;
                self.years.push(self.year);
                self.year = YearOutcome::default();
                self.lost_user_ns = 0.0;
            }
        }
        self.served = self.served_now() * self.causes_served();
    }
}
