//! The verdict on one simulated design: the feasibility rule of [`super::verify`].

use super::spec::{Objectives, OUTAGE_MIN_SERVED};
use super::verify::{stat, Finalist, Kind, Out, OutageCheck, Stat, Verification};

pub(super) fn judge(
    base: &crate::scenario::Scenario,

    f: &Finalist,
    outs: Vec<(Kind, Result<Out, String>)>,
    obj: &Objectives,
) -> Verification {
    let mut misses = Vec::new();
    let runs = outs.len();
    let mut steady = Vec::new();
    let mut settled: Vec<(usize, Out)> = Vec::new();
    let mut rpo: Vec<f64> = Vec::new();
    let mut residency = 0;
    for (kind, o) in outs {
        match o {
            Err(e) => misses.push(format!("could not simulate: {e}")),
            Ok(o) => {
                residency += o.residency;
                match kind {
                    Kind::Steady => steady.push(o),
                    Kind::Settled(r) => settled.push((r, o)),
                    Kind::Rpo(_) => rpo.push(o.rpo_s),
                }
            }
        }
    }
    let stat = |g: &dyn Fn(&Out) -> f64| stat(steady.iter().map(g));
    let areas = obj.area_p99_ms.len();
    let p99 = stat(&|o| o.p99_ms);
    let area_p99: Vec<Stat> = (0..areas).map(|a| stat(&|o| o.area_p99_ms[a])).collect();
    let served = stat(&|o| o.served);
    let cost = stat(&|o| o.cost);
    let annual = f.annual_availability;
    let availability = annual.unwrap_or(1.0) * served.mean;
    let availability_low = annual.unwrap_or(1.0) * served.low.clamp(0.0, 1.0);
    let area_name = |a: usize| obj.area_names.get(a).cloned().unwrap_or_default();
    if let Some(b) = obj.p99_ms {
        if p99.high > b {
            misses.push(format!(
                "p99 {:.0} ms (CI high {:.0}) > {b} ms",
                p99.mean, p99.high
            ));
        }
    }
    for (a, b) in obj.area_p99_ms.iter().enumerate() {
        if let Some(b) = b {
            if area_p99[a].high > *b {
                misses.push(format!(
                    "p99 of {} {:.0} ms > {b} ms",
                    area_name(a),
                    area_p99[a].high
                ));
            }
        }
    }
    if let Some(t) = obj.availability {
        if availability_low < t {
            misses.push(format!("availability {availability_low:.5} < {t}"));
        }
    }
    if let Some(b) = obj.budget_usd {
        if cost.high > b {
            misses.push(format!("cost ${:.0} > ${b:.0}", cost.high));
        }
    }
    if obj.residency && residency > 0 {
        misses.push(format!("{residency} residency violations"));
    }
    let rpo_s = if f.lossy {
        rpo.iter().copied().reduce(f64::max)
    } else {
        Some(0.0)
    };
    if let (Some(b), Some(r)) = (obj.rpo_s, rpo_s) {
        if r > b {
            misses.push(format!("RPO {r:.2} s > {b} s"));
        }
    }
    let ids: Vec<String> = f
        .design
        .shape
        .regions
        .iter()
        .map(|&i| base.regions[i].id.clone())
        .collect();
    let mut outages: Vec<OutageCheck> = Vec::new();
    for (r, o) in settled {
        let (min_a, min_served) = o
            .area_served
            .iter()
            .copied()
            .enumerate()
            .min_by(|x, y| x.1.total_cmp(&y.1))
            .unwrap_or((0, 1.0));
        let check = OutageCheck {
            region: ids[r].clone(),
            p99_ms: o.p99_ms,
            area_p99_ms: o.area_p99_ms.clone(),
            min_served,
            min_served_area: area_name(min_a),
        };
        match outages.iter_mut().find(|c| c.region == check.region) {
            // Several replications: keep the worst of each figure.
            Some(c) => {
                c.p99_ms = c.p99_ms.max(check.p99_ms);
                for (x, y) in c.area_p99_ms.iter_mut().zip(&check.area_p99_ms) {
                    *x = x.max(*y);
                }
                if check.min_served < c.min_served {
                    c.min_served = check.min_served;
                    c.min_served_area = check.min_served_area;
                }
            }
            None => outages.push(check),
        }
    }
    for c in &outages {
        let down = &c.region;
        if c.min_served < OUTAGE_MIN_SERVED {
            misses.push(format!(
                "N+1: {down} down: {} served {:.1} %",
                c.min_served_area,
                c.min_served * 100.0
            ));
        }
        if let Some(b) = obj.p99_ms {
            if c.p99_ms > b {
                misses.push(format!("N+1: {down} down: p99 {:.0} ms > {b} ms", c.p99_ms));
            }
        }
        for (a, b) in obj.area_p99_ms.iter().enumerate() {
            if let Some(b) = b {
                if c.area_p99_ms[a] > *b {
                    misses.push(format!(
                        "N+1: {down} down: p99 of {} {:.0} ms > {b} ms",
                        area_name(a),
                        c.area_p99_ms[a]
                    ));
                }
            }
        }
    }
    Verification {
        runs,
        cost_usd: cost,
        p99_ms: p99,
        area_p99_ms: area_p99,
        served,
        annual_availability: annual,
        availability,
        availability_low,
        residency_violations: residency,
        rpo_s,
        outages,
        misses,
    }
}
