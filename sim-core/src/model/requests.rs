//! The request-level model: users send requests, the network carries them, regions serve
//! them, layouts route and replicate writes, failures break things and the control plane
//! reacts.
//!
//! Life of a request (all delays in integer nanoseconds):
//! 1. **arrival** in area `a` (non-homogeneous Poisson, see [`workload`](super::workload));
//!    its kind (read/write), key (Zipf) and service demand are drawn from the area's own
//!    streams, so every layout sees the same requests (common random numbers);
//! 2. the client **resolves** a region through its cached DNS answer
//!    ([`control`](super::control)), which it keeps until it expires, retries included;
//!    it starts its timeout and sends the attempt: one-way
//!    delay = user RTT / 2 + jitter. An attempt to a down region, or across a partition,
//!    gets no answer;
//! 3. the region's [`Station`] serves it (FIFO, `instances` servers, bounded queue; a full
//!    queue rejects at once, a request still waiting at its deadline is dropped); a
//!    degraded region serves `factor` × slower;
//! 4. a **write** commits and replicates ([`replication`](super::replication));
//! 5. the **response** travels back. A timed-out or rejected attempt is retried with
//!    exponential backoff and full jitter while retries and the retry budget last —
//!    retries are real load on the regions.
//!
//! Assumptions: applying a replicated write costs a region no instance time; a server
//! keeps serving a request whose client has given up (wasted work, as in real servers);
//! an outage loses the region's queued and in-service work.

use super::control::Control;
use super::failures::{incidents, Conditions, Incident};
use super::layout::Plan;
pub use super::reactions::OutageRecord;
pub use super::replication::WriteStats;
use super::station::{Admission, Station};
use super::workload::Diurnal;
use crate::engine::{Model, QueueKind, Scheduler, SimDuration, SimTime, StreamRng, Streams};
use crate::metrics::{Failure, Kind, Outcome, Recorder};
use crate::scenario::{Dist, RoutingPolicy, Scenario};
use crate::spec::{Resolved, World};
use rand::RngExt;
use std::collections::VecDeque;

/// A request slot and its generation. Slots are reused and every retry bumps the
/// generation, so events of finished requests or superseded attempts are ignored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReqRef {
    pub(super) idx: u32,
    pub(super) gen: u32,
}

/// Events of the request model.
#[derive(Clone, Copy, Debug)]
#[repr(u32)]
pub enum Ev {
    /// A candidate arrival in an area (thinning decides whether it is real).
    Arrive(u16),
    /// An attempt reaches its region.
    AtRegion(ReqRef),
    /// A server of a region finishes a request (`epoch` tells work lost in an outage).
    Done(u16, u16, ReqRef),
    /// A fast failure reaches the client (successful answers are kept in order outside
    /// the pending set: see `super::replies`).
    Respond(ReqRef, Failure),
    /// Client timeouts are due: expire every attempt whose deadline has passed.
    TimeoutSweep,
    /// A client retries after its backoff.
    Retry(ReqRef),
    /// The balancer sends a probe to a region.
    Probe(u16),
    /// A probe of a region succeeds (`true`) or times out.
    ProbeResult(u16, bool),
    /// Incident `i` starts (`true`) or ends.
    Incident(u32, bool),
    /// A failover group's standby finishes promotion.
    Promote(u16),
    /// A promoted warm or cold standby (region) reaches step `k` of its scale-up; the
    /// last field is the promotion it belongs to (see `RequestModel::scale_from`).
    ScaleStep(u16, u8, u16),
    /// A region's autoscaling policy evaluates ([`super::autoscale`]).
    Autoscale(u16),
    /// Instances a region launched have booted.
    Booted(u16),
    /// Follow-the-sun switch `k` promotes its region ([`super::follow_sun`]).
    Handover(u32),
}

