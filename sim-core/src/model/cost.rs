//! Cost per month of one layout, by part.
//!
//! - **compute** = Σ over regions of billed instances × USD per instance-hour × 730.5 h,
//!   where billed instances are the region's instances in the layout × its billed fraction in the
//!   layout (1 for serving regions and hot standbys, `warm_fraction` for a warm standby,
//!   0 for a cold standby or an unused region). Regions without a price add 0 and are
//!   listed in `unpriced`.
//! - **transfer** = monthly writes × request bytes / 10⁹ × (mean over simulated writes of
//!   Σ over the write's replicas of the inter-region price per GB).
//! - **egress** = monthly requests × response bytes / 10⁹ × (mean over simulated served
//!   requests of the serving region's internet egress price per GB).
//!
//! Monthly requests come from the workload formula, not from the simulated window (which
//! may sit at the daily peak): Σ over areas of `peak_rps · share · daily_mean(f)` × seconds
//! per month; monthly writes are their `1 − read_fraction`.

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
}

impl Cost {
    pub fn total(&self) -> f64 {
        self.compute + self.transfer + self.egress
    }
}

/// Hours per average month.
pub const HOURS_PER_MONTH: f64 = SECONDS_PER_MONTH / 3600.0;

pub fn monthly_requests(w: &World, s: &Scenario) -> f64 {
    w.areas
        .iter()
        .map(|a| {
            let d = Diurnal::new(&s.workload, s.start_utc_hour, a.utc_offset_hours);
            s.workload.peak_rps * a.share * d.daily_mean()
        })
        .sum::<f64>()
        * SECONDS_PER_MONTH
}

pub fn cost(w: &World, plan: &Plan, s: &Scenario, rec: &Recorder, writes: &WriteStats) -> Cost {
    let mut c = Cost::default();
    for (r, region) in w.regions.iter().enumerate() {
        let billed = plan.instances[r] as f64 * plan.billed_fraction[r];
        if billed == 0.0 {
            continue;
        }
        match region.usd_per_hour {
            Some(p) => c.compute += billed * p * HOURS_PER_MONTH,
            None => c.unpriced.push(region.id.clone()),
        }
    }
    let requests = monthly_requests(w, s);
    let write_fraction = 1.0 - s.workload.read_fraction;
    if writes.committed > 0 {
        let per_write = writes.replica_usd_per_gb / writes.committed as f64;
        c.transfer = requests * write_fraction * s.workload.request_bytes as f64 / 1e9 * per_write;
    }
    let served: u64 = rec.served_by_region.iter().sum();
    if served > 0 {
        let mean_price = rec
            .served_by_region
            .iter()
            .zip(&w.regions)
            .map(|(n, r)| *n as f64 * r.egress_usd_per_gb)
            .sum::<f64>()
            / served as f64;
        c.egress = requests * s.workload.response_bytes as f64 / 1e9 * mean_price;
    }
    c
}
