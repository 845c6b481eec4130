//! Why no design is feasible: per objective, the closest any design came.
//!
//! Each design's `reason` names what it misses, but when every design misses, a user needs
//! the other view: for each objective, the best figure over all designs (simulated where
//! there is a simulation, else predicted) and whether that still misses. A p99 bound below
//! the network delay alone is named as such: no capacity reaches it, so "over capacity" or
//! a long list of slow designs would point the wrong way.

use super::{DesignRow, PlanReport, Status};

/// One line per objective: `p99 ≤ 50 ms: …`. Objectives that some design meets on its own
/// say so (the designs then miss a combination).
pub fn closest(r: &PlanReport) -> Vec<String> {
    let o = &r.objectives;
    let ds = &r.designs;
    let mut out = Vec::new();
    let name = |d: &DesignRow| {
        format!(
            "{} {} ×{}",
            d.layout,
            d.regions.replace(';', ","),
            d.instances.replace(';', ",")
        )
    };
    let simulated = |d: &DesignRow| {
        if d.verification.is_some() {
            "simulated"
        } else {
            "predicted"
        }
    };
    // The design minimising `f` (finite values only).
    let best_by = |f: &dyn Fn(&DesignRow) -> Option<f64>, lowest: bool| {
        ds.iter()
            .filter_map(|d| f(d).filter(|x| x.is_finite()).map(|x| (x, d)))
            .min_by(|a, b| {
                if lowest {
                    a.0.total_cmp(&b.0)
                } else {
                    b.0.total_cmp(&a.0)
                }
            })
    };
    if let Some(b) = o.p99_ms {
        let floor = best_by(&|d| Some(d.analytic.network_p99_ms), true);
        let best = best_by(
            &|d| {
                Some(
                    d.verification
                        .as_ref()
                        .map_or(d.analytic.p99_ms, |v| v.p99_ms.high),
                )
            },
            true,
        );
        out.push(match (floor, best) {
            (Some((f, d)), _) if f > b => format!(
                "p99 ≤ {b} ms: below the network round trip: the network delay alone has a p99 of {f:.0} ms in the best design ({}); no capacity reaches it: raise the bound or add regions nearer the users",
                name(d)
            ),
            (_, Some((p, d))) if p > b => format!(
                "p99 ≤ {b} ms: missed; closest {p:.0} ms ({}, {})",
                name(d),
                simulated(d)
            ),
            (_, Some(_)) => format!("p99 ≤ {b} ms: met by some designs"),
            (_, None) => format!("p99 ≤ {b} ms: missed by every design (every region overloaded)"),
        });
    }
    for (a, b) in o.area_p99_ms.iter().enumerate() {
        let Some(b) = *b else { continue };
        let area = o.area_names.get(a).map_or("?", String::as_str);
        let best = best_by(
            &|d| {
                d.verification
                    .as_ref()
                    .and_then(|v| v.area_p99_ms.get(a))
                    .map(|s| s.high)
            },
            true,
        );
        out.push(match best {
            Some((p, d)) if p > b => format!(
                "p99 of {area} ≤ {b} ms: missed; closest {p:.0} ms ({}, simulated)",
                name(d)
            ),
            Some(_) => format!("p99 of {area} ≤ {b} ms: met by some designs"),
            None => format!("p99 of {area} ≤ {b} ms: no design got as far as a simulation (see the `pruned:` reasons in designs.csv)"),
        });
    }
    if let Some(t) = o.availability {
        let best = best_by(
            &|d| {
                d.verification
                    .as_ref()
                    .map(|v| v.availability_low)
                    .or(d.analytic.annual_availability)
            },
            false,
        );
        let t = super::spec::target_percent(t);
        out.push(match best {
            Some((x, d)) if x < o.availability.unwrap_or(1.0) => format!(
                "availability ≥ {t}: missed; closest {} ({}, {})",
                super::spec::found_percent(x),
                name(d),
                simulated(d)
            ),
            Some(_) => format!("availability ≥ {t}: met by some designs"),
            None => format!("availability ≥ {t}: could not be computed for any design"),
        });
    }
    if let Some(b) = o.budget_usd {
        let best = best_by(
            &|d| {
                Some(
                    d.verification
                        .as_ref()
                        .map_or(d.analytic.cost_usd, |v| v.cost_usd.high),
                )
            },
            true,
        );
        out.push(match best {
            Some((c, d)) if c > b => format!(
                "budget ≤ ${b:.0}/month: missed; cheapest ${c:.0} ({}, {})",
                name(d),
                simulated(d)
            ),
            _ => format!("budget ≤ ${b:.0}/month: met by some designs"),
        });
    }
    if let Some(b) = o.rpo_s {
        let best = best_by(&|d| d.verification.as_ref().and_then(|v| v.rpo_s), true);
        out.push(match best {
            Some((x, d)) if x > b => format!(
                "RPO ≤ {b} s: missed; closest {x:.2} s ({}, simulated)",
                name(d)
            ),
            Some(_) => format!("RPO ≤ {b} s: met by some designs"),
            None => format!("RPO ≤ {b} s: no design got as far as a simulation (see the `pruned:` reasons in designs.csv)"),
        });
    }
    let count = |word: &str| {
        ds.iter()
            .filter(|d| d.status != Status::Feasible && d.reason.contains(word))
            .count()
    };
    if o.residency {
        out.push(format!(
            "residency: {} of {} designs break it",
            count("residency"),
            ds.len()
        ));
    }
    if o.n_plus_one {
        out.push(format!(
            "N+1: {} of {} designs fail with one region down",
            count(" down"),
            ds.len()
        ));
    }
    out
}
