//! Zone-aware placement of the active-passive database (`[active_passive.data_zone]`).
//!
//! Why: a zone outage normally costs a region a share of its instances only
//! ([`super::zones`]). But a database lives in *one* zone. When the zone holding it fails,
//! what happens depends on placement: with no other copy in the region, the region has lost
//! its data and is as good as down — the balancer fails over to the other region, with the
//! lost writes and RTO of a region outage; with a synchronous replica in another zone of
//! the same region, that replica takes over after a short in-region failover (writes
//! refused meanwhile, nothing lost, no cross-region promotion).
//!
//! Each region of the active-passive pair (primary and standby) keeps its copy of the
//! database in zone `zone`, plus, with `replica = "other-zone"`, a synchronous replica in
//! the next zone (`zone % zones + 1`). The effect is computed once per run from the
//! run's zone outages (scheduled and random), region by region, in time order:
//!
//! - **no replica**: while the data zone is down, the region is down (an `Outage`
//!   incident over exactly that interval);
//! - **replica**: the *active* copy starts in `zone`. When the active copy's zone fails
//!   while the other copy's zone is up, the other copy becomes active and the region
//!   refuses writes for `failover` (a `WritesRefused` incident); the repaired zone
//!   rejoins as the replica (no failback). While both copies' zones are down the region
//!   is down (an `Outage`), until the first of them is back — whose copy is then active.
//!
//! Without `[active_passive.data_zone]`, or for the other layouts, nothing changes.
//! The annual model's counterpart: a region of the pair is down while its data zones are
//! all down, i.e. the zone level with 1 (no replica) or 2 zones
//! ([`crate::experiment::correlated`]).

use crate::engine::{SimDuration, SimTime};
use crate::scenario::{LayoutKind, ZoneReplica};
use crate::spec::{Effect, Incident, RegionId, Resolved};

/// The zones (from 0) holding copies of the database in a region of `zones` zones:
/// `[zone − 1]`, or with a replica `[zone − 1, zone mod zones]`.
pub fn copy_zones(zone: u32, replica: ZoneReplica, zones: u32) -> Vec<u32> {
    let z = zones.max(1);
    let first = (zone.max(1) - 1) % z;
    match replica {
        ZoneReplica::OtherZone if z >= 2 => vec![first, (first + 1) % z],
        _ => vec![first],
    }
}

/// The incidents that the database placement derives from `incidents` for a run of
/// `layout` (see the module docs): region outages and in-region failovers.
pub fn incidents(spec: &Resolved, layout: LayoutKind, incidents: &[Incident]) -> Vec<Incident> {
    let Some(d) = &spec.scenario.active_passive.data_zone else {
        return Vec::new();
    };
    if layout != LayoutKind::ActivePassive {
        return Vec::new();
    }
    let ap = &spec.active_passive;
    let mut out = Vec::new();
    for region in std::iter::once(ap.primary).chain(ap.standby) {
        let zones = spec.world.regions[region.index()].zones;
        let copies = copy_zones(d.zone, d.replica, zones);
        region_incidents(region, &copies, d.failover, incidents, &mut out);
    }
    out
}

