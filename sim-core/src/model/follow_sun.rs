//! Follow-the-sun: the write primary moves between the primary and the standby
//! (active-passive), or a shard's between its home and its standby (sharded), on a daily
//! schedule, each move a *planned* failover of that failover group.
//!
//! Why: users want writes close to whoever is awake; the price is a short write outage
//! at each switch and, if the switch does not wait for replication, lost writes.
//!
//! A switch to region `new` scheduled at `t` (`[active_passive.follow_the_sun]`,
//! `docs/failures.md`):
//!
//! 1. **drain** `[t, t + drain)`: the old primary refuses writes (`unavailable`, retried
//!    by clients), so that its replication stream to `new` empties; reads go on;
//! 2. at `t + drain` the standby is **promoted** exactly as in a failover (the balancer's
//!    answers change, clients follow as their DNS caches expire; the old primary, now the
//!    standby, is fenced) — but the old primary is healthy, so nothing is lost unless
//!    writes it acknowledged had not reached `new` by then: those are counted as lost
//!    writes with their age as RPO (a switch with `drain = "0s"`, or a drain shorter than
//!    the replication lag plus the one-way delay).
//!
//! The schedule is generated once per run from the simulated clock's UTC hour
//! (`start_utc_hour`): each day, at each entry whose region differs from the previous
//! entry's, plus at time zero when the schedule's leader differs from the configured
//! primary. A switch is skipped when `new` already leads (after a failover) or is down.
//! The standby must be hot. Only the active-passive layout moves; `compare` runs the
//! other layouts unchanged (their regions never refuse writes for it).

use super::requests::{Ev, RequestModel};
use crate::engine::{Scheduler, SimDuration, SimTime};
use crate::scenario::LayoutKind;
use crate::spec::{Effect, FollowTheSunSpec, Incident, RegionId, Resolved};

/// The run's switches: `(promotion instant, group home, new primary)`, in time order.
#[derive(Clone, Debug, Default)]
pub struct Sun {
    switches: Vec<(SimTime, usize, usize)>,
    /// Planned switches done.
    pub handovers: u64,
}

impl Sun {
    /// The switches of a run of `layout` up to `horizon`, and the drain incidents they
    /// need (the old primary refusing writes): the active-passive pair's, or every moving
    /// shard's (`sharded.follow_the_sun`).
    pub fn plan(spec: &Resolved, layout: LayoutKind, horizon: SimTime) -> (Sun, Vec<Incident>) {
        let pairs: Vec<(RegionId, RegionId, &FollowTheSunSpec)> = match layout {
            LayoutKind::ActivePassive => {
                match (&spec.follow_the_sun, spec.active_passive.standby) {
                    (Some(f), Some(sb)) => vec![(spec.active_passive.primary, sb, f)],
                    _ => Vec::new(),
                }
            }
            LayoutKind::Sharded => spec
                .sharded
                .follow_the_sun
                .iter()
                .map(|x| (x.home, x.standby, &x.sun))
                .collect(),
            LayoutKind::ActiveActive => Vec::new(),
        };
        let start_h = spec.scenario.start_utc_hour;
        let mut drains = Vec::new();
        let mut switches = Vec::new();
        for (home, standby, f) in pairs {
            let other = |r: RegionId| if r == home { standby } else { home };
            for (t, new) in switch_times(&f.schedule, home, start_h, horizon) {
                if !f.drain.is_zero() {
                    drains.push(Incident {
                        effect: Effect::WritesRefused { region: other(new) },
                        start: t,
                        end: t + f.drain,
                        random: false,
                    });
                }
                switches.push((t + f.drain, home.index(), new.index()));
            }
        }
        // Shards' switches interleave: in time order (stable: same instant, home order).
        switches.sort_by_key(|x| x.0);
        (
            Sun {
                switches,
                handovers: 0,
            },
            drains,
        )
    }
}

