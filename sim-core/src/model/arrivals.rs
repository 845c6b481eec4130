//! Arrivals: each area's kept arrivals and their attributes (kind, key), drawn ahead in
//! batches from the area's own streams, and the handling of an arrival.
//!
//! An area's arrivals depend on nothing that happens in the run: thinning draws from the
//! area's arrivals stream against a diurnal curve fixed in advance, and the kind and key
//! come from its requests stream, which nothing else reads. So they can be drawn before
//! they are needed, a batch at a time ([`ArrivalGen::fill`]), with exactly the values
//! drawing them one by one would give. Only the scheduling of each arrival stays where it
//! was (when the previous kept arrival is handled), so every event keeps its place and
//! its sequence number. Drawing in batches keeps the thinning, the Zipf table and their
//! branches hot for a batch instead of interleaving them with the rest of the model.
//!
//! Rejected candidates take no event: they are walked through in the order of their draws
//! and counted ([`Arrival::skipped`]), so `events` still counts one per candidate.

use super::requests::{Ev, Req, RequestModel};
use super::workload::{exp_gap, Diurnal, KeyZipf};
use crate::engine::{Scheduler, SimDuration, SimTime, StreamRng};
use crate::metrics::Kind;
use rand::RngExt;
use std::sync::Arc;

/// One kept arrival of an area, drawn ahead.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Arrival {
    /// When it arrives; [`SimTime::MAX`] marks the end of the area's arrivals.
    pub(super) at: SimTime,
    /// Its key, in the area's key partition.
    pub(super) key: u64,
    /// Candidates thinned out (or found past the end) since the previous kept arrival.
    pub(super) skipped: u32,
    pub(super) kind: Kind,
}

impl Arrival {
    pub(super) fn is_end(&self) -> bool {
        self.at == SimTime::MAX
    }
}

/// The arrival process of one area and the attributes of its requests.
///
/// Thinning draws, per candidate `c`, the gap to the candidate after it and then whether
/// `c` is kept, from the area's arrivals stream; a kept arrival then draws its kind and
/// key from the area's requests stream.
pub(super) struct ArrivalGen {
    diurnal: Diurnal,
    peak_rate: f64,
    arrivals: StreamRng,
    attrs: StreamRng,
    zipf: Arc<KeyZipf>,
    read_fraction: f64,
    /// Added to every key (the area's key partition).
    key_offset: u64,
    /// Candidates at or after this find arrivals over.
    end: SimTime,
    /// The last candidate walked through, and the gap from it to the next one.
    cand: SimTime,
    next_gap: SimDuration,
    /// The second `keep_bounds` hold for (`u64::MAX`: none yet) and [`Diurnal::bounds`]
    /// over it.
    bounds_sec: u64,
    keep_bounds: (f64, f64),
    over: bool,
}

