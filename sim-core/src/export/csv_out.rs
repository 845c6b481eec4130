//! The CSV files a run writes. Column names are stable; `docs/csv.md` gives the unit and
//! meaning of each. Numbers are printed with fixed precision so that the same scenario and
//! seed give byte-identical files. Wall time is not deterministic, so it goes to
//! `timing.csv`, never into `runs.csv`.
//!
//! Rows are serde types written with `csv::Writer::serialize`; each header is the row
//! type's field names ([`columns_of`]). `runs.csv` and `areas.csv` rows are the
//! [`RunSummary`] and [`AreaSummary`] every other report reads, so a file cannot disagree
//! with the table on screen. This module reads `metrics` types only, never `experiment`
//! (`tests/architecture.rs`).

use super::atomic::write_atomic;
use crate::metrics::summary::{columns_of, fixed0, fixed3, fixed6, layout_name};
use crate::metrics::{AreaSummary, IncidentResult, RunSummary, Series, StationWindow};
use crate::scenario::LayoutKind;
use serde::Serialize;
use std::io;
use std::path::Path;

pub use crate::metrics::summary::run_columns;

/// What the files of one run are written from: its summary and its time series.
#[derive(Clone, Copy, Debug)]
pub struct RunFiles<'a> {
    pub summary: &'a RunSummary,
    pub series: &'a Series,
    /// Each region's station over the measured window, in region order.
    pub stations: &'a [StationWindow],
    /// Every region outage of the run, in order of start.
    pub incidents: &'a [IncidentResult],
}

/// One row of `timeseries.csv`.
#[derive(Default, Serialize)]
struct SeriesRow<'a> {
    #[serde(serialize_with = "layout_name")]
    layout: LayoutKind,
    minute: u64,
    region: &'a str,
    requests: u64,
    failed: u64,
    #[serde(serialize_with = "fixed3")]
    p99_ms: f64,
    /// Mean serving instances over the bucket (time-weighted).
    #[serde(serialize_with = "fixed3")]
    instances: f64,
}

/// One row of `timing.csv`.
#[derive(Default, Serialize)]
struct TimingRow {
    #[serde(serialize_with = "layout_name")]
    layout: LayoutKind,
    seed: u64,
    events: u64,
    #[serde(serialize_with = "fixed3")]
    wall_s: f64,
    #[serde(serialize_with = "fixed0")]
    events_per_s: f64,
}

/// A CSV file: `header` (the columns of the row type), then `rows` (the header alone when
/// there are none).
pub(crate) fn to_bytes<T: Serialize>(
    header: &[String],
    rows: impl IntoIterator<Item = T>,
) -> io::Result<Vec<u8>> {
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    w.write_record(header).map_err(io::Error::other)?;
    for row in rows {
        w.serialize(row).map_err(io::Error::other)?;
    }
    w.into_inner().map_err(|e| io::Error::other(e.to_string()))
}

/// `runs.csv` bytes: one row per run.
pub fn runs_csv<'a>(runs: impl IntoIterator<Item = &'a RunSummary>) -> io::Result<Vec<u8>> {
    to_bytes(run_columns(), runs)
}

/// `areas.csv` bytes: one row per layout and area.
pub fn areas_csv<'a>(runs: impl IntoIterator<Item = &'a RunSummary>) -> io::Result<Vec<u8>> {
    to_bytes(
        &columns_of::<AreaSummary>(),
        runs.into_iter().flat_map(|r| &r.areas),
    )
}

/// `timeseries.csv` bytes: one row per layout, time bucket and region. A bucket is named
/// by its first minute; buckets are one minute wide unless the run is long (see
/// [`Series`] and `docs/csv.md`).
pub fn timeseries_csv<'a>(runs: impl IntoIterator<Item = RunFiles<'a>>) -> io::Result<Vec<u8>> {
    to_bytes(
        &columns_of::<SeriesRow>(),
        runs.into_iter().flat_map(|r| {
            r.series
                .cells()
                .map(move |(minute, region, cell)| SeriesRow {
                    layout: r.summary.layout,
                    minute,
                    region: &r.summary.region_ids[region],
                    requests: cell.requests,
                    failed: cell.failed,
                    p99_ms: cell.latency.quantile_ms(0.99),
                    instances: r.series.instances(minute, region),
                })
        }),
    )
}

