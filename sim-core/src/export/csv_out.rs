//! The CSV files a run writes. Column names are stable; `docs/csv.md` gives the unit and
//! meaning of each. Numbers are printed with fixed precision so that the same scenario and
//! seed give byte-identical files. Wall time is not deterministic, so it goes to
//! `timing.csv`, never into `runs.csv`.

use super::atomic::write_atomic;
use crate::experiment::RunResult;
use std::io;
use std::path::Path;

/// Columns of `runs.csv`, in order.
pub const RUN_COLUMNS: &[&str] = &[
    "layout",
    "seed",
    "requests",
    "served",
    "failed",
    "in_flight",
    "p50_ms",
    "p95_ms",
    "p99_ms",
    "p999_ms",
    "mean_ms",
    "read_p50_ms",
    "read_p99_ms",
    "write_p50_ms",
    "write_p99_ms",
    "availability",
    "downtime_s",
    "rto_s",
    "lost_writes",
    "rpo_s",
    "stale_read_fraction",
    "conflicts",
    "residency_violations",
    "cost_usd_month",
    "compute_usd_month",
    "transfer_usd_month",
    "egress_usd_month",
    "timeouts",
    "rejected",
    "unavailable",
    "retries",
    "failovers",
    "outages",
    "events",
];

fn ms(x: f64) -> String {
    format!("{x:.3}")
}

/// The values of one `runs.csv` row, matching [`RUN_COLUMNS`].
pub fn run_row(r: &RunResult) -> Vec<String> {
    let rec = &r.rec;
    let stale = if rec.reads == 0 {
        0.0
    } else {
        rec.stale_reads as f64 / rec.reads as f64
    };
    vec![
        r.layout.to_string(),
        r.seed.to_string(),
        rec.requests.to_string(),
        rec.served.to_string(),
        rec.failed.to_string(),
        rec.in_flight().to_string(),
        ms(rec.all.quantile_ms(0.50)),
        ms(rec.all.quantile_ms(0.95)),
        ms(rec.all.quantile_ms(0.99)),
        ms(rec.all.quantile_ms(0.999)),
        ms(rec.all.mean_ms()),
        ms(rec.read_latency.quantile_ms(0.50)),
        ms(rec.read_latency.quantile_ms(0.99)),
        ms(rec.write_latency.quantile_ms(0.50)),
        ms(rec.write_latency.quantile_ms(0.99)),
        format!("{:.6}", rec.availability()),
        format!("{:.3}", r.downtime.as_secs_f64()),
        format!("{:.3}", r.rto.as_secs_f64()),
        r.writes.lost_writes.to_string(),
        format!("{:.3}", r.writes.rpo.as_secs_f64()),
        format!("{stale:.6}"),
        r.writes.conflicts.to_string(),
        rec.residency_violations.to_string(),
        format!("{:.2}", r.cost.total()),
        format!("{:.2}", r.cost.compute),
        format!("{:.2}", r.cost.transfer),
        format!("{:.2}", r.cost.egress),
        rec.timeouts.to_string(),
        rec.rejected.to_string(),
        rec.unavailable.to_string(),
        rec.retries.to_string(),
        r.writes.failovers.to_string(),
        r.outages.to_string(),
        r.events.to_string(),
    ]
}

fn to_bytes(header: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> io::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header).map_err(io::Error::other)?;
    for row in rows {
        w.write_record(&row).map_err(io::Error::other)?;
    }
    w.into_inner().map_err(|e| io::Error::other(e.to_string()))
}

/// `runs.csv` bytes for `results`.
pub fn runs_csv(results: &[RunResult]) -> io::Result<Vec<u8>> {
    to_bytes(RUN_COLUMNS, results.iter().map(run_row))
}

