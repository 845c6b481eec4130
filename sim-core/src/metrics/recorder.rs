//! What one request-level run measured: an observer fed one outcome per request.
//!
//! Every accumulator is bounded: histograms, counters, a time series of at most
//! [`SERIES_CELLS`](super::series::SERIES_CELLS) cells ([`Series`]) and downtime judged
//! second by second without keeping the seconds ([`Downtime`]); memory does not grow with
//! the number of requests or with simulated time.
//!
//! A request counts if it *arrived* inside the measurement window `[warm-up, warm-up + duration)`; it is then served (answered within the client
//! timeout), failed, or still in flight when the run ends, so that
//! `requests = served + failed + in_flight` holds by construction and is tested.

use super::downtime::Downtime;
pub use super::downtime::DOWN_BELOW;
use super::latency::LatencyHist;
use super::series::Series;
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
    /// Reads and writes merged by [`Recorder::finish`].
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
    /// Every served request: reads and writes merged by [`Recorder::finish`].
    pub all: LatencyHist,
    pub read_latency: LatencyHist,
    pub write_latency: LatencyHist,
    pub areas: Vec<AreaStats>,
    /// Requests, failures and latency per region and time bucket (minutes from simulated
    /// time zero; buckets widen on long runs, see [`Series`]).
    pub series: Series,
    /// Requests served per region.
    pub served_by_region: Vec<u64>,
    /// Requests served per area and region, `[area * regions + region]` (for cost
    /// attribution: each area's egress is priced at the regions that served it).
    pub served_by_area_region: Vec<u64>,
    /// Retried attempts of measured requests (extra load from clients).
    pub retries: u64,
    /// Down seconds and recovery times, judged second by second as outcomes arrive.
    pub down: Downtime,
}

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
            series: Series::new(regions),
            served_by_region: vec![0; regions],
            served_by_area_region: vec![0; areas * regions],
            retries: 0,
            down: Downtime::new(areas),
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
        // Downtime is time in the measured window: a measured request that ends in the
        // drain after it (a timeout of the window's last seconds) counts as served or
        // failed, but its second is not a second of the window. Counted there, an outage
        // near the end reported more downtime (and a longer RTO) than the window had left.
        if o.at < self.window_end {
            self.down.record(o.at, o.area, o.result.is_ok());
        }
        let cell = self.series.cell(o.at, o.region);
        cell.requests += 1;
        match o.result {
            Ok(()) => {
                cell.latency.record(latency);
                self.served += 1;
                self.served_by_region[o.region] += 1;
                self.served_by_area_region[o.area * self.regions + o.region] += 1;
                let a = &mut self.areas[o.area];
                a.served += 1;
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

    /// Fills the `all` histograms (overall and per area) from the reads' and writes'
    /// ones; call once, after the last outcome. Histograms of one configuration merge by
    /// adding counts, so this is exactly what recording each latency into `all` as well
    /// would give, at two fewer recordings per served request (each one a likely cache
    /// miss in a 40 KB counts array).
    pub fn finish(&mut self) {
        debug_assert!(self.all.count() == 0, "Recorder::finish called twice");
        self.all.merge(&self.read_latency);
        self.all.merge(&self.write_latency);
        for a in &mut self.areas {
            a.all.merge(&a.reads);
            a.all.merge(&a.writes);
        }
    }

    /// Measured requests without an outcome yet.
    pub fn in_flight(&self) -> u64 {
        self.requests - self.served - self.failed
    }

    /// Starts following the recovery of an outage that begins now and affects the areas
    /// marked in `affected`; see [`Recorder::recovery_time`].
    pub fn watch_recovery(&mut self, start: SimTime, affected: Vec<bool>) -> usize {
        self.down.watch(start, affected)
    }

    /// Seconds in which all users together were down (see [`DOWN_BELOW`]).
    pub fn downtime(&self) -> SimDuration {
        self.down.all()
    }

    /// Seconds in which the users of `area` were down.
    pub fn area_downtime(&self, area: usize) -> SimDuration {
        self.down.area(area)
    }

    /// Observed recovery time of the outage watched as `watch`: from its start to the end
    /// of the last second in which its users were down; zero if they never were.
    pub fn recovery_time(&self, watch: usize) -> SimDuration {
        self.down.recovery_time(watch)
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
