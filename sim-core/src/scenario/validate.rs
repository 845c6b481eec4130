//! Semantic checks of a scenario: every problem, each with its field path.
//!
//! Deserialisation already guarantees types and known field names; these checks cover
//! values (ranges, positivity) and references (regions that must exist in the catalog
//! and in the deployment, areas that must exist). They never stop at the first problem.
//!
//! Region ids compare by the catalog's rule (case-insensitive, trimmed): `AWS:US-EAST-1`
//! and `aws:us-east-1` are one region, listed twice if both are deployed. Jurisdictions
//! compare upper-cased. [`check`] is the raw half of validation; the resolved spec comes
//! from [`crate::spec::validate`], which runs it first.

use super::error::{no_such_area, FieldError, FieldPath};
use super::types::*;
use super::Dist;
use crate::catalog::prices::MAX_PRICE_USD;
use crate::spec::{MAX_AREAS, MAX_REGIONS};
use std::collections::{BTreeMap, BTreeSet};

/// Largest `workload.peak_rps`: the simulation clock counts nanoseconds, so arrival gaps
/// (mean 1 / rate) must stay far above 1 ns; at higher rates they round to zero and time
/// stops advancing.
pub const MAX_PEAK_RPS: f64 = 1e8;

/// Shortest mean time to repair of random region outages: each repair is drawn with a
/// floor of 1 s, which lengthens a mean of 10 s by 0.5 % and a shorter one more.
pub const MIN_MTTR: crate::engine::SimDuration = crate::engine::SimDuration::from_secs(10);

/// The most retries a client may make of one request (`client.retries`), as the GUI's
/// field offers: real clients make a handful (AWS SDKs 2–3).
pub const MAX_RETRIES: u32 = 20;

/// What validation needs to know about the world outside the scenario (the catalog).
pub trait Lookup {
    /// The canonical id of the catalog region `id` names (any case), else a message (with
    /// a suggestion if any).
    fn canonical_region(&self, id: &str) -> Result<String, String>;
    /// `Ok` if `id` names a catalog region, else a message (with a suggestion if any).
    fn check_region(&self, id: &str) -> Result<(), String> {
        self.canonical_region(id).map(|_| ())
    }
    /// Names of the areas used when the scenario lists none.
    fn default_area_names(&self) -> Vec<String>;
}

/// `v` as a message shows it: 1e300 in full is 301 digits on one line of an error.
pub fn shown(v: f64) -> String {
    if v.is_finite() && v.abs() >= 1e15 {
        format!("{v:e}")
    } else {
        v.to_string()
    }
}

struct Checker {
    errors: Vec<FieldError>,
}

impl Checker {
    fn err(&mut self, path: FieldPath, msg: impl Into<String>) {
        self.errors.push(FieldError::new(path, msg));
    }
    fn positive(&mut self, path: FieldPath, v: f64) {
        if !(v.is_finite() && v > 0.0) {
            self.err(
                path,
                format!("must be a number greater than 0, got {}", shown(v)),
            );
        }
    }
    fn non_negative(&mut self, path: FieldPath, v: f64) {
        if !(v.is_finite() && v >= 0.0) {
            self.err(path, format!("must be a number ≥ 0, got {}", shown(v)));
        }
    }
    /// A price in USD: at most [`MAX_PRICE_USD`], past which a month's bill overflows.
    fn price(&mut self, path: FieldPath, v: f64) {
        if v.is_finite() && v > MAX_PRICE_USD {
            self.err(
                path,
                format!("must be a price of at most {MAX_PRICE_USD} USD, got {v:e} (is the unit right?)"),
            );
        } else {
            self.non_negative(path, v);
        }
    }
    fn range(&mut self, path: FieldPath, v: f64, lo: f64, hi: f64, what: &str) {
        if !(v.is_finite() && v >= lo && v <= hi) {
            self.err(
                path,
                format!("must be {what} in [{lo}, {hi}], got {}", shown(v)),
            );
        }
    }
    fn probability(&mut self, path: FieldPath, v: f64) {
        self.range(path, v, 0.0, 1.0, "a probability");
    }
    fn dist(&mut self, path: FieldPath, d: &Dist, must_be_positive: bool) {
        for (field, msg) in d.problems() {
            self.err(path.key(field), msg);
        }
        if must_be_positive && d.mean().is_zero() {
            self.err(path, "must have a mean greater than zero");
        }
    }
}

