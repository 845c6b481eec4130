//! Downtime and recovery times, computed as the run goes, in memory that does not grow
//! with simulated time.
//!
//! A second is *down* for a set of users when fewer than [`DOWN_BELOW`] of their requests
//! ending in it succeeded. Keeping `(served, ended)` per second and area until the end of
//! the run costs `8 × areas` bytes per simulated second (2.5 GB for a year with ten areas,
//! 80 GB for one outcome at a "3000d" client timeout). But only a few sets of users are
//! ever asked about, and each is known before the seconds that matter to it:
//!
//! - everyone (`downtime_s` of `runs.csv`), each area (`areas.csv`): known at the start;
//! - the users an outage affected (its recovery time): known at the outage's start, and
//!   only seconds from that one on count — until the next outage affecting any of them
//!   starts (in a later second): from then on, their down seconds belong to that one.
//!
//! Outcomes reach the recorder in time order (they are stamped with the simulation
//! clock), so one row of counters for the current second suffices: when the clock moves
//! to a later second, that row is judged for every set and cleared. A second in which
//! every request succeeded is down for no set, so it is not even judged. The results are
//! exactly those of the per-second table, in `O(areas + outages)` memory.

use crate::engine::{SimDuration, SimTime};

/// A second counts as *down* for a set of users when fewer than this fraction of their
/// requests ending in it succeeded.
pub const DOWN_BELOW: f64 = 0.9;

fn is_down(served: u64, ended: u64) -> bool {
    ended > 0 && (served as f64) < DOWN_BELOW * ended as f64
}

/// Recovery of one outage: the affected users and their last down second so far, among
/// seconds `first_sec ≤ s < end_sec`.
#[derive(Clone, Debug)]
struct Watch {
    start: SimTime,
    first_sec: u64,
    /// The second in which the next outage affecting any of these users started.
    end_sec: u64,
    affected: Vec<bool>,
    last_down: Option<u64>,
}

/// Down seconds of everyone, of each area and of each watched outage's users.
#[derive(Clone, Debug)]
pub struct Downtime {
    /// The second the current row counts.
    sec: u64,
    /// `(served, ended)` per area in second `sec`.
    row: Vec<[u64; 2]>,
    row_failed: bool,
    down_all: u64,
    down_area: Vec<u64>,
    watches: Vec<Watch>,
    /// Indices of the watches not yet ended, ascending.
    open: Vec<usize>,
}

impl Downtime {
    pub fn new(areas: usize) -> Self {
        Downtime {
            sec: 0,
            row: vec![[0, 0]; areas],
            row_failed: false,
            down_all: 0,
            down_area: vec![0; areas],
            watches: Vec::new(),
            open: Vec::new(),
        }
    }

    /// Counts one outcome ending at `at` (not earlier than the previous one's).
    pub fn record(&mut self, at: SimTime, area: usize, ok: bool) {
        let sec = at.as_nanos() / SimDuration::from_secs(1).as_nanos();
        if sec != self.sec {
            self.close();
            self.sec = sec;
        }
        let slot = &mut self.row[area];
        slot[1] += 1;
        if ok {
            slot[0] += 1;
        } else {
            self.row_failed = true;
        }
    }

    /// Starts following the users `affected` of an outage that begins at `start` (now).
    /// Returns the watch's index for [`Downtime::recovery_time`].
    ///
    /// Earlier watches sharing an affected area end here: their users' later down seconds
    /// belong to this outage. Outages starting in the same second share their seconds
    /// (neither ends the other).
    pub fn watch(&mut self, start: SimTime, affected: Vec<bool>) -> usize {
        let first_sec = start.as_nanos() / SimDuration::from_secs(1).as_nanos();
        for &w in &self.open {
            let old = &mut self.watches[w];
            let shares = old.affected.iter().zip(&affected).any(|(&x, &y)| x && y);
            if shares && old.first_sec < first_sec {
                old.end_sec = old.end_sec.min(first_sec);
            }
        }
        // The open row (second `sec`) is not judged yet: keep watches that still want it.
        let (watches, sec) = (&self.watches, self.sec);
        self.open.retain(|&w| watches[w].end_sec > sec);
        self.watches.push(Watch {
            start,
            first_sec,
            end_sec: u64::MAX,
            affected,
            last_down: None,
        });
        self.open.push(self.watches.len() - 1);
        self.watches.len() - 1
    }

    fn sum(&self, which: impl Fn(usize) -> bool) -> (u64, u64) {
        self.row
            .iter()
            .enumerate()
            .filter(|&(a, _)| which(a))
            .fold((0, 0), |acc, (_, s)| (acc.0 + s[0], acc.1 + s[1]))
    }

    fn down_for(&self, which: impl Fn(usize) -> bool) -> bool {
        let (ok, all) = self.sum(which);
        is_down(ok, all)
    }

    /// Judges the current second for every set and clears it.
    fn close(&mut self) {
        if !self.row_failed {
            self.row.iter_mut().for_each(|s| *s = [0, 0]);
            return;
        }
        if self.down_for(|_| true) {
            self.down_all += 1;
        }
        for a in 0..self.row.len() {
            if is_down(self.row[a][0], self.row[a][1]) {
                self.down_area[a] += 1;
            }
        }
        for &w in &self.open {
            let watch = &self.watches[w];
            let in_window = self.sec >= watch.first_sec && self.sec < watch.end_sec;
            if in_window && self.down_for(|a| watch.affected[a]) {
                self.watches[w].last_down = Some(self.sec);
            }
        }
        self.row.iter_mut().for_each(|s| *s = [0, 0]);
        self.row_failed = false;
    }