/// `areas.csv` bytes: one row per layout and area.
pub fn areas_csv(results: &[RunResult]) -> io::Result<Vec<u8>> {
    let header = [
        "layout",
        "area",
        "requests",
        "served",
        "availability",
        "p50_ms",
        "p99_ms",
        "read_p50_ms",
        "read_p99_ms",
        "write_p50_ms",
        "write_p99_ms",
        "downtime_s",
    ];
    let rows = results.iter().flat_map(|r| {
        r.rec
            .areas
            .iter()
            .zip(&r.area_names)
            .enumerate()
            .map(move |(i, (a, name))| {
                let avail = if a.requests == 0 {
                    1.0
                } else {
                    a.served as f64 / a.requests as f64
                };
                vec![
                    r.layout.to_string(),
                    name.clone(),
                    a.requests.to_string(),
                    a.served.to_string(),
                    format!("{avail:.6}"),
                    ms(a.all.quantile_ms(0.5)),
                    ms(a.all.quantile_ms(0.99)),
                    ms(a.reads.quantile_ms(0.5)),
                    ms(a.reads.quantile_ms(0.99)),
                    ms(a.writes.quantile_ms(0.5)),
                    ms(a.writes.quantile_ms(0.99)),
                    format!("{:.3}", r.rec.area_downtime(i).as_secs_f64()),
                ]
            })
    });
    to_bytes(&header, rows)
}

/// `timeseries.csv` bytes: one row per layout, time bucket and region. A bucket is named
/// by its first minute; buckets are one minute wide unless the run is long (see
/// [`Series`](crate::metrics::Series) and `docs/csv.md`).
pub fn timeseries_csv(results: &[RunResult]) -> io::Result<Vec<u8>> {
    let header = ["layout", "minute", "region", "requests", "failed", "p99_ms"];
    let rows = results.iter().flat_map(|r| {
        r.rec.series.cells().map(move |(minute, region, cell)| {
            vec![
                r.layout.to_string(),
                minute.to_string(),
                r.region_ids[region].clone(),
                cell.requests.to_string(),
                cell.failed.to_string(),
                ms(cell.latency.quantile_ms(0.99)),
            ]
        })
    });
    to_bytes(&header, rows)
}

/// `incidents.csv` bytes: one row per layout and region outage, in order of start.
pub fn incidents_csv(results: &[RunResult]) -> io::Result<Vec<u8>> {
    let header = [
        "layout",
        "seed",
        "incident",
        "region",
        "start_s",
        "affected_areas",
        "rto_s",
        "lost_writes",
    ];
    let rows = results.iter().flat_map(|r| {
        r.incidents.iter().enumerate().map(move |(i, inc)| {
            vec![
                r.layout.to_string(),
                r.seed.to_string(),
                i.to_string(),
                r.region_ids[inc.region].clone(),
                format!("{:.3}", inc.start.as_secs_f64()),
                inc.affected_areas.to_string(),
                format!("{:.3}", inc.rto.as_secs_f64()),
                inc.lost_writes.to_string(),
            ]
        })
    });
    to_bytes(&header, rows)
}

/// `timing.csv` bytes: wall time per run (not deterministic).
pub fn timing_csv(results: &[RunResult]) -> io::Result<Vec<u8>> {
    let header = ["layout", "seed", "events", "wall_s", "events_per_s"];
    let rows = results.iter().map(|r| {
        vec![
            r.layout.to_string(),
            r.seed.to_string(),
            r.events.to_string(),
            format!("{:.3}", r.wall_s),
            format!("{:.0}", r.events as f64 / r.wall_s.max(1e-9)),
        ]
    });
    to_bytes(&header, rows)
}

/// Writes `runs.csv`, `areas.csv`, `timeseries.csv`, `incidents.csv` and `timing.csv`
/// into `dir`, each atomically. Returns the paths written.
pub fn write_all(dir: &Path, results: &[RunResult]) -> io::Result<Vec<std::path::PathBuf>> {
    let files = [
        ("runs.csv", runs_csv(results)?),
        ("areas.csv", areas_csv(results)?),
        ("timeseries.csv", timeseries_csv(results)?),
        ("incidents.csv", incidents_csv(results)?),
        ("timing.csv", timing_csv(results)?),
    ];
    let mut written = Vec::new();
    for (name, bytes) in files {
        let p = dir.join(name);
        write_atomic(&p, &bytes)?;
        written.push(p);
    }
    Ok(written)
}
