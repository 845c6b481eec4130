//! From a checked [`Scenario`] to a [`Resolved`]: every name to an id, once.

use super::failures::{DependencySpec, Effect, Incident};
use super::ids::{AreaId, RegionId};
use super::world::{canonical_jurisdiction, World};
use super::*;
use crate::engine::{SimDuration, SimTime};
use crate::scenario::{FailureSpec, FieldPath, HomeRule};

pub(crate) mod hints;
mod sun;

/// Resolves a scenario that passed [`scenario::validate::check`]. A name that still does
/// not resolve (which `check` should have caught) is an error at its field, never a
/// fallback to some other region.
pub(super) fn resolve(s: &Scenario, catalog: &Catalog) -> Result<Resolved, Vec<FieldError>> {
    let world = World::build(s, catalog)?;
    let mut r = Resolver {
        scenario: s,
        world: &world,
        catalog,
        errors: Vec::new(),
    };
    let root = FieldPath::root();

    let dependencies: Vec<DependencySpec> = s
        .dependencies
        .iter()
        .enumerate()
        .map(|(i, d)| r.dependency(root.key("dependencies").index(i), d))
        .collect();
    // By name (the first of a name: a second is an error of the scenario's checks).
    let mut by_name = std::collections::BTreeMap::new();
    for d in &dependencies {
        by_name.entry(d.name.as_str()).or_insert(d);
    }
    let failures = s
        .failures
        .iter()
        .enumerate()
        .flat_map(|(i, f)| r.failure(root.key("failures").index(i), f, &by_name))
        .collect();

    let rp = root.key("routing");
    let priority = s
        .routing
        .priority
        .iter()
        .enumerate()
        .filter_map(|(i, id)| r.region(rp.key("priority").index(i), id))
        .collect();
    let mut weights = vec![0.0; world.n_regions()];
    for (id, &w) in &s.routing.weights {
        if let Some(reg) = r.region(rp.key("weights").key(id), id) {
            weights[reg.index()] = w;
        }
    }

    let ap = &s.active_passive;
    let app = root.key("active_passive");
    let primary = match &ap.primary {
        Some(id) => r.region(app.key("primary"), id),
        None => Some(RegionId::new(0)),
    };
    let standby = match &ap.standby {
        Some(id) => r.region(app.key("standby"), id),
        None => primary.and_then(|p| world.region_ids().find(|&x| x != p)),
    };
    if let (Some(p), Some(sb)) = (primary, standby) {
        if p == sb {
            r.errors.push(FieldError::new(
                app.key("standby"),
                "is the primary: the standby must be another region",
            ));
        }
    }
    let follow_the_sun = match (&ap.follow_the_sun, primary, standby) {
        (Some(f), Some(p), Some(sb)) => {
            let entries: Vec<_> = f.schedule.iter().enumerate().collect();
            let fp = app.key("follow_the_sun");
            Some(sun::schedule(
                &mut r,
                &fp,
                f,
                &entries,
                &world,
                (p, sb),
                &|_| true,
            ))
        }
        _ => None,
    };
    let fleet = ap
        .instances
        .unwrap_or_else(|| world.regions.iter().map(|x| x.instances).sum());

    let n = world.n_regions();
    let quorum = s
        .active_active
        .quorum
        .map_or(n / 2 + 1, |q| q as usize)
        .clamp(1, n.max(1));

    let sp = root.key("sharded");
    let homes = world
        .area_ids()
        .map(|a| {
            let name = &world.areas[a.index()].name;
            match s.sharded.homes.get(name) {
                Some(id) => r
                    .region(sp.key("homes").key(name), id)
                    .unwrap_or_else(|| RegionId::new(0)),
                None => home_by_rule(&world, s.sharded.home, a),
            }
        })
        .collect();

    let homes: Vec<RegionId> = homes;
    let shard_sun = sun::sharded(&mut r, s, &world, &homes);
    let mut warnings = warnings(s);
    warnings.extend(load_warnings(s, &world));
    warnings.extend(hints::realism(s, &world, catalog));
    // A price for a region the deployment does not use bills nothing: surely a typo or a
    // region removed since.
    for id in s.prices.instance_usd_per_hour.keys() {
        let canonical = catalog.region(id).map(|i| catalog.regions()[i].id.clone());
        if canonical.is_ok_and(|c| !world.regions.iter().any(|r| r.id == c)) {
            warnings.push(FieldError::new(
                root.key("prices").key("instance_usd_per_hour").key(id),
                format!(
                    "`{id}` is not deployed: its price has no effect; deploy it or remove the price"
                ),
            ));
        }
    }
    r.errors.extend(hints::random_bound(s, &world));
    residency(s, &world, &mut r.errors, &mut warnings);
    if !r.errors.is_empty() {
        return Err(r.errors);
    }
    Ok(Resolved {
        scenario: canonical(s, &world, catalog),
        failures,
        dependencies,
        routing: RoutingSpec { priority, weights },
        active_passive: ActivePassiveSpec {
            primary: primary.unwrap_or(RegionId::new(0)),
            standby,
            instances: fleet,
        },
        follow_the_sun,
        active_active: ActiveActiveSpec { quorum },
        sharded: ShardedSpec {
            follow_the_sun: shard_sun,
            homes,
        },
        warnings,
        world,
    })
}