/// 64 bytes, kept on one cache line each (a request's slot is touched by every event of
/// the request, and a slot across two lines costs a second miss).
#[repr(align(64))]
pub(super) struct Req {
    pub(super) gen: u32,
    pub(super) live: bool,
    pub(super) area: u16,
    pub(super) region: u16,
    pub(super) attempt: u8,
    pub(super) kind: Kind,
    pub(super) key: u64,
    pub(super) arrived: SimTime,
    pub(super) sent: SimTime,
    pub(super) measured: bool,
    pub(super) service: SimDuration,
    pub(super) stale: bool,
    /// Its client's DNS cache: the cached answer expires `(1 − dns_age) × TTL` after the
    /// answer last changed (uniform, drawn once per request); every attempt, retries
    /// included, uses the old answer until then (see [`Control::resolve`]).
    pub(super) dns_age: f64,
    /// For writes: when the commit is acknowledged, and the origin's epoch at commit.
    pub(super) ack_at: SimTime,
    pub(super) commit_epoch: u16,
}

pub(super) struct AreaGen {
    pub(super) service: StreamRng,
    pub(super) network: StreamRng,
    pub(super) routing: StreamRng,
    pub(super) retry: StreamRng,
    /// Retry-budget tokens.
    pub(super) tokens: f64,
    /// The kind and key of the area's next (scheduled) arrival.
    pub(super) next: (Kind, u64),
}

/// The request-level model of one layout; see the module docs.
pub struct RequestModel<'w> {
    pub(super) world: &'w World,
    pub(super) plan: &'w Plan,
    pub(super) stations: Vec<Station<ReqRef>>,
    station_readings: super::station::WindowReadings,
    pub(super) reqs: Vec<Req>,
    free: Vec<u32>,
    pub(super) areas: Vec<AreaGen>,
    /// Per area: its arrivals, drawn ahead (see [`super::arrivals`]).
    pub(super) arrivals: Vec<super::arrivals::AreaArrivals>,
    pub(super) replication: Vec<StreamRng>,
    pub(super) keys: super::keys::KeyStore,
    pub(super) timeout: SimDuration,
    pub(super) jitter: Option<Dist>,
    pub(super) lag: Dist,
    pub(super) arrivals_end: SimTime,
    pub rec: Recorder,
    pub writes: WriteStats,
    pub outages: Vec<OutageRecord>,
    /// Client deadlines, swept by one pending event ([`super::deadlines`]).
    pub(super) deadlines: super::deadlines::Deadlines,
    /// Successful responses on their way back, in `(time, sequence)` order.
    pub(super) replies: super::replies::Replies,
    /// Events of the model handled without the pending-event set: thinned-out candidate
    /// arrivals, and timeout sweeps that would only have found ended attempts. They are
    /// counted in `events` as if they had been scheduled, so the count stays the model's
    /// (one per candidate arrival, one per distinct client deadline, one per response).
    pub(super) elided: u64,
    check_stale: bool,
    pub(super) incidents: Vec<Incident>,
    pub(super) cond: Conditions,
    pub(super) control: Control,
    /// Per origin region: where its writes replicate now (changes on failover).
    pub(super) replicas: Vec<Vec<usize>>,
    /// Per region: instances before capacity losses.
    pub(super) base_servers: Vec<u32>,
    /// Per region: its capacity when last promoted, and that promotion's number (a later
    /// promotion's scale-up supersedes an earlier one's).
    pub(super) scale_from: Vec<(u32, u16)>,
    /// Per region: outage counter and the start of the latest outage.
    pub(super) epoch: Vec<u16>,
    pub(super) down_since: Vec<SimTime>,
    pub(super) s: &'w Scenario,
    /// The run's streams (master seed): health-probe phases come from `("health", region)`.
    streams: Streams,
    /// Scratch space (no allocation per write).
    pub(super) acks: Vec<SimTime>,
    pub(super) applied: Vec<SimTime>,
    pub(super) pending: Vec<VecDeque<super::replication::Pending>>,
    pub(super) at_risk: Vec<(u64, Option<SimTime>)>,
    /// Jobs lost with a failed zone whose completions are still to be dropped.
    pub(super) zone_work: super::zones::ZoneWork,
    /// Instances provisioned and serving per region; autoscaling policies.
    pub fleet: super::autoscale::Fleet,
    /// Follow-the-sun switches of the write primary.
    pub sun: super::follow_sun::Sun,
}

