//! The numbers of one run, computed once: every figure the CLI table, `runs.csv`,
//! `areas.csv`, the sweep summary and the GUI show is a field of [`RunSummary`].
//!
//! Before this type each reader derived its figures from the raw recorder on its own
//! (the stale fraction was computed in three places, availability per area in two); a
//! fix in one silently disagreed with the others. Now `experiment` fills a summary when a
//! run ends and everyone reads it.
//!
//! The struct is also the row of `runs.csv`: field names are the column names, in column
//! order, and [`run_columns`] reads them from serde, so there is no second list to keep in
//! step. Floating-point fields are serialized with a fixed number of decimals
//! ([`fixed3`], [`fixed6`], [`fixed2`]), so that the same scenario and seed give the same
//! bytes. Fields that are not columns are `#[serde(skip)]`.

use crate::scenario::LayoutKind;
use serde::{Serialize, Serializer};

/// Serializes `x` with 3 decimals (milliseconds, seconds).
pub fn fixed3<S: Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(&format_args!("{x:.3}"))
}

/// Serializes `x` with 6 decimals (fractions).
pub fn fixed6<S: Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(&format_args!("{x:.6}"))
}

/// Serializes `x` with 2 decimals (US dollars).
pub fn fixed2<S: Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(&format_args!("{x:.2}"))
}

/// Serializes `x` with no decimals.
pub fn fixed0<S: Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(&format_args!("{x:.0}"))
}

/// Serializes a layout by its name (`active-passive`, …).
pub fn layout_name<S: Serializer>(l: &LayoutKind, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(l.name())
}

/// Everything derived from one run; one row of `runs.csv` (see the module docs). Units are
/// in the field names; `docs/csv.md` defines each.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct RunSummary {
    #[serde(serialize_with = "layout_name")]
    pub layout: LayoutKind,
    pub seed: u64,
    pub requests: u64,
    pub served: u64,
    pub failed: u64,
    pub in_flight: u64,
    #[serde(serialize_with = "fixed3")]
    pub p50_ms: f64,
    #[serde(serialize_with = "fixed3")]
    pub p95_ms: f64,
    #[serde(serialize_with = "fixed3")]
    pub p99_ms: f64,
    #[serde(serialize_with = "fixed3")]
    pub p999_ms: f64,
    #[serde(serialize_with = "fixed3")]
    pub mean_ms: f64,
    #[serde(serialize_with = "fixed3")]
    pub read_p50_ms: f64,
    #[serde(serialize_with = "fixed3")]
    pub read_p99_ms: f64,
    #[serde(serialize_with = "fixed3")]
    pub write_p50_ms: f64,
    #[serde(serialize_with = "fixed3")]
    pub write_p99_ms: f64,
    /// Fraction of measured requests served.
    #[serde(serialize_with = "fixed6")]
    pub availability: f64,
    /// Seconds in which the users as a whole were down.
    #[serde(serialize_with = "fixed3")]
    pub downtime_s: f64,
    /// Observed recovery time: the longest, over region outages that affected users.
    #[serde(serialize_with = "fixed3")]
    pub rto_s: f64,
    pub lost_writes: u64,
    /// Age of the oldest lost acknowledged write.
    #[serde(serialize_with = "fixed3")]
    pub rpo_s: f64,
    /// Stale reads / reads (0 without reads).
    #[serde(serialize_with = "fixed6")]
    pub stale_read_fraction: f64,
    pub conflicts: u64,
    pub residency_violations: u64,
    #[serde(serialize_with = "fixed2")]
    pub cost_usd_month: f64,
    #[serde(serialize_with = "fixed2")]
    pub compute_usd_month: f64,
    #[serde(serialize_with = "fixed2")]
    pub transfer_usd_month: f64,
    #[serde(serialize_with = "fixed2")]
    pub egress_usd_month: f64,
    pub timeouts: u64,
    pub rejected: u64,
    pub unavailable: u64,
    pub retries: u64,
    pub failovers: u64,
    /// Region outages that happened during the run (scheduled and random).
    pub outages: u64,
    pub events: u64,
    /// Instance-hours paid over the measured window: fixed regions as planned, autoscaled
    /// ones as provisioned (booting included; `docs/autoscaling.md`).
    #[serde(serialize_with = "fixed3")]
    pub instance_hours: f64,
    /// Autoscaling actions in the measured window.
    pub scale_outs: u64,
    pub scale_ins: u64,

    /// Per user area, in area order.
    #[serde(skip)]
    pub areas: Vec<AreaSummary>,
    /// Region ids, in the order of per-region results.
    #[serde(skip)]
    pub region_ids: Vec<String>,
    /// What had no price (counted as $0).
    #[serde(skip)]
    pub unpriced: Vec<String>,
    /// Wall-clock seconds the run took (not deterministic: `timing.csv` only).
    #[serde(skip)]
    pub wall_s: f64,
    /// Served reads and writes the read and write percentiles are taken over; a
    /// percentile over none is written as 0 in the CSV and shown as "none" in tables.
    #[serde(skip)]
    pub served_reads: u64,
    #[serde(skip)]
    pub served_writes: u64,
}

