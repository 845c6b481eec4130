//! Follow-the-sun schedules resolved: the active-passive pair's, and each moving shard's
//! (`sharded.follow_the_sun`: a shard moves between its home and its standby).
//!
//! One rule for both: a written schedule as is, or — `daytime = true` — for each UTC hour
//! the one of the two regions whose nearest users (of the shard's areas, for a shard) are
//! most in daytime at the half hour.

use super::Resolver;
use crate::scenario::{FieldError, FieldPath, FollowTheSun, Handover, Scenario};
use crate::spec::{FollowTheSunSpec, RegionId, ShardSun, World};

/// Local hours counted as daytime for follow-the-sun: [8, 20).
const DAY: (f64, f64) = (8.0, 20.0);

/// The follow-the-sun schedule of the pair `(p, sb)`: `entries` (index in the schedule,
/// entry) as written, or — `daytime = true` — for each UTC hour the one of `p` and `sb`
/// whose nearest users among the areas `counts` accepts (by user RTT) are most in daytime
/// at the half hour (ties keep the region that led the hour before), as changes only.
pub(super) fn schedule(
    r: &mut Resolver<'_>,
    fp: &FieldPath,
    f: &FollowTheSun,
    entries: &[(usize, &Handover)],
    w: &World,
    (p, sb): (RegionId, RegionId),
    counts: &dyn Fn(usize) -> bool,
) -> FollowTheSunSpec {
    let mut schedule: Vec<(f64, RegionId)> = entries
        .iter()
        .filter_map(|&(i, h)| {
            let id = r.region(fp.key("schedule").index(i).key("primary"), &h.primary)?;
            Some((h.utc_hour, id))
        })
        .collect();
    if f.daytime {
        let daytime = |hour: f64, region: RegionId| -> f64 {
            w.area_ids()
                .filter(|&a| {
                    let near =
                        if w.user_rtt(a.index(), p.index()) <= w.user_rtt(a.index(), sb.index()) {
                            p
                        } else {
                            sb
                        };
                    let local = (hour + w.areas[a.index()].utc_offset_hours).rem_euclid(24.0);
                    counts(a.index()) && near == region && local >= DAY.0 && local < DAY.1
                })
                .map(|a| w.areas[a.index()].share)
                .sum()
        };
        let mut lead = p;
        for h in 0..24 {
            let at = h as f64 + 0.5;
            let (dp, ds) = (daytime(at, p), daytime(at, sb));
            let best = if dp > ds {
                p
            } else if ds > dp {
                sb
            } else {
                lead
            };
            if best != lead || schedule.is_empty() {
                schedule.push((h as f64, best));
            }
            lead = best;
        }
    }
    schedule.sort_by(|a, b| a.0.total_cmp(&b.0));
    FollowTheSunSpec {
        schedule,
        drain: f.drain,
    }
}

/// The moving shards of `sharded.follow_the_sun`, in the order of their homes' region
/// ids: with a schedule, each home an entry names; with `daytime = true`, every home.
/// An entry whose shard is not a home, whose home has no standby, or whose primary is
/// neither is an error at its field.
pub(super) fn sharded(
    r: &mut Resolver<'_>,
    s: &Scenario,
    w: &World,
    homes: &[RegionId],
) -> Vec<ShardSun> {
    let Some(f) = &s.sharded.follow_the_sun else {
        return Vec::new();
    };
    let fp = FieldPath::root().key("sharded").key("follow_the_sun");
    let mut by_home: std::collections::BTreeMap<RegionId, Vec<(usize, &Handover)>> =
        Default::default();
    for (i, h) in f.schedule.iter().enumerate() {
        let hp = fp.key("schedule").index(i);
        let Some(id) = h.shard.as_deref() else {
            continue; // reported by the scenario's checks
        };
        let Some(home) = r.region(hp.key("shard"), id) else {
            continue;
        };
        if !homes.contains(&home) {
            r.errors.push(FieldError::new(
                hp.key("shard"),
                format!(
                    "`{id}` is no shard's home (homes: {}): name a shard by its home region",
                    home_names(w, homes)
                ),
            ));
            continue;
        }
        by_home.entry(home).or_default().push((i, h));
    }
    if f.daytime {
        for &h in homes {
            by_home.entry(h).or_default();
        }
    }
    let mut out = Vec::new();
    for (home, entries) in by_home {
        let Some(standby) = w.shard_standby(home.index()).map(RegionId::new) else {
            let at = entries.first().map_or(fp.key("daytime"), |e| {
                fp.key("schedule").index(e.0).key("shard")
            });
            r.errors.push(FieldError::new(
                at,
                format!(
                    "the shard homed at `{}` has no standby (no other deployed region of its \
                     jurisdiction), so it cannot move",
                    w.regions[home.index()].id
                ),
            ));
            continue;
        };
        let mut bad = false;
        for &(i, h) in &entries {
            let primary = r.region(fp.key("schedule").index(i).key("primary"), &h.primary);
            if primary.is_some_and(|x| x != home && x != standby) {
                bad = true;
                r.errors.push(FieldError::new(
                    fp.key("schedule").index(i).key("primary"),
                    format!(
                        "`{}` is neither the shard's home ({}) nor its standby ({}): a shard \
                         moves between those two",
                        h.primary,
                        w.regions[home.index()].id,
                        w.regions[standby.index()].id
                    ),
                ));
            }
        }
        if bad {
            continue;
        }
        let counts = |a: usize| homes.get(a) == Some(&home);
        let sun = schedule(r, &fp, f, &entries, w, (home, standby), &counts);
        out.push(ShardSun { home, standby, sun });
    }
    out
}

fn home_names(w: &World, homes: &[RegionId]) -> String {
    let set: std::collections::BTreeSet<&str> = homes
        .iter()
        .map(|h| w.regions[h.index()].id.as_str())
        .collect();
    set.into_iter().collect::<Vec<_>>().join(", ")
}