impl<'w> RequestModel<'w> {
    pub fn new(spec: &'w Resolved, plan: &'w Plan, seed: u64) -> Self {
        let (world, s) = (&spec.world, &spec.scenario);
        let streams = Streams::new(seed);
        let n = world.n_regions();
        let warm = SimTime::ZERO + s.warmup;
        let end = warm + s.duration;
        let areas = (0..world.areas.len() as u64)
            .map(|i| AreaGen {
                service: streams.stream("service", i),
                network: streams.stream("network", i),
                routing: streams.stream("routing", i),
                retry: streams.stream("retry", i),
                tokens: 10.0,
                next: (Kind::Read, 0),
            })
            .collect();
        let zipf = std::sync::Arc::new(
            super::workload::KeyZipf::new(s.workload.keys as f64, s.workload.zipf_exponent)
                .expect("validated: keys ≥ 1, exponent ≥ 0"),
        );
        // Only non-sharded layouts track keys, and they use one key space (partition 0).
        let key_space = s.workload.keys + 1;
        let arrivals = world
            .areas
            .iter()
            .enumerate()
            .map(|(i, a)| {
                super::arrivals::AreaArrivals::new(super::arrivals::ArrivalGen::new(
                    Diurnal::new(&s.workload, s.start_utc_hour, a.utc_offset_hours),
                    s.workload.peak_rps * a.share,
                    streams.stream("arrivals", i as u64),
                    streams.stream("requests", i as u64),
                    zipf.clone(),
                    s.workload.read_fraction,
                    key_space * plan.key_partition[i],
                    end,
                ))
            })
            .collect();
        let lag = plan.behaviour.replication_lag.clone();
        let mut incidents = incidents(spec, seed, end);
        let (sun, drains) = super::follow_sun::Sun::plan(spec, plan.layout, end);
        incidents.extend(drains);
        let placed = super::data_zone::incidents(spec, plan.layout, &incidents);
        incidents.extend(placed);
        let base_servers = plan.base_servers.clone();
        RequestModel {
            world,
            plan,
            stations: world
                .regions
                .iter()
                .zip(&base_servers)
                .map(|(r, &c)| Station::new(c, r.queue_limit as usize))
                .collect(),
            reqs: Vec::new(),
            free: Vec::new(),
            areas,
            arrivals,
            replication: (0..n)
                .map(|r| streams.stream("replication", r as u64))
                .collect(),
            keys: super::keys::KeyStore::new(n, key_space),
            timeout: s.client.timeout,
            jitter: s.network.jitter.clone(),
            lag,
            arrivals_end: end,
            rec: Recorder::new(world.areas.len(), n, warm, s.duration),
            writes: WriteStats {
                by_area: vec![(0, 0.0); world.areas.len()],
                ..WriteStats::default()
            },
            outages: Vec::new(),
            deadlines: super::deadlines::Deadlines::new(),
            replies: super::replies::Replies::new(),
            elided: 0,
            station_readings: super::station::WindowReadings::new(warm, warm + s.duration),
            check_stale: plan.behaviour.shares_keys,
            cond: Conditions::new(n, world.areas.len(), incidents.len())
                .with_zones(world.regions.iter().map(|r| r.zones)),
            incidents,
            control: Control::new(spec, plan),
            replicas: plan.replicas.clone(),
            base_servers,
            scale_from: vec![(0, 0); n],
            epoch: vec![0; n],
            down_since: vec![SimTime::MAX; n],
            s,
            streams,
            acks: Vec::with_capacity(n),
            applied: vec![SimTime::ZERO; n],
            pending: (0..n).map(|_| VecDeque::new()).collect(),
            at_risk: vec![(0, None); n],
            zone_work: super::zones::ZoneWork::new(n),
            fleet: super::autoscale::Fleet::new(
                world.regions.iter().map(|r| r.autoscaling.clone()),
                &plan.base_servers,
                (warm, end),
            ),
            sun,
        }
    }