/// Checks `s` against itself and the catalog; empty means valid. Use
/// [`crate::spec::validate`] to also get the resolved spec.
/// Region-keyed entries whose keys are two spellings of one region (ids ignore case):
/// the later one would silently replace the earlier, so it is an error at the later one.
fn same_region_twice<'a>(
    c: &mut Checker,
    world: &dyn Lookup,
    path: &FieldPath,
    ids: impl Iterator<Item = &'a String>,
) {
    let mut seen: std::collections::BTreeMap<String, &str> = std::collections::BTreeMap::new();
    for id in ids {
        let Ok(canonical) = world.canonical_region(id) else {
            continue; // an unknown id is reported where it is checked
        };
        match seen.get(canonical.as_str()) {
            Some(first) => c.err(
                path.key(id),
                format!(
                    "names the same region as `{first}` (region ids ignore case): keep one of the two entries"
                ),
            ),
            None => {
                seen.insert(canonical, id);
            }
        }
    }
}

/// The sum of relative weights (shares, routing weights) must be a finite number, or
/// normalising them gives zeros and NaNs.
fn finite_sum(c: &mut Checker, path: FieldPath, what: &str, values: impl Iterator<Item = f64>) {
    let total: f64 = values.filter(|v| v.is_finite()).sum();
    if total.is_infinite() {
        c.err(
            path,
            format!(
                "the {what} add up to more than a number can hold: they are relative, so scale them down (e.g. 1 and 3, or percentages)"
            ),
        );
    }
}

