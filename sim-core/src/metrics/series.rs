//! Per-region time series in a fixed number of cells, whatever the simulated time.
//!
//! A cell holds one region's outcomes of one time bucket: counts and a latency histogram
//! (≈ 27 KB). One cell per minute would make memory grow with simulated time (six
//! regions for a simulated month: 260 000 cells, 7 GB), and a single late outcome (a
//! client timeout of "3000d") would ask for millions of them. So a run holds at most
//! [`SERIES_CELLS`] cells (or [`MIN_BUCKETS`] per region when the regions are many):
//!
//! - buckets start one minute wide, counted from simulated time zero (warm-up included);
//! - when an outcome falls past the last bucket the budget allows, the width doubles
//!   (1, 2, 4, 8 … minutes) and neighbouring buckets merge, exactly (counts add,
//!   histograms merge), until it fits.
//!
//! The width therefore depends only on the time of the last outcome: a run whose outcomes
//! all end within `buckets` minutes (341 minutes with six regions) keeps one row per
//! minute, as it always did; a simulated year with six regions gets buckets of 2¹¹ = 2048
//! minutes. `timeseries.csv` names each bucket by its first minute (see `docs/csv.md`).

use super::latency::LatencyHist;
use crate::engine::{SimDuration, SimTime};

/// Most cells one run's series holds (regions × buckets), unless the regions are so many
/// that [`MIN_BUCKETS`] per region is more.
pub const SERIES_CELLS: usize = 2048;

/// Fewest buckets per region: even a run with hundreds of regions keeps some shape.
pub const MIN_BUCKETS: usize = 64;

/// One bucket of one region.
#[derive(Clone, Debug)]
pub struct MinuteCell {
    pub requests: u64,
    pub failed: u64,
    pub latency: LatencyHist,
}

impl Default for MinuteCell {
    fn default() -> Self {
        MinuteCell {
            requests: 0,
            failed: 0,
            latency: LatencyHist::with_precision(2),
        }
    }
}

impl MinuteCell {
    fn merge(&mut self, other: &MinuteCell) {
        self.requests += other.requests;
        self.failed += other.failed;
        self.latency.merge(&other.latency);
    }
}

/// Cells `[bucket * regions + region]`, bucket `b` covering minutes
/// `[b × width, (b + 1) × width)`.
#[derive(Clone, Debug)]
pub struct Series {
    regions: usize,
    buckets: usize,
    width_mins: u64,
    cells: Vec<MinuteCell>,
    /// Serving instances × nanoseconds, `[bucket * regions + region]` like the cells but
    /// filled on its own (instances serve before the first measured outcome).
    instance_ns: Vec<u128>,
    /// Instances are booked up to this instant (the end of the run).
    instances_until: SimTime,
    /// The bucket of the last outcome, as `[from, to)` in nanoseconds, and its index.
    /// Outcomes come in time order, so nearly every one lands where the one before did
    /// and needs none of the two divisions that find a bucket (`to` 0: nothing cached,
    /// or the width changed since).
    hit: (u64, u64, usize),
}

impl Series {
    pub fn new(regions: usize) -> Self {
        let regions = regions.max(1);
        Series {
            regions,
            buckets: (SERIES_CELLS / regions).max(MIN_BUCKETS),
            width_mins: 1,
            cells: Vec::new(),
            instance_ns: Vec::new(),
            instances_until: SimTime::ZERO,
            hit: (0, 0, 0),
        }
    }

    /// The most cells this series will ever hold.
    pub fn max_cells(&self) -> usize {
        self.buckets * self.regions
    }

    /// Minutes per bucket (a power of two).
    pub fn width_mins(&self) -> u64 {
        self.width_mins
    }

    /// The cell of `region` for an outcome at `at`, coarsening first if needed.
    pub fn cell(&mut self, at: SimTime, region: usize) -> &mut MinuteCell {
        let ns = at.as_nanos();
        let b = if self.hit.0 <= ns && ns < self.hit.1 {
            self.hit.2
        } else {
            self.bucket_of(ns)
        };
        if self.cells.len() <= b * self.regions + region {
            self.cells
                .resize_with((b + 1) * self.regions, MinuteCell::default);
        }
        &mut self.cells[b * self.regions + region]
    }