    /// The scheduler a run of this model uses. Its events are mostly network hops and
    /// service times, milliseconds apart, with a few thousand pending, so the pending set
    /// is a calendar ([`QueueKind::Calendar`]): 16,384 buckets of 2^16 ns (65.5 µs, about
    /// two events each at the default's rate) over the next 1.07 s, and a heap for what
    /// lies further out (timeouts, probes, incidents). Any store gives the same order of
    /// events; this one measured fastest for the model (benches/README.md, "Fourth pass").
    pub fn scheduler() -> Scheduler<Ev> {
        Scheduler::with_queue(Self::QUEUE)
    }

    /// The store of the pending set, and of the replies kept outside it (same delays).
    pub(super) const QUEUE: QueueKind = QueueKind::Calendar {
        width_bits: 16,
        ring_bits: 14,
    };

    /// Schedules the first arrivals, the health probes and the incidents.
    pub fn start(&mut self, sched: &mut Scheduler<Ev>) {
        debug_assert_eq!(
            sched.now(),
            SimTime::ZERO,
            "arrivals are drawn from time zero"
        );
        for a in 0..self.areas.len() {
            self.next_arrival(sched, a);
        }
        // Probe phases come from the run's master seed, like every other draw: `--seed N`
        // is `seed = N`, and replications of a sweep probe at different instants.
        let interval = self.s.routing.health_check.interval;
        for r in 0..self.world.n_regions() {
            let phase: f64 = self.streams.stream("health", r as u64).random();
            sched.schedule_in(interval.mul_f64(phase), Ev::Probe(r as u16));
        }
        self.start_autoscaling(sched);
        self.start_follow_the_sun(sched);
        for (i, inc) in self.incidents.iter().enumerate() {
            if inc.start < self.arrivals_end {
                let i = u32::try_from(i).expect("a run has fewer than 2^32 incidents");
                sched.schedule_at(inc.start, Ev::Incident(i, true));
                sched.schedule_at(inc.end, Ev::Incident(i, false));
            }
        }
    }

    /// Servers region `region` runs now (its capacity, after failures and scale-up).
    pub fn servers(&self, region: usize) -> u32 {
        self.stations[region].servers()
    }

    pub(super) fn get(&self, r: ReqRef) -> Option<&Req> {
        self.reqs
            .get(r.idx as usize)
            .filter(|q| q.live && q.gen == r.gen)
    }

