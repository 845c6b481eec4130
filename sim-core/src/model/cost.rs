//! Cost per month of one layout, by part.
//!
//! - **compute** = Σ over regions of billed instances × USD per instance-hour × 730.5 h,
//!   where billed instances are the region's instances in the layout × its billed fraction in the
//!   layout (1 for serving regions and hot standbys, `warm_fraction` for a warm standby,
//!   0 for a cold standby or an unused region); an autoscaled region is billed its mean
//!   provisioned instances (booting included) over the measured window
//!   (`docs/autoscaling.md`). Regions without a price add 0 and are
//!   listed in `unpriced`.
//! - **transfer** = Σ over areas of the area's monthly writes × request bytes / 10⁹ ×
//!   (the area's mean over simulated writes of Σ over the write's replicas of the
//!   inter-region price per GB).
//! - **egress** = Σ over areas of the area's monthly requests × response bytes / 10⁹ ×
//!   (the area's mean over simulated served requests of the serving region's internet
//!   egress price per GB).
//!
//! **Itemised per region** ([`Cost::by_region`], the GUI's monthly bill): compute is the
//! region's own; egress is billed to the region that served (the same per-area weights
//! as the total); transfer to the region where the area's writes commit in the layout's
//! plan (its write region, else the first of its routing order), which sends the
//! replicas. Writes that moved to another region during a failover stay counted at the
//! planned one: `WriteStats` keeps their prices per area, not per origin. The parts of
//! every region add up to the three totals (to rounding).
//!
//! Why per area: prices differ by region, and which region serves depends on the area.
//! Weighing the prices by the simulated window's traffic mix would bill the same users
//! differently for a window at 01:00 UTC (the Americas awake) than at 11:00 UTC (Asia and
//! Europe awake). Each area's monthly traffic is its whole-day traffic — the diurnal
//! curve integrated over a day, independent of where the window falls:
//! `peak_rps · share · daily_mean(f)` × seconds per month; its writes are
//! `1 − read_fraction` of that. The simulated window only says *where* an area's requests
//! go (failovers included). An area without a served request (or a write) in the window
//! is priced at the plan's regions for it: reads at its read region, writes at its write
//! region, else the first of its routing order.

use super::layout::Plan;
use super::requests::WriteStats;
use super::workload::{Diurnal, SECONDS_PER_MONTH};
use crate::metrics::Recorder;
use crate::scenario::Scenario;
use crate::spec::World;

/// USD per month, by part.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Cost {
    pub compute: f64,
    pub transfer: f64,
    pub egress: f64,
    /// Regions billed for instances that have no price (counted as 0).
    pub unpriced: Vec<String>,
    /// The same three parts per region, in the world's region order (see the module
    /// docs for who is billed what).
    pub by_region: Vec<RegionCost>,
}

/// One region's share of a [`Cost`], USD per month by part.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RegionCost {
    /// The region's catalog id.
    pub region: String,
    pub compute: f64,
    pub transfer: f64,
    pub egress: f64,
}

impl RegionCost {
    pub fn total(&self) -> f64 {
        self.compute + self.transfer + self.egress
    }
}

impl Cost {
    pub fn total(&self) -> f64 {
        self.compute + self.transfer + self.egress
    }
}

/// Hours per average month.
pub const HOURS_PER_MONTH: f64 = SECONDS_PER_MONTH / 3600.0;

/// Requests per month of each area (whole days; see the module docs).
pub fn monthly_requests_by_area(w: &World, s: &Scenario) -> Vec<f64> {
    w.areas
        .iter()
        .map(|a| {
            let d = Diurnal::new(&s.workload, s.start_utc_hour, a.utc_offset_hours);
            s.workload.peak_rps * a.share * d.daily_mean() * SECONDS_PER_MONTH
        })
        .collect()
}

pub fn monthly_requests(w: &World, s: &Scenario) -> f64 {
    monthly_requests_by_area(w, s).iter().sum()
}

pub fn cost(w: &World, plan: &Plan, s: &Scenario, rec: &Recorder, writes: &WriteStats) -> Cost {
    cost_with(w, plan, s, rec, writes, &[])
}

