//! A service station: `c` identical servers in front of one FIFO queue with a bound, and a
//! per-request deadline.
//!
//! This is the building block of every region's service. It holds no clock and draws no
//! random numbers: the caller tells it what happened at `now` and schedules the service
//! completions it reports. That keeps it testable against queueing theory on its own
//! (M/M/1, M/M/c / Erlang C, Little's law: see `tests/theory.rs`).
//!
//! Semantics:
//! - an arrival starts service at once if a server is free, else joins the queue, else
//!   (queue full) is rejected;
//! - when a server frees, waiting jobs whose deadline has passed are dropped as expired
//!   (the client gave up on them) and the first unexpired one starts;
//! - the number of servers can change (capacity loss, scale-up); jobs in service finish,
//!   and no new job starts while more servers are busy than exist.
//!
//! The station keeps time-weighted integrals of the number in system, in queue, busy and
//! of servers, and counts arrivals, waits, rejections and completions, so that `L` and
//! `Lq` can be checked against `λW` (Little's law). [`Station::totals`] reads them at an
//! instant; the difference of two readings ([`StationTotals::window`]) gives the
//! time-weighted figures of any window, such as the measured one (`regions.csv`).

use crate::engine::{SimDuration, SimTime};
use crate::metrics::StationWindow;
use std::collections::VecDeque;

/// A job waiting in the queue.
#[derive(Clone, Debug, PartialEq)]
pub struct Waiting<J> {
    pub job: J,
    pub arrived: SimTime,
    /// The job is dropped if it is still waiting after this instant.
    pub deadline: SimTime,
}

/// What happened to an arriving job.
#[derive(Debug, PartialEq)]
pub enum Admission<J> {
    /// A server took it: schedule its completion.
    Started(J),
    /// It waits in the queue.
    Queued,
    /// The queue was full.
    Rejected(J),
}

/// A multi-server FIFO station; see the module docs.
#[derive(Clone, Debug)]
pub struct Station<J> {
    servers: u32,
    busy: u32,
    queue: VecDeque<Waiting<J>>,
    queue_limit: usize,
    // Time-weighted integrals, in job-nanoseconds, up to `last_change`.
    last_change: SimTime,
    area_in_system: u128,
    area_in_queue: u128,
    area_busy: u128,
    area_servers: u128,
    counts: Counts,
}

/// Event counts of a station since time zero.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct Counts {
    arrivals: u64,
    /// Arrivals that found every server busy and joined the queue.
    queued: u64,
    rejected: u64,
    completions: u64,
    /// Jobs that found a free server on arrival.
    started_at_once: u64,
    /// Jobs that left the queue for a server, and the sum of their waits (ns).
    started_from_queue: u64,
    wait_ns: u128,
}

/// Cumulative readings of a station at one instant (see [`Station::totals`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StationTotals {
    at: SimTime,
    area_in_queue: u128,
    area_in_system: u128,
    area_busy: u128,
    area_servers: u128,
    counts: Counts,
}

impl StationTotals {
    /// The figures of the window from `earlier` to `self`.
    pub fn window(&self, earlier: &StationTotals) -> StationWindow {
        let ns = self.at.since(earlier.at).as_nanos() as f64;
        let per_ns = |a: u128, b: u128| {
            if ns > 0.0 {
                a.saturating_sub(b) as f64 / ns
            } else {
                0.0
            }
        };
        let (c, e) = (&self.counts, &earlier.counts);
        let arrivals = c.arrivals - e.arrivals;
        let rejected = c.rejected - e.rejected;
        let completions = c.completions - e.completions;
        let started =
            c.started_from_queue - e.started_from_queue + c.started_at_once - e.started_at_once;
        let busy = self.area_busy.saturating_sub(earlier.area_busy);
        let servers = self.area_servers.saturating_sub(earlier.area_servers);
        StationWindow {
            seconds: ns / 1e9,
            utilisation: if servers > 0 {
                busy as f64 / servers as f64
            } else {
                0.0
            },
            mean_servers: per_ns(self.area_servers, earlier.area_servers),
            mean_in_system: per_ns(self.area_in_system, earlier.area_in_system),
            mean_queue_len: per_ns(self.area_in_queue, earlier.area_in_queue),
            mean_wait_s: if started > 0 {
                c.wait_ns.saturating_sub(e.wait_ns) as f64 / started as f64 / 1e9
            } else {
                0.0
            },
            p_wait: if arrivals > 0 {
                (c.queued - e.queued + rejected) as f64 / arrivals as f64
            } else {
                0.0
            },
            arrivals,
            rejected,
            completions,
            throughput: if ns > 0.0 {
                completions as f64 / (ns / 1e9)
            } else {
                0.0
            },
        }
    }
}

