//! Scenario inputs for correlated failures and elastic fleets: availability zones, shared
//! dependencies (`[[dependencies]]`) and per-region autoscaling, with their checks.
//!
//! They live apart from `types.rs` and `validate.rs` because they form one feature
//! (issue #20) whose checks need the deployment's canonical region ids: zone numbers are
//! checked against the region's own zone count, dependency names against the
//! `[[dependencies]]` list, and autoscaling bounds against each other.

use super::error::{did_you_mean, FieldError, FieldPath};
use super::types::{defaults, Scenario};
use super::validate::Lookup;
use super::FailureSpec;
use crate::engine::SimDuration;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// A service many regions rely on (a global DNS or control plane, an identity provider, a
/// whole cloud provider). Its outage hits every region that depends on it at once: a
/// common cause, which independent region failures cannot describe.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dependency {
    /// The name `dependency-outage` failures use.
    pub name: String,
    /// Regions that depend on it (catalog ids, any case).
    #[serde(default)]
    pub regions: Vec<String>,
    /// Or: every deployed region of this provider (`"aws"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    /// What its dependent regions lose while it is down.
    #[serde(default)]
    pub affects: Affects,
    /// Random outages of the dependency (with `[random_failures] enabled = true`): mean
    /// time between failures; both `mtbf` and `mttr` are needed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mtbf: Option<SimDuration>,
    /// Mean time to repair the dependency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mttr: Option<SimDuration>,
}

/// Which part of a dependent region fails with its dependency (`docs/failures.md`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Affects {
    /// Routing and DNS updates: the balancer cannot change what it says about the
    /// dependent regions (their health checks neither mark them down nor up, so no
    /// failover or reroute away from them starts); they keep serving.
    Routing,
    /// Writes: the dependent regions refuse writes (`unavailable`); reads are served.
    Writes,
    /// Everything: the dependent regions are down, exactly as in a region outage.
    #[default]
    All,
}

impl Affects {
    pub fn name(self) -> &'static str {
        match self {
            Affects::Routing => "routing",
            Affects::Writes => "writes",
            Affects::All => "all",
        }
    }
}

/// A target-tracking autoscaling policy for one region (`docs/autoscaling.md`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Autoscaling {
    /// Utilisation (busy instances ÷ running instances) the policy steers to, in (0, 1).
    #[serde(default = "target_utilisation")]
    pub target_utilisation: f64,
    /// Fewest instances.
    pub min: u32,
    /// Most instances.
    pub max: u32,
    /// The policy decides once per evaluation window on the mean utilisation over it.
    #[serde(default = "evaluation")]
    pub evaluation: SimDuration,
    /// An instance launched on scale-out serves this long after the decision (boot).
    #[serde(default = "boot")]
    pub boot: SimDuration,
    /// After any scaling action, no scale-in for this long.
    #[serde(default = "cooldown")]
    pub cooldown: SimDuration,
}

/// Follow-the-sun for active-passive: the write primary moves between the primary and the
/// standby on a daily schedule (`schedule`), or each hour to the one of the two whose
/// nearest users are most in daytime (`daytime = true`). Each move is a planned failover:
/// the old primary stops taking writes, waits `drain` for replication to catch up, then
/// the other is promoted (no write is lost when `drain` covers the replication lag).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FollowTheSun {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub schedule: Vec<Handover>,
    #[serde(default)]
    pub daytime: bool,
    /// Writes refused at the old primary before the switch; 0 = switch at once (writes
    /// not yet replicated are lost: an RPO).
    #[serde(default = "drain")]
    pub drain: SimDuration,
}

/// One entry of a follow-the-sun schedule: from `utc_hour` every day, `primary` leads.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Handover {
    pub utc_hour: f64,
    /// Sharded only: the shard, named by its home region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<String>,
    pub primary: String,
}

/// Where the active-passive database lives inside each region of the pair
/// (`[active_passive.data_zone]`): in zone `zone`, and with `replica = "other-zone"` also in
/// a synchronous replica in the next zone, which takes over after `failover` when the
/// zone holding the active copy fails. Without a replica, that zone's outage takes the
/// region's database with it: the region is down (a region outage) until the zone is back.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataZone {
    /// The zone (from 1) of each region that holds its copy of the database.
    pub zone: u32,
    #[serde(default)]
    pub replica: ZoneReplica,
    /// The in-region promotion of the replica: writes are refused for this long.
    #[serde(default = "zone_failover")]
    pub failover: SimDuration,
}

