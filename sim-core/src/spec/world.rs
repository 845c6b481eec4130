//! The resolved world of one scenario: regions, areas and the network between them.
//!
//! Built once per scenario by [`validate`](super::validate) from the [`Scenario`] and the
//! [`Catalog`]; the request model only reads it. Region names in the scenario (prices,
//! RTT overrides) are resolved here through the catalog, so any spelling the catalog
//! accepts (`AWS:US-East-1`) means the same region; ids are the catalog's canonical,
//! lower-case ones. Assumptions (units in names):
//! - region↔region RTT: the catalog's measured median where one exists, else its fitted
//!   distance model; `network.rtt_overrides` replace either;
//! - user↔region RTT: the catalog's user RTT from the area's position — the measured RTT
//!   from the catalog region nearest the user plus a last mile where one is measured, else
//!   the fitted distance model ([`Catalog::user_rtt_ms`]) — or the area's `rtt_overrides`,
//!   plus the area's access latency;
//! - area shares are normalised to sum to 1.

use super::ids::{AreaId, RegionId};
use crate::catalog::{great_circle_km, Catalog, RegionIdx};
use crate::engine::SimDuration;
use crate::scenario::{Dist, FieldError, FieldPath, Scenario};
use std::collections::BTreeMap;

/// One deployed region.
#[derive(Clone, Debug)]
pub struct RegionRt {
    pub id: String,
    pub catalog: RegionIdx,
    pub jurisdiction: String,
    pub instances: u32,
    pub service: Dist,
    pub queue_limit: u32,
    /// `None` when neither the catalog nor the scenario has a price.
    pub usd_per_hour: Option<f64>,
    pub egress_usd_per_gb: f64,
    /// Mean time between random outages and mean time to repair (random failures).
    pub mtbf: SimDuration,
    pub mttr: SimDuration,
    /// Availability zones its instances are spread over (`regions[i].zones`, else 3).
    pub zones: u32,
    /// Its target-tracking autoscaling policy, if any.
    pub autoscaling: Option<crate::scenario::Autoscaling>,
}

impl RegionRt {
    /// The most instances it can run: its count, or its autoscaling maximum if higher.
    pub fn most_instances(&self) -> u32 {
        self.autoscaling
            .as_ref()
            .map_or(self.instances, |a| a.max.max(self.instances))
    }
}

/// Fallbacks when neither the scenario nor the catalog has failure statistics.
pub const FALLBACK_MTBF: SimDuration = SimDuration::from_hours(26_000);
pub const FALLBACK_MTTR: SimDuration = SimDuration::from_hours(3);

/// One user area.
#[derive(Clone, Debug)]
pub struct AreaRt {
    pub name: String,
    pub jurisdiction: String,
    pub lat: f64,
    pub lon: f64,
    /// Fraction of the total peak rate, summing to 1 over areas.
    pub share: f64,
    pub utc_offset_hours: f64,
    /// The area's data must stay in its jurisdiction.
    pub residency_required: bool,
}

/// Regions, areas and the latencies and prices between them.
#[derive(Clone, Debug)]
pub struct World {
    pub regions: Vec<RegionRt>,
    pub areas: Vec<AreaRt>,
    /// `region_rtt[a * n + b]`.
    region_rtt: Vec<SimDuration>,
    /// `user_rtt[area * n + region]`, access latency included.
    user_rtt: Vec<SimDuration>,
    /// `user_km[area * n + region]`, great-circle distance.
    user_km: Vec<f64>,
    /// `transfer[a * n + b]`, USD per GB sent from a to b.
    transfer: Vec<f64>,
}