/// Instances billed in region `r`: `measured[r]` (an autoscaled region's mean
/// provisioned instances over the window) when given, else the plan's instances × its
/// billed fraction.
pub fn billed_instances(plan: &Plan, measured: &[Option<f64>], r: usize) -> f64 {
    measured
        .get(r)
        .copied()
        .flatten()
        .unwrap_or(plan.instances[r] as f64 * plan.billed_fraction[r])
}

/// [`cost`] with autoscaled regions billed by the instances they actually provisioned
/// (`measured`, see [`billed_instances`]).
pub fn cost_with(
    w: &World,
    plan: &Plan,
    s: &Scenario,
    rec: &Recorder,
    writes: &WriteStats,
    measured: &[Option<f64>],
) -> Cost {
    let mut c = Cost {
        by_region: w
            .regions
            .iter()
            .map(|r| RegionCost {
                region: r.id.clone(),
                ..RegionCost::default()
            })
            .collect(),
        ..Cost::default()
    };
    for (r, region) in w.regions.iter().enumerate() {
        let billed = billed_instances(plan, measured, r);
        if billed == 0.0 {
            continue;
        }
        match region.usd_per_hour {
            Some(p) => {
                c.compute += billed * p * HOURS_PER_MONTH;
                c.by_region[r].compute = billed * p * HOURS_PER_MONTH;
            }
            None => c.unpriced.push(region.id.clone()),
        }
    }
    let n = w.n_regions();
    let read_fraction = s.workload.read_fraction;
    let write_fraction = 1.0 - read_fraction;
    let request_gb = s.workload.request_bytes as f64 / 1e9;
    let response_gb = s.workload.response_bytes as f64 / 1e9;
    for (a, monthly) in monthly_requests_by_area(w, s).into_iter().enumerate() {
        let first = plan.routing_order[a].first().copied();
        let reads_at = plan.read_region[a].or(first);
        let writes_at = plan.write_region[a].or(first);
        // Egress: the area's served requests by region, else the plan's regions for it.
        let served = rec.served_by_area_region.get(a * n..(a + 1) * n);
        let price = |r: Option<usize>| r.map_or(0.0, |r| w.regions[r].egress_usd_per_gb);
        let served = served.filter(|v| v.iter().any(|&k| k > 0));
        let egress_per_gb = match served {
            Some(v) => {
                let total: u64 = v.iter().sum();
                v.iter()
                    .zip(&w.regions)
                    .map(|(&k, r)| k as f64 * r.egress_usd_per_gb)
                    .sum::<f64>()
                    / total as f64
            }
            None => read_fraction * price(reads_at) + write_fraction * price(writes_at),
        };
        c.egress += monthly * response_gb * egress_per_gb;
        match served {
            Some(v) => {
                let total = v.iter().sum::<u64>() as f64;
                for (r, &k) in v.iter().enumerate() {
                    c.by_region[r].egress +=
                        monthly * response_gb * k as f64 * w.regions[r].egress_usd_per_gb / total;
                }
            }
            None => {
                for (at, part) in [(reads_at, read_fraction), (writes_at, write_fraction)] {
                    if let Some(r) = at {
                        c.by_region[r].egress += monthly * response_gb * part * price(at);
                    }
                }
            }
        }
        // Transfer: the area's committed writes, else its write region's replicas.
        let per_write = match writes.by_area.get(a) {
            Some(&(k, usd)) if k > 0 => usd / k as f64,
            _ => writes_at.map_or(0.0, |o| {
                plan.replicas[o]
                    .iter()
                    .map(|&r| w.transfer_usd_per_gb(o, r))
                    .sum()
            }),
        };
        let transfer = monthly * write_fraction * request_gb * per_write;
        c.transfer += transfer;
        if transfer > 0.0 {
            // Billed to the planned write region; an area with none (no routing) had
            // its writes served where its requests were.
            match (writes_at, served) {
                (Some(o), _) => c.by_region[o].transfer += transfer,
                (None, Some(v)) => {
                    let total = v.iter().sum::<u64>() as f64;
                    for (r, &k) in v.iter().enumerate() {
                        c.by_region[r].transfer += transfer * k as f64 / total;
                    }
                }
                (None, None) => {}
            }
        }
    }
    c
}