/// The home of area `a` by `rule`: the lowest-RTT region (in the area's jurisdiction, for
/// `jurisdiction`, when it has one there). Ties go to the region listed first.
fn home_by_rule(w: &World, rule: HomeRule, a: AreaId) -> RegionId {
    let jur = &w.areas[a.index()].jurisdiction;
    let nearest = |allowed: &dyn Fn(RegionId) -> bool| {
        w.region_ids()
            .filter(|&r| allowed(r))
            .min_by_key(|&r| (w.user_rtt(a.index(), r.index()), r))
    };
    let anywhere = || nearest(&|_| true).unwrap_or(RegionId::new(0));
    match rule {
        HomeRule::Proximity => anywhere(),
        HomeRule::Jurisdiction => {
            nearest(&|r| w.regions[r.index()].jurisdiction == *jur).unwrap_or_else(anywhere)
        }
    }
}

struct Resolver<'a> {
    scenario: &'a Scenario,
    world: &'a World,
    catalog: &'a Catalog,
    errors: Vec<FieldError>,
}

impl Resolver<'_> {
    /// The deployed region `id` names (any spelling the catalog accepts), or an error at `path`.
    fn region(&mut self, path: FieldPath, id: &str) -> Option<RegionId> {
        let found = self
            .catalog
            .region(id)
            .ok()
            .and_then(|idx| self.world.deployed(idx));
        if found.is_none() {
            self.errors.push(FieldError::new(
                path,
                format!("`{id}` is not one of the deployment's regions"),
            ));
        }
        found
    }

    fn area(&mut self, path: FieldPath, name: &str) -> Option<AreaId> {
        let found = self
            .world
            .area_ids()
            .find(|&a| self.world.areas[a.index()].name == name);
        if found.is_none() {
            self.errors
                .push(FieldError::new(path, format!("no area is named `{name}`")));
        }
        found
    }

    fn pair(&mut self, path: FieldPath, ids: &[String]) -> Option<(RegionId, RegionId)> {
        match ids {
            [a, b] => {
                let a = self.region(path.index(0), a);
                let b = self.region(path.index(1), b);
                Some((a?, b?))
            }
            _ => {
                self.errors.push(FieldError::new(
                    path,
                    format!("must name exactly two regions, got {}", ids.len()),
                ));
                None
            }
        }
    }

    /// A `[[dependencies]]` entry with its regions resolved (listed, or every deployed
    /// region of its provider).
    fn dependency(&mut self, p: FieldPath, d: &crate::scenario::Dependency) -> DependencySpec {
        let mut regions: Vec<RegionId> = match &d.provider {
            Some(prov) => self
                .world
                .region_ids()
                .filter(|&r| {
                    let c = &self.catalog.regions()[self.world.regions[r.index()].catalog];
                    c.provider.eq_ignore_ascii_case(prov.trim())
                })
                .collect(),
            None => d
                .regions
                .iter()
                .enumerate()
                .filter_map(|(j, id)| self.region(p.key("regions").index(j), id))
                .collect(),
        };
        regions.sort();
        regions.dedup();
        if regions.is_empty() {
            self.errors.push(FieldError::new(
                p,
                "depends on no deployed region: list `regions` or name a deployed provider",
            ));
        }
        DependencySpec {
            name: d.name.clone(),
            regions,
            affects: d.affects,
            rates: d.mtbf.zip(d.mttr),
        }
    }

    /// The incidents of failure `f`: one, or one per dependent region of a dependency.
    fn failure(
        &mut self,
        p: FieldPath,
        f: &FailureSpec,
        deps: &std::collections::BTreeMap<&str, &DependencySpec>,
    ) -> Vec<Incident> {
        let start = SimTime::ZERO + f.start();
        let end = start + f.duration();
        let effect = match f {
            FailureSpec::ZoneOutage { region, zone, .. } => {
                let Some(region) = self.region(p.key("region"), region) else {
                    return Vec::new();
                };
                let zones = self.world.regions[region.index()].zones;
                if *zone == 0 || *zone > zones {
                    self.errors.push(FieldError::new(
                        p.key("zone"),
                        format!("the region has {zones} zones: give a zone from 1 to {zones}"),
                    ));
                    return Vec::new();
                }
                Effect::ZoneOutage {
                    region,
                    zone: (*zone - 1) as u16,
                }
            }
            FailureSpec::DependencyOutage { dependency, .. } => {
                return match deps.get(dependency.as_str()) {
                    Some(d) => d.incidents(start, end, false),
                    None => {
                        self.errors.push(FieldError::new(
                            p.key("dependency"),
                            format!("no [[dependencies]] entry is named `{dependency}`"),
                        ));
                        Vec::new()
                    }
                };
            }
            other => match self.plain_effect(p, other) {
                Some(e) => e,
                None => return Vec::new(),
            },
        };
        vec![Incident {
            effect,
            start,
            end,
            random: false,
        }]
    }

    fn plain_effect(&mut self, p: FieldPath, f: &FailureSpec) -> Option<Effect> {
        let effect = match f {
            FailureSpec::RegionOutage { region, .. } => Effect::Outage {
                region: self.region(p.key("region"), region)?,
            },
            FailureSpec::CapacityLoss {
                region, fraction, ..
            } => Effect::CapacityLoss {
                region: self.region(p.key("region"), region)?,
                fraction: *fraction,
            },
            FailureSpec::Degradation {
                region: Some(region),
                factor,
                ..
            } => Effect::Slow {
                region: self.region(p.key("region"), region)?,
                factor: *factor,
            },
            FailureSpec::Degradation {
                regions, factor, ..
            } => {
                let (a, b) = self.pair(p.key("regions"), regions)?;
                Effect::LinkSlow {
                    a,
                    b,
                    factor: *factor,
                }
            }
            FailureSpec::Partition {
                area: Some(area),
                region: Some(region),
                ..
            } => {
                let area = self.area(p.key("area"), area);
                let region = self.region(p.key("region"), region);
                Effect::UserBlocked {
                    area: area?,
                    region: region?,
                }
            }
            FailureSpec::Partition { regions, .. } => {
                let (a, b) = self.pair(p.key("regions"), regions)?;
                Effect::LinkBlocked { a, b }
            }
            FailureSpec::ZoneOutage { .. } | FailureSpec::DependencyOutage { .. } => return None,
        };
        Some(effect)
    }
}

