//! The resolved run spec: what a scenario means once checked against a catalog.
//!
//! [`Scenario`] is what the user wrote: names, optional fields, strings. [`Resolved`] is
//! what runs. [`validate`] is the only way from one to the other (ripgrep's
//! `LowArgs → HiArgs`): it runs every check of [`scenario::validate::check`] and, when
//! they pass, resolves every name once —
//!
//! - regions to dense [`RegionId`]s by the catalog's rule (ids are case-insensitive; the
//!   canonical spelling is the catalog's, lower case), areas to [`AreaId`]s (names match
//!   exactly), jurisdictions to one upper-case spelling;
//! - scheduled failures to [`Incident`]s on ids; routing priorities and weights to
//!   per-region vectors; the effective active-passive primary and standby; the quorum
//!   size; every area's sharded home.
//!
//! **Architecture invariant: nothing downstream of `validate` looks a name up.** The
//! model, control plane, cost, availability, planner, sweeps and GUI take a `Resolved`;
//! `Resolved::scenario` still carries the settings that have no names in them (durations,
//! rates, distributions), with its region ids rewritten to the canonical spelling.
//!
//! Input that is legal but surely unintended (a failure that starts after the run ends)
//! is not an error: it comes back in [`Resolved::warnings`], which the CLI prints and the
//! GUI shows next to the field.

pub mod failures;
pub mod ids;
mod resolve;
pub use resolve::hints::outage_rates;
pub mod world;

pub use failures::{DependencySpec, Effect, Incident};
pub use ids::{AreaId, RegionId, MAX_AREAS, MAX_REGIONS};
pub use world::{canonical_jurisdiction, AreaRt, RegionRt, World};

use crate::catalog::Catalog;
use crate::scenario::{self, FieldError, Scenario};

/// A scenario checked against a catalog, with every name resolved; see the module docs.
#[derive(Clone, Debug)]
pub struct Resolved {
    /// The scenario's settings. Region ids are canonical; read names from the resolved
    /// fields below, never from here.
    pub scenario: Scenario,
    pub world: World,
    /// The scheduled failures, in file order (a dependency outage as one incident per
    /// dependent region, in region order).
    pub failures: Vec<Incident>,
    /// The shared dependencies, in file order.
    pub dependencies: Vec<DependencySpec>,
    pub routing: RoutingSpec,
    pub active_passive: ActivePassiveSpec,
    /// Active-passive follow-the-sun: the daily schedule of the write primary.
    pub follow_the_sun: Option<FollowTheSunSpec>,
    pub active_active: ActiveActiveSpec,
    pub sharded: ShardedSpec,
    /// Legal but surely unintended input, each with its field path.
    pub warnings: Vec<FieldError>,
}

/// Routing settings that name regions, resolved.
#[derive(Clone, Debug, PartialEq)]
pub struct RoutingSpec {
    /// The `priority` policy's order (listed regions only; the policy appends the rest).
    pub priority: Vec<RegionId>,
    /// Per deployed region, its weight for the `weighted` policy (0 when not listed).
    pub weights: Vec<f64>,
}

/// Active-passive: who serves and who stands by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ActivePassiveSpec {
    /// `active_passive.primary`, else the first region.
    pub primary: RegionId,
    /// `active_passive.standby`, else the first other region; `None` with one region.
    pub standby: Option<RegionId>,
    /// Instances of the primary (and of a hot standby): `active_passive.instances`, else
    /// the whole fleet consolidated.
    pub instances: u32,
}

/// Follow-the-sun resolved: from each `utc_hour` (ascending, in [0, 24)) every day, the
/// region that should lead; `drain` before each switch.
#[derive(Clone, Debug, PartialEq)]
pub struct FollowTheSunSpec {
    pub schedule: Vec<(f64, RegionId)>,
    pub drain: crate::engine::SimDuration,
}

/// Active-active: how many regions acknowledge a synchronous write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ActiveActiveSpec {
    /// Regions (the origin included) that apply a write before its acknowledgement under
    /// `sync-quorum`: `active_active.quorum`, else a majority.
    pub quorum: usize,
}

/// Sharded: every area's home.
#[derive(Clone, Debug, PartialEq)]
pub struct ShardedSpec {
    /// Per area: `sharded.homes`, else the rule (`jurisdiction` or `proximity`).
    pub homes: Vec<RegionId>,
    /// Follow-the-sun (`sharded.follow_the_sun`): the shards that move, in home order.
    pub follow_the_sun: Vec<ShardSun>,
}

/// One shard's follow-the-sun: its home, its standby (`World::shard_standby`) and from
/// each `utc_hour` which of the two leads.
#[derive(Clone, Debug, PartialEq)]
pub struct ShardSun {
    pub home: RegionId,
    pub standby: RegionId,
    pub sun: FollowTheSunSpec,
}

/// Checks `s` against `catalog` and resolves it; on failure, every problem with its path.
pub fn validate(s: &Scenario, catalog: &Catalog) -> Result<Resolved, Vec<FieldError>> {
    let errors = scenario::validate::check(s, catalog);
    if !errors.is_empty() {
        return Err(errors);
    }
    resolve::resolve(s, catalog)
}

/// The problems of `s` (errors, then warnings), for front ends that show both by field.
pub fn problems(s: &Scenario, catalog: &Catalog) -> (Vec<FieldError>, Vec<FieldError>) {
    match validate(s, catalog) {
        Ok(r) => (Vec::new(), r.warnings),
        Err(e) => (e, Vec::new()),
    }
}

impl Resolved {
    /// The catalog id of a deployed region (for reports and CSV).
    pub fn region_name(&self, r: RegionId) -> &str {
        &self.world.regions[r.index()].id
    }

    /// The name of an area (for reports and CSV).
    pub fn area_name(&self, a: AreaId) -> &str {
        &self.world.areas[a.index()].name
    }
}