    /// The bucket of the instant `ns`, coarsening first if it lies past the last one;
    /// remembered in `hit`.
    #[cold]
    fn bucket_of(&mut self, ns: u64) -> usize {
        let minute = ns / SimDuration::from_mins(1).as_nanos();
        while minute / self.width_mins >= self.buckets as u64 {
            self.coarsen();
        }
        let b = minute / self.width_mins;
        // ⌊⌊ns / m⌋ / w⌋ = ⌊ns / (m·w)⌋: the bucket is [b·m·w, (b + 1)·m·w) in ns.
        let width_ns = SimDuration::from_mins(1)
            .as_nanos()
            .saturating_mul(self.width_mins);
        let from = b.saturating_mul(width_ns);
        let to = (b + 1).saturating_mul(width_ns);
        self.hit = (from, to, b as usize);
        b as usize
    }

    /// Doubles the bucket width, merging buckets `2j` and `2j + 1` into `j`.
    fn coarsen(&mut self) {
        self.hit = (0, 0, 0);
        self.width_mins *= 2;
        let n = self.regions;
        let old = std::mem::take(&mut self.instance_ns);
        self.instance_ns = old
            .chunks(2 * n)
            .flat_map(|pair| (0..n).map(move |r| pair[r] + pair.get(n + r).copied().unwrap_or(0)))
            .collect();
        let old = std::mem::take(&mut self.cells);
        let mut rows = old.into_iter();
        loop {
            let first: Vec<MinuteCell> = rows.by_ref().take(self.regions).collect();
            if first.is_empty() {
                break;
            }
            let second: Vec<MinuteCell> = rows.by_ref().take(self.regions).collect();
            for (i, mut c) in first.into_iter().enumerate() {
                if let Some(d) = second.get(i) {
                    c.merge(d);
                }
                self.cells.push(c);
            }
        }
    }