impl<J> Station<J> {
    /// A station with `servers` servers and room for `queue_limit` waiting jobs.
    pub fn new(servers: u32, queue_limit: usize) -> Self {
        Station {
            servers,
            busy: 0,
            queue: VecDeque::new(),
            queue_limit,
            last_change: SimTime::ZERO,
            area_in_system: 0,
            area_in_queue: 0,
            area_busy: 0,
            area_servers: 0,
            counts: Counts::default(),
        }
    }

    /// The cumulative readings at `at`, which must not precede the last change (call it
    /// before anything happens at `at`, or at `now`).
    pub fn totals(&mut self, at: SimTime) -> StationTotals {
        self.account(at);
        StationTotals {
            at: at.max(self.last_change),
            area_in_queue: self.area_in_queue,
            area_in_system: self.area_in_system,
            area_busy: self.area_busy,
            area_servers: self.area_servers,
            counts: self.counts,
        }
    }

    fn account(&mut self, now: SimTime) {
        let dt = now.since(self.last_change).as_nanos() as u128;
        if dt > 0 {
            self.area_in_system += dt * (self.busy as u128 + self.queue.len() as u128);
            self.area_in_queue += dt * self.queue.len() as u128;
            self.area_busy += dt * self.busy as u128;
            self.area_servers += dt * self.servers as u128;
            self.last_change = now;
        }
    }

    /// A job arrives at `now`; it must start by `deadline` or be dropped.
    pub fn arrive(&mut self, now: SimTime, job: J, deadline: SimTime) -> Admission<J> {
        self.account(now);
        self.counts.arrivals += 1;
        if self.busy < self.servers {
            self.busy += 1;
            self.counts.started_at_once += 1;
            Admission::Started(job)
        } else if self.queue.len() < self.queue_limit {
            self.counts.queued += 1;
            self.queue.push_back(Waiting {
                job,
                arrived: now,
                deadline,
            });
            Admission::Queued
        } else {
            self.counts.rejected += 1;
            Admission::Rejected(job)
        }
    }

    /// A job in service completes at `now`. Expired waiting jobs are handed to `expired`;
    /// the returned job (if any) has started service and needs its completion scheduled.
    pub fn complete(
        &mut self,
        now: SimTime,
        expired: impl FnMut(Waiting<J>),
    ) -> Option<Waiting<J>> {
        self.account(now);
        debug_assert!(self.busy > 0, "completion with no busy server");
        self.busy = self.busy.saturating_sub(1);
        self.counts.completions += 1;
        self.start_next(now, expired)
    }

    fn start_next(
        &mut self,
        now: SimTime,
        mut expired: impl FnMut(Waiting<J>),
    ) -> Option<Waiting<J>> {
        if self.busy >= self.servers {
            return None;
        }
        while let Some(w) = self.queue.pop_front() {
            if w.deadline < now {
                expired(w);
            } else {
                self.busy += 1;
                self.counts.started_from_queue += 1;
                self.counts.wait_ns += now.since(w.arrived).as_nanos() as u128;
                return Some(w);
            }
        }
        None
    }

    /// Changes the number of servers at `now`. When servers are added, waiting jobs start:
    /// each started job is passed to `started` (schedule its completion), each expired one
    /// to `expired`.
    pub fn set_servers(
        &mut self,
        now: SimTime,
        servers: u32,
        mut started: impl FnMut(Waiting<J>),
        mut expired: impl FnMut(Waiting<J>),
    ) {
        self.account(now);
        self.servers = servers;
        while let Some(w) = self.start_next(now, &mut expired) {
            started(w);
        }
    }