    pub(super) fn alloc(&mut self, req: Req) -> ReqRef {
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

    /// A new generation for the slot: every event of the previous attempt goes stale.
    pub(super) fn reissue(&mut self, r: ReqRef) -> ReqRef {
        let q = &mut self.reqs[r.idx as usize];
        q.gen = q.gen.wrapping_add(1);
        ReqRef {
            idx: r.idx,
            gen: q.gen,
        }
    }

    /// One-way user↔region delay for `area`, jitter drawn from the area's network stream.
    pub(super) fn user_one_way(&mut self, area: usize, region: usize) -> SimDuration {
        let base = SimDuration::from_nanos(self.world.user_rtt(area, region).as_nanos() / 2);
        match &self.jitter {
            Some(j) => base + j.sample(&mut self.areas[area].network),
            None => base,
        }
    }

    /// One-way region→region delay, slowed by link degradations.
    pub(super) fn region_one_way(&mut self, from: usize, to: usize) -> SimDuration {
        let base = SimDuration::from_nanos(self.world.rtt(from, to).as_nanos() / 2)
            .mul_f64(self.cond.link_slow(from, to));
        match &self.jitter {
            Some(j) => base + j.sample(&mut self.replication[from]),
            None => base,
        }
    }

    fn route(&mut self, area: usize, kind: Kind, now: SimTime, dns_age: f64) -> usize {
        if self.plan.policy == RoutingPolicy::Weighted && self.plan.behaviour.routed_per_request {
            let healthy = &self.control.healthy;
            let w = |r: usize| {
                if healthy[r] {
                    self.plan.weights[r]
                } else {
                    0.0
                }
            };
            let total: f64 = (0..self.world.n_regions()).map(w).sum();
            if total > 0.0 {
                let mut x = self.areas[area].routing.random::<f64>() * total;
                for r in 0..self.world.n_regions() {
                    if x < w(r) {
                        return r;
                    }
                    x -= w(r);
                }
            }
        }
        self.control.resolve(area, kind, now, dns_age)
    }

    pub(super) fn finish(
        &mut self,
        sched: &mut Scheduler<Ev>,
        r: ReqRef,
        result: Result<(), Failure>,
    ) {
        self.finish_at(sched.now(), r, result);
    }

    /// Ends request `r` with `result`, its client learning it at `at`.
    pub(super) fn finish_at(&mut self, at: SimTime, r: ReqRef, result: Result<(), Failure>) {
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
            at,
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

    /// Sends (or re-sends) the attempt `r` to the region its client resolves now.
    pub(super) fn send(&mut self, sched: &mut Scheduler<Ev>, r: ReqRef) {
        let now = sched.now();
        let Some(q) = self.get(r) else { return };
        let (area, kind, dns_age) = (q.area as usize, q.kind, q.dns_age);
        let region = self.route(area, kind, now, dns_age);
        let q = &mut self.reqs[r.idx as usize];
        q.region = region as u16;
        q.sent = now;
        q.service = self.world.regions[region]
            .service
            .sample(&mut self.areas[area].service);
        if self.deadlines.push(now + self.timeout, r) {
            sched.schedule_in(self.timeout, Ev::TimeoutSweep);
        }
        if !self.cond.user_blocked(area, region) {
            let d = self.user_one_way(area, region);
            sched.schedule_in(d, Ev::AtRegion(r));
        }
    }

    fn on_at_region(&mut self, sched: &mut Scheduler<Ev>, r: ReqRef) {
        let Some(q) = self.get(r) else { return };
        let (region, deadline, service, area) = (
            q.region as usize,
            q.sent + self.timeout,
            q.service,
            q.area as usize,
        );
        if self.cond.is_down(region) {
            return; // no answer: the client times out
        }
        if q.kind == Kind::Write
            && (!self.control.accepts_writes(area, region) || self.cond.writes_refused(region))
        {
            // A demoted primary is fenced, and a region whose write dependency is down
            // refuses too: either way at once.
            if q.measured {
                self.writes.fenced += 1;
            }
            let d = self.user_one_way(area, region);
            sched.schedule_in(d, Ev::Respond(r, Failure::Unavailable));
            return;
        }
        match self.stations[region].arrive(sched.now(), r, deadline) {
            Admission::Started(_) => {
                let d = service.mul_f64(self.cond.slow[region]);
                sched.schedule_in(d, Ev::Done(region as u16, self.epoch[region], r));
            }
            Admission::Queued => {}
            Admission::Rejected(_) => {
                let d = self.user_one_way(area, region);
                sched.schedule_in(d, Ev::Respond(r, Failure::Rejected));
            }
        }
    }

    /// Starts the next waiting request whose client is still waiting.
    pub(super) fn start_next(
        &mut self,
        sched: &mut Scheduler<Ev>,
        region: usize,
        mut next: Option<super::station::Waiting<ReqRef>>,
    ) {
        let now = sched.now();
        while let Some(w) = next {
            if let Some(q) = self.get(w.job) {
                let d = q.service.mul_f64(self.cond.slow[region]);
                sched.schedule_in(d, Ev::Done(region as u16, self.epoch[region], w.job));
                return;
            }
            // The client gave up: the server moves on at once.
            next = self.stations[region].complete(now, |_| {});
        }
    }

    fn on_done(&mut self, sched: &mut Scheduler<Ev>, region: usize, epoch: u16, r: ReqRef) {
        if epoch != self.epoch[region] || self.zone_work.take(region) {
            return; // the work was lost in an outage (of the region or of its zone)
        }
        let now = sched.now();
        let next = self.stations[region].complete(now, |_| {});
        self.start_next(sched, region, next);
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
            Kind::Write => match self.commit(now, region, area, key, measured) {
                Some(acked) => {
                    delay = acked.since(now);
                    let q = &mut self.reqs[r.idx as usize];
                    q.ack_at = acked;
                    q.commit_epoch = self.epoch[region];
                }
                None => {
                    // The origin cannot reach a quorum (its replicas are down or cut off,
                    // which it sees at once): it refuses the write with an error.
                    if !self.cond.user_blocked(area, region) {
                        let back = self.user_one_way(area, region);
                        sched.schedule_in(back, Ev::Respond(r, Failure::Unavailable));
                    }
                    return;
                }
            },
        }
        if self.cond.user_blocked(area, region) {
            return;
        }
        let back = self.user_one_way(area, region);
        // The answer's event, kept in order outside the pending set (`super::replies`).
        let seq = sched.reserve_seq();
        self.replies.push(now + (delay + back), seq, r);
    }

    /// A fast failure reaches the client.
    fn on_respond(&mut self, sched: &mut Scheduler<Ev>, r: ReqRef, failure: Failure) {
        if self.get(r).is_some() {
            self.retry_or_fail(sched, r, failure);
        }
    }

    /// Events handled so far, counting those handled without the pending-event set as
    /// the event-per-candidate, sweep-per-deadline model would have scheduled them
    /// (`runs.csv` `events`; see `elided`). Exact once the run has ended.
    pub fn events(&self, scheduled: u64) -> u64 {
        scheduled + self.elided + self.deadlines.elided()
    }
}

impl RequestModel<'_> {
    /// Each region's station over the measured window (`regions.csv`); after the run.
    pub fn station_windows(&mut self) -> Vec<crate::metrics::StationWindow> {
        self.station_readings.finish(&mut self.stations)
    }
}