/// Whether the database has a synchronous in-region replica in another zone.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ZoneReplica {
    /// Only `zone` holds the database.
    #[default]
    None,
    /// A synchronous replica in the next zone (`zone % zones + 1`) of the same region.
    OtherZone,
}

fn zone_failover() -> SimDuration {
    SimDuration::from_secs(30)
}

fn drain() -> SimDuration {
    SimDuration::from_secs(30)
}

fn target_utilisation() -> f64 {
    0.6
}
fn evaluation() -> SimDuration {
    SimDuration::from_mins(1)
}
fn boot() -> SimDuration {
    SimDuration::from_mins(3)
}
fn cooldown() -> SimDuration {
    SimDuration::from_mins(5)
}

/// The problems of the zone, dependency and autoscaling fields of `s`; `deployed` holds
/// the canonical ids of its regions.
pub fn problems(s: &Scenario, deployed: &BTreeSet<String>, world: &dyn Lookup) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let mut err = |p: FieldPath, m: String| errors.push(FieldError::new(p, m));
    let root = FieldPath::root();
    let canonical = |id: &str| {
        world
            .canonical_region(id)
            .unwrap_or_else(|_| id.to_string())
    };
    let zones_of = |id: &str| {
        let c = canonical(id);
        s.regions
            .iter()
            .find(|r| canonical(&r.id) == c)
            .map(|r| r.zones.unwrap_or(defaults::ZONES))
    };
    let not_deployed = |id: &str| {
        let listed: Vec<&str> = deployed.iter().map(String::as_str).collect();
        let hint = did_you_mean(id, listed.iter().copied())
            .map(|s| format!("did you mean `{s}`? "))
            .unwrap_or_default();
        format!(
            "`{id}` is not one of the deployment's regions: {hint}(regions: {})",
            listed.join(", ")
        )
    };

    for (i, r) in s.regions.iter().enumerate() {
        let p = root.key("regions").index(i);
        if let Some(z) = r.zones {
            if !(1..=defaults::MAX_ZONES).contains(&z) {
                err(
                    p.key("zones"),
                    format!(
                        "must be a number of availability zones from 1 to {}, got {z}",
                        defaults::MAX_ZONES
                    ),
                );
            }
        }
        if let Some(a) = &r.autoscaling {
            let ap = p.key("autoscaling");
            let t = a.target_utilisation;
            if !(t.is_finite() && t > 0.0 && t < 1.0) {
                err(
                    ap.key("target_utilisation"),
                    format!("must be a utilisation in (0, 1), e.g. 0.6, got {t}"),
                );
            }
            if a.min == 0 {
                err(
                    ap.key("min"),
                    "must be at least 1 (a region with no instance serves nothing)".into(),
                );
            }
            if a.max < a.min {
                err(
                    ap.key("max"),
                    format!("must be at least min ({}), got {}", a.min, a.max),
                );
            }
            if a.max > super::MAX_INSTANCES {
                err(
                    ap.key("max"),
                    format!(
                        "must be at most {} instances, got {}",
                        super::MAX_INSTANCES,
                        a.max
                    ),
                );
            }
            if a.evaluation < SimDuration::from_secs(1) {
                err(
                    ap.key("evaluation"),
                    "must be at least 1s, e.g. \"1m\"".into(),
                );
            }
        }
    }

    let mut names = BTreeSet::new();
    for (i, d) in s.dependencies.iter().enumerate() {
        let p = root.key("dependencies").index(i);
        if d.name.trim().is_empty() {
            err(p.key("name"), "must not be empty".into());
        } else if !names.insert(d.name.as_str()) {
            err(
                p.key("name"),
                format!(
                    "`{}` is listed twice; dependency names must be unique",
                    d.name
                ),
            );
        }
        match (&d.provider, d.regions.is_empty()) {
            (Some(prov), true) => {
                let prefix = format!("{}:", prov.trim().to_ascii_lowercase());
                if !deployed.iter().any(|r| r.starts_with(&prefix)) {
                    err(
                        p.key("provider"),
                        format!(
                            "no deployed region is from provider `{prov}`; name one of the \
                             deployment's providers or list `regions`"
                        ),
                    );
                }
            }
            (None, false) => {
                let mut seen: Vec<String> = Vec::new();
                for (j, id) in d.regions.iter().enumerate() {
                    let c = canonical(id);
                    if !deployed.contains(&c) {
                        err(p.key("regions").index(j), not_deployed(id));
                    } else if let Some(i) = seen.iter().position(|x| *x == c) {
                        err(
                            p.key("regions").index(j),
                            format!(
                                "`{id}` is listed twice (as regions[{i}] too): list each region \
                                 once, or name the region you meant"
                            ),
                        );
                    }
                    seen.push(c);
                }
            }
            _ => err(
                p.clone(),
                "give either `regions = [..]` (the regions that depend on it) or \
                 `provider = \"aws\"` (every deployed region of that provider)"
                    .into(),
            ),
        }
        for (field, v) in [("mtbf", d.mtbf), ("mttr", d.mttr)] {
            if v.is_some_and(|x| x.is_zero()) {
                err(
                    p.key(field),
                    "must be longer than 0s, e.g. \"20000h\"".into(),
                );
            }
        }
        if d.mtbf.is_some() != d.mttr.is_some() {
            err(
                p.clone(),
                "random outages of a dependency need both `mtbf` and `mttr`".into(),
            );
        }
    }

    if let Some(f) = &s.active_passive.follow_the_sun {
        let fp = root.key("active_passive").key("follow_the_sun");
        let pair: Vec<String> = [&s.active_passive.primary, &s.active_passive.standby]
            .into_iter()
            .flatten()
            .map(|x| canonical(x))
            .collect();
        match (f.schedule.is_empty(), f.daytime) {
            (true, false) => err(
                fp.clone(),
                "give a `schedule` of [[active_passive.follow_the_sun.schedule]] utc_hour and \
                 primary, or `daytime = true`"
                    .into(),
            ),
            (false, true) => err(
                fp.key("daytime"),
                "give either a `schedule` or `daytime = true`, not both".into(),
            ),
            _ => {}
        }
        if pair.len() < 2 {
            err(
                fp.clone(),
                "needs `active_passive.primary` and `standby` named: the primary moves \
                 between those two"
                    .into(),
            );
        }
        if s.active_passive.standby_mode != super::StandbyMode::Hot {
            err(
                root.key("active_passive").key("standby_mode"),
                "follow-the-sun needs a hot standby (both regions run the full fleet)".into(),
            );
        }
        same_instant(&fp, &f.schedule, &|_| String::new(), &mut err);
        for (i, h) in f.schedule.iter().enumerate() {
            let hp = fp.key("schedule").index(i);
            if !(h.utc_hour.is_finite() && (0.0..24.0).contains(&h.utc_hour)) {
                err(
                    hp.key("utc_hour"),
                    format!("must be an hour in [0, 24), got {}", h.utc_hour),
                );
            }
            if pair.len() == 2 && !pair.contains(&canonical(&h.primary)) {
                err(
                    hp.key("primary"),
                    format!(
                        "`{}` is neither the primary nor the standby ({}): the primary moves \
                         between those two",
                        h.primary,
                        pair.join(", ")
                    ),
                );
            }
            if h.shard.is_some() {
                err(
                    hp.key("shard"),
                    "is for `sharded.follow_the_sun`: active-passive has one primary; \
                     remove `shard`"
                        .into(),
                );
            }
        }
    }

    if let Some(f) = &s.sharded.follow_the_sun {
        let fp = root.key("sharded").key("follow_the_sun");
        if !s.sharded.standby {
            err(
                root.key("sharded").key("standby"),
                "sharded follow-the-sun moves each shard between its home and its standby: \
                 set `standby = true`"
                    .into(),
            );
        }
        if f.schedule.is_empty() != f.daytime {
            err(
                fp.clone(),
                "give either a `schedule` of [[sharded.follow_the_sun.schedule]] utc_hour, \
                 shard and primary, or `daytime = true` (not both)"
                    .into(),
            );
        }
        let shard = |h: &Handover| h.shard.as_deref().map(&canonical).unwrap_or_default();
        same_instant(&fp, &f.schedule, &shard, &mut err);
        for (i, h) in f.schedule.iter().enumerate() {
            let hp = fp.key("schedule").index(i);
            if !(h.utc_hour.is_finite() && (0.0..24.0).contains(&h.utc_hour)) {
                err(
                    hp.key("utc_hour"),
                    format!("must be an hour in [0, 24), got {}", h.utc_hour),
                );
            }
            match &h.shard {
                None => err(
                    hp.key("shard"),
                    "name the shard by its home region, e.g. shard = \"aws:us-east-1\"".into(),
                ),
                Some(id) if !deployed.contains(&canonical(id)) => {
                    err(hp.key("shard"), not_deployed(id))
                }
                Some(_) => {}
            }
            if !deployed.contains(&canonical(&h.primary)) {
                err(hp.key("primary"), not_deployed(&h.primary));
            }
        }
    }

    if let Some(d) = &s.active_passive.data_zone {
        let dp = root.key("active_passive").key("data_zone");
        // The pair's regions: the named primary and standby, else every region (either
        // may be the default one).
        let named: Vec<&String> = [&s.active_passive.primary, &s.active_passive.standby]
            .into_iter()
            .flatten()
            .collect();
        let pair: Vec<(String, u32)> = if named.len() == 2 {
            named
                .iter()
                .filter_map(|id| zones_of(id).map(|z| (canonical(id), z)))
                .collect()
        } else {
            s.regions
                .iter()
                .map(|r| (canonical(&r.id), r.zones.unwrap_or(defaults::ZONES)))
                .collect()
        };
        let fewest = pair.iter().min_by_key(|x| x.1);
        if let Some((id, z)) = fewest {
            if d.zone == 0 || d.zone > *z {
                err(
                    dp.key("zone"),
                    format!(
                        "`{id}` has {z} zones: give a zone from 1 to {z} (or set the region's \
                         `zones`)"
                    ),
                );
            }
            if d.replica == ZoneReplica::OtherZone && *z < 2 {
                err(
                    dp.key("replica"),
                    format!(
                        "`{id}` has one zone: a replica in another zone needs `zones` of at \
                         least 2 (or `replica = \"none\"`)"
                    ),
                );
            }
        }
    }

    if let Some(z) = &s.random_failures.zones {
        let zp = root.key("random_failures").key("zones");
        for (field, v) in [("mtbf", z.mtbf), ("mttr", z.mttr)] {
            if v.is_zero() {
                err(
                    zp.key(field),
                    "must be longer than 0s, e.g. \"4000h\"".into(),
                );
            }
        }
    }

    for (i, f) in s.failures.iter().enumerate() {
        let p = root.key("failures").index(i);
        match f {
            FailureSpec::ZoneOutage { region, zone, .. } => match zones_of(region) {
                None => err(p.key("region"), not_deployed(region)),
                Some(z) if *zone == 0 || *zone > z => err(
                    p.key("zone"),
                    format!(
                        "`{region}` has {z} zones: give a zone from 1 to {z} (or set the \
                         region's `zones`)"
                    ),
                ),
                Some(_) => {}
            },
            FailureSpec::DependencyOutage { dependency, .. }
                if !names.contains(dependency.as_str()) =>
            {
                let names = s.dependencies.iter().map(|d| d.name.as_str());
                let hint = did_you_mean(dependency, names)
                    .map(|x| format!("; did you mean `{x}`?"))
                    .unwrap_or_default();
                err(
                    p.key("dependency"),
                    format!(
                        "no [[dependencies]] entry is named `{dependency}`{hint} (or add \
                         a [[dependencies]] entry with that name and its regions or provider)"
                    ),
                );
            }
            _ => {}
        }
    }
    errors
}