    /// Removes every waiting job (e.g. the region failed), oldest first.
    pub fn drain_queue(&mut self, now: SimTime) -> impl Iterator<Item = Waiting<J>> + '_ {
        self.account(now);
        self.queue.drain(..)
    }

    /// Forgets jobs in service (the region failed: their completions will be ignored).
    pub fn abort_in_service(&mut self, now: SimTime) -> u32 {
        self.account(now);
        std::mem::take(&mut self.busy)
    }

    /// Takes `n` jobs out of service (a zone failed under them); the caller drops their
    /// completions. Returns how many were taken (at most the busy servers).
    pub fn abort_some(&mut self, now: SimTime, n: u32) -> u32 {
        self.account(now);
        let n = n.min(self.busy);
        self.busy -= n;
        n
    }

    pub fn servers(&self) -> u32 {
        self.servers
    }
    pub fn busy(&self) -> u32 {
        self.busy
    }
    pub fn queue_len(&self) -> usize {
        self.queue.len()
    }
    pub fn in_system(&self) -> usize {
        self.busy as usize + self.queue.len()
    }

    /// Time-averaged number in system over `[0, now]`.
    pub fn mean_in_system(&mut self, now: SimTime) -> f64 {
        self.account(now);
        self.area_in_system as f64 / now.as_nanos().max(1) as f64
    }

    /// Time-averaged number waiting over `[0, now]`.
    pub fn mean_in_queue(&mut self, now: SimTime) -> f64 {
        self.account(now);
        self.area_in_queue as f64 / now.as_nanos().max(1) as f64
    }

    /// Time-averaged busy servers divided by servers (utilisation) over `[0, now]`.
    pub fn utilisation(&mut self, now: SimTime) -> f64 {
        self.account(now);
        self.area_busy as f64 / now.as_nanos().max(1) as f64 / self.servers.max(1) as f64
    }
}

/// Readings of a set of stations at the start and the end of a window, taken lazily:
/// [`observe`](Self::observe) before handling each event reads every station at a
/// boundary the clock has just reached (nothing changed since the previous event, so the
/// reading at the boundary is exact).
#[derive(Clone, Debug)]
pub struct WindowReadings {
    start: SimTime,
    end: SimTime,
    at_start: Vec<StationTotals>,
    at_end: Vec<StationTotals>,
    /// Boundaries read: 0, 1 (start) or 2 (both).
    marks: u8,
    /// The next boundary to read (`SimTime::MAX` once both are): one comparison per
    /// event.
    next: SimTime,
}

impl WindowReadings {
    pub fn new(start: SimTime, end: SimTime) -> Self {
        WindowReadings {
            start,
            end,
            at_start: Vec::new(),
            at_end: Vec::new(),
            marks: 0,
            next: start,
        }
    }

    /// Call before handling an event at `now`.
    #[inline]
    pub fn observe<J>(&mut self, now: SimTime, stations: &mut [Station<J>]) {
        if now >= self.next {
            self.read(now, stations);
        }
    }

    #[cold]
    fn read<J>(&mut self, now: SimTime, stations: &mut [Station<J>]) {
        if self.marks == 0 {
            self.at_start = stations.iter_mut().map(|s| s.totals(self.start)).collect();
            self.marks = 1;
        }
        if self.marks == 1 && now >= self.end {
            self.at_end = stations.iter_mut().map(|s| s.totals(self.end)).collect();
            self.marks = 2;
        }
        self.next = match self.marks {
            0 => self.start,
            1 => self.end,
            _ => SimTime::MAX,
        };
    }

    /// The window's figures per station (call once the run has ended).
    pub fn finish<J>(&mut self, stations: &mut [Station<J>]) -> Vec<StationWindow> {
        self.read(SimTime::MAX, stations);
        self.at_end
            .iter()
            .zip(&self.at_start)
            .map(|(e, s)| e.window(s))
            .collect()
    }
}