pub fn check(s: &Scenario, world: &dyn Lookup) -> Vec<FieldError> {
    let mut c = Checker { errors: Vec::new() };
    let root = FieldPath::root();

    if s.duration.is_zero() {
        c.err(root.key("duration"), "must be longer than 0s, e.g. \"30m\"");
    }
    let h = s.start_utc_hour;
    if !(h.is_finite() && (0.0..24.0).contains(&h)) {
        c.err(
            root.key("start_utc_hour"),
            format!("must be an hour in [0, 24), got {}", shown(h)),
        );
    }

    let w = &s.workload;
    let wp = root.key("workload");
    c.positive(wp.key("peak_rps"), w.peak_rps);
    if w.peak_rps > MAX_PEAK_RPS {
        c.err(
            wp.key("peak_rps"),
            format!(
                "must be at most {MAX_PEAK_RPS:e} requests/s (arrival gaps would round to 0 ns), got {}",
                w.peak_rps
            ),
        );
    }
    if !(w.trough_fraction.is_finite() && w.trough_fraction > 0.0 && w.trough_fraction <= 1.0) {
        c.err(
            wp.key("trough_fraction"),
            format!("must be in (0, 1], got {}", shown(w.trough_fraction)),
        );
    }
    if !(w.peak_local_hour.is_finite() && (0.0..24.0).contains(&w.peak_local_hour)) {
        c.err(
            wp.key("peak_local_hour"),
            format!(
                "must be an hour in [0, 24), got {}",
                shown(w.peak_local_hour)
            ),
        );
    }
    c.probability(wp.key("read_fraction"), w.read_fraction);
    if w.keys == 0 {
        c.err(wp.key("keys"), "must be at least 1");
    }
    c.non_negative(wp.key("zipf_exponent"), w.zipf_exponent);

    // Areas.
    let mut area_names = BTreeSet::new();
    for (i, a) in s.areas.iter().enumerate() {
        let p = root.key("areas").index(i);
        if a.name.trim().is_empty() {
            c.err(p.key("name"), "must not be empty");
        } else if !area_names.insert(a.name.clone()) {
            c.err(
                p.key("name"),
                format!("`{}` is listed twice; area names must be unique", a.name),
            );
        }
        c.range(p.key("lat_deg"), a.lat_deg, -90.0, 90.0, "a latitude");
        c.range(p.key("lon_deg"), a.lon_deg, -180.0, 180.0, "a longitude");
        c.positive(p.key("share"), a.share);
        c.range(
            p.key("utc_offset_hours"),
            a.utc_offset_hours,
            -12.0,
            14.0,
            "an offset in hours",
        );
        for id in a.rtt_overrides.keys() {
            if let Err(m) = world.check_region(id) {
                c.err(p.key("rtt_overrides").key(id), m);
            }
        }
        same_region_twice(
            &mut c,
            world,
            &p.key("rtt_overrides"),
            a.rtt_overrides.keys(),
        );
        if a.jurisdiction.trim().is_empty() {
            c.err(
                p.key("jurisdiction"),
                "must not be empty (e.g. \"EU\", \"US\")",
            );
        }
    }
    finite_sum(
        &mut c,
        root.key("areas"),
        "areas' shares",
        s.areas.iter().map(|a| a.share),
    );
    if s.areas.is_empty() {
        area_names.extend(world.default_area_names());
    }
    if s.areas.len() > MAX_AREAS {
        c.err(
            root.key("areas"),
            format!(
                "{} areas is more than the limit of {MAX_AREAS}: merge nearby areas",
                s.areas.len()
            ),
        );
    }

    // Regions.
    let rp = root.key("regions");
    if s.regions.is_empty() {
        c.err(rp.clone(), "the deployment has no regions: add at least one [[regions]] with an id such as \"aws:us-east-1\"");
    }
    if s.regions.len() > MAX_REGIONS {
        c.err(
            rp.clone(),
            format!(
                "{} regions is more than the limit of {MAX_REGIONS}",
                s.regions.len()
            ),
        );
    }
    // Canonical ids of the deployed regions.
    let mut deployed = BTreeSet::new();
    for (i, r) in s.regions.iter().enumerate() {
        let p = rp.index(i);
        match world.canonical_region(&r.id) {
            Err(m) => c.err(p.key("id"), m),
            Ok(id) if !deployed.insert(id.clone()) => c.err(
                p.key("id"),
                format!(
                    "`{}` is listed twice (as `{id}`); each region appears once",
                    r.id
                ),
            ),
            Ok(_) => {}
        }
        if r.instances == 0 {
            c.err(p.key("instances"), "must be at least 1");
        } else if r.instances > super::MAX_INSTANCES {
            c.err(
                p.key("instances"),
                format!(
                    "must be at most {} per region, got {}: split the fleet over more regions",
                    super::MAX_INSTANCES,
                    r.instances
                ),
            );
        }
        c.dist(p.key("service_time"), &r.service_time, true);
    }
    // Active-passive consolidates the fleet in the primary unless told otherwise: the sum
    // is one region's count, so it keeps to a region's limit (a wrapped or huge sum would
    // run a primary no region could, without a word).
    let max = super::MAX_INSTANCES;
    match s.active_passive.instances {
        // (A region over the limit already has its own error.)
        None if s.regions.iter().all(|r| r.instances <= max) => {
            let mut sum: u64 = 0;
            for (i, r) in s.regions.iter().enumerate() {
                sum += u64::from(r.instances);
                if sum > u64::from(max) {
                    c.err(
                        rp.index(i).key("instances"),
                        format!(
                            "the regions' instances add up to more than one region may run \
                             ({max}), and active-passive runs their sum in its primary unless \
                             `active_passive.instances` is set: set it, or lower the counts"
                        ),
                    );
                    break;
                }
            }
        }
        Some(n) if n > max => c.err(
            root.key("active_passive").key("instances"),
            format!("must be at most {max} (one region's limit), got {n}"),
        ),
        _ => {}
    }
    let in_deployment = |c: &mut Checker, path: FieldPath, id: &str| {
        let canonical = world
            .canonical_region(id)
            .unwrap_or_else(|_| id.to_string());
        if !deployed.contains(&canonical) {
            let listed: Vec<&str> = deployed.iter().map(String::as_str).collect();
            let hint = super::error::did_you_mean(id, listed.iter().copied())
                .map(|s| format!("did you mean `{s}`? "))
                .unwrap_or_default();
            c.err(
                path,
                format!(
                    "`{id}` is not one of the deployment's regions: {hint}(regions: {})",
                    listed.join(", ")
                ),
            );
        }
    };

    // Network.
    let np = root.key("network");
    if let Some(j) = &s.network.jitter {
        c.dist(np.key("jitter"), j, false);
    }
    for (i, o) in s.network.rtt_overrides.iter().enumerate() {
        let p = np.key("rtt_overrides").index(i);
        for (f, id) in [("a", &o.a), ("b", &o.b)] {
            if let Err(m) = world.check_region(id) {
                c.err(p.key(f), m);
            }
        }
        if o.a == o.b {
            c.err(
                p.key("b"),
                "must differ from `a` (an override is between two regions)",
            );
        }
    }
    // One override per pair: it applies in both directions, so a second one for the
    // same pair (in either order, any case) would silently replace the first.
    let mut pairs: std::collections::BTreeMap<(String, String), usize> =
        std::collections::BTreeMap::new();
    for (i, o) in s.network.rtt_overrides.iter().enumerate() {
        let (Ok(a), Ok(b)) = (world.canonical_region(&o.a), world.canonical_region(&o.b)) else {
            continue;
        };
        let pair = if a <= b { (a, b) } else { (b, a) };
        match pairs.get(&pair) {
            Some(&first) => c.err(
                np.key("rtt_overrides").index(i),
                format!(
                    "overrides the same pair as rtt_overrides[{first}] ({} ↔ {}; an override applies in both directions): keep one of the two",
                    pair.0, pair.1
                ),
            ),
            None => {
                pairs.insert(pair, i);
            }
        }
    }

    // Routing.
    let ro = root.key("routing");
    for (id, wgt) in &s.routing.weights {
        in_deployment(&mut c, ro.key("weights").key(id), id);
        c.non_negative(ro.key("weights").key(id), *wgt);
    }
    same_region_twice(&mut c, world, &ro.key("weights"), s.routing.weights.keys());
    finite_sum(
        &mut c,
        ro.key("weights"),
        "weights",
        s.routing.weights.values().copied(),
    );
    if s.routing.policy == RoutingPolicy::Weighted && !s.routing.weights.values().any(|w| *w > 0.0)
    {
        c.err(ro.key("weights"), "the weighted policy needs a positive weight for at least one region, e.g. weights = { \"aws:us-east-1\" = 1.0 }");
    }
    // A region listed twice has two places in the order: which one was meant?
    let mut first_place: BTreeMap<String, usize> = BTreeMap::new();
    for (i, id) in s.routing.priority.iter().enumerate() {
        let path = ro.key("priority").index(i);
        in_deployment(&mut c, path.clone(), id);
        let Ok(canonical) = world.canonical_region(id) else {
            continue;
        };
        match first_place.get(&canonical) {
            Some(first) => c.err(
                path,
                format!(
                    "`{id}` is listed twice (as priority[{first}] too): give each region one place in the order"
                ),
            ),
            None => {
                first_place.insert(canonical, i);
            }
        }
    }
    if s.routing.policy == RoutingPolicy::Priority && s.routing.priority.is_empty() {
        c.err(
            ro.key("priority"),
            "the priority policy needs the regions in order of preference",
        );
    }

    let rf = root.key("random_failures");
    let zero = |c: &mut Checker, path: FieldPath, d: Option<crate::engine::SimDuration>| {
        if d.is_some_and(|d| d.is_zero()) {
            c.err(path, "must be longer than 0s, e.g. \"8000h\"");
        }
    };
    // A repair lasts at least a second in the model (an outage needs a length): a mean
    // this short would be raised without a word, so it is refused.
    let short_repair = |c: &mut Checker, path: FieldPath, d: Option<crate::engine::SimDuration>| {
        if d.is_some_and(|d| !d.is_zero() && d < MIN_MTTR) {
            c.err(
                path,
                format!(
                    "must be at least {MIN_MTTR}: each repair lasts at least 1s in the model, \
                     which would lengthen a mean this short; region repairs take minutes or \
                     more, e.g. \"3h\""
                ),
            );
        }
    };
    zero(&mut c, rf.key("mtbf"), s.random_failures.mtbf);
    zero(&mut c, rf.key("mttr"), s.random_failures.mttr);
    short_repair(&mut c, rf.key("mttr"), s.random_failures.mttr);
    for (id, r) in &s.random_failures.regions {
        zero(&mut c, rf.key("regions").key(id).key("mtbf"), r.mtbf);
        zero(&mut c, rf.key("regions").key(id).key("mttr"), r.mttr);
        short_repair(&mut c, rf.key("regions").key(id).key("mttr"), r.mttr);
    }
    same_region_twice(
        &mut c,
        world,
        &rf.key("regions"),
        s.random_failures.regions.keys(),
    );

    if s.client.timeout.is_zero() {
        c.err(
            root.key("client").key("timeout"),
            "must be longer than 0s, e.g. \"2s\"",
        );
    }

    // Layouts.
    let ap = root.key("active_passive");
    let canonical = |id: &str| {
        world
            .canonical_region(id)
            .unwrap_or_else(|_| id.to_string())
    };
    if let Some(id) = s.active_passive.primary.as_deref() {
        in_deployment(&mut c, ap.key("primary"), id);
    }
    // The primary in effect: the one named, else the first region.
    let effective_primary = match s.active_passive.primary.as_deref() {
        Some(id) => Some((canonical(id), false)),
        None => s.regions.first().map(|r| (canonical(&r.id), true)),
    };
    if let Some(id) = s.active_passive.standby.as_deref() {
        in_deployment(&mut c, ap.key("standby"), id);
        match &effective_primary {
            Some((p, false)) if *p == canonical(id) => {
                c.err(ap.key("standby"), format!("`{id}` is also the primary: the standby must be another region"))
            }
            Some((p, true)) if *p == canonical(id) => c.err(
                ap.key("standby"),
                format!("`{id}` is the primary in effect (`primary` is not set, so the first region is the primary): \
                 name another region as standby, or set `primary`"),
            ),
            _ => {}
        }
    }
    if s.active_passive.instances == Some(0) {
        c.err(
            ap.key("instances"),
            "must be at least 1 (the primary serves every request); omit it to use the whole fleet",
        );
    }
    c.dist(
        ap.key("replication_lag"),
        &s.active_passive.replication_lag,
        false,
    );
    c.probability(ap.key("warm_fraction"), s.active_passive.warm_fraction);

    let aa = root.key("active_active");
    if let Some(q) = s.active_active.quorum {
        let n = s.regions.len() as u32;
        if q == 0 || q > n.max(1) {
            c.err(
                aa.key("quorum"),
                format!("must be between 1 and the number of regions ({n}), got {q}"),
            );
        }
    }
    c.dist(
        aa.key("replication_lag"),
        &s.active_active.replication_lag,
        false,
    );

    let sh = root.key("sharded");
    for (area, id) in &s.sharded.homes {
        if !area_names.contains(area) {
            c.err(sh.key("homes").key(area), no_such_area(area, &area_names));
        }
        in_deployment(&mut c, sh.key("homes").key(area), id);
    }
    c.dist(sh.key("replication_lag"), &s.sharded.replication_lag, false);

    // Failures and reactions.
    let hc = &s.routing.health_check;
    if hc.interval.is_zero() {
        c.err(
            ro.key("health_check").key("interval"),
            "must be longer than 0s, e.g. \"10s\"",
        );
    }
    if hc.failure_threshold == 0 {
        c.err(
            ro.key("health_check").key("failure_threshold"),
            "must be at least 1",
        );
    }
    let probe = crate::model::reactions::PROBE_ROUND_TRIP;
    if hc.timeout <= probe {
        c.err(
            ro.key("health_check").key("timeout"),
            format!(
                "must be longer than a probe's round trip ({probe}), or every probe fails; e.g. \"2s\""
            ),
        );
    }
    let cl = root.key("client");
    if s.client.retries > MAX_RETRIES {
        c.err(
            cl.key("retries"),
            format!(
                "must be at most {MAX_RETRIES}, got {}: a request that cannot succeed waits a timeout per attempt, so without a retry budget a region outage makes a run that never ends; give a few retries and bound them with `retry_budget`",
                s.client.retries
            ),
        );
    }
    if !(s.client.retry_budget.is_finite() && s.client.retry_budget >= 0.0) {
        c.err(
            cl.key("retry_budget"),
            format!(
                "must be a fraction ≥ 0 (0 = no budget), got {}",
                s.client.retry_budget
            ),
        );
    }
    if s.client.backoff_max < s.client.backoff_base {
        c.err(
            cl.key("backoff_max"),
            format!("must be at least backoff_base ({})", s.client.backoff_base),
        );
    }
    for (i, f) in s.failures.iter().enumerate() {
        let p = root.key("failures").index(i);
        if f.duration().is_zero() {
            c.err(p.key("duration"), "must be longer than 0s");
        }
        let two_regions = |c: &mut Checker, regions: &[String]| {
            if regions.len() != 2 {
                c.err(
                    p.key("regions"),
                    format!("must name exactly two regions, got {}", regions.len()),
                );
            }
            for (j, id) in regions.iter().enumerate() {
                in_deployment(c, p.key("regions").index(j), id);
            }
            if let [a, b] = regions {
                let canonical = |id: &str| {
                    world
                        .canonical_region(id)
                        .unwrap_or_else(|_| id.to_string())
                };
                if canonical(a) == canonical(b) {
                    c.err(
                        p.key("regions").index(1),
                        format!("names `{a}` again: a link joins two different regions"),
                    );
                }
            }
        };
        match f {
            FailureSpec::RegionOutage { region, .. } => in_deployment(&mut c, p.key("region"), region),
            FailureSpec::CapacityLoss { region, fraction, .. } => {
                in_deployment(&mut c, p.key("region"), region);
                c.probability(p.key("fraction"), *fraction);
            }
            FailureSpec::Degradation { region, regions, factor, .. } => {
                if !(factor.is_finite() && *factor >= 1.0) {
                    c.err(p.key("factor"), format!("must be a slowdown ≥ 1 (e.g. 10 for ten times slower), got {factor}"));
                }
                match (region, regions.is_empty()) {
                    (Some(r), true) => in_deployment(&mut c, p.key("region"), r),
                    (None, false) => two_regions(&mut c, regions),
                    _ => c.err(p.clone(), "give either `region` (a slow region) or `regions = [a, b]` (a slow link)"),
                }
            }
            FailureSpec::Partition { regions, area, region, .. } => match (area, region, regions.is_empty()) {
                (None, None, false) => two_regions(&mut c, regions),
                (Some(a), Some(r), true) => {
                    in_deployment(&mut c, p.key("region"), r);
                    if !area_names.contains(a) {
                        c.err(p.key("area"), no_such_area(a, &area_names));
                    }
                }
                _ => c.err(p.clone(), "give either `regions = [a, b]` (two regions cut apart) or `area` and `region` (users cut off from a region)"),
            },
            // Checked with the zones and dependencies they name (`realism.rs`).
            FailureSpec::ZoneOutage { .. } | FailureSpec::DependencyOutage { .. } => {}
        }
    }
    c.errors
        .extend(super::realism::problems(s, &deployed, world));

    let pr = root.key("prices");
    for (id, v) in &s.prices.instance_usd_per_hour {
        if let Err(m) = world.check_region(id) {
            c.err(pr.key("instance_usd_per_hour").key(id), m);
        }
        c.price(pr.key("instance_usd_per_hour").key(id), *v);
    }
    same_region_twice(
        &mut c,
        world,
        &pr.key("instance_usd_per_hour"),
        s.prices.instance_usd_per_hour.keys(),
    );
    if let Some(v) = s.prices.transfer_usd_per_gb {
        c.price(pr.key("transfer_usd_per_gb"), v);
    }
    if let Some(v) = s.prices.egress_usd_per_gb {
        c.price(pr.key("egress_usd_per_gb"), v);
    }
    c.errors.extend(super::slo::problems(&s.slo, &area_names));
    c.errors
}

impl Lookup for crate::catalog::Catalog {
    fn canonical_region(&self, id: &str) -> Result<String, String> {
        self.region(id)
            .map(|i| self.regions()[i].id.clone())
            .map_err(|e| e.to_string())
    }
    fn default_area_names(&self) -> Vec<String> {
        self.default_areas()
            .iter()
            .map(|a| a.name.clone())
            .collect()
    }
}