/// Most entries a follow-the-sun schedule may have: one a minute.
pub const MAX_HANDOVER_ENTRIES: usize = 1_440;

/// Two entries of one schedule (of one shard: `group` names it) at the same `utc_hour`
/// would be two handovers at one instant, one undoing the other; a schedule longer than
/// [`MAX_HANDOVER_ENTRIES`] is surely generated by mistake.
fn same_instant(
    fp: &FieldPath,
    schedule: &[Handover],
    group: &dyn Fn(&Handover) -> String,
    err: &mut dyn FnMut(FieldPath, String),
) {
    if schedule.len() > MAX_HANDOVER_ENTRIES {
        err(
            fp.key("schedule"),
            format!(
                "has {} entries, more than one a minute (the limit is {MAX_HANDOVER_ENTRIES}): \
                 give the hours at which the primary moves, or use `daytime = true`",
                schedule.len()
            ),
        );
        return;
    }
    let mut seen: std::collections::BTreeMap<(String, u64), usize> = Default::default();
    for (j, h) in schedule.iter().enumerate() {
        if !h.utc_hour.is_finite() {
            continue;
        }
        // +0.0 folds -0.0 into 0.0, so the two spellings of midnight meet.
        let key = (group(h), (h.utc_hour + 0.0).to_bits());
        if let Some(&i) = seen.get(&key) {
            err(
                fp.key("schedule").index(j).key("utc_hour"),
                format!(
                    "{} is also the hour of schedule[{i}]: two handovers at one instant; give \
                     each entry its own `utc_hour`, or remove one",
                    h.utc_hour
                ),
            );
        } else {
            seen.insert(key, j);
        }
    }
}