/// How long a waiting job waited (for callers that record it).
pub fn waited<J>(w: &Waiting<J>, now: SimTime) -> SimDuration {
    now.since(w.arrived)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: u64) -> SimTime {
        SimTime::ZERO + SimDuration::from_secs(s)
    }

    #[test]
    fn hand_computed_two_servers_queue_of_one() {
        let mut st = Station::new(2, 1);
        let never = SimTime::MAX;
        assert_eq!(st.arrive(t(0), 'a', never), Admission::Started('a'));
        assert_eq!(st.arrive(t(0), 'b', never), Admission::Started('b'));
        assert_eq!(st.arrive(t(1), 'c', never), Admission::Queued);
        assert_eq!(st.arrive(t(1), 'd', never), Admission::Rejected('d'));
        let next = st.complete(t(3), |_| panic!("nothing expires"));
        assert_eq!(
            next.map(|w| (w.job, waited(&w, t(3)))),
            Some(('c', SimDuration::from_secs(2)))
        );
        // In system: 2 jobs on [0,1), 3 on [1,3), 2 on [3,4) → area 2 + 6 + 2 = 10 over 4 s.
        assert!((st.mean_in_system(t(4)) - 2.5).abs() < 1e-12);
        assert!((st.mean_in_queue(t(4)) - 0.5).abs() < 1e-12);
        assert!((st.utilisation(t(4)) - 1.0).abs() < 1e-12);
        // The window [1 s, 4 s): 3 + 3 + 2 in system, 1 + 1 + 0 waiting, 2 servers busy.
        let mut st2 = Station::new(2, 1);
        st2.arrive(t(0), 'a', never);
        st2.arrive(t(0), 'b', never);
        let from = st2.totals(t(1));
        st2.arrive(t(1), 'c', never);
        st2.arrive(t(1), 'd', never);
        st2.complete(t(3), |_| {});
        let w = st2.totals(t(4)).window(&from);
        assert_eq!((w.arrivals, w.rejected, w.completions), (2, 1, 1));
        assert!((w.seconds - 3.0).abs() < 1e-12);
        assert!((w.mean_in_system - 8.0 / 3.0).abs() < 1e-12);
        assert!((w.mean_queue_len - 2.0 / 3.0).abs() < 1e-12);
        assert!((w.utilisation - 1.0).abs() < 1e-12 && (w.mean_servers - 2.0).abs() < 1e-12);
        // 'c' waited 2 s (the only start); both arrivals found the servers busy.
        assert!((w.mean_wait_s - 2.0).abs() < 1e-12 && w.p_wait == 1.0);
        assert!((w.throughput - 1.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn expired_jobs_are_dropped_not_served() {
        let mut st = Station::new(1, 10);
        st.arrive(t(0), 1, SimTime::MAX);
        st.arrive(t(0), 2, t(1));
        st.arrive(t(0), 3, t(10));
        let mut dropped = vec![];
        let next = st.complete(t(5), |w| dropped.push(w.job));
        assert_eq!(dropped, vec![2]);
        assert_eq!(next.map(|w| w.job), Some(3));
    }

    #[test]
    fn capacity_changes_start_waiting_jobs() {
        let mut st = Station::new(1, 10);
        st.arrive(t(0), 1, SimTime::MAX);
        st.arrive(t(0), 2, SimTime::MAX);
        st.arrive(t(0), 3, SimTime::MAX);
        let mut started = vec![];
        st.set_servers(t(1), 3, |w| started.push(w.job), |_| {});
        assert_eq!(started, vec![2, 3]);
        st.set_servers(t(2), 1, |_| {}, |_| {});
        st.arrive(t(2), 4, SimTime::MAX);
        assert_eq!(
            st.complete(t(3), |_| {}),
            None,
            "3 busy > 1 server: no start"
        );
        assert_eq!(st.complete(t(3), |_| {}), None);
        assert_eq!(st.complete(t(3), |_| {}).map(|w| w.job), Some(4));
    }
}
