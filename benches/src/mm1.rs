//! An M/M/1 queue: Poisson arrivals at λ = 0.9/s, one server with exponential service at
//! μ = 1/s, FIFO, unbounded. Only the number in system is kept; the pending set holds the
//! next arrival and, while the server is busy, the next departure.
//!
//! Inter-arrival times come from the stream `"arrivals"`, service times from `"service"`.
//! The run starts empty with its first arrival after one inter-arrival time.

use crate::{nanos, stream, Workload};
use rand::RngExt;
use rand_distr::Exp;
use serde::Serialize;
use sim_core::engine::{run, Model, Scheduler, SimDuration, SimTime, Stop, StopReason, StreamRng};
use std::cell::RefCell;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::rc::Rc;

/// Arrival rate λ, per second.
pub const LAMBDA: f64 = 0.9;
/// Service rate μ, per second.
pub const MU: f64 = 1.0;

/// The event payload of floor and ours.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Ev {
    Arrival,
    Departure,
}

/// State and random draws shared in shape by all three implementations.
struct Queue {
    in_system: u64,
    served: u64,
    arrivals: StreamRng,
    service: StreamRng,
    inter_arrival: Exp<f64>,
    service_time: Exp<f64>,
}

impl Queue {
    fn new() -> Self {
        Queue {
            in_system: 0,
            served: 0,
            arrivals: stream("arrivals"),
            service: stream("service"),
            inter_arrival: Exp::new(LAMBDA).expect("λ > 0"),
            service_time: Exp::new(MU).expect("μ > 0"),
        }
    }
    #[inline]
    fn next_arrival(&mut self) -> f64 {
        self.arrivals.sample(self.inter_arrival)
    }
    #[inline]
    fn next_service(&mut self) -> f64 {
        self.service.sample(self.service_time)
    }
}

/// The floor: `BinaryHeap<Reverse<(time ns, seq, Ev)>>` in a plain loop.
pub struct Floor {
    heap: BinaryHeap<Reverse<(u64, u64, Ev)>>,
    seq: u64,
    now: u64,
    events: u64,
    q: Queue,
}

impl Floor {
    pub fn new() -> Self {
        let mut q = Queue::new();
        let mut heap = BinaryHeap::new();
        heap.push(Reverse((nanos(q.next_arrival()), 0, Ev::Arrival)));
        Floor {
            heap,
            seq: 1,
            now: 0,
            events: 0,
            q,
        }
    }

    #[inline]
    fn push(&mut self, t: u64, ev: Ev) {
        self.heap.push(Reverse((t, self.seq, ev)));
        self.seq += 1;
    }
}

impl Default for Floor {
    fn default() -> Self {
        Self::new()
    }
}

impl Workload for Floor {
    fn run_events(&mut self, n: u64) {
        for _ in 0..n {
            let Reverse((t, _, ev)) = self.heap.pop().expect("an arrival is always pending");
            self.now = t;
            match ev {
                Ev::Arrival => {
                    self.q.in_system += 1;
                    let a = nanos(self.q.next_arrival());
                    self.push(t + a, Ev::Arrival);
                    if self.q.in_system == 1 {
                        let s = nanos(self.q.next_service());
                        self.push(t + s, Ev::Departure);
                    }
                }
                Ev::Departure => {
                    self.q.in_system -= 1;
                    self.q.served += 1;
                    if self.q.in_system > 0 {
                        let s = nanos(self.q.next_service());
                        self.push(t + s, Ev::Departure);
                    }
                }
            }
        }
        self.events += n;
    }
    fn events(&self) -> u64 {
        self.events
    }
    fn now_secs(&self) -> f64 {
        SimTime::from_nanos(self.now).as_secs_f64()
    }
}

/// The M/M/1 queue as a `sim_core` [`Model`].
pub struct Mm1Model {
    q: Queue,
}

impl Model for Mm1Model {
    type Event = Ev;
    #[inline]
    fn handle(&mut self, sched: &mut Scheduler<Ev>, ev: Ev) {
        let q = &mut self.q;
        match ev {
            Ev::Arrival => {
                q.in_system += 1;
                sched.schedule_in(SimDuration::from_secs_f64(q.next_arrival()), Ev::Arrival);
                if q.in_system == 1 {
                    let s = SimDuration::from_secs_f64(q.next_service());
                    sched.schedule_in(s, Ev::Departure);
                }
            }
            Ev::Departure => {
                q.in_system -= 1;
                q.served += 1;
                if q.in_system > 0 {
                    let s = SimDuration::from_secs_f64(q.next_service());
                    sched.schedule_in(s, Ev::Departure);
                }
            }
        }
    }
}