impl ArrivalGen {
    /// The arrivals of an area from simulated time zero until `end`; no arrivals at all
    /// when `peak_rate` is not positive.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn new(
        diurnal: Diurnal,
        peak_rate: f64,
        mut arrivals: StreamRng,
        attrs: StreamRng,
        zipf: Arc<KeyZipf>,
        read_fraction: f64,
        key_offset: u64,
        end: SimTime,
    ) -> Self {
        let over = peak_rate.is_nan() || peak_rate <= 0.0;
        let next_gap = if over {
            SimDuration::ZERO
        } else {
            exp_gap(peak_rate, arrivals.random())
        };
        ArrivalGen {
            diurnal,
            peak_rate,
            arrivals,
            attrs,
            zipf,
            read_fraction,
            key_offset,
            end,
            cand: SimTime::ZERO,
            next_gap,
            bounds_sec: u64::MAX,
            keep_bounds: (0.0, 0.0),
            over,
        }
    }

    /// The next kept arrival, or the end marker (returned once; not to be called after).
    fn next(&mut self) -> Arrival {
        let mut skipped = 0u32;
        if self.over {
            return Arrival {
                at: SimTime::MAX,
                key: 0,
                skipped,
                kind: Kind::Read,
            };
        }
        loop {
            self.cand += self.next_gap;
            if self.cand >= self.end {
                // The candidate that finds arrivals over: counted, no draws.
                self.over = true;
                return Arrival {
                    at: SimTime::MAX,
                    key: 0,
                    skipped: skipped + 1,
                    kind: Kind::Read,
                };
            }
            self.next_gap = exp_gap(self.peak_rate, self.arrivals.random());
            let keep: f64 = self.arrivals.random();
            let sec = self.cand.as_nanos() / 1_000_000_000;
            if sec != self.bounds_sec {
                self.bounds_sec = sec;
                self.keep_bounds = self.diurnal.bounds(sec);
            }
            let (lo, hi) = self.keep_bounds;
            if keep < lo || (keep < hi && keep < self.diurnal.factor(self.cand)) {
                break;
            }
            skipped += 1;
        }
        let kind = if self.attrs.random::<f64>() < self.read_fraction {
            Kind::Read
        } else {
            Kind::Write
        };
        // Keys of different partitions (sharded areas) never collide.
        let key = self.zipf.sample(&mut self.attrs) as u64 + self.key_offset;
        Arrival {
            at: self.cand,
            key,
            skipped,
            kind,
        }
    }

    /// Appends up to `n` arrivals to `out`, the end marker last once arrivals are over.
    pub(super) fn fill(&mut self, out: &mut Vec<Arrival>, n: usize) {
        for _ in 0..n {
            let a = self.next();
            out.push(a);
            if a.is_end() {
                return;
            }
        }
    }
}

/// An area's arrivals drawn ahead, and what draws them.
pub(super) struct AreaArrivals {
    ahead: Vec<Arrival>,
    pos: usize,
    gen: ArrivalGen,
}

impl AreaArrivals {
    /// Arrivals drawn per batch: a few kilobytes per area, a few milliseconds of the
    /// area's traffic.
    const BATCH: usize = 64;

    pub(super) fn new(gen: ArrivalGen) -> Self {
        AreaArrivals {
            ahead: Vec::with_capacity(Self::BATCH),
            pos: 0,
            gen,
        }
    }

    /// The next arrival (or the end marker; not to be called after it).
    #[inline]
    fn next(&mut self) -> Arrival {
        if self.pos == self.ahead.len() {
            self.ahead.clear();
            self.pos = 0;
            self.gen.fill(&mut self.ahead, Self::BATCH);
        }
        let a = self.ahead[self.pos];
        self.pos += 1;
        a
    }
}

