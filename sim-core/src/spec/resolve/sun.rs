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
    let horizon_h = horizon_hours(r.scenario);
    bounds(r, fp, f, &schedule, horizon_h);
    FollowTheSunSpec {
        schedule,
        drain: f.drain,
    }
}

/// Most handovers one run may hold (each a scheduled event and a drain incident).
pub const MAX_HANDOVERS: f64 = 1e6;

/// The hours from the start of the UTC day of time zero to the end of the run.
fn horizon_hours(s: &Scenario) -> f64 {
    s.start_utc_hour + (s.warmup + s.duration).as_secs_f64() / 3600.0
}

/// The hours (ascending, in [0, 24)) at which the leader of a sorted `schedule` changes.
pub(crate) fn change_hours(schedule: &[(f64, RegionId)]) -> Vec<f64> {
    let Some(last) = schedule.last() else {
        return Vec::new();
    };
    let mut prev = last.1;
    let mut out = Vec::new();
    for &(h, id) in schedule {
        if id != prev {
            out.push(h);
        }
        prev = id;
    }
    out
}

/// A drain must end before the next handover starts, and a run may hold at most
/// [`MAX_HANDOVERS`] of them; both are errors at the field to change.
fn bounds(
    r: &mut Resolver<'_>,
    fp: &FieldPath,
    f: &FollowTheSun,
    schedule: &[(f64, RegionId)],
    horizon_h: f64,
) {
    let changes = change_hours(schedule);
    let n = changes.len();
    if n == 0 {
        return;
    }
    let day = 24.0;
    let (gap, from, to) = (0..n)
        .map(|k| {
            let (a, b) = (changes[k], changes[(k + 1) % n]);
            (
                (b - a).rem_euclid(day).max(if n == 1 { day } else { 0.0 }),
                a,
                b,
            )
        })
        .min_by(|x, y| x.0.total_cmp(&y.0))
        .unwrap_or((day, 0.0, 0.0));
    let gap_d = crate::engine::SimDuration::from_secs_f64(gap * 3600.0);
    if f.drain >= gap_d {
        r.errors.push(FieldError::new(
            fp.key("drain"),
            format!(
                "is {}, but the handovers at {from} and {to} (UTC hours) are only {gap_d} apart: \
                 the next handover would start while this one still drains; give a drain \
                 shorter than {gap_d}",
                f.drain
            ),
        ));
    }
    let total = (horizon_h / day).ceil() * n as f64;
    if total > MAX_HANDOVERS {
        r.errors.push(FieldError::new(
            FieldPath::root().key("duration"),
            format!(
                "the follow-the-sun schedule moves the primary {n} times a day, about {total:.0} \
                 times over this run: more than the limit of {MAX_HANDOVERS:.0}; shorten the \
                 run (warm-up + duration) or move the primary less often"
            ),
        ));
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
