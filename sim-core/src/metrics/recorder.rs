//! What one request-level run measured: an observer fed one outcome per request.
//!
//! Every accumulator is bounded (histograms, counters, one cell per minute and region)
//! and mergeable. A request counts if it *arrived* inside the measurement window
//! `[warm-up, warm-up + duration)`; it is then served (answered within the client
//! timeout), failed, or still in flight when the run ends, so that
//! `requests = served + failed + in_flight` holds by construction and is tested.

use super::latency::LatencyHist;
use crate::engine::{SimDuration, SimTime};

/// Read or write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Read,
    Write,
}

/// Why a request failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure {
    /// No answer within the client timeout (queueing, a dead region, a slow network).
    Timeout,
    /// The region's queue was full.
    Rejected,
    /// No region could take it (e.g. a write quorum was unreachable).
    Unavailable,
}

/// The end of one request, as its client saw it.
#[derive(Clone, Copy, Debug)]
pub struct Outcome {
    pub area: usize,
    /// The region that handled (or was asked to handle) it.
    pub region: usize,
    pub kind: Kind,
    pub arrived: SimTime,
    /// When the client learned the outcome (response or timeout).
    pub at: SimTime,
    pub result: Result<(), Failure>,
    /// A read that returned a version older than the latest acknowledged write.
    pub stale: bool,
    /// The user's data was stored or processed outside their required jurisdiction.
    pub residency_violation: bool,
}

/// Per-area accumulators. Their histograms keep two significant digits (1 % accuracy),
/// a tenth of the memory of the overall ones: runs with many areas stay cheap to start.
#[derive(Clone, Debug)]
pub struct AreaStats {
    pub requests: u64,
    pub served: u64,
    pub all: LatencyHist,
    pub reads: LatencyHist,
    pub writes: LatencyHist,
}

impl Default for AreaStats {
    fn default() -> Self {
        AreaStats {
            requests: 0,
            served: 0,
            all: LatencyHist::with_precision(2),
            reads: LatencyHist::with_precision(2),
            writes: LatencyHist::with_precision(2),
        }
    }
}

/// One minute of one region.
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

/// All measurements of one run.
#[derive(Clone, Debug)]
pub struct Recorder {
    pub window_start: SimTime,
    pub window_end: SimTime,
    pub regions: usize,
    pub requests: u64,
    pub served: u64,
    pub failed: u64,
    pub timeouts: u64,
    pub rejected: u64,
    pub unavailable: u64,
    pub reads: u64,
    pub stale_reads: u64,
    pub residency_violations: u64,
    pub all: LatencyHist,
    pub read_latency: LatencyHist,
    pub write_latency: LatencyHist,
    pub areas: Vec<AreaStats>,
    /// `series[minute * regions + region]`, minutes counted from simulated time zero.
    pub series: Vec<MinuteCell>,
    /// Requests served per region (for cost attribution).
    pub served_by_region: Vec<u64>,
    /// Retried attempts of measured requests (extra load from clients).
    pub retries: u64,
    /// `seconds[second * areas + area]` = (served, ended): outcomes by the second they
    /// reached the client, for downtime and recovery times.
    pub seconds: Vec<[u32; 2]>,
}

/// A second counts as *down* for a set of users when fewer than this fraction of their
/// requests ending in it succeeded.
pub const DOWN_BELOW: f64 = 0.9;

impl Recorder {
    pub fn new(areas: usize, regions: usize, window_start: SimTime, duration: SimDuration) -> Self {
        Recorder {
            window_start,
            window_end: window_start + duration,
            regions,
            requests: 0,
            served: 0,
            failed: 0,
            timeouts: 0,
            rejected: 0,
            unavailable: 0,
            reads: 0,
            stale_reads: 0,
            residency_violations: 0,
            all: LatencyHist::default(),
            read_latency: LatencyHist::default(),
            write_latency: LatencyHist::default(),
            areas: vec![AreaStats::default(); areas],
            series: Vec::new(),
            served_by_region: vec![0; regions],
            retries: 0,
            seconds: Vec::new(),
        }
    }

    /// Whether a request arriving at `t` is measured.
    #[inline]
    pub fn in_window(&self, t: SimTime) -> bool {
        t >= self.window_start && t < self.window_end
    }

    /// Counts an arrival (call once per measured request, when it arrives).
    #[inline]
    pub fn arrived(&mut self, area: usize) {
        self.requests += 1;
        self.areas[area].requests += 1;
    }