/// One user area of one run; one row of `areas.csv`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct AreaSummary {
    #[serde(serialize_with = "layout_name")]
    pub layout: LayoutKind,
    pub area: String,
    pub requests: u64,
    pub served: u64,
    /// Served / requests (1 without requests).
    #[serde(serialize_with = "fixed6")]
    pub availability: f64,
    #[serde(serialize_with = "fixed3")]
    pub p50_ms: f64,
    #[serde(serialize_with = "fixed3")]
    pub p99_ms: f64,
    #[serde(serialize_with = "fixed3")]
    pub read_p50_ms: f64,
    #[serde(serialize_with = "fixed3")]
    pub read_p99_ms: f64,
    #[serde(serialize_with = "fixed3")]
    pub write_p50_ms: f64,
    #[serde(serialize_with = "fixed3")]
    pub write_p99_ms: f64,
    #[serde(serialize_with = "fixed3")]
    pub downtime_s: f64,
}

/// The column names serde gives a row of `T` (field names, in order, skipped fields left
/// out), read by serializing `T::default()` with a header.
pub fn columns_of<T: Serialize + Default>() -> Vec<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let header = w
        .serialize(T::default())
        .ok()
        .and_then(|()| w.into_inner().ok())
        .and_then(|bytes| {
            csv::ReaderBuilder::new()
                .has_headers(false)
                .from_reader(bytes.as_slice())
                .records()
                .next()
                .and_then(Result::ok)
        });
    header.map_or_else(Vec::new, |h| h.iter().map(String::from).collect())
}

/// Columns of `runs.csv` (of a [`RunSummary`]), in order.
pub fn run_columns() -> &'static [String] {
    static COLUMNS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    COLUMNS.get_or_init(columns_of::<RunSummary>)
}

/// The figures a sweep summarises over replications (`summary.csv`), in column order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Metric {
    P50,
    P99,
    P999,
    ReadP99,
    WriteP99,
    Availability,
    Failed,
    Timeouts,
    Rejected,
    Unavailable,
    Downtime,
    Rto,
    Rpo,
    LostWrites,
    StaleReads,
    Conflicts,
    ResidencyViolations,
    Cost,
    Retries,
    Failovers,
    Requests,
    InstanceHours,
}

impl Metric {
    pub const ALL: [Metric; 22] = [
        Metric::P50,
        Metric::P99,
        Metric::P999,
        Metric::ReadP99,
        Metric::WriteP99,
        Metric::Availability,
        Metric::Failed,
        Metric::Timeouts,
        Metric::Rejected,
        Metric::Unavailable,
        Metric::Downtime,
        Metric::Rto,
        Metric::Rpo,
        Metric::LostWrites,
        Metric::StaleReads,
        Metric::Conflicts,
        Metric::ResidencyViolations,
        Metric::Cost,
        Metric::Retries,
        Metric::Failovers,
        Metric::Requests,
        Metric::InstanceHours,
    ];

