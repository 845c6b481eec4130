//! The bound on random outages: an `mtbf` far shorter than the run would otherwise make
//! it draw outages without limit (each kept in memory for the run) — [`random_bound`];
//! the annual model bounds its years simulation with the same rates ([`outage_rates`]).

use crate::scenario::{FieldError, FieldPath, Scenario};
use crate::spec::World;
/// Most random outages (region, zone and dependency together) one run may draw: each is
/// an incident kept in memory for the run, and a run with this many is surely a typo in
/// an `mtbf` (`"1s"` for `"1h"`).
pub const MAX_RANDOM_OUTAGES: f64 = 1e6;

/// Every source of random outages with its rate (outages per second of simulated time,
/// one up-and-repair cycle lasting mtbf + mttr, the repair at least 1 s), the field that
/// sets it and what it is: regions, zones and dependencies with rates. `enabled_only`:
/// only those `[random_failures] enabled = true` turns on (the request-level runs); else
/// all of them (the annual model uses the rates whether or not runs draw outages).
pub fn outage_rates(s: &Scenario, w: &World, enabled_only: bool) -> Vec<(f64, FieldPath, String)> {
    let rf = &s.random_failures;
    let rate = |mtbf: crate::engine::SimDuration, mttr: crate::engine::SimDuration| {
        1.0 / (mtbf.as_secs_f64() + mttr.as_secs_f64().max(1.0))
    };
    let root = FieldPath::root();
    let mut parts: Vec<(f64, FieldPath, String)> = Vec::new();
    if enabled_only && !rf.enabled {
        return parts;
    }
    for r in &w.regions {
        let path = match rf.mtbf {
            Some(_) => root.key("random_failures").key("mtbf"),
            None => root.key("random_failures").key("regions"),
        };
        parts.push((rate(r.mtbf, r.mttr), path, format!("region `{}`", r.id)));
    }
    if let Some(z) = &rf.zones {
        let zones: u32 = w.regions.iter().map(|r| r.zones).sum();
        parts.push((
            f64::from(zones) * rate(z.mtbf, z.mttr),
            root.key("random_failures").key("zones").key("mtbf"),
            format!("the {zones} zones"),
        ));
    }
    for (i, d) in s.dependencies.iter().enumerate() {
        if let Some((mtbf, mttr)) = d.mtbf.zip(d.mttr) {
            parts.push((
                rate(mtbf, mttr),
                root.key("dependencies").index(i).key("mtbf"),
                format!("dependency `{}`", d.name),
            ));
        }
    }
    parts
}

/// An error if the random outages expected over the run (warm-up + duration) exceed
/// [`MAX_RANDOM_OUTAGES`], at the `mtbf` that contributes most.
pub(super) fn random_bound(s: &Scenario, w: &World) -> Option<FieldError> {
    let horizon = (s.warmup + s.duration).as_secs_f64();
    let parts = outage_rates(s, w, true);
    let total: f64 = parts.iter().map(|p| p.0 * horizon).sum();
    if total <= MAX_RANDOM_OUTAGES {
        return None;
    }
    let (rate, path, what) = parts.into_iter().max_by(|a, b| a.0.total_cmp(&b.0))?;
    Some(FieldError::new(
        path,
        format!(
            "makes {what} fail about {:.0} times over this run (warm-up + duration = {}), \
             {total:.0} random outages in all: more than the limit of {MAX_RANDOM_OUTAGES:.0}; \
             give a longer `mtbf` (e.g. \"4000h\") or a shorter run",
            rate * horizon,
            s.warmup + s.duration
        ),
    ))
}