    fn cell(&mut self, at: SimTime, region: usize) -> &mut MinuteCell {
        let minute = (at.as_nanos() / SimDuration::from_mins(1).as_nanos()) as usize;
        let idx = minute * self.regions + region;
        if self.series.len() <= idx {
            self.series
                .resize_with((minute + 1) * self.regions, MinuteCell::default);
        }
        &mut self.series[idx]
    }

    /// Records the outcome of a measured request.
    pub fn outcome(&mut self, o: &Outcome) {
        let latency = o.at.since(o.arrived);
        if o.residency_violation {
            self.residency_violations += 1;
        }
        if o.kind == Kind::Read {
            self.reads += 1;
            if o.stale && o.result.is_ok() {
                self.stale_reads += 1;
            }
        }
        let areas = self.areas.len();
        let sec = (o.at.as_nanos() / SimDuration::from_secs(1).as_nanos()) as usize;
        if self.seconds.len() <= (sec + 1) * areas {
            self.seconds.resize((sec + 1) * areas, [0, 0]);
        }
        let slot = &mut self.seconds[sec * areas + o.area];
        slot[1] += 1;
        if o.result.is_ok() {
            slot[0] += 1;
        }
        let cell = self.cell(o.at, o.region);
        cell.requests += 1;
        match o.result {
            Ok(()) => {
                cell.latency.record(latency);
                self.served += 1;
                self.served_by_region[o.region] += 1;
                self.all.record(latency);
                let a = &mut self.areas[o.area];
                a.served += 1;
                a.all.record(latency);
                match o.kind {
                    Kind::Read => {
                        self.read_latency.record(latency);
                        a.reads.record(latency);
                    }
                    Kind::Write => {
                        self.write_latency.record(latency);
                        a.writes.record(latency);
                    }
                }
            }
            Err(f) => {
                cell.failed += 1;
                self.failed += 1;
                match f {
                    Failure::Timeout => self.timeouts += 1,
                    Failure::Rejected => self.rejected += 1,
                    Failure::Unavailable => self.unavailable += 1,
                }
            }
        }
    }

    /// Measured requests without an outcome yet.
    pub fn in_flight(&self) -> u64 {
        self.requests - self.served - self.failed
    }

    /// (served, ended) in second `sec` for the areas selected by `which`.
    fn second(&self, sec: usize, which: impl Fn(usize) -> bool) -> (u64, u64) {
        let areas = self.areas.len();
        let mut acc = (0u64, 0u64);
        if let Some(row) = self.seconds.get(sec * areas..(sec + 1) * areas) {
            for (a, [ok, all]) in row.iter().enumerate() {
                if which(a) {
                    acc.0 += *ok as u64;
                    acc.1 += *all as u64;
                }
            }
        }
        acc
    }

    fn is_down(served: u64, ended: u64) -> bool {
        ended > 0 && (served as f64) < DOWN_BELOW * ended as f64
    }

    /// Seconds in which the users selected by `which` were down (see [`DOWN_BELOW`]).
    pub fn downtime(&self, which: impl Fn(usize) -> bool) -> SimDuration {
        let areas = self.areas.len().max(1);
        let secs = self.seconds.len() / areas;
        let down = (0..secs).filter(|&s| {
            let (ok, all) = self.second(s, &which);
            Self::is_down(ok, all)
        });
        SimDuration::from_secs(down.count() as u64)
    }

    /// Observed recovery time of a failure that started at `start` and affected the areas
    /// selected by `which`: from `start` to the end of the last second in which those users
    /// were down; zero if they never were.
    pub fn recovery_time(&self, start: SimTime, which: impl Fn(usize) -> bool) -> SimDuration {
        let areas = self.areas.len().max(1);
        let secs = self.seconds.len() / areas;
        let first = (start.as_nanos() / SimDuration::from_secs(1).as_nanos()) as usize;
        let last_down = (first..secs).rev().find(|&s| {
            let (ok, all) = self.second(s, &which);
            Self::is_down(ok, all)
        });
        match last_down {
            Some(s) => (SimTime::ZERO + SimDuration::from_secs(s as u64 + 1)).since(start),
            None => SimDuration::ZERO,
        }
    }

    /// Fraction of measured requests served within the timeout.
    pub fn availability(&self) -> f64 {
        if self.requests == 0 {
            1.0
        } else {
            self.served as f64 / self.requests as f64
        }
    }
}
