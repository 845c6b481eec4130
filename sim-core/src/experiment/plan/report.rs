//! Rows of the plan's answer: status and reason per design, `designs.csv` and
//! `pareto.csv` (columns in `docs/planner.md`).

use super::candidates::Design;
use super::pareto::Point;
use super::prune::Analytic;
use super::spec::Objectives;
use super::verify::Verification;
use super::{DesignRow, PlanReport, Status};
use crate::scenario::Scenario;

/// Assembles one row, with the reason text.
pub fn row(
    base: &Scenario,
    design: Design,
    analytic: Analytic,
    v: Option<Verification>,
    obj: &Objectives,
) -> DesignRow {
    let (status, reason) = match (&analytic.verdict, &v) {
        (_, Some(v)) if v.feasible() => (Status::Feasible, meets(v, obj)),
        (_, Some(v)) => (
            Status::Infeasible,
            format!("misses: {}", v.misses.join("; ")),
        ),
        (Err(why), None) => (Status::Pruned, format!("pruned: {why}")),
        (Ok(()), None) => (
            Status::NotVerified,
            "analytically feasible; not simulated (enough cheaper finalists)".into(),
        ),
    };
    DesignRow {
        layout: design.layout_text(base),
        regions: design.regions_text(base),
        instances: design.instances_text(),
        design,
        analytic,
        verification: v,
        status,
        reason,
    }
}

/// The figures that meet each objective, e.g. `p99 182 ms ≤ 250; availability 99.962 % ≥ 99.9 %`.
fn meets(v: &Verification, obj: &Objectives) -> String {
    let mut parts = Vec::new();
    if let Some(b) = obj.p99_ms {
        parts.push(format!("p99 {:.0} ms ≤ {b}", v.p99_ms.high));
    }
    for (a, b) in obj.area_p99_ms.iter().enumerate() {
        if let Some(b) = b {
            let name = obj.area_names.get(a).map_or("?", String::as_str);
            parts.push(format!(
                "p99 of {name} {:.0} ms ≤ {b}",
                v.area_p99_ms[a].high
            ));
        }
    }
    if let Some(t) = obj.availability {
        parts.push(format!(
            "availability {} ≥ {}",
            super::spec::found_percent(v.availability_low),
            super::spec::target_percent(t)
        ));
    }
    if let (Some(b), Some(r)) = (obj.rpo_s, v.rpo_s) {
        parts.push(format!("RPO {r:.2} s ≤ {b}"));
    }
    if obj.residency {
        parts.push("no residency violation".into());
    }
    if let Some(b) = obj.budget_usd {
        let (c, b) = super::spec::usd_pair(v.cost_usd.high, b);
        parts.push(format!("cost {c} ≤ {b}"));
    }
    if obj.n_plus_one {
        let worst = v.outages.iter().map(|o| o.p99_ms).fold(0.0, f64::max);
        parts.push(format!("N+1: worst p99 {worst:.0} ms with one region down"));
    }
    if parts.is_empty() {
        "meets: no objective set".into()
    } else {
        format!("meets: {}", parts.join("; "))
    }
}

/// The Pareto objectives of a simulated design.
pub fn point(d: &DesignRow) -> Point {
    match &d.verification {
        Some(v) => Point {
            cost: v.cost_usd.mean,
            p99_ms: v.p99_ms.mean,
            availability: v.availability,
        },
        None => Point {
            cost: d.analytic.cost_usd,
            p99_ms: d.analytic.p99_ms,
            availability: f64::NAN,
        },
    }
}

fn opt(x: Option<f64>, decimals: usize) -> String {
    x.filter(|v| v.is_finite())
        .map_or(String::new(), |v| format!("{v:.decimals$}"))
}

/// `designs.csv` bytes: every design, ranked.
pub fn designs_csv(r: &PlanReport) -> std::io::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "rank",
        "status",
        "layout",
        "regions",
        "instances",
        "cost_usd_month",
        "cost_ci95_high",
        "p99_ms",
        "p99_ci95_high",
        "served_fraction",
        "served_ci95_low",
        "annual_availability",
        "availability",
        "availability_ci95_low",
        "rpo_s",
        "residency_violations",
        "n1_worst_p99_ms",
        "n1_min_served",
        "est_cost_usd_month",
        "predicted_p99_ms",
        "predicted_n1_p99_ms",
        "utilisation",
        "runs",
        "pareto",
        "reason",
    ])
    .map_err(std::io::Error::other)?;
    for (i, d) in r.designs.iter().enumerate() {
        let v = d.verification.as_ref();
        let a = &d.analytic;
        let n1 = v.filter(|v| !v.outages.is_empty());
        let rec = [
            (i + 1).to_string(),
            d.status.name().to_string(),
            d.layout.clone(),
            d.regions.clone(),
            d.instances.clone(),
            opt(v.map(|v| v.cost_usd.mean), 2),
            opt(v.map(|v| v.cost_usd.high), 2),
            opt(v.map(|v| v.p99_ms.mean), 2),
            opt(v.map(|v| v.p99_ms.high), 2),
            opt(v.map(|v| v.served.mean), 6),
            opt(v.map(|v| v.served.low), 6),
            opt(v.and_then(|v| v.annual_availability), 7),
            opt(v.map(|v| v.availability), 7),
            opt(v.map(|v| v.availability_low), 7),
            opt(v.and_then(|v| v.rpo_s), 3),
            v.map_or(String::new(), |v| v.residency_violations.to_string()),
            opt(
                n1.map(|v| v.outages.iter().map(|o| o.p99_ms).fold(0.0, f64::max)),
                2,
            ),
            opt(
                n1.map(|v| v.outages.iter().map(|o| o.min_served).fold(1.0, f64::min)),
                6,
            ),
            format!("{:.2}", a.cost_usd),
            opt(Some(a.p99_ms), 2),
            opt(a.outage_p99_ms, 2),
            format!("{:.3}", a.utilisation),
            v.map_or(0, |v| v.runs).to_string(),
            r.pareto.contains(&i).to_string(),
            d.reason.clone(),
        ];
        w.write_record(&rec).map_err(std::io::Error::other)?;
    }
    w.into_inner()
        .map_err(|e| std::io::Error::other(e.to_string()))
}

/// `pareto.csv` bytes: the front of the feasible designs, by cost.
pub fn pareto_csv(r: &PlanReport) -> std::io::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "rank",
        "layout",
        "regions",
        "instances",
        "cost_usd_month",
        "p99_ms",
        "availability",
    ])
    .map_err(std::io::Error::other)?;
    for &i in &r.pareto {
        let d = &r.designs[i];
        let p = point(d);
        w.write_record([
            (i + 1).to_string(),
            d.layout.clone(),
            d.regions.clone(),
            d.instances.clone(),
            format!("{:.2}", p.cost),
            format!("{:.2}", p.p99_ms),
            format!("{:.7}", p.availability),
        ])
        .map_err(std::io::Error::other)?;
    }
    w.into_inner()
        .map_err(|e| std::io::Error::other(e.to_string()))
}
