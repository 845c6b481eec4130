//! The hold model: `n` pending events; handling one schedules its successor at
//! `now + Exp(1)` seconds, so the pending set stays at `n` while the clock advances.
//!
//! The initial `n` events are drawn from the same distribution from time zero. Each
//! implementation draws from its own copy of the stream `"hold"`, one draw per event.

use crate::queues::KeyQueue;
use crate::{nanos, stream, Workload};
use rand::RngExt;
use rand_distr::Exp1;
use serde::Serialize;
use sim_core::engine::{
    run, Model, QueueKind, Scheduler, SimDuration, SimTime, Stop, StopReason, StreamRng,
};
use std::cell::RefCell;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::rc::Rc;

/// The floor: `BinaryHeap<Reverse<(time ns, seq)>>` (the payload is empty) in a plain loop.
pub struct Floor {
    heap: BinaryHeap<Reverse<(u64, u64)>>,
    seq: u64,
    now: u64,
    events: u64,
    rng: StreamRng,
}

impl Floor {
    pub fn new(n: usize) -> Self {
        let mut rng = stream("hold");
        let mut heap = BinaryHeap::with_capacity(n);
        for seq in 0..n as u64 {
            heap.push(Reverse((nanos(rng.sample(Exp1)), seq)));
        }
        Floor {
            heap,
            seq: n as u64,
            now: 0,
            events: 0,
            rng,
        }
    }
}

impl Workload for Floor {
    fn run_events(&mut self, n: u64) {
        for _ in 0..n {
            let Reverse((t, _)) = self.heap.pop().expect("the hold set is never empty");
            self.now = t;
            let d = nanos(self.rng.sample(Exp1));
            self.heap.push(Reverse((t + d, self.seq)));
            self.seq += 1;
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

/// The floor's loop on a reference [`KeyQueue`] (`queues.rs`).
pub struct Plain<Q> {
    q: Q,
    seq: u64,
    now: u64,
    events: u64,
    rng: StreamRng,
}

impl<Q: KeyQueue + Default> Plain<Q> {
    pub fn new(n: usize) -> Self {
        let mut rng = stream("hold");
        let mut q = Q::default();
        for seq in 0..n as u64 {
            q.push(nanos(rng.sample(Exp1)), seq);
        }
        Plain {
            q,
            seq: n as u64,
            now: 0,
            events: 0,
            rng,
        }
    }
}

impl<Q: KeyQueue> Workload for Plain<Q> {
    fn run_events(&mut self, n: u64) {
        for _ in 0..n {
            let (t, _) = self.q.pop().expect("the hold set is never empty");
            self.now = t;
            let d = nanos(self.rng.sample(Exp1));
            self.q.push(t + d, self.seq);
            self.seq += 1;
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

/// The hold model as a `sim_core` [`Model`].
pub struct HoldModel {
    rng: StreamRng,
}

impl Model for HoldModel {
    type Event = ();
    #[inline]
    fn handle(&mut self, sched: &mut Scheduler<()>, _: ()) {
        let d = SimDuration::from_secs_f64(self.rng.sample(Exp1));
        sched.schedule_in(d, ());
    }
}

/// Ours: [`HoldModel`] driven by [`run`].
pub struct Ours {
    model: HoldModel,
    sched: Scheduler<()>,
}

impl Ours {
    pub fn new(n: usize) -> Self {
        Self::with_queue(n, QueueKind::Adaptive)
    }

    /// Ours with the pending set pinned to one store (`QueueKind::Heap`: the engine
    /// before the radix store).
    pub fn with_queue(n: usize, kind: QueueKind) -> Self {
        let mut rng = stream("hold");
        let mut sched = Scheduler::with_queue(kind);
        for _ in 0..n {
            sched.schedule_at(SimTime::from_nanos(nanos(rng.sample(Exp1))), ());
        }
        Ours {
            model: HoldModel { rng },
            sched,
        }
    }

    pub fn pending(&self) -> usize {
        self.sched.pending()
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

/// simcore's event payload.
#[derive(Clone, Serialize)]
struct Tick {}

/// simcore's component: on each `Tick`, emit the next one to itself.
struct Holder {
    ctx: simcore::SimulationContext,
    rng: StreamRng,
}

impl simcore::EventHandler for Holder {
    fn on(&mut self, event: simcore::Event) {
        simcore::cast!(match event.data {
            Tick {} => {
                let d: f64 = self.rng.sample(Exp1);
                self.ctx.emit_self(Tick {}, d);
            }
        })
    }
}

/// simcore: one [`Holder`] component stepped with `Simulation::steps`.
pub struct SimCore {
    sim: simcore::Simulation,
    events: u64,
}

impl SimCore {
    pub fn new(n: usize) -> Self {
        let mut rng = stream("hold");
        // simcore's own generator is left unused: every draw comes from the shared stream.
        let mut sim = simcore::Simulation::new(crate::SEED);
        let ctx = sim.create_context("holder");
        for _ in 0..n {
            let d: f64 = rng.sample(Exp1);
            ctx.emit_self(Tick {}, d);
        }
        sim.add_handler("holder", Rc::new(RefCell::new(Holder { ctx, rng })));
        SimCore { sim, events: 0 }
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
        let mut f = Floor::new(1000);
        let mut o = Ours::new(1000);
        for _ in 0..20 {
            f.run_events(2500);
            o.run_events(2500);
            assert_eq!(f.now, o.sched.now().as_nanos());
        }
        assert_eq!(f.events(), 50_000);
        assert_eq!(o.events(), 50_000);
        assert_eq!(o.pending(), 1000, "the hold set stays at its size");
        // 50 000 events over 1000 pending with mean increment 1 s: about 50 s.
        assert!((40.0..60.0).contains(&o.now_secs()), "{}", o.now_secs());
    }

    #[test]
    fn every_queue_visits_the_same_events() {
        use crate::queues::{QuadHeap, RadixHeap};
        // 5000 pending: above the adaptive queue's switch to its radix store.
        let n = 5000;
        let mut f = Floor::new(n);
        let mut ws: Vec<Box<dyn Workload>> = vec![
            Box::new(Ours::new(n)),
            Box::new(Ours::with_queue(n, QueueKind::Heap)),
            Box::new(Ours::with_queue(n, QueueKind::Radix)),
            Box::new(Plain::<RadixHeap>::new(n)),
            Box::new(Plain::<QuadHeap>::new(n)),
        ];
        for _ in 0..10 {
            f.run_events(3000);
            for w in &mut ws {
                w.run_events(3000);
                assert_eq!(w.now_secs(), f.now_secs());
                assert_eq!(w.events(), f.events());
            }
        }
    }

    #[test]
    fn simcore_agrees_up_to_rounding() {
        let mut s = SimCore::new(1000);
        let mut o = Ours::new(1000);
        for _ in 0..5 {
            s.run_events(1000);
            o.run_events(1000);
            // Ours rounds each increment to the nanosecond; a few generations of that.
            assert!((s.now_secs() - o.now_secs()).abs() < 1e-7);
        }
        assert_eq!(s.events(), o.events());
    }
}