impl Model for RequestModel<'_> {
    type Event = Ev;
    fn handle(&mut self, sched: &mut Scheduler<Ev>, ev: Ev) {
        let key = sched.current_key();
        if self.replies.due(key) {
            self.deliver_replies(key);
        }
        self.station_readings
            .observe(sched.now(), &mut self.stations);
        match ev {
            Ev::Arrive(a) => self.on_arrive(sched, a as usize),
            Ev::AtRegion(r) => self.on_at_region(sched, r),
            Ev::Done(region, epoch, r) => self.on_done(sched, region as usize, epoch, r),
            Ev::Respond(r, failure) => self.on_respond(sched, r, failure),
            Ev::TimeoutSweep => self.on_sweep(sched),
            Ev::Retry(r) => self.send(sched, r),
            Ev::Probe(region) => self.on_probe(sched, region as usize),
            Ev::ProbeResult(region, ok) => self.on_probe_result(sched, region as usize, ok),
            Ev::Incident(i, on) => self.on_incident(sched, i as usize, on),
            Ev::Promote(g) => self.on_promote(sched, g as usize),
            Ev::ScaleStep(region, k, gen) => self.on_scale_step(sched, region as usize, k, gen),
            Ev::Autoscale(region) => self.on_autoscale(sched, region as usize),
            Ev::Booted(region) => self.on_booted(sched, region as usize),
            Ev::Handover(k) => self.on_handover(sched, k as usize),
        }
    }
}
