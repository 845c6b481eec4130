//! What the map draws between places, taken from the model's own layout plan.
//!
//! The links are not re-derived here: [`map_links`] builds from the resolved spec the
//! same [`Plan`] a run would, and reads which regions replicate to which, where each
//! area's writes go, and which regions run.

use sim_core::catalog::Catalog;
use sim_core::model::layout::Plan;
use sim_core::scenario::{LayoutKind, RoutingPolicy, Scenario};
use sim_core::spec::Resolved;

/// Replication from one deployed region to another.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    pub from: String,
    pub to: String,
    /// Both regions replicate to each other (drawn once, without an arrow).
    pub both_ways: bool,
}

/// Where an area's requests go first in a layout.
#[derive(Clone, Debug, PartialEq)]
pub struct Serving {
    pub area: String,
    pub lat: f64,
    pub lon: f64,
    /// Fraction of all traffic (shares normalised to 1).
    pub share: f64,
    pub jurisdiction: String,
    /// The region its writes go to (active-passive, sharded) or the routing policy's
    /// first choice (active-active); `None` for the weighted policy, which splits traffic.
    pub region: Option<String>,
}

/// Everything the map draws for one layout.
#[derive(Clone, Debug, PartialEq)]
pub struct MapLinks {
    pub layout: LayoutKind,
    pub replication: Vec<Link>,
    pub areas: Vec<Serving>,
    /// Deployed regions that serve or hold a replica in this layout (sharded leaves
    /// regions that no shard lives in unused; active-passive uses two).
    pub in_use: Vec<String>,
}

/// The links of `layout` for a resolved scenario.
pub fn map_links(spec: &Resolved, layout: LayoutKind) -> MapLinks {
    let world = &spec.world;
    let plan = Plan::new(spec, layout);
    let id = |r: usize| world.regions[r].id.clone();
    let mut replication: Vec<Link> = Vec::new();
    for (from, reps) in plan.replicas.iter().enumerate() {
        for &to in reps {
            let back = plan.replicas[to].contains(&from);
            if back && to < from {
                continue; // drawn from the other end
            }
            replication.push(Link {
                from: id(from),
                to: id(to),
                both_ways: back,
            });
        }
    }
    let areas = world
        .areas
        .iter()
        .enumerate()
        .map(|(a, area)| {
            let region = plan.write_region[a].or_else(|| match plan.policy {
                RoutingPolicy::Weighted => None,
                _ => plan.routing_order[a].first().copied(),
            });
            Serving {
                area: area.name.clone(),
                lat: area.lat,
                lon: area.lon,
                share: area.share,
                jurisdiction: area.jurisdiction.clone(),
                region: region.map(id),
            }
        })
        .collect();
    let in_use = (0..world.n_regions())
        .filter(|&r| plan.billed_fraction[r] > 0.0 || plan.replicas.iter().any(|x| x.contains(&r)))
        .map(id)
        .collect();
    MapLinks {
        layout,
        replication,
        areas,
        in_use,
    }
}

/// The scenario's user areas (or the catalog's defaults) with normalised shares and no
/// serving region: what the map shows while the scenario is invalid.
pub fn plain_areas(s: &Scenario, catalog: &Catalog) -> Vec<Serving> {
    let mut areas: Vec<Serving> = if s.areas.is_empty() {
        catalog
            .default_areas()
            .iter()
            .map(|a| Serving {
                area: a.name.clone(),
                lat: a.lat,
                lon: a.lon,
                share: a.share,
                jurisdiction: a.jurisdiction.clone(),
                region: None,
            })
            .collect()
    } else {
        s.areas
            .iter()
            .map(|a| Serving {
                area: a.name.clone(),
                lat: a.lat_deg,
                lon: a.lon_deg,
                share: a.share,
                jurisdiction: a.jurisdiction.clone(),
                region: None,
            })
            .collect()
    };
    let total: f64 = areas.iter().map(|a| a.share.max(0.0)).sum();
    if total > 0.0 {
        for a in &mut areas {
            a.share = a.share.max(0.0) / total;
        }
    }
    areas
}
