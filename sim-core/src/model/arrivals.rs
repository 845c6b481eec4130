//! Arrivals: thinning of each area's candidate stream, and the attributes of a new
//! request (kind, key, DNS cache age), drawn from the area's own streams.
//!
//! Rejected candidates take no event: they are walked through, in the order of their
//! draws, when the previous kept arrival is handled (see [`RequestModel::next_arrival`]).

use super::requests::{Ev, Req, RequestModel};
use super::workload::exp_gap;
use crate::engine::{Scheduler, SimDuration, SimTime};
use crate::metrics::Kind;
use rand::RngExt;

impl RequestModel<'_> {
    /// Schedules the next kept arrival of area `a` after the one at `from`.
    ///
    /// Thinning draws, per candidate `c`, the gap to the candidate after it and then
    /// whether `c` is kept, from the area's own arrivals stream. Rejected candidates
    /// change nothing else, so they are walked through here, in that same order of
    /// draws, instead of each taking an event; only kept ones are scheduled.
    pub(super) fn next_arrival(&mut self, sched: &mut Scheduler<Ev>, a: usize, from: SimTime) {
        let end = self.arrivals_end;
        let g = &mut self.areas[a];
        let mut cand = from;
        loop {
            cand += g.next_gap;
            self.elided += 1;
            if cand >= end {
                return; // the candidate that finds arrivals over: no draws
            }
            g.next_gap = exp_gap(g.peak_rate, g.arrivals.random());
            let keep: f64 = g.arrivals.random();
            let sec = cand.as_nanos() / 1_000_000_000;
            if sec != g.bounds_sec {
                g.bounds_sec = sec;
                g.keep_bounds = g.diurnal.bounds(sec);
            }
            let (lo, hi) = g.keep_bounds;
            if keep < lo || (keep < hi && keep < g.diurnal.factor(cand)) {
                self.elided -= 1;
                sched.schedule_at(cand, Ev::Arrive(a as u16));
                return;
            }
        }
    }

    pub(super) fn on_arrive(&mut self, sched: &mut Scheduler<Ev>, a: usize) {
        let now = sched.now();
        self.next_arrival(sched, a, now);
        let g = &mut self.areas[a];
        let kind = if g.attrs.random::<f64>() < self.read_fraction {
            Kind::Read
        } else {
            Kind::Write
        };
        // Keys of different partitions (sharded areas) never collide.
        let key =
            self.zipf.sample(&mut g.attrs) as u64 + self.key_space * self.plan.key_partition[a];
        let dns_age: f64 = g.routing.random();
        g.tokens =
            (g.tokens + self.s.client.retry_budget).min(10.0 + self.s.client.retry_budget * 100.0);
        let measured = self.rec.in_window(now);
        if measured {
            self.rec.arrived(a);
        }
        let r = self.alloc(Req {
            gen: 0,
            live: true,
            area: a as u16,
            region: 0,
            attempt: 0,
            kind,
            key,
            arrived: now,
            sent: now,
            measured,
            service: SimDuration::ZERO,
            stale: false,
            dns_age,
            ack_at: now,
            commit_epoch: 0,
        });
        self.send(sched, r);
    }
}
