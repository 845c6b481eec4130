//! Terminal tables of run results.

use sim_core::experiment::RunResult;
use sim_core::metrics::RunSummary;
use sim_core::scenario::Scenario;
use std::fmt::Write;

/// The main comparison table: one column per layout, one row per metric.
pub fn summary(s: &Scenario, results: &[RunResult]) -> String {
    let runs: Vec<&RunSummary> = results.iter().map(|r| &r.summary).collect();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "scenario `{}`: {} regions, peak {:.0} req/s, {} simulated after {} warm-up, seed {}\n",
        s.name,
        s.regions.len(),
        s.workload.peak_rps,
        s.duration,
        s.warmup,
        runs.first().map_or(s.seed, |r| r.seed)
    );
    type Row = (&'static str, fn(&RunSummary) -> String);
    let rows: &[Row] = &[
        ("requests", |r| r.requests.to_string()),
        ("availability", |r| {
            format!(
                "{}%",
                sim_core::report::rows::percent(100.0 * r.availability, 4)
            )
        }),
        ("failed", |r| r.failed.to_string()),
        ("downtime", |r| format!("{:.0} s", r.downtime_s)),
        ("observed RTO", |r| match r.outages {
            0 => "none".to_string(),
            _ => format!("{:.0} s", r.rto_s),
        }),
        ("lost writes", |r| r.lost_writes.to_string()),
        ("observed RPO", |r| format!("{:.2} s", r.rpo_s)),
        ("failovers", |r| r.failovers.to_string()),
        ("retries", |r| r.retries.to_string()),
        ("p50 latency", |r| ms(r.served, r.p50_ms)),
        ("p99 latency", |r| ms(r.served, r.p99_ms)),
        ("p99.9 latency", |r| ms(r.served, r.p999_ms)),
        ("read p99", |r| ms(r.served_reads, r.read_p99_ms)),
        ("write p99", |r| ms(r.served_writes, r.write_p99_ms)),
        ("stale reads", |r| {
            format!("{:.3}%", 100.0 * r.stale_read_fraction)
        }),
        ("write conflicts", |r| r.conflicts.to_string()),
        ("residency violations", |r| {
            r.residency_violations.to_string()
        }),
        ("compute $/month", |r| format!("{:.0}", r.compute_usd_month)),
        ("transfer $/month", |r| {
            format!("{:.0}", r.transfer_usd_month)
        }),
        ("egress $/month", |r| format!("{:.0}", r.egress_usd_month)),
        ("total $/month", |r| format!("{:.0}", r.cost_usd_month)),
        ("events simulated", |r| r.events.to_string()),
        ("wall time", |r| format!("{:.2} s", r.wall_s)),
    ];
    let _ = write!(out, "{:<22}", "");
    for r in &runs {
        let _ = write!(out, "{:>18}", r.layout.to_string());
    }
    out.push('\n');
    for (name, f) in rows {
        let _ = write!(out, "{name:<22}");
        for r in &runs {
            let _ = write!(out, "{:>18}", f(r));
        }
        out.push('\n');
    }
    for r in &runs {
        if !r.unpriced.is_empty() {
            let _ = writeln!(
                out,
                "note: {} has no price for {}; counted as $0",
                r.layout,
                r.unpriced.join(", ")
            );
        }
    }
    out
}

/// A percentile in ms, or "none" when it is over no served requests.
fn ms(samples: u64, x: f64) -> String {
    if samples == 0 {
        "none".to_string()
    } else {
        format!("{x:.1} ms")
    }
}

/// p99 per user area and layout.
pub fn areas(results: &[RunResult]) -> String {
    let mut out = String::from("\np99 latency by user area (ms)\n");
    let Some(first) = results.first() else {
        return out;
    };
    let _ = write!(out, "{:<22}", "area");
    for r in results {
        let _ = write!(out, "{:>18}", r.layout().to_string());
    }
    out.push('\n');
    for (i, a) in first.summary.areas.iter().enumerate() {
        let _ = write!(out, "{:<22}", a.area);
        for r in results {
            let a = &r.summary.areas[i];
            let p99 = if a.served == 0 {
                "none".to_string()
            } else {
                format!("{:.1}", a.p99_ms)
            };
            let _ = write!(out, "{p99:>18}");
        }
        out.push('\n');
    }
    out
}

/// Analytic and simulated availability side by side.
pub fn availability(rows: &[sim_core::experiment::availability::AvailabilityRow]) -> String {
    let mut out = String::new();
    if let Some(r) = rows.first() {
        let _ = writeln!(
            out,
            "regions fail every {:.0} h on average and take {:.1} h to repair; {} simulated years per layout\n",
            r.params.mtbf_h,
            r.params.mttr_h,
            r.simulated.replications as u64 * r.simulated.years_per_replication as u64
        );
    }
    let _ = writeln!(
        out,
        "{:<16}{:>8}{:>16}{:>14}  {:<30}{:>12}{:>16}",
        "layout",
        "regions",
        "availability",
        "downtime/yr",
        "simulated downtime/yr [95% CI]",
        "p99 year",
        "lost writes/yr"
    );
    for r in rows {
        let d = &r.simulated.downtime_min_per_year;
        let _ = writeln!(
            out,
            "{:<16}{:>8}{:>15.6}%{:>10.1} min  {:<30}{:>8.1} min{:>16.0}",
            r.layout.to_string(),
            r.params.regions,
            100.0 * r.analytic.availability,
            r.analytic.downtime_min_per_year,
            format!("{:.1} [{:.1}, {:.1}] min", d.mean, d.ci95_low, d.ci95_high),
            d.p99,
            r.analytic.lost_writes_per_year,
        );
    }
    out
}