/// When the leader of `schedule` changes over `[0, horizon)` for a clock starting at UTC
/// hour `start_h`, and to whom: each day at each entry whose region differs from the
/// previous entry's, plus at time zero when the leader then is not `first`.
fn switch_times(
    schedule: &[(f64, RegionId)],
    first: RegionId,
    start_h: f64,
    horizon: SimTime,
) -> Vec<(SimTime, RegionId)> {
    let Some(last) = schedule.last() else {
        return Vec::new();
    };
    let lead_at = |h: f64| {
        let h = h.rem_euclid(24.0);
        schedule.iter().rev().find(|e| e.0 <= h).unwrap_or(last).1
    };
    let mut times: Vec<(SimTime, RegionId)> = Vec::new();
    if lead_at(start_h) != first {
        times.push((SimTime::ZERO, lead_at(start_h)));
    }
    if schedule.iter().all(|e| e.1 == last.1) {
        return times; // the leader never changes
    }
    let hour_ns = SimDuration::from_hours(1).as_nanos() as f64;
    for day in 0.. {
        let mut past = false;
        for (k, &(h, region)) in schedule.iter().enumerate() {
            let prev = if k == 0 { last.1 } else { schedule[k - 1].1 };
            let offset_h = day as f64 * 24.0 + h - start_h;
            if offset_h <= 0.0 {
                continue;
            }
            let t = SimTime::ZERO + SimDuration::from_nanos((offset_h * hour_ns) as u64);
            if t >= horizon {
                past = true;
                break;
            }
            if region != prev {
                times.push((t, region));
            }
        }
        // Validation bounds the handovers of a run (`spec::resolve::sun::MAX_HANDOVERS`),
        // so this ends within the horizon's days.
        if past {
            break;
        }
    }
    times
}

impl RequestModel<'_> {
    /// Schedules the switches.
    pub(super) fn start_follow_the_sun(&mut self, sched: &mut Scheduler<Ev>) {
        for (k, &(t, _, _)) in self.sun.switches.iter().enumerate() {
            if t < self.arrivals_end {
                sched.schedule_at(t, Ev::Handover(k as u32));
            }
        }
    }

    /// Switch `k`: promote its region if it is its group's healthy standby.
    pub(super) fn on_handover(&mut self, sched: &mut Scheduler<Ev>, k: usize) {
        let now = sched.now();
        let (_, home, new) = self.sun.switches[k];
        let Some(g) = self.control.groups.iter().position(|g| g.home == home) else {
            return;
        };
        let grp = &self.control.groups[g];
        let old = grp.primary;
        if old == new || grp.standby != Some(new) || grp.promoting || self.cond.is_down(new) {
            return;
        }
        // Writes the old primary acknowledged that have not reached the new one are lost.
        let risk = self.take_at_risk(old, now);
        self.lose(risk, now);
        self.control.promote(g);
        self.replicas[new] = vec![old];
        self.replicas[old].clear();
        self.sun.handovers += 1;
        self.control.refresh(self.world, self.plan, now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn switches_go_on_for_the_whole_run_however_long() {
        // Before #20's hostile pass, switches stopped silently after 400 days.
        let (a, b) = (RegionId::new(0), RegionId::new(1));
        let schedule = [(7.0, b), (13.0, a)];
        let horizon = SimTime::ZERO + SimDuration::from_hours(24 * 900);
        let times = switch_times(&schedule, a, 0.0, horizon);
        assert_eq!(times.len(), 2 * 900);
        let last = times.last().unwrap();
        assert_eq!(
            last.0,
            SimTime::ZERO + SimDuration::from_hours(24 * 899 + 13)
        );
        assert_eq!(last.1, a);
    }

    #[test]
    fn a_schedule_that_never_changes_leader_switches_at_most_once() {
        let (a, b) = (RegionId::new(0), RegionId::new(1));
        let horizon = SimTime::MAX;
        assert_eq!(
            switch_times(&[(7.0, b), (13.0, b)], a, 0.0, horizon).len(),
            1
        );
        assert!(switch_times(&[(7.0, a)], a, 0.0, horizon).is_empty());
    }
}