/// A `[residency]` jurisdiction that no area and no deployed region has protects no one.
/// Close to one in use (`"EUR"` for `"EU"`), it is surely a typo: an error. Otherwise it
/// is a warning, unless it is the default list (`["EU"]`), which a scenario without EU
/// users leaves as it is.
fn residency(
    s: &Scenario,
    w: &World,
    errors: &mut Vec<FieldError>,
    warnings: &mut Vec<FieldError>,
) {
    let known: std::collections::BTreeSet<&str> = w
        .areas
        .iter()
        .map(|a| a.jurisdiction.as_str())
        .chain(w.regions.iter().map(|r| r.jurisdiction.as_str()))
        .collect();
    let listed: Vec<&str> = known.iter().copied().collect();
    let is_default = s.residency.jurisdictions == vec!["EU".to_string()];
    for (i, j) in s.residency.jurisdictions.iter().enumerate() {
        let path = FieldPath::root()
            .key("residency")
            .key("jurisdictions")
            .index(i);
        let canon = canonical_jurisdiction(j);
        if known.contains(canon.as_str()) {
            continue;
        }
        let what = format!(
            "no user area and no deployed region is in jurisdiction `{j}`, so this rule protects no one"
        );
        match crate::scenario::error::did_you_mean(&canon, listed.iter().copied()) {
            Some(m) => errors.push(FieldError::new(
                path,
                format!(
                    "{what}: did you mean `{m}`? (in use: {})",
                    listed.join(", ")
                ),
            )),
            None if !is_default => warnings.push(FieldError::new(
                path,
                format!("{what} (in use: {})", listed.join(", ")),
            )),
            None => {}
        }
    }
}