impl RequestModel<'_> {
    /// Schedules the next kept arrival of area `a` (at its first, then when the previous
    /// one is handled), keeping its kind and key for when it is handled.
    pub(super) fn next_arrival(&mut self, sched: &mut Scheduler<Ev>, a: usize) {
        let next = self.arrivals[a].next();
        self.elided += u64::from(next.skipped);
        if next.is_end() {
            return;
        }
        self.areas[a].next = (next.kind, next.key);
        sched.schedule_at(next.at, Ev::Arrive(a as u16));
    }

    pub(super) fn on_arrive(&mut self, sched: &mut Scheduler<Ev>, a: usize) {
        let now = sched.now();
        let (kind, key) = self.areas[a].next;
        self.next_arrival(sched, a);
        let g = &mut self.areas[a];
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Streams;
    use crate::scenario::Workload;

    fn gen(seed: u64, diurnal: bool, end_s: u64) -> ArrivalGen {
        let w = Workload {
            diurnal,
            ..Workload::default()
        };
        let streams = Streams::new(seed);
        ArrivalGen::new(
            Diurnal::new(&w, 19.0, -5.0),
            2_000.0,
            streams.stream("arrivals", 0),
            streams.stream("requests", 0),
            Arc::new(KeyZipf::new(1e6, 0.9).unwrap()),
            0.9,
            7,
            SimTime::ZERO + SimDuration::from_secs(end_s),
        )
    }

    /// Batches of any size give the same arrivals, and the end marker once.
    #[test]
    fn batches_of_any_size_draw_the_same_arrivals() {
        let all = |batch: usize| {
            let mut g = gen(3, true, 5);
            let mut out = Vec::new();
            while out.last().is_none_or(|a: &Arrival| !a.is_end()) {
                g.fill(&mut out, batch);
            }
            out
        };
        let one = all(1);
        assert_eq!(one, all(64));
        assert_eq!(one, all(1000));
        assert_eq!(one.iter().filter(|a| a.is_end()).count(), 1);
        // Kept arrivals at 2,000 candidates/s for 5 s, thinned to the diurnal factor.
        let kept = one.len() - 1;
        assert!((3_000..10_000).contains(&kept), "{kept}");
        // In time order, before the end, keys in the partition.
        assert!(one.windows(2).all(|w| w[0].at < w[1].at));
        assert!(one[..kept].iter().all(|a| a.key >= 8 && a.key <= 1_000_007));
        // Every candidate is counted once: kept ones, skipped ones, the one past the end.
        let candidates: u64 = one.iter().map(|a| u64::from(a.skipped)).sum::<u64>() + kept as u64;
        assert!(candidates > kept as u64);
    }

    /// The draws are those of the one-candidate-at-a-time walk: gap then keep per
    /// candidate from the arrivals stream, kind then key per kept arrival from the
    /// requests stream.
    #[test]
    fn arrivals_are_the_walk_of_their_streams() {
        let streams = Streams::new(11);
        let mut arr = streams.stream("arrivals", 0);
        let mut attrs = streams.stream("requests", 0);
        let zipf = KeyZipf::new(1e6, 0.9).unwrap();
        let diurnal = Diurnal::new(
            &Workload {
                diurnal: false,
                ..Workload::default()
            },
            0.0,
            0.0,
        );
        let end = SimTime::ZERO + SimDuration::from_secs(2);
        let mut expected = Vec::new();
        let mut cand = SimTime::ZERO;
        let mut gap = exp_gap(500.0, arr.random());
        loop {
            cand += gap;
            if cand >= end {
                break;
            }
            gap = exp_gap(500.0, arr.random());
            let _keep: f64 = arr.random(); // factor 1: always kept
            let read = attrs.random::<f64>() < 0.5;
            let key = zipf.sample(&mut attrs) as u64;
            expected.push((cand, read, key));
        }
        let mut g = ArrivalGen::new(
            diurnal,
            500.0,
            streams.stream("arrivals", 0),
            streams.stream("requests", 0),
            Arc::new(zipf),
            0.5,
            0,
            end,
        );
        let mut out = Vec::new();
        g.fill(&mut out, usize::MAX);
        let got: Vec<_> = out
            .iter()
            .filter(|a| !a.is_end())
            .map(|a| (a.at, a.kind == Kind::Read, a.key))
            .collect();
        assert_eq!(got, expected);
        assert_eq!(out.last().map(|a| (a.is_end(), a.skipped)), Some((true, 1)));
    }

    #[test]
    fn no_rate_no_arrivals() {
        let streams = Streams::new(1);
        let mut g = ArrivalGen::new(
            Diurnal::new(&Workload::default(), 0.0, 0.0),
            0.0,
            streams.stream("arrivals", 0),
            streams.stream("requests", 0),
            Arc::new(KeyZipf::new(10.0, 1.0).unwrap()),
            1.0,
            0,
            SimTime::ZERO + SimDuration::from_secs(1),
        );
        let mut out = Vec::new();
        g.fill(&mut out, 10);
        assert_eq!(out.len(), 1);
        assert!(out[0].is_end());
        assert_eq!(out[0].skipped, 0);
    }
}
