//! The zone and shared-dependency levels of the annual model: zone → region → layout, and
//! the common-cause term.
//!
//! - **Zones** (`[random_failures.zones]`): a region counts as down while it is down
//!   itself or all its zones are (partial zone loss is capacity, which the request-level
//!   model measures). Each region's `(MTBF, MTTR)` becomes its two-state equivalent
//!   ([`crate::model::zones::region_rates_with_zones`]). With
//!   `[active_passive.data_zone]`, an active-passive region is down while the zones
//!   holding its database are (its data zone, or it and the replica's zone): the same
//!   formula with 1 or 2 zones ([`crate::model::data_zone`]).
//! - **Dependencies** with `mtbf` and `mttr`:
//!   - `affects = "all"` on *every* region of the layout's model: a common cause that
//!     leaves every user unserved while it is down ([`CommonCause`] with share 1);
//!   - `affects = "all"` on some of them: folded into each dependent region's rates as a
//!     component in series ([`crate::model::zones::series`]). That keeps each region's
//!     own availability exact but treats the dependent regions as failing independently
//!     — it misses their correlation (documented in `docs/failures.md`);
//!   - `affects = "writes"`: a common cause whose share is the writes of the users whose
//!     writes go to a dependent region (`(1 − read_fraction) × their traffic share`);
//!   - `affects = "routing"`: no term. The regions keep serving; only a region failure
//!     *during* the dependency's outage is prolonged (no failover) — a second-order term
//!     the years-scale model does not carry.

use crate::analytic::availability::{CommonCause, RegionRates};
use crate::model::layout::Plan;
use crate::model::zones::{region_rates_with_zones, series};
use crate::scenario::Affects;
use crate::spec::Resolved;

/// Folds zones and partial `all` dependencies into `rates` (one per region of `behind`,
/// the deployed regions behind the model's regions) and returns the common causes.
pub fn apply(
    p: &Resolved,
    plan: &Plan,
    behind: &[usize],
    rates: &mut [RegionRates],
) -> Vec<CommonCause> {
    let hours = |d: crate::engine::SimDuration| d.as_secs_f64() / 3600.0;
    if let Some(z) = &p.scenario.random_failures.zones {
        let zone = (hours(z.mtbf), hours(z.mttr));
        // With `[active_passive.data_zone]` a region of the pair is down while the zones
        // holding its database (1, or 2 with a replica) are all down — which includes all
        // its zones being down.
        let data = p
            .scenario
            .active_passive
            .data_zone
            .as_ref()
            .filter(|_| plan.layout == crate::scenario::LayoutKind::ActivePassive);
        for (rate, &r) in rates.iter_mut().zip(behind) {
            let zones = p.world.regions[r].zones;
            let zones = data.map_or(zones, |d| {
                crate::model::data_zone::copy_zones(d.zone, d.replica, zones).len() as u32
            });
            let (b, m) = region_rates_with_zones(rate.mtbf_h, rate.mttr_h, zones, zone);
            *rate = RegionRates {
                mtbf_h: b,
                mttr_h: m,
            };
        }
    }
    let mut causes = Vec::new();
    for dep in &p.dependencies {
        let Some((mtbf, mttr)) = dep.rates else {
            continue;
        };
        let (mtbf_h, mttr_h) = (hours(mtbf), hours(mttr));
        let depends = |r: usize| dep.regions.iter().any(|x| x.index() == r);
        match dep.affects {
            Affects::All if behind.iter().all(|&r| depends(r)) => causes.push(CommonCause {
                mtbf_h,
                mttr_h,
                down_share: 1.0,
            }),
            Affects::All => {
                let a = mtbf_h / (mtbf_h + mttr_h);
                for (rate, &r) in rates.iter_mut().zip(behind) {
                    if depends(r) {
                        let (b, m) = series(rate.mtbf_h, rate.mttr_h, a, a / mtbf_h);
                        *rate = RegionRates {
                            mtbf_h: b,
                            mttr_h: m,
                        };
                    }
                }
            }
            Affects::Writes => {
                let share: f64 = p
                    .world
                    .areas
                    .iter()
                    .enumerate()
                    .filter(|&(a, _)| {
                        let w = plan.write_region[a].or(plan.routing_order[a].first().copied());
                        w.is_some_and(depends)
                    })
                    .map(|(_, area)| area.share)
                    .sum();
                let down_share = (1.0 - p.scenario.workload.read_fraction) * share.min(1.0);
                if down_share > 0.0 {
                    causes.push(CommonCause {
                        mtbf_h,
                        mttr_h,
                        down_share,
                    });
                }
            }
            Affects::Routing => {}
        }
    }
    causes
}