/// Legal input that surely is not what the user meant.
fn warnings(s: &Scenario) -> Vec<FieldError> {
    let mut out = Vec::new();
    let end = s.warmup + s.duration;
    // Each warning is placed in the file (a lookup per field): past this many failures with
    // one, the rest are counted in a last warning instead.
    const MAX_FAILURE_WARNINGS: usize = 20;
    let mut unplaced = 0usize;
    for (i, f) in s.failures.iter().enumerate() {
        let off = f.start() >= end || f.start() + f.duration() <= s.warmup;
        if off && out.len() == MAX_FAILURE_WARNINGS {
            unplaced += 1;
            continue;
        }
        if f.start() >= end {
            out.push(FieldError::new(
                FieldPath::root().key("failures").index(i).key("start"),
                format!(
                    "starts at {}, after the run ends ({} warm-up + {} measured = {end}): it has no effect; \
                     start it earlier or make `duration` longer",
                    f.start(),
                    s.warmup,
                    s.duration
                ),
            ));
        } else if f.start() + f.duration() <= s.warmup {
            out.push(FieldError::new(
                FieldPath::root().key("failures").index(i).key("start"),
                format!(
                    "ends at {}, before the measured window starts (warm-up {}): the outage itself \
                     is not measured, only what it leaves behind (a failover); start it at or \
                     after {} or shorten `warmup`",
                    f.start() + f.duration(),
                    s.warmup,
                    s.warmup
                ),
            ));
        }
    }
    if unplaced > 0 {
        out.push(FieldError::new(
            FieldPath::root().key("failures"),
            format!(
                "{unplaced} more failures lie outside the measured window ({} to {end}): \
                 they are not measured; move them into it",
                s.warmup
            ),
        ));
    }
    // A window too short to hold a request: every figure would be empty (availability
    // 100 % of nothing).
    let expected = s.workload.peak_rps * s.duration.as_secs_f64();
    if s.workload.peak_rps > 0.0 && expected < 1.0 {
        out.push(FieldError::new(
            FieldPath::root().key("duration"),
            format!(
                "{} at {} requests/s at the peak holds fewer than one request ({expected:.2e}): \
                 the results would be empty; make `duration` longer",
                s.duration, s.workload.peak_rps
            ),
        ));
    }
    out
}