    /// Its column in `runs.csv` (and the stem of its columns in `summary.csv`).
    pub fn name(self) -> &'static str {
        self.info().0
    }

    /// Its unit.
    pub fn unit(self) -> &'static str {
        self.info().1
    }

    /// The values it can take: fractions lie in [0, 1], every other metric (counts,
    /// times, costs) is ≥ 0. Intervals of the mean are clipped to it.
    pub fn range(self) -> (f64, f64) {
        match self {
            Metric::Availability | Metric::StaleReads => (0.0, 1.0),
            _ => (0.0, f64::INFINITY),
        }
    }

    /// Its value in `s`.
    pub fn of(self, s: &RunSummary) -> f64 {
        (self.info().2)(s)
    }

    fn info(self) -> (&'static str, &'static str, fn(&RunSummary) -> f64) {
        match self {
            Metric::P50 => ("p50_ms", "ms", |s| s.p50_ms),
            Metric::P99 => ("p99_ms", "ms", |s| s.p99_ms),
            Metric::P999 => ("p999_ms", "ms", |s| s.p999_ms),
            Metric::ReadP99 => ("read_p99_ms", "ms", |s| s.read_p99_ms),
            Metric::WriteP99 => ("write_p99_ms", "ms", |s| s.write_p99_ms),
            Metric::Availability => ("availability", "fraction", |s| s.availability),
            Metric::Failed => ("failed", "requests", |s| s.failed as f64),
            Metric::Timeouts => ("timeouts", "requests", |s| s.timeouts as f64),
            Metric::Rejected => ("rejected", "requests", |s| s.rejected as f64),
            Metric::Unavailable => ("unavailable", "requests", |s| s.unavailable as f64),
            Metric::Downtime => ("downtime_s", "s", |s| s.downtime_s),
            Metric::Rto => ("rto_s", "s", |s| s.rto_s),
            Metric::Rpo => ("rpo_s", "s", |s| s.rpo_s),
            Metric::LostWrites => ("lost_writes", "writes", |s| s.lost_writes as f64),
            Metric::StaleReads => ("stale_read_fraction", "fraction", |s| s.stale_read_fraction),
            Metric::Conflicts => ("conflicts", "writes", |s| s.conflicts as f64),
            Metric::ResidencyViolations => ("residency_violations", "requests", |s| {
                s.residency_violations as f64
            }),
            Metric::Cost => ("cost_usd_month", "USD/month", |s| s.cost_usd_month),
            Metric::Retries => ("retries", "attempts", |s| s.retries as f64),
            Metric::Failovers => ("failovers", "promotions", |s| s.failovers as f64),
            Metric::Requests => ("requests", "requests", |s| s.requests as f64),
            Metric::InstanceHours => ("instance_hours", "h", |s| s.instance_hours),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_columns_are_the_field_names_in_order() {
        let cols = run_columns();
        assert_eq!(cols.len(), 37, "{cols:?}");
        assert_eq!(cols[0], "layout");
        assert_eq!(cols[6], "p50_ms");
        assert_eq!(cols[33], "events");
        assert_eq!(cols[34..], ["instance_hours", "scale_outs", "scale_ins"]);
        assert!(!cols.iter().any(|c| c == "areas" || c == "wall_s"));
    }

    #[test]
    fn every_metric_is_a_run_column_read_from_its_field() {
        let s = RunSummary {
            p99_ms: 12.5,
            failed: 3,
            stale_read_fraction: 0.25,
            cost_usd_month: 99.0,
            ..RunSummary::default()
        };
        for m in Metric::ALL {
            assert!(run_columns().iter().any(|c| c == m.name()), "{m:?}");
            assert!(!m.unit().is_empty());
        }
        assert_eq!(Metric::P99.of(&s), 12.5);
        assert_eq!(Metric::Failed.of(&s), 3.0);
        assert_eq!(Metric::StaleReads.of(&s), 0.25);
        assert_eq!(Metric::Cost.of(&s), 99.0);
    }

    #[test]
    fn fixed_decimals_in_the_row() {
        let s = RunSummary {
            p50_ms: 1.0 / 3.0,
            availability: 0.5,
            cost_usd_month: 10.0,
            ..RunSummary::default()
        };
        let mut w = csv::WriterBuilder::new()
            .has_headers(false)
            .from_writer(Vec::new());
        w.serialize(&s).unwrap();
        let line = String::from_utf8(w.into_inner().unwrap()).unwrap();
        let cells: Vec<&str> = line.trim_end().split(',').collect();
        assert_eq!(cells.len(), run_columns().len());
        assert_eq!(cells[0], "active-active");
        assert_eq!(cells[6], "0.333");
        assert_eq!(cells[15], "0.500000");
        assert_eq!(cells[23], "10.00");
    }
}
