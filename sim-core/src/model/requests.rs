//! The request-level model: users send requests, the network carries them, regions serve
//! them, layouts route and replicate writes.
//!
//! Life of a request (all delays in integer nanoseconds):
//! 1. **arrival** in area `a` (non-homogeneous Poisson, see [`workload`](super::workload));
//!    its kind (read/write), key (Zipf) and service demand are drawn from the area's own
//!    streams, so every layout sees the same requests (common random numbers);
//! 2. the client starts its **timeout** timer and sends the request to the region chosen by
//!    the [`Plan`]: one-way delay = user RTT / 2 + jitter;
//! 3. the region's [`Station`] serves it (FIFO, `instances` servers, bounded queue; a full
//!    queue rejects, a request still waiting at its deadline is dropped);
//! 4. a **write** commits at the region and replicates: asynchronously (acknowledged at
//!    once; replicas apply after one-way delay + lag) or synchronously (acknowledged when
//!    `quorum − 1` replicas have applied it and answered: a full round trip each);
//! 5. the **response** travels back (one-way + jitter); if the timeout fired first the
//!    request has failed and the late response is ignored.
//!
//! Assumptions: applying a replicated write costs a region no instance time; a server
//! keeps serving a request whose client has given up (wasted work, as in real servers).

use super::keys::KeyStore;
use super::layout::{Ack, Plan};
use super::station::{Admission, Station};
use super::workload::{exp_gap, Diurnal};
use super::world::World;
use crate::engine::{Model, Scheduler, SimDuration, SimTime, StreamRng, Streams};
use crate::metrics::{Failure, Kind, Outcome, Recorder};
use crate::scenario::{Dist, LayoutKind, RoutingPolicy, Scenario};
use rand::Rng;
use rand_distr::{Distribution, Zipf};
use std::collections::VecDeque;

/// A request slot and its generation (slots are reused; stale events are ignored).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReqRef {
    idx: u32,
    gen: u32,
}

/// Events of the request model.
#[derive(Clone, Copy, Debug)]
pub enum Ev {
    /// A candidate arrival in an area (thinning decides whether it is real).
    Arrive(u16),
    /// A request reaches its region.
    AtRegion(ReqRef),
    /// A server of a region finishes a request.
    Done(u16, ReqRef),
    /// The answer reaches the client: success or a fast failure.
    Respond(ReqRef, Option<Failure>),
    /// Client timeouts are due: expire every request whose deadline has passed.
    TimeoutSweep,
}

struct Req {
    gen: u32,
    live: bool,
    area: u16,
    region: u16,
    kind: Kind,
    key: u64,
    arrived: SimTime,
    measured: bool,
    service: SimDuration,
    stale: bool,
}

struct AreaGen {
    diurnal: Diurnal,
    peak_rate: f64,
    arrivals: StreamRng,
    attrs: StreamRng,
    service: StreamRng,
    network: StreamRng,
    routing: StreamRng,
}

/// Totals the cost model needs beyond the recorder.
#[derive(Clone, Debug, Default)]
pub struct WriteStats {
    /// Measured writes committed at their origin.
    pub committed: u64,
    /// Σ over committed writes of Σ over their replicas of the transfer price (USD/GB).
    pub replica_usd_per_gb: f64,
    /// Concurrent writes to one key from different regions (asynchronous multi-master).
    pub conflicts: u64,
}

/// The request-level model of one layout; see the module docs.
pub struct RequestModel<'w> {
    world: &'w World,
    plan: &'w Plan,
    stations: Vec<Station<ReqRef>>,
    reqs: Vec<Req>,
    free: Vec<u32>,
    areas: Vec<AreaGen>,
    replication: Vec<StreamRng>,
    zipf: Zipf<f64>,
    keys: KeyStore,
    key_space: u64,
    timeout: SimDuration,
    read_fraction: f64,
    jitter: Option<Dist>,
    lag: Dist,
    arrivals_end: SimTime,
    pub rec: Recorder,
    pub writes: WriteStats,
    /// Client deadlines in the order they were set. Every request has the same timeout,
    /// so this FIFO is sorted by deadline: one pending sweep event replaces a timer per
    /// request in the event set (which would hold `rate × timeout` entries). Entries of
    /// requests that already ended are skipped (lazy cancellation).
    deadlines: VecDeque<(SimTime, ReqRef)>,
    sweep_armed: bool,
    /// Reads may land on a region that lags the latest write (not in sharded layouts).
    check_stale: bool,
    /// Scratch space for acknowledgement times (no allocation per write).
    acks: Vec<SimTime>,
    applied: Vec<SimTime>,
}