/// Ours: [`Mm1Model`] driven by [`run`].
pub struct Ours {
    model: Mm1Model,
    sched: Scheduler<Ev>,
}

impl Ours {
    pub fn new() -> Self {
        let mut q = Queue::new();
        let mut sched = Scheduler::new();
        sched.schedule_in(SimDuration::from_secs_f64(q.next_arrival()), Ev::Arrival);
        Ours {
            model: Mm1Model { q },
            sched,
        }
    }

    /// Customers that have left.
    pub fn served(&self) -> u64 {
        self.model.q.served
    }
}

impl Default for Ours {
    fn default() -> Self {
        Self::new()
    }
}

impl Workload for Ours {
    fn run_events(&mut self, n: u64) {
        let why = run(&mut self.model, &mut self.sched, Stop::after_events(n));
        debug_assert_eq!(why, StopReason::EventBudget);
    }
    fn events(&self) -> u64 {
        self.sched.events_processed()
    }
    fn now_secs(&self) -> f64 {
        self.sched.now().as_secs_f64()
    }
}

/// simcore's event payloads.
#[derive(Clone, Serialize)]
struct Arrival {}
#[derive(Clone, Serialize)]
struct Departure {}

/// simcore's component: the queue, reacting to its own arrivals and departures.
struct Server {
    ctx: simcore::SimulationContext,
    q: Queue,
}

impl simcore::EventHandler for Server {
    fn on(&mut self, event: simcore::Event) {
        simcore::cast!(match event.data {
            Arrival {} => {
                self.q.in_system += 1;
                self.ctx.emit_self(Arrival {}, self.q.next_arrival());
                if self.q.in_system == 1 {
                    self.ctx.emit_self(Departure {}, self.q.next_service());
                }
            }
            Departure {} => {
                self.q.in_system -= 1;
                self.q.served += 1;
                if self.q.in_system > 0 {
                    self.ctx.emit_self(Departure {}, self.q.next_service());
                }
            }
        })
    }
}

/// simcore: one [`Server`] component stepped with `Simulation::steps`.
pub struct SimCore {
    sim: simcore::Simulation,
    server: Rc<RefCell<Server>>,
    events: u64,
}

impl SimCore {
    pub fn new() -> Self {
        // simcore's own generator is left unused: every draw comes from the shared streams.
        let mut sim = simcore::Simulation::new(crate::SEED);
        let ctx = sim.create_context("server");
        let mut q = Queue::new();
        ctx.emit_self(Arrival {}, q.next_arrival());
        let server = Rc::new(RefCell::new(Server { ctx, q }));
        sim.add_handler("server", server.clone());
        SimCore {
            sim,
            server,
            events: 0,
        }
    }

    /// Customers that have left.
    pub fn served(&self) -> u64 {
        self.server.borrow().q.served
    }
}

impl Default for SimCore {
    fn default() -> Self {
        Self::new()
    }
}

impl Workload for SimCore {
    fn run_events(&mut self, n: u64) {
        let more = self.sim.steps(n);
        debug_assert!(more);
        self.events += n;
    }
    fn events(&self) -> u64 {
        self.events
    }
    fn now_secs(&self) -> f64 {
        self.sim.time()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floor_and_ours_visit_the_same_events() {
        let mut f = Floor::new();
        let mut o = Ours::new();
        for _ in 0..10 {
            f.run_events(10_000);
            o.run_events(10_000);
            assert_eq!(f.now, o.sched.now().as_nanos());
            assert_eq!(f.q.served, o.served());
            assert_eq!(f.q.in_system, o.model.q.in_system);
        }
    }

    #[test]
    fn simcore_agrees_up_to_rounding() {
        let mut s = SimCore::new();
        let mut o = Ours::new();
        for _ in 0..10 {
            s.run_events(10_000);
            o.run_events(10_000);
            assert_eq!(s.served(), o.served());
            assert!((s.now_secs() - o.now_secs()).abs() < 1e-4);
        }
    }

    #[test]
    fn throughput_matches_the_arrival_rate() {
        // Two events per customer; 2 M events ≈ 1.1 M s of simulated time.
        let mut o = Ours::new();
        o.run_events(2_000_000);
        let rate = o.served() as f64 / o.now_secs();
        assert!(
            (rate - LAMBDA).abs() < 0.01,
            "served {rate}/s, expected {LAMBDA}/s"
        );
    }
}
