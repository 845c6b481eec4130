//! Availability zones: a region's instances spread over `z` zones, a zone that fails
//! takes its share of the capacity and the work in service on it.
//!
//! Why a zone level: most real regional incidents are one zone failing, not the whole
//! region. A region with N+1 headroom across zones rides one out at reduced capacity
//! (an M/M/c station becomes M/M/(c·(z−1)/z) while it lasts — `tests/zones.rs` checks
//! that against Erlang C); one without headroom queues, times out and retries.
//!
//! Assumptions and parameters:
//! - **Placement.** `c` instances over `z` zones, evenly: zone `k` (from 0) holds
//!   `⌊c/z⌋ + [k < c mod z]` ([`zone_instances`]). Whenever a region's base capacity
//!   changes (scale-up after promotion, autoscaling) the new count is spread the same way.
//! - **Capacity.** While zones are down the region runs the instances of its zones that
//!   are up ([`surviving`]), then times the capacity-loss factor of any `capacity-loss`.
//! - **Work lost.** The region's queue sits in front of its zones (a regional load
//!   balancer holds it), so waiting requests are not lost: they wait for the surviving
//!   instances. Requests *in service* on the failed zone are lost: at the failure, the
//!   zone's share of the busy servers, `round(busy × c_k / c_up)`, is taken out of
//!   service, and that many of the region's next service completions are dropped without
//!   an answer (their clients time out and retry, as in a region outage). Under
//!   exponential service the next completions are a uniformly random subset of the jobs
//!   in service, so the lost requests are a fair sample; their number is exact.
//! - **All zones down** is a region outage (probes fail, failover, lost writes), ending
//!   when the first zone is back.
//! - **Random zone failures** (`[random_failures.zones] mtbf, mttr`, with
//!   `random_failures.enabled`): every zone of every region alternates exponential
//!   up-times (stream `("zone-failures", region × 64 + zone)`) and repairs (stream
//!   `("zone-repairs", …)`), independent of each other and of region outages.
//! - **Annual model.** A region counts as down there while it is down itself or all its
//!   zones are; see [`region_rates_with_zones`].

use super::requests::RequestModel;
use crate::engine::{SimDuration, SimTime, Streams};
use crate::spec::{Effect, Incident, RegionId, Resolved};
use rand_distr::{Distribution, Exp1};

/// Instances of zone `k` (from 0) when `c` instances are spread evenly over `z` zones.
pub fn zone_instances(c: u32, z: u32, k: u32) -> u32 {
    let z = z.max(1);
    c / z + u32::from(k < c % z)
}

/// Instances of the zones that are up, `down(k)` telling whether zone `k` is down.
pub fn surviving(c: u32, z: u32, down: impl Fn(u32) -> bool) -> u32 {
    (0..z.max(1))
        .filter(|&k| !down(k))
        .map(|k| zone_instances(c, z, k))
        .sum()
}

/// Random zone outages over `[0, horizon)`, appended to `out` region by region, zone by
/// zone; nothing unless `[random_failures]` is enabled and has `zones` rates.
pub fn random_incidents(spec: &Resolved, seed: u64, horizon: SimTime, out: &mut Vec<Incident>) {
    let rf = &spec.scenario.random_failures;
    let Some(rates) = rf.zones.as_ref().filter(|_| rf.enabled) else {
        return;
    };
    let streams = Streams::new(seed);
    for (r, reg) in spec.world.regions.iter().enumerate() {
        for k in 0..reg.zones {
            let key = r as u64 * 64 + u64::from(k);
            let mut up = streams.stream("zone-failures", key);
            let mut repair = streams.stream("zone-repairs", key);
            let mut t = SimTime::ZERO;
            loop {
                let e1: f64 = Exp1.sample(&mut up);
                t += rates.mtbf.mul_f64(e1);
                if t >= horizon {
                    break;
                }
                let e2: f64 = Exp1.sample(&mut repair);
                let end = t + rates.mttr.mul_f64(e2).max(SimDuration::from_secs(1));
                out.push(Incident {
                    effect: Effect::ZoneOutage {
                        region: RegionId::new(r),
                        zone: k as u16,
                    },
                    start: t,
                    end,
                    random: true,
                });
                t = end;
            }
        }
    }
}

/// Per region: requests in service on a failed zone whose completions are still to be
/// dropped (see the module docs).
#[derive(Clone, Debug, Default)]
pub struct ZoneWork {
    lost: Vec<u32>,
}

impl ZoneWork {
    pub fn new(regions: usize) -> Self {
        ZoneWork {
            lost: vec![0; regions],
        }
    }

    /// A region outage forgets every job in service: nothing is left to drop.
    pub fn clear(&mut self, region: usize) {
        self.lost[region] = 0;
    }