    /// Whether the current (still open) second is down for `which`.
    fn open_down(&self, which: impl Fn(usize) -> bool) -> bool {
        self.row_failed && self.down_for(which)
    }

    /// Down seconds of all users together.
    pub fn all(&self) -> SimDuration {
        SimDuration::from_secs(self.down_all + self.open_down(|_| true) as u64)
    }

    /// Down seconds of the users of `area`.
    pub fn area(&self, area: usize) -> SimDuration {
        let open = self.open_down(|a| a == area) as u64;
        SimDuration::from_secs(self.down_area.get(area).copied().unwrap_or(0) + open)
    }

    /// Observed recovery time of watched outage `watch`: from its start to the end of the
    /// last second in which its users were down, before the next outage affecting them
    /// started; zero if they never were.
    pub fn recovery_time(&self, watch: usize) -> SimDuration {
        let Some(w) = self.watches.get(watch) else {
            return SimDuration::ZERO;
        };
        let in_window = self.sec >= w.first_sec && self.sec < w.end_sec;
        let open = (in_window && self.open_down(|a| w.affected[a])).then_some(self.sec);
        match open.or(w.last_down) {
            Some(s) => (SimTime::ZERO + SimDuration::from_secs(s + 1)).since(w.start),
            None => SimDuration::ZERO,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The per-second table this module replaces: `(second, area, ok)` outcomes.
    fn table_downtime(outcomes: &[(u64, usize, bool)], which: impl Fn(usize) -> bool) -> u64 {
        let last = outcomes.iter().map(|o| o.0).max().unwrap_or(0);
        (0..=last)
            .filter(|&s| {
                let sel = outcomes.iter().filter(|o| o.0 == s && which(o.1));
                let (ok, all) = sel.fold((0, 0), |acc, o| (acc.0 + o.2 as u64, acc.1 + 1));
                is_down(ok, all)
            })
            .count() as u64
    }

    fn table_last_down(
        outcomes: &[(u64, usize, bool)],
        from: u64,
        to: u64,
        which: impl Fn(usize) -> bool,
    ) -> Option<u64> {
        let last = outcomes.iter().map(|o| o.0).max().unwrap_or(0);
        (from..=last).rev().filter(|&s| s < to).find(|&s| {
            let sel = outcomes.iter().filter(|o| o.0 == s && which(o.1));
            let (ok, all) = sel.fold((0, 0), |acc, o| (acc.0 + o.2 as u64, acc.1 + 1));
            is_down(ok, all)
        })
    }

    proptest! {
        /// Streaming gives the per-second table's downtime and recovery times exactly,
        /// each outage's recovery ending where the next outage affecting its users starts.
        #[test]
        fn equals_the_per_second_table(
            mut raw in proptest::collection::vec((0u64..40, 0usize..3, proptest::bool::weighted(0.7)), 0..300),
            watch_at in 0u64..40,
            later in 0u64..40,
            affected in proptest::collection::vec(any::<bool>(), 3),
            affected2 in proptest::collection::vec(any::<bool>(), 3),
        ) {
            raw.sort_by_key(|o| o.0);
            let second_at = watch_at + later;
            let mut d = Downtime::new(3);
            let at = |s: u64| SimTime::ZERO + SimDuration::from_millis(s * 1000 + 300);
            let mut watched = [None, None];
            for &(s, a, ok) in &raw {
                if watched[0].is_none() && s >= watch_at {
                    watched[0] = Some(d.watch(at(watch_at), affected.clone()));
                }
                if watched[1].is_none() && s >= second_at {
                    watched[1] = Some(d.watch(at(second_at), affected2.clone()));
                }
                d.record(SimTime::ZERO + SimDuration::from_millis(s * 1000 + 500), a, ok);
            }
            let w1 = watched[0].unwrap_or_else(|| d.watch(at(watch_at), affected.clone()));
            let w2 = watched[1].unwrap_or_else(|| d.watch(at(second_at), affected2.clone()));
            prop_assert_eq!(d.all().as_secs_f64() as u64, table_downtime(&raw, |_| true));
            for a in 0..3 {
                prop_assert_eq!(d.area(a).as_secs_f64() as u64, table_downtime(&raw, |x| x == a));
            }
            let shares = (0..3).any(|a| affected[a] && affected2[a]);
            let end1 = if shares && second_at > watch_at { second_at } else { u64::MAX };
            let rto = |from: u64, to: u64, set: &[bool]| {
                match table_last_down(&raw, from, to, |a| set[a]) {
                    Some(s) => (SimTime::ZERO + SimDuration::from_secs(s + 1)).since(at(from)),
                    None => SimDuration::ZERO,
                }
            };
            prop_assert_eq!(d.recovery_time(w1), rto(watch_at, end1, &affected));
            prop_assert_eq!(d.recovery_time(w2), rto(second_at, u64::MAX, &affected2));
        }
    }

    #[test]
    fn memory_does_not_grow_with_seconds() {
        let mut d = Downtime::new(4);
        for s in 0..1_000_000u64 {
            d.record(
                SimTime::ZERO + SimDuration::from_secs(s),
                (s % 4) as usize,
                s % 3 != 0,
            );
        }
        assert_eq!(d.row.len(), 4);
        // Seconds with a failed request of area 0 or 3 (s % 3 == 0): area 0 at s ≡ 0 mod 12,
        // area 3 at s ≡ 3 mod 12; each such second holds one (failed) request.
        assert_eq!(d.all().as_secs_f64() as u64, 1_000_000 / 3 + 1);
        assert_eq!(d.area(0).as_secs_f64() as u64, (1_000_000 - 1) / 12 + 1);
    }
}