impl World {
    /// Resolves `s` against `catalog`, by stage: regions, areas, the region↔region and
    /// user↔region matrices. The scenario must already be checked; remaining
    /// inconsistencies are returned as field errors, never panics.
    pub fn build(s: &Scenario, catalog: &Catalog) -> Result<World, Vec<FieldError>> {
        let mut errors = Vec::new();
        let regions = build_regions(s, catalog, &mut errors);
        check_failure_rates(s, catalog, &regions, &mut errors);
        let areas = build_areas(s, catalog);
        let total_share: f64 = areas.iter().map(|a| a.rt.share).sum();
        if total_share.is_nan() || total_share <= 0.0 {
            errors.push(FieldError::new(
                FieldPath::root().key("areas"),
                "the areas' shares must add up to more than 0",
            ));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let (region_rtt, transfer) = region_matrices(s, catalog, &regions);
        let (user_rtt, user_km) = user_matrices(catalog, &regions, &areas);
        let areas = areas
            .into_iter()
            .map(|a| {
                let mut a = a.rt;
                a.share /= total_share;
                a.residency_required = s
                    .residency
                    .jurisdictions
                    .iter()
                    .any(|j| canonical_jurisdiction(j) == a.jurisdiction);
                a
            })
            .collect();
        Ok(World {
            regions,
            areas,
            region_rtt,
            user_rtt,
            user_km,
            transfer,
        })
    }

    pub fn n_regions(&self) -> usize {
        self.regions.len()
    }

    /// Round trip between two deployed regions.
    #[inline]
    pub fn rtt(&self, a: usize, b: usize) -> SimDuration {
        self.region_rtt[a * self.regions.len() + b]
    }

    /// Round trip between a user area and a region, access latency included.
    #[inline]
    pub fn user_rtt(&self, area: usize, region: usize) -> SimDuration {
        self.user_rtt[area * self.regions.len() + region]
    }

    /// The standby of a shard homed at `home` (`sharded.standby = true`): the nearest
    /// other region of the same jurisdiction (ties to the region listed first), if any.
    pub fn shard_standby(&self, home: usize) -> Option<usize> {
        let jur = &self.regions[home].jurisdiction;
        (0..self.n_regions())
            .filter(|&r| r != home && self.regions[r].jurisdiction == *jur)
            .min_by_key(|&r| (self.rtt(home, r), r))
    }

    pub fn user_km(&self, area: usize, region: usize) -> f64 {
        self.user_km[area * self.regions.len() + region]
    }

    /// USD per GB sent from region `a` to region `b`.
    pub fn transfer_usd_per_gb(&self, a: usize, b: usize) -> f64 {
        self.transfer[a * self.regions.len() + b]
    }

    /// Every deployed region's id, in order.
    pub fn region_ids(&self) -> impl Iterator<Item = RegionId> {
        (0..self.regions.len()).map(RegionId::new)
    }

    /// Every area's id, in order.
    pub fn area_ids(&self) -> impl Iterator<Item = AreaId> {
        (0..self.areas.len()).map(AreaId::new)
    }

    /// The deployed region whose catalog id is `id`, by the catalog's rule (trimmed, any
    /// case). For front ends and tests; the model never looks a name up.
    pub fn find_region(&self, id: &str) -> Option<RegionId> {
        let key = id.trim().to_ascii_lowercase();
        self.regions
            .iter()
            .position(|r| r.id == key)
            .map(RegionId::new)
    }

    /// The deployed region that the catalog region `idx` is, if deployed.
    pub(super) fn deployed(&self, idx: RegionIdx) -> Option<RegionId> {
        self.regions
            .iter()
            .position(|r| r.catalog == idx)
            .map(RegionId::new)
    }
}

/// An area while the world is built: with its last mile and its measured RTT overrides.
struct AreaIn {
    rt: AreaRt,
    access: SimDuration,
    /// Catalog region → measured RTT replacing the model.
    overrides: BTreeMap<RegionIdx, SimDuration>,
}

/// The deployed regions, in scenario order: catalog facts, prices (overrides by any
/// spelling of the id) and failure rates (per region, else the scenario's, else the
/// provider's history).
fn build_regions(s: &Scenario, catalog: &Catalog, errors: &mut Vec<FieldError>) -> Vec<RegionRt> {
    let price_of: BTreeMap<RegionIdx, f64> = s
        .prices
        .instance_usd_per_hour
        .iter()
        .filter_map(|(id, &usd)| catalog.region(id).ok().map(|i| (i, usd)))
        .collect();
    let mut regions = Vec::new();
    for (i, r) in s.regions.iter().enumerate() {
        let idx = match catalog.region(&r.id) {
            Ok(idx) => idx,
            Err(e) => {
                errors.push(FieldError::new(
                    FieldPath::root().key("regions").index(i).key("id"),
                    e.to_string(),
                ));
                continue;
            }
        };
        let c = &catalog.regions()[idx];
        let defaults = catalog.failure_defaults(&c.provider);
        let rf = &s.random_failures;
        let own = rf
            .regions
            .iter()
            .find(|(id, _)| catalog.region(id).ok() == Some(idx))
            .map(|(_, r)| r);
        let mtbf = own.and_then(|r| r.mtbf).or(rf.mtbf).unwrap_or_else(|| {
            defaults.map_or(FALLBACK_MTBF, |d| {
                SimDuration::from_secs_f64(d.mtbf_hours * 3600.0)
            })
        });
        let mttr = own.and_then(|r| r.mttr).or(rf.mttr).unwrap_or_else(|| {
            defaults.map_or(FALLBACK_MTTR, |d| {
                SimDuration::from_secs_f64(d.mttr_hours * 3600.0)
            })
        });
        regions.push(RegionRt {
            mtbf,
            mttr,
            zones: r.zones.unwrap_or(crate::scenario::defaults::ZONES),
            autoscaling: r.autoscaling.clone(),
            id: c.id.clone(),
            catalog: idx,
            jurisdiction: canonical_jurisdiction(&c.jurisdiction),
            instances: r.instances,
            service: r.service_time.clone(),
            queue_limit: r.queue_limit,
            usd_per_hour: price_of.get(&idx).copied().or(c.usd_per_hour),
            egress_usd_per_gb: s
                .prices
                .egress_usd_per_gb
                .unwrap_or_else(|| catalog.egress_usd_per_gb(idx)),
        });
    }
    regions
}

/// Per-region failure rates must name deployed regions.
fn check_failure_rates(
    s: &Scenario,
    catalog: &Catalog,
    regions: &[RegionRt],
    errors: &mut Vec<FieldError>,
) {
    for id in s.random_failures.regions.keys() {
        let path = FieldPath::root()
            .key("random_failures")
            .key("regions")
            .key(id);
        match catalog.region(id) {
            Err(e) => errors.push(FieldError::new(path, e.to_string())),
            Ok(idx) if !regions.iter().any(|r| r.catalog == idx) => errors.push(FieldError::new(
                path,
                format!(
                    "`{id}` is not one of the deployment's regions; add it under \
                     [[regions]] or remove this entry"
                ),
            )),
            Ok(_) => {}
        }
    }
}

/// The scenario's areas (or the catalog's defaults), shares not yet normalised.
fn build_areas(s: &Scenario, catalog: &Catalog) -> Vec<AreaIn> {
    let default_access = s.network.access_latency;
    if s.areas.is_empty() {
        return catalog
            .default_areas()
            .iter()
            .map(|a| AreaIn {
                rt: AreaRt {
                    name: a.name.clone(),
                    jurisdiction: canonical_jurisdiction(&a.jurisdiction),
                    lat: a.lat,
                    lon: a.lon,
                    share: a.share,
                    utc_offset_hours: a.utc_offset_hours,
                    residency_required: false,
                },
                access: default_access,
                overrides: BTreeMap::new(),
            })
            .collect();
    }
    s.areas
        .iter()
        .map(|a| AreaIn {
            rt: AreaRt {
                name: a.name.clone(),
                jurisdiction: canonical_jurisdiction(&a.jurisdiction),
                lat: a.lat_deg,
                lon: a.lon_deg,
                share: a.share,
                utc_offset_hours: a.utc_offset_hours,
                residency_required: false,
            },
            access: a.access_latency.unwrap_or(default_access),
            overrides: a
                .rtt_overrides
                .iter()
                .filter_map(|(id, &rtt)| catalog.region(id).ok().map(|i| (i, rtt)))
                .collect(),
        })
        .collect()
}

/// Region↔region RTT (measured, else the fit; `network.rtt_overrides` win) and transfer
/// prices, `n × n`.
fn region_matrices(
    s: &Scenario,
    catalog: &Catalog,
    regions: &[RegionRt],
) -> (Vec<SimDuration>, Vec<f64>) {
    let n = regions.len();
    let mut region_rtt = vec![SimDuration::ZERO; n * n];
    let mut transfer = vec![0.0; n * n];
    for (a, ra) in regions.iter().enumerate() {
        for (b, rb) in regions.iter().enumerate() {
            region_rtt[a * n + b] =
                SimDuration::from_millis_f64(catalog.rtt_ms(ra.catalog, rb.catalog));
            transfer[a * n + b] = if a == b {
                0.0
            } else {
                s.prices
                    .transfer_usd_per_gb
                    .unwrap_or_else(|| catalog.transfer_usd_per_gb(ra.catalog, rb.catalog))
            };
        }
    }
    let deployed = |id: &str| {
        let idx = catalog.region(id).ok()?;
        regions.iter().position(|r| r.catalog == idx)
    };
    for o in &s.network.rtt_overrides {
        // An override between regions that are not both deployed has nothing to change.
        if let (Some(a), Some(b)) = (deployed(&o.a), deployed(&o.b)) {
            region_rtt[a * n + b] = o.rtt;
            region_rtt[b * n + a] = o.rtt;
        }
    }
    (region_rtt, transfer)
}

/// User↔region RTT (the area's override, else anchored on the matrix; plus its last
/// mile) and great-circle distance, `areas × n`.
fn user_matrices(
    catalog: &Catalog,
    regions: &[RegionRt],
    areas: &[AreaIn],
) -> (Vec<SimDuration>, Vec<f64>) {
    let mut user_rtt = Vec::with_capacity(areas.len() * regions.len());
    let mut user_km = Vec::with_capacity(areas.len() * regions.len());
    for a in areas {
        for r in regions {
            let c = &catalog.regions()[r.catalog];
            user_km.push(great_circle_km(a.rt.lat, a.rt.lon, c.lat, c.lon));
            let rtt = a.overrides.get(&r.catalog).copied().unwrap_or_else(|| {
                SimDuration::from_millis_f64(catalog.user_rtt_ms(a.rt.lat, a.rt.lon, r.catalog))
            });
            user_rtt.push(rtt + a.access);
        }
    }
    (user_rtt, user_km)
}

/// The one spelling of a jurisdiction: trimmed, upper case (`"eu"` and `"EU"` are one).
pub fn canonical_jurisdiction(j: &str) -> String {
    j.trim().to_ascii_uppercase()
}