/// One row of `regions.csv`.
#[derive(Default, Serialize)]
struct RegionRow<'a> {
    #[serde(serialize_with = "layout_name")]
    layout: LayoutKind,
    region: &'a str,
    #[serde(serialize_with = "fixed3")]
    servers: f64,
    #[serde(serialize_with = "fixed6")]
    utilisation: f64,
    #[serde(serialize_with = "fixed6")]
    mean_in_system: f64,
    #[serde(serialize_with = "fixed6")]
    mean_queue_len: f64,
    #[serde(serialize_with = "fixed3")]
    mean_wait_ms: f64,
    #[serde(serialize_with = "fixed6")]
    p_wait: f64,
    arrivals: u64,
    #[serde(serialize_with = "fixed3")]
    throughput_rps: f64,
    rejected: u64,
}

/// `regions.csv` bytes: one row per layout and region, each region's station over the
/// measured window (time-weighted; see `docs/csv.md`).
pub fn regions_csv<'a>(runs: impl IntoIterator<Item = RunFiles<'a>>) -> io::Result<Vec<u8>> {
    to_bytes(
        &columns_of::<RegionRow>(),
        runs.into_iter().flat_map(|r| {
            r.stations
                .iter()
                .zip(&r.summary.region_ids)
                .map(move |(s, id)| RegionRow {
                    layout: r.summary.layout,
                    region: id,
                    servers: s.mean_servers,
                    utilisation: s.utilisation,
                    mean_in_system: s.mean_in_system,
                    mean_queue_len: s.mean_queue_len,
                    mean_wait_ms: s.mean_wait_s * 1e3,
                    p_wait: s.p_wait,
                    arrivals: s.arrivals,
                    throughput_rps: s.throughput,
                    rejected: s.rejected,
                })
        }),
    )
}

/// One row of `incidents.csv`.
#[derive(Default, Serialize)]
struct IncidentRow<'a> {
    #[serde(serialize_with = "layout_name")]
    layout: LayoutKind,
    seed: u64,
    incident: usize,
    region: &'a str,
    #[serde(serialize_with = "fixed3")]
    start_s: f64,
    affected_areas: usize,
    #[serde(serialize_with = "fixed3")]
    rto_s: f64,
    lost_writes: u64,
}

/// `incidents.csv` bytes: one row per layout and region outage, in order of start.
pub fn incidents_csv<'a>(runs: impl IntoIterator<Item = RunFiles<'a>>) -> io::Result<Vec<u8>> {
    to_bytes(
        &columns_of::<IncidentRow>(),
        runs.into_iter().flat_map(|r| {
            r.incidents
                .iter()
                .enumerate()
                .map(move |(i, inc)| IncidentRow {
                    layout: r.summary.layout,
                    seed: r.summary.seed,
                    incident: i,
                    region: &r.summary.region_ids[inc.region],
                    start_s: inc.start.as_secs_f64(),
                    affected_areas: inc.affected_areas,
                    rto_s: inc.rto.as_secs_f64(),
                    lost_writes: inc.lost_writes,
                })
        }),
    )
}

/// `timing.csv` bytes: wall time per run (not deterministic).
pub fn timing_csv<'a>(runs: impl IntoIterator<Item = &'a RunSummary>) -> io::Result<Vec<u8>> {
    to_bytes(
        &columns_of::<TimingRow>(),
        runs.into_iter().map(|r| TimingRow {
            layout: r.layout,
            seed: r.seed,
            events: r.events,
            wall_s: r.wall_s,
            events_per_s: r.events as f64 / r.wall_s.max(1e-9),
        }),
    )
}

/// Writes `runs.csv`, `areas.csv`, `regions.csv`, `timeseries.csv`, `incidents.csv` and
/// `timing.csv` into `dir`, each atomically. Returns the paths written.
pub fn write_all(dir: &Path, runs: &[RunFiles<'_>]) -> io::Result<Vec<std::path::PathBuf>> {
    let summaries = || runs.iter().map(|r| r.summary);
    let files = [
        ("runs.csv", runs_csv(summaries())?),
        ("areas.csv", areas_csv(summaries())?),
        ("regions.csv", regions_csv(runs.iter().copied())?),
        ("timeseries.csv", timeseries_csv(runs.iter().copied())?),
        ("incidents.csv", incidents_csv(runs.iter().copied())?),
        ("timing.csv", timing_csv(summaries())?),
    ];
    let mut written = Vec::new();
    for (name, bytes) in files {
        let p = dir.join(name);
        // The folder alone does not say which file could not be written.
        write_atomic(&p, &bytes)
            .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", p.display())))?;
        written.push(p);
    }
    Ok(written)
}