    /// `(first minute of the bucket, region, cell)` in time order, then region order.
    pub fn cells(&self) -> impl Iterator<Item = (u64, usize, &MinuteCell)> + '_ {
        let (n, w) = (self.regions, self.width_mins);
        self.cells
            .iter()
            .enumerate()
            .map(move |(i, c)| ((i / n) as u64 * w, i % n, c))
    }

    /// Region `region` served with `n` instances over `[from, to)`: adds `n × overlap` to
    /// each bucket the interval overlaps. Buckets are only created up to the last one
    /// that already exists or holds `to`'s predecessor, so the series stays bounded.
    pub fn add_instances(&mut self, region: usize, from: SimTime, to: SimTime, n: u32) {
        let minute_ns = SimDuration::from_mins(1).as_nanos();
        let mut t = from;
        while t < to {
            let width = self.width_mins * minute_ns;
            let b = t.as_nanos() / width;
            // Instances never widen the buckets (outcomes alone do): time past the
            // budget at the current width is not booked (no row would show it).
            if b >= self.buckets as u64 {
                return;
            }
            // The last bucket may end past the end of time: `(b + 1) × width` wrapped to a
            // small number, `t` went back and the loop never ended (a run whose last
            // outcome came ~400 years in).
            let end = (b + 1)
                .checked_mul(width)
                .map_or(to, |ns| SimTime::from_nanos(ns).min(to));
            let b = b as usize;
            let i = b * self.regions + region;
            if self.instance_ns.len() <= i {
                self.instance_ns.resize((b + 1) * self.regions, 0);
            }
            self.instance_ns[i] += u128::from(n) * u128::from(end.since(t).as_nanos());
            t = end;
        }
    }

    /// Instances have been booked up to `end`.
    pub fn instances_until(&mut self, end: SimTime) {
        self.instances_until = end;
    }

    /// Mean serving instances of `region` in the bucket that starts at `minute`: its booked
    /// instance-time over the part of the bucket before the end of the run.
    pub fn instances(&self, minute: u64, region: usize) -> f64 {
        let minute_ns = SimDuration::from_mins(1).as_nanos();
        let start = minute * minute_ns;
        let end = (minute.saturating_add(self.width_mins))
            .saturating_mul(minute_ns)
            .min(self.instances_until.as_nanos());
        let i = (minute / self.width_mins) as usize * self.regions + region;
        match self.instance_ns.get(i) {
            Some(&x) if end > start => x as f64 / (end - start) as f64,
            _ => 0.0,
        }
    }

    pub fn len(&self) -> usize {
        self.cells.len()
    }

    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Instances booked up to the end of time: the last bucket's end is past it, which
    /// wrapped and made `add_instances` loop forever.
    #[test]
    fn instances_reach_the_end_of_time() {
        let mut s = Series::new(2);
        // An outcome ~400 years in widens the buckets until it fits.
        s.cell(SimTime::from_nanos(u64::MAX - 5), 1).requests += 1;
        let w = s.width_mins();
        s.add_instances(0, SimTime::ZERO, SimTime::MAX, 3);
        s.instances_until(SimTime::MAX);
        let last = s.cells().map(|(m, _, _)| m).max().unwrap();
        assert!(last > 0 && last % w == 0);
        for (minute, _, _) in s.cells() {
            assert!(
                (s.instances(minute, 0) - 3.0).abs() < 1e-9,
                "minute {minute}"
            );
        }
        assert_eq!(s.instances(last, 1), 0.0);
    }

    /// Outcomes in and out of time order, across bucket edges, with the width doubling
    /// on the way (and nanoseconds near the end of time): every outcome is counted in the
    /// cell its instant belongs to at the final width, whatever bucket was cached.
    #[test]
    fn outcomes_land_in_their_bucket_in_any_order() {
        let min = SimDuration::from_mins(1).as_nanos();
        let mut times: Vec<u64> = Vec::new();
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        for i in 0..4000u64 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            times.push(match i % 4 {
                0 => i * min / 7,              // steady, in order
                1 => (i * min / 7) - 1,        // just before, often across an edge
                2 => x % (600 * min),          // anywhere in ten hours
                _ => (i / 4) * min + x % 1000, // at minute edges
            });
        }
        times.push(u64::MAX - 1);
        times.push(0);
        let mut s = Series::new(3);
        for (i, &t) in times.iter().enumerate() {
            s.cell(SimTime::from_nanos(t), i % 3).requests += 1;
        }
        let w = s.width_mins();
        for (first_minute, region, cell) in s.cells() {
            let expect = times
                .iter()
                .enumerate()
                .filter(|&(i, &t)| i % 3 == region && (t / min) / w * w == first_minute)
                .count() as u64;
            assert_eq!(
                cell.requests, expect,
                "bucket at minute {first_minute}, region {region}"
            );
        }
        let total: u64 = s.cells().map(|(_, _, c)| c.requests).sum();
        assert_eq!(total, times.len() as u64);
    }

    fn at_min(m: u64) -> SimTime {
        SimTime::ZERO + SimDuration::from_mins(m)
    }

    #[test]
    fn short_runs_keep_one_bucket_per_minute() {
        let mut s = Series::new(6);
        for m in 0..300 {
            s.cell(at_min(m), (m % 6) as usize).requests += 1;
        }
        assert_eq!(s.width_mins(), 1);
        assert_eq!(s.len(), 300 * 6);
        let (minute, region, c) = s.cells().nth(6 * 7 + 1).unwrap();
        assert_eq!((minute, region, c.requests), (7, 1, 1));
    }

    #[test]
    fn a_year_stays_within_the_budget_and_merges_exactly() {
        let mut s = Series::new(6);
        let year = 365 * 24 * 60;
        let mut total = 0;
        for m in (0..year).step_by(7) {
            let c = s.cell(at_min(m), 2);
            c.requests += 1;
            c.latency.record(SimDuration::from_millis(m % 1000 + 1));
            total += 1;
        }
        assert!(s.len() <= s.max_cells() && s.max_cells() <= SERIES_CELLS);
        assert_eq!(s.width_mins(), 2048);
        let counted: u64 = s.cells().map(|(_, _, c)| c.requests).sum();
        let hist: u64 = s.cells().map(|(_, _, c)| c.latency.count()).sum();
        assert_eq!((counted, hist), (total, total));
        // Bucket starts are consecutive multiples of the width.
        let starts: Vec<u64> = s.cells().filter(|c| c.1 == 0).map(|c| c.0).collect();
        assert!(starts
            .iter()
            .enumerate()
            .all(|(i, &m)| m == i as u64 * 2048));
    }

    #[test]
    fn one_very_late_outcome_does_not_allocate_per_minute() {
        let mut s = Series::new(6);
        s.cell(at_min(5), 0).requests += 1;
        s.cell(SimTime::ZERO + SimDuration::from_secs(3000 * 86_400), 3)
            .requests += 1;
        assert!(s.len() <= s.max_cells());
        let cells: Vec<(u64, usize, u64)> = s
            .cells()
            .filter(|c| c.2.requests > 0)
            .map(|(m, r, c)| (m, r, c.requests))
            .collect();
        let w = s.width_mins();
        assert_eq!(cells, vec![(0, 0, 1), (3000 * 1440 / w * w, 3, 1)]);
    }
}