impl<'w> RequestModel<'w> {
    pub fn new(world: &'w World, plan: &'w Plan, s: &Scenario, seed: u64) -> Self {
        let streams = Streams::new(seed);
        let areas = world
            .areas
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let i = i as u64;
                AreaGen {
                    diurnal: Diurnal::new(&s.workload, s.start_utc_hour, a.utc_offset_hours),
                    peak_rate: s.workload.peak_rps * a.share,
                    arrivals: streams.stream("arrivals", i),
                    attrs: streams.stream("requests", i),
                    service: streams.stream("service", i),
                    network: streams.stream("network", i),
                    routing: streams.stream("routing", i),
                }
            })
            .collect();
        let n = world.n_regions();
        let lag = match plan.layout {
            LayoutKind::ActivePassive => s.active_passive.replication_lag.clone(),
            LayoutKind::ActiveActive => s.active_active.replication_lag.clone(),
            LayoutKind::Sharded => s.sharded.replication_lag.clone(),
        };
        let warm = SimTime::ZERO + s.warmup;
        RequestModel {
            world,
            plan,
            stations: world
                .regions
                .iter()
                .zip(&plan.instances)
                .map(|(r, &c)| Station::new(c, r.queue_limit as usize))
                .collect(),
            reqs: Vec::new(),
            free: Vec::new(),
            areas,
            replication: (0..n)
                .map(|r| streams.stream("replication", r as u64))
                .collect(),
            zipf: Zipf::new(s.workload.keys as f64, s.workload.zipf_exponent)
                .expect("validated: keys ≥ 1, exponent ≥ 0"),
            keys: KeyStore::new(n),
            key_space: s.workload.keys + 1,
            timeout: s.client.timeout,
            read_fraction: s.workload.read_fraction,
            jitter: s.network.jitter.clone(),
            lag,
            arrivals_end: warm + s.duration,
            rec: Recorder::new(world.areas.len(), n, warm, s.duration),
            writes: WriteStats::default(),
            deadlines: VecDeque::new(),
            sweep_armed: false,
            check_stale: plan.layout != LayoutKind::Sharded,
            acks: Vec::with_capacity(n),
            applied: vec![SimTime::ZERO; n],
        }
    }

    /// Schedules the first candidate arrival of every area.
    pub fn start(&mut self, sched: &mut Scheduler<Ev>) {
        for a in 0..self.areas.len() {
            let g = &mut self.areas[a];
            if g.peak_rate > 0.0 {
                let gap = exp_gap(g.peak_rate, g.arrivals.random());
                sched.schedule_in(gap, Ev::Arrive(a as u16));
            }
        }
    }

    fn get(&self, r: ReqRef) -> Option<&Req> {
        self.reqs
            .get(r.idx as usize)
            .filter(|q| q.live && q.gen == r.gen)
    }

    fn alloc(&mut self, req: Req) -> ReqRef {
        match self.free.pop() {
            Some(i) => {
                let gen = self.reqs[i as usize].gen.wrapping_add(1);
                self.reqs[i as usize] = Req { gen, ..req };
                ReqRef { idx: i, gen }
            }
            None => {
                self.reqs.push(req);
                ReqRef {
                    idx: (self.reqs.len() - 1) as u32,
                    gen: 0,
                }
            }
        }
    }

    /// One-way user↔region delay for `area`, jitter drawn from the area's network stream.
    fn user_one_way(&mut self, area: usize, region: usize) -> SimDuration {
        let base = SimDuration::from_nanos(self.world.user_rtt(area, region).as_nanos() / 2);
        match &self.jitter {
            Some(j) => base + j.sample(&mut self.areas[area].network),
            None => base,
        }
    }

    fn region_one_way(&mut self, from: usize, to: usize) -> SimDuration {
        let base = SimDuration::from_nanos(self.world.rtt(from, to).as_nanos() / 2);
        match &self.jitter {
            Some(j) => base + j.sample(&mut self.replication[from]),
            None => base,
        }
    }

    fn route(&mut self, area: usize, kind: Kind) -> usize {
        let fixed = match kind {
            Kind::Read => self.plan.read_region[area],
            Kind::Write => self.plan.write_region[area],
        };
        if let Some(r) = fixed {
            return r;
        }
        let order = &self.plan.routing_order[area];
        match self.plan.policy {
            RoutingPolicy::Weighted => {
                let total: f64 = self.plan.weights.iter().sum();
                let mut x = self.areas[area].routing.random::<f64>() * total;
                for (r, w) in self.plan.weights.iter().enumerate() {
                    if x < *w {
                        return r;
                    }
                    x -= w;
                }
                order[0]
            }
            _ => order[0],
        }
    }

    fn finish(&mut self, sched: &mut Scheduler<Ev>, r: ReqRef, result: Result<(), Failure>) {
        let Some(q) = self.get(r) else { return };
        let area = q.area as usize;
        let region = q.region as usize;
        let violation = self.world.areas[area].residency_required
            && (self.plan.stored_outside[area]
                || self.world.regions[region].jurisdiction != self.world.areas[area].jurisdiction);
        let outcome = Outcome {
            area,
            region,
            kind: q.kind,
            arrived: q.arrived,
            at: sched.now(),
            result,
            stale: q.stale,
            residency_violation: violation,
        };
        if q.measured {
            self.rec.outcome(&outcome);
        }
        self.reqs[r.idx as usize].live = false;
        self.free.push(r.idx);
    }

    fn on_arrive(&mut self, sched: &mut Scheduler<Ev>, a: usize) {
        let now = sched.now();
        if now >= self.arrivals_end {
            return;
        }
        let g = &mut self.areas[a];
        let gap = exp_gap(g.peak_rate, g.arrivals.random());
        sched.schedule_in(gap, Ev::Arrive(a as u16));
        let keep: f64 = g.arrivals.random();
        if keep >= g.diurnal.factor(now) {
            return;
        }
        let kind = if g.attrs.random::<f64>() < self.read_fraction {
            Kind::Read
        } else {
            Kind::Write
        };
        // Keys of different partitions (sharded areas) never collide.
        let key =
            self.zipf.sample(&mut g.attrs) as u64 + self.key_space * self.plan.key_partition[a];
        let region = self.route(a, kind);
        let service = self.world.regions[region]
            .service
            .sample(&mut self.areas[a].service);
        let measured = self.rec.in_window(now);
        if measured {
            self.rec.arrived(a);
        }
        let r = self.alloc(Req {
            gen: 0,
            live: true,
            area: a as u16,
            region: region as u16,
            kind,
            key,
            arrived: now,
            measured,
            service,
            stale: false,
        });
        self.deadlines.push_back((now + self.timeout, r));
        if !self.sweep_armed {
            self.sweep_armed = true;
            sched.schedule_in(self.timeout, Ev::TimeoutSweep);
        }
        let d = self.user_one_way(a, region);
        sched.schedule_in(d, Ev::AtRegion(r));
    }

    fn on_at_region(&mut self, sched: &mut Scheduler<Ev>, r: ReqRef) {
        let Some(q) = self.get(r) else { return };
        let (region, deadline, service, area) = (
            q.region as usize,
            q.arrived + self.timeout,
            q.service,
            q.area as usize,
        );
        match self.stations[region].arrive(sched.now(), r, deadline) {
            Admission::Started(_) => sched.schedule_in(service, Ev::Done(region as u16, r)),
            Admission::Queued => {}
            Admission::Rejected(_) => {
                let d = self.user_one_way(area, region);
                sched.schedule_in(d, Ev::Respond(r, Some(Failure::Rejected)));
            }
        }
    }

    fn on_done(&mut self, sched: &mut Scheduler<Ev>, region: usize, r: ReqRef) {
        let now = sched.now();
        // Start the next waiting request whose client is still waiting.
        let mut next = self.stations[region].complete(now, |_| {});
        while let Some(w) = next {
            if let Some(q) = self.get(w.job) {
                sched.schedule_in(q.service, Ev::Done(region as u16, w.job));
                break;
            }
            // The client gave up at this very instant: the server moves on.
            next = self.stations[region].complete(now, |_| {});
        }
        let Some(q) = self.get(r) else { return };
        let (area, kind, key, measured) = (q.area as usize, q.kind, q.key, q.measured);
        let mut delay = SimDuration::ZERO;
        match kind {
            Kind::Read => {
                if self.check_stale {
                    let stale = self.keys.is_stale(key, region, now);
                    self.reqs[r.idx as usize].stale = stale;
                }
            }
            Kind::Write => match self.commit(now, region, key, measured) {
                Some(d) => delay = d,
                None => {
                    let back = self.user_one_way(area, region);
                    sched.schedule_in(back, Ev::Respond(r, Some(Failure::Unavailable)));
                    return;
                }
            },
        }
        let back = self.user_one_way(area, region);
        sched.schedule_in(delay + back, Ev::Respond(r, None));
    }

    /// Commits a write at `origin`; returns the delay until it is acknowledged, or `None`
    /// if its quorum cannot be reached.
    fn commit(
        &mut self,
        now: SimTime,
        origin: usize,
        key: u64,
        measured: bool,
    ) -> Option<SimDuration> {
        let n = self.world.n_regions();
        let replicas = &self.plan.replicas[origin];
        self.acks.clear();
        for r in 0..n {
            self.applied[r] = SimTime::MAX;
        }
        self.applied[origin] = now;
        let mut price = 0.0;
        for i in 0..replicas.len() {
            let rep = self.plan.replicas[origin][i];
            let there = self.region_one_way(origin, rep);
            price += self.world.transfer_usd_per_gb(origin, rep);
            match self.plan.ack {
                Ack::Async => {
                    let lag = self.lag.sample(&mut self.replication[origin]);
                    self.applied[rep] = now + there + lag;
                }
                Ack::Sync { .. } => {
                    self.applied[rep] = now + there;
                    let back = self.region_one_way(rep, origin);
                    self.acks.push(now + there + back);
                }
            }
        }
        let acked = match self.plan.ack {
            Ack::Async => now,
            Ack::Sync { quorum } => {
                let need = quorum.saturating_sub(1);
                if need == 0 {
                    now
                } else if need > self.acks.len() {
                    return None;
                } else {
                    self.acks.sort_unstable();
                    self.acks[need - 1]
                }
            }
        };
        if measured {
            self.writes.committed += 1;
            self.writes.replica_usd_per_gb += price;
            if self.plan.layout == LayoutKind::ActiveActive
                && self.plan.ack == Ack::Async
                && self.keys.conflicts(key, origin, now)
            {
                self.writes.conflicts += 1;
            }
        }
        let applied = &self.applied;
        self.keys.write(key, origin, acked, |r| applied[r]);
        Some(acked.since(now))
    }
}

impl Model for RequestModel<'_> {
    type Event = Ev;
    fn handle(&mut self, sched: &mut Scheduler<Ev>, ev: Ev) {
        match ev {
            Ev::Arrive(a) => self.on_arrive(sched, a as usize),
            Ev::AtRegion(r) => self.on_at_region(sched, r),
            Ev::Done(region, r) => self.on_done(sched, region as usize, r),
            Ev::Respond(r, failure) => self.finish(sched, r, failure.map_or(Ok(()), Err)),
            Ev::TimeoutSweep => {
                let now = sched.now();
                while let Some(&(deadline, r)) = self.deadlines.front() {
                    if deadline > now {
                        sched.schedule_at(deadline, Ev::TimeoutSweep);
                        return;
                    }
                    self.deadlines.pop_front();
                    self.finish(sched, r, Err(Failure::Timeout));
                }
                self.sweep_armed = false;
            }
        }
    }
}