    /// Whether the next completion at `region` belongs to a lost job (and books it).
    #[inline]
    pub fn take(&mut self, region: usize) -> bool {
        match self.lost.get_mut(region) {
            Some(n) if *n > 0 => {
                *n -= 1;
                true
            }
            _ => false,
        }
    }
}

impl RequestModel<'_> {
    /// The instances region `region` runs from `base` with its zones' state.
    pub(super) fn zone_capacity(&self, region: usize, base: u32) -> u32 {
        let z = self.world.regions[region].zones;
        surviving(base, z, |k| self.cond.zone_is_down(region, k))
    }

    /// Zone `zone` of `region` has just failed (the region is still up): takes its share
    /// of the jobs in service out of service. Call before the capacity is reapplied.
    pub(super) fn zone_failed(&mut self, now: SimTime, region: usize, zone: u32) {
        let z = self.world.regions[region].zones;
        let base = self.base_servers[region];
        // Zones up before this one failed: the surviving set plus this zone.
        let before = surviving(base, z, |k| k != zone && self.cond.zone_is_down(region, k));
        let share = if before > 0 {
            f64::from(zone_instances(base, z, zone)) / f64::from(before)
        } else {
            0.0
        };
        let busy = self.stations[region].busy();
        let lost = ((f64::from(busy) * share).round() as u32).min(busy);
        self.stations[region].abort_some(now, lost);
        self.zone_work.lost[region] += lost;
    }
}

/// `(MTBF, MTTR)` in hours of a region whose own rates are `(mtbf_h, mttr_h)` and whose
/// `z` zones fail independently with `zone = (MTBF, MTTR)` hours: the two-state
/// equivalent of "down while the region is down or all its zones are" by the
/// frequency-and-duration method.
///
/// With `u = MTTR_z/(MTBF_z + MTTR_z)`, all zones are down with probability `P = uᶻ`,
/// entered at frequency `f_z = z (1 − u) u^(z−1) / MTBF_z` (from exactly one zone up).
/// The region itself is up with `a_r` and fails at `λ_r = 1/MTBF_r`. The series system
/// is up with `A = a_r (1 − P)`, entered down at `f = a_r (λ_r (1 − P) + f_z)`; its
/// equivalent MTBF is `A / f` and MTTR `(1 − A) / f`.
pub fn region_rates_with_zones(mtbf_h: f64, mttr_h: f64, z: u32, zone: (f64, f64)) -> (f64, f64) {
    let (zb, zr) = zone;
    let u = zr / (zb + zr);
    let z = z.max(1) as i32;
    let p = u.powi(z);
    let f_z = f64::from(z) * (1.0 - u) * u.powi(z - 1) / zb;
    series(mtbf_h, mttr_h, 1.0 - p, f_z)
}

/// The equivalent `(MTBF, MTTR)` of a component with `(mtbf_h, mttr_h)` in series with an
/// independent subsystem that is up with probability `a2` and fails at frequency `f2`
/// per hour (see [`region_rates_with_zones`]).
pub fn series(mtbf_h: f64, mttr_h: f64, a2: f64, f2: f64) -> (f64, f64) {
    let a1 = mtbf_h / (mtbf_h + mttr_h);
    let a = a1 * a2;
    let f = a1 * (a2 / mtbf_h + f2);
    if f <= 0.0 {
        return (mtbf_h, mttr_h);
    }
    (a / f, (1.0 - a) / f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instances_spread_evenly_and_sum_to_the_region() {
        assert_eq!(
            (0..3).map(|k| zone_instances(8, 3, k)).collect::<Vec<_>>(),
            [3, 3, 2]
        );
        assert_eq!(surviving(8, 3, |k| k == 0), 5);
        assert_eq!(surviving(9, 3, |k| k == 2), 6);
        assert_eq!(surviving(2, 3, |_| false), 2);
        for c in 0..40 {
            for z in 1..7 {
                assert_eq!(surviving(c, z, |_| false), c);
            }
        }
    }

    #[test]
    fn the_zone_level_matches_hand_computed_unavailability() {
        // A region that never fails on its own (MTBF huge) with two zones, each 1000 h up,
        // 10 h down: all down with u² where u = 10/1010; entered at 2 (1 − u) u / 1000.
        let (b, r) = region_rates_with_zones(1e12, 1.0, 2, (1000.0, 10.0));
        let u = 10.0 / 1010.0;
        let unavailability = r / (b + r);
        assert!((unavailability - u * u).abs() < 1e-9, "{unavailability}");
        // Mean time all-down lasts: 1/(2μ) = 5 h.
        assert!((r - 5.0).abs() < 1e-6, "{r}");
        // No zone effect with one very reliable zone: the region's own rates come back.
        let (b, r) = region_rates_with_zones(8000.0, 3.0, 1, (1e15, 1e-9));
        assert!((b - 8000.0).abs() / 8000.0 < 1e-6 && (r - 3.0).abs() < 1e-6);
    }
}