/// One region's derived incidents, from its zone outages in time order (ups before downs
/// at one instant, so a zone back exactly when another fails still holds a copy).
fn region_incidents(
    region: RegionId,
    copies: &[u32],
    failover: SimDuration,
    incidents: &[Incident],
    out: &mut Vec<Incident>,
) {
    // (time, is_up, zone, random)
    let mut edges: Vec<(SimTime, bool, u32, bool)> = Vec::new();
    for inc in incidents {
        if let Effect::ZoneOutage { region: r, zone } = inc.effect {
            let zone = u32::from(zone);
            if r == region && copies.contains(&zone) {
                edges.push((inc.start, false, zone, inc.random));
                edges.push((inc.end, true, zone, inc.random));
            }
        }
    }
    edges.sort_by_key(|e| (e.0, !e.1, e.2));
    // Outages of a zone may overlap (scheduled and random): count them.
    let mut down = vec![0u32; copies.len()];
    let mut active = 0usize;
    let mut outage: Option<(SimTime, bool)> = None;
    for (t, up, zone, random) in edges {
        let Some(k) = copies.iter().position(|&c| c == zone) else {
            continue;
        };
        if up {
            down[k] -= 1;
            if down[k] == 0 {
                if let Some((start, random)) = outage.take() {
                    // The first copy back ends the region's outage and is the active one.
                    active = k;
                    out.push(Incident {
                        effect: Effect::Outage { region },
                        start,
                        end: t,
                        random,
                    });
                }
            }
            continue;
        }
        down[k] += 1;
        if down[k] > 1 || k != active || outage.is_some() {
            continue;
        }
        // The active copy's zone has just failed.
        match (0..copies.len()).find(|&j| down[j] == 0) {
            Some(j) => {
                active = j;
                if !failover.is_zero() {
                    out.push(Incident {
                        effect: Effect::WritesRefused { region },
                        start: t,
                        end: t + failover,
                        random,
                    });
                }
            }
            None => outage = Some((t, random)),
        }
    }
    // Every zone outage ends, so no region outage is left open here.
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zone_out(zone: u16, start: u64, end: u64) -> Incident {
        Incident {
            effect: Effect::ZoneOutage {
                region: RegionId::new(0),
                zone,
            },
            start: SimTime::ZERO + SimDuration::from_secs(start),
            end: SimTime::ZERO + SimDuration::from_secs(end),
            random: false,
        }
    }

    fn derived(copies: &[u32], incs: &[Incident]) -> Vec<(&'static str, u64, u64)> {
        let mut out = Vec::new();
        region_incidents(
            RegionId::new(0),
            copies,
            SimDuration::from_secs(30),
            incs,
            &mut out,
        );
        out.iter()
            .map(|i| {
                let kind = match i.effect {
                    Effect::Outage { .. } => "outage",
                    Effect::WritesRefused { .. } => "failover",
                    _ => "other",
                };
                let s = |t: SimTime| t.since(SimTime::ZERO).as_secs_f64() as u64;
                (kind, s(i.start), s(i.end))
            })
            .collect()
    }

    #[test]
    fn copies_are_the_zone_and_the_next_one() {
        assert_eq!(copy_zones(1, ZoneReplica::None, 3), [0]);
        assert_eq!(copy_zones(2, ZoneReplica::OtherZone, 3), [1, 2]);
        assert_eq!(copy_zones(3, ZoneReplica::OtherZone, 3), [2, 0]);
        assert_eq!(copy_zones(1, ZoneReplica::OtherZone, 1), [0]);
    }

    #[test]
    fn without_a_replica_the_data_zone_outage_is_a_region_outage() {
        let incs = [zone_out(0, 100, 400), zone_out(1, 200, 300)];
        assert_eq!(derived(&[0], &incs), [("outage", 100, 400)]);
    }

    #[test]
    fn a_replica_fails_over_in_the_region_and_only_both_zones_down_is_an_outage() {
        // Zone 0 (active) fails at 100: failover to zone 1 (writes refused 30 s). Zone 1
        // fails at 200 while zone 0 is still down: the region is down until zone 0 is
        // back at 300, whose copy is then active; zone 1's repair at 500 changes nothing,
        // and zone 1's next outage (it is the replica now) costs no failover.
        let incs = [
            zone_out(0, 100, 300),
            zone_out(1, 200, 500),
            zone_out(1, 600, 700),
            zone_out(2, 50, 900),
        ];
        assert_eq!(
            derived(&[0, 1], &incs),
            [("failover", 100, 130), ("outage", 200, 300)]
        );
        // The replica's zone failing alone costs nothing.
        assert_eq!(derived(&[0, 1], &[zone_out(1, 10, 20)]), []);
    }
}
