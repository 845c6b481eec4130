//! Warnings about zones and autoscaling — input that is legal but surely not meant, where
//! the run would otherwise give an answer that silently ignores part of the file — and
//! the bound on random outages, which would otherwise fill memory without limit when an
//! `mtbf` is far shorter than the run ([`random_bound`]).
//!
//! The zone and autoscaling hints are warnings, not errors, because whether they bite depends on the layout: a
//! region's `instances` is what active-active and sharded run, while active-passive runs
//! `active_passive.instances` in the primary, so a zone empty in one layout is not in
//! another; and a policy that cannot act within a short run may be meant for a longer
//! one in a sweep.

use crate::catalog::Catalog;
use crate::scenario::{FailureSpec, FieldError, FieldPath, Scenario};
use crate::spec::World;

/// The warnings of `s` (deployed as `w`) about zones and autoscaling.
pub(super) fn realism(s: &Scenario, w: &World, catalog: &Catalog) -> Vec<FieldError> {
    let mut out = Vec::new();
    let mut warn = |p: FieldPath, m: String| out.push(FieldError::new(p, m));
    let end = s.warmup + s.duration;
    let rp = FieldPath::root().key("regions");
    for (i, (r, rt)) in s.regions.iter().zip(&w.regions).enumerate() {
        let p = rp.index(i);
        match &r.autoscaling {
            Some(a) => {
                let ap = p.key("autoscaling");
                if a.min <= a.max && !(a.min..=a.max).contains(&r.instances) {
                    warn(
                        p.key("instances"),
                        format!(
                            "{} instances at time zero lie outside the policy's [min, max] = \
                             [{}, {}]: it starts there and only moves into the range at its \
                             evaluations; set `instances` within them",
                            r.instances, a.min, a.max
                        ),
                    );
                }
                if a.evaluation >= end {
                    warn(
                        ap.key("evaluation"),
                        format!(
                            "is {}, but the run ends at {end} ({} warm-up + {} measured): the \
                             policy never evaluates; give a shorter `evaluation` or make \
                             `duration` longer",
                            a.evaluation, s.warmup, s.duration
                        ),
                    );
                } else if a.evaluation + a.boot >= end {
                    warn(
                        ap.key("boot"),
                        format!(
                            "is {}: an instance launched at the first evaluation ({}) would \
                             serve only after the run ends at {end}, so no scale-out takes \
                             effect; give a shorter `boot` or make `duration` longer",
                            a.boot, a.evaluation
                        ),
                    );
                }
            }
            None if rt.zones > r.instances && r.zones.is_some() => warn(
                p.key("zones"),
                format!(
                    "{} zones for {} instances leave zones {}..={} without an instance (in \
                     active-active and sharded), so their outages change nothing; give at \
                     most {} zones or more `instances`",
                    rt.zones,
                    r.instances,
                    r.instances + 1,
                    rt.zones,
                    r.instances
                ),
            ),
            None => {}
        }
    }
    let fp = FieldPath::root().key("failures");
    for (i, f) in s.failures.iter().enumerate() {
        let FailureSpec::ZoneOutage { region, zone, .. } = f else {
            continue;
        };
        let Ok(idx) = catalog.region(region) else {
            continue;
        };
        let Some(k) = w.regions.iter().position(|x| x.catalog == idx) else {
            continue;
        };
        let (spec, rt) = (&s.regions[k], &w.regions[k]);
        if spec.autoscaling.is_none() && *zone > rt.instances && *zone <= rt.zones {
            warn(
                fp.index(i).key("zone"),
                format!(
                    "zone {zone} of `{}` holds none of its {} instances (they spread over zones \
                     1..={}) in active-active and sharded, so this outage changes nothing \
                     there; name a zone from 1 to {} or raise the region's `instances`",
                    rt.id, rt.instances, rt.instances, rt.instances
                ),
            );
        }
    }
    out
}

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