/// Legal loads no run can serve: more requests than every instance together serves, or
/// users whose round trip alone outlasts the client's timeout. Each is certain, not a
/// guess: the load is the day's busiest moment of the areas' curves together (areas in
/// other time zones peak at other hours), and the round trip the area's fastest to any
/// region.
fn load_warnings(s: &Scenario, world: &World) -> Vec<FieldError> {
    let mut out = Vec::new();
    // With a diurnal curve areas in other time zones peak at other hours: the busiest
    // moment is the day's maximum of their sum (every 5 minutes; the model's own curve).
    let total: f64 = world.areas.iter().map(|a| a.share).sum::<f64>().max(1e-300);
    let curves: Vec<(f64, crate::model::workload::Diurnal)> = world
        .areas
        .iter()
        .map(|a| {
            let d = crate::model::workload::Diurnal::new(
                &s.workload,
                s.start_utc_hour,
                a.utc_offset_hours,
            );
            (a.share / total, d)
        })
        .collect();
    let busiest = (0..288u64)
        .map(|k| {
            let at = SimTime::ZERO + SimDuration::from_secs(k * 300);
            curves.iter().map(|(w, d)| w * d.factor(at)).sum::<f64>()
        })
        .fold(0.0, f64::max)
        * s.workload.peak_rps;
    let capacity: f64 = world
        .regions
        .iter()
        .map(|r| {
            let n = r.most_instances();
            let mean = r.service.mean().as_secs_f64();
            if mean > 0.0 {
                f64::from(n) / mean
            } else {
                f64::INFINITY
            }
        })
        .sum();
    if busiest > capacity && capacity.is_finite() {
        let most: u64 = world
            .regions
            .iter()
            .map(|r| u64::from(r.most_instances()))
            .sum();
        out.push(FieldError::new(
            FieldPath::root().key("workload").key("peak_rps"),
            format!(
                "at the day's busiest hour {busiest:.0} requests/s arrive, more than all \
                 {most} instances can serve ({capacity:.0} requests/s at their mean service \
                 times): every layout is overloaded then, its queues grow until requests time \
                 out; add `instances` or lower `peak_rps`"
            ),
        ));
    }
    // An area whose fastest round trip (its last mile included) already reaches the
    // client timeout: every one of its requests times out. Areas on the network's last
    // mile are named in one warning, areas with their own each in theirs.
    let mut via_network = Vec::new();
    for (a, area) in world.areas.iter().enumerate() {
        let Some(rtt) = (0..world.n_regions()).map(|r| world.user_rtt(a, r)).min() else {
            continue;
        };
        if rtt < s.client.timeout {
            continue;
        }
        if s.areas.get(a).and_then(|x| x.access_latency).is_some() {
            out.push(FieldError::new(
                FieldPath::root()
                    .key("areas")
                    .index(a)
                    .key("access_latency"),
                format!(
                    "`{}` is {rtt} from its nearest region (last mile included), not less \
                     than the client timeout ({}): all its requests time out; shorten it or \
                     raise `client.timeout`",
                    area.name, s.client.timeout
                ),
            ));
        } else {
            via_network.push(area.name.as_str());
        }
    }
    if !via_network.is_empty() {
        let named = match via_network.len() {
            n if n > 3 => format!("{} and {} more", via_network[..3].join(", "), n - 3),
            _ => via_network.join(", "),
        };
        out.push(FieldError::new(
            FieldPath::root().key("network").key("access_latency"),
            format!(
                "with this last mile the users of {named} are no nearer than the client \
                 timeout ({}) to any region: all their requests time out; shorten it or raise \
                 `client.timeout`",
                s.client.timeout
            ),
        ));
    }
    out
}

/// `s` with every region id in the catalog's spelling and every jurisdiction in one case,
/// so that whatever still reads the scenario sees one name per thing.
fn canonical(s: &Scenario, world: &World, catalog: &Catalog) -> Scenario {
    let id = |x: &str| -> String {
        catalog
            .region(x)
            .map(|i| catalog.regions()[i].id.clone())
            .unwrap_or_else(|_| x.to_string())
    };
    let mut c = s.clone();
    for (r, rt) in c.regions.iter_mut().zip(&world.regions) {
        r.id = rt.id.clone();
    }
    for a in &mut c.areas {
        a.jurisdiction = canonical_jurisdiction(&a.jurisdiction);
        a.rtt_overrides = a.rtt_overrides.iter().map(|(k, v)| (id(k), *v)).collect();
    }
    for o in &mut c.network.rtt_overrides {
        o.a = id(&o.a);
        o.b = id(&o.b);
    }
    c.routing.weights = c.routing.weights.iter().map(|(k, v)| (id(k), *v)).collect();
    c.routing.priority = c.routing.priority.iter().map(|k| id(k)).collect();
    c.residency.jurisdictions = c
        .residency
        .jurisdictions
        .iter()
        .map(|j| canonical_jurisdiction(j))
        .collect();
    let ap = &mut c.active_passive;
    ap.primary = ap.primary.as_deref().map(id);
    ap.standby = ap.standby.as_deref().map(id);
    c.sharded.homes = c
        .sharded
        .homes
        .iter()
        .map(|(k, v)| (k.clone(), id(v)))
        .collect();
    c.prices.instance_usd_per_hour = c
        .prices
        .instance_usd_per_hour
        .iter()
        .map(|(k, v)| (id(k), *v))
        .collect();
    for d in &mut c.dependencies {
        d.regions = d.regions.iter().map(|r| id(r)).collect();
    }
    for f in &mut c.failures {
        match f {
            FailureSpec::RegionOutage { region, .. }
            | FailureSpec::CapacityLoss { region, .. }
            | FailureSpec::ZoneOutage { region, .. } => *region = id(region),
            FailureSpec::DependencyOutage { .. } => {}
            FailureSpec::Partition {
                regions, region, ..
            }
            | FailureSpec::Degradation {
                regions, region, ..
            } => {
                regions.iter_mut().for_each(|r| *r = id(r));
                if let Some(r) = region {
                    *r = id(r);
                }
            }
        }
    }
    c
}
