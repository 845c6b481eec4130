//! The control plane: what the global load balancer believes and what clients resolve.
//!
//! - **Health checks.** Every region is probed every `interval` (a fixed phase per region
//!   drawn from the run's stream `("health", region)`). A probe succeeds after its round
//!   trip — [`PROBE_ROUND_TRIP`](super::reactions::PROBE_ROUND_TRIP) × the region's
//!   slowdown factor — if the region is up and that is within `timeout`; otherwise it
//!   fails when `timeout` expires (a dead region never answers). After
//!   `failure_threshold` consecutive failures the balancer marks the region unhealthy, and
//!   after as many successes healthy again. Probes hit a cheap health endpoint, so a
//!   moderately slow region (gray failure) or a partition between users and a region is
//!   not detected.
//! - **DNS.** The balancer's answer for an area is the first healthy region in the
//!   routing order (active-active), the group's current primary (active-passive, sharded),
//!   or for nearest reads the nearer healthy member. When an answer changes at `c`,
//!   clients keep the old one until their cached entry expires. Clients are many and each
//!   request comes from its own client, whose cache age at `c` is uniform over the TTL (a
//!   stationary renewal process): it is drawn once per request as `u` ∈ [0, 1), so that
//!   client's entry expires at `c + (1 − u) × TTL`, and **every attempt of the request,
//!   retries included, uses the old answer until then** — a retry cannot escape a stale
//!   cache by luck. A request at `c + x` thus uses the old answer with probability
//!   `max(0, 1 − x / TTL)` (the drain curve), and one whose attempts span `D` seconds
//!   reaches only the old answer with probability `max(0, 1 − (x + D) / TTL)`.
//! - **Failover groups.** Active-passive has one group {primary, standby}; sharded has one
//!   per home region with a standby. When the balancer marks a group's primary unhealthy
//!   and its standby is healthy, the standby is promoted after `failover.promotion`.
//!   There is no automatic failback: the repaired region rejoins as the standby.
//! - **Fencing.** Only a group's current primary accepts its areas' writes. A demoted
//!   primary — back from its outage and reached by clients whose cached answer still
//!   names it — refuses them (the client sees an error, `unavailable`), so no write is
//!   acknowledged where the new primary never sees it. Reads are still served there.

use super::layout::Plan;
use crate::engine::{SimDuration, SimTime};
use crate::metrics::Kind;
use crate::spec::{Resolved, World};

/// A primary with an optional standby that can take over.
#[derive(Clone, Debug)]
pub struct Group {
    /// The region that was the primary at the start (a shard's home): names the group.
    pub home: usize,
    pub primary: usize,
    pub standby: Option<usize>,
    pub promoting: bool,
}

#[derive(Clone, Copy, Debug)]
struct Answer {
    read: usize,
    write: usize,
    prev_read: usize,
    prev_write: usize,
    changed_at: Option<SimTime>,
}

/// Health view, DNS answers and failover groups; see the module docs.
pub struct Control {
    reads_nearest: bool,
    ttl: SimDuration,
    threshold: u32,
    pub healthy: Vec<bool>,
    streak: Vec<u32>,
    answers: Vec<Answer>,
    pub groups: Vec<Group>,
    /// Per area: its failover group (active-passive, sharded).
    group_of_area: Vec<Option<usize>>,
}

impl Control {
    pub fn new(spec: &Resolved, plan: &Plan) -> Self {
        let (w, s) = (&spec.world, &spec.scenario);
        let n = w.n_regions();
        let mut groups: Vec<Group> = Vec::new();
        let mut group_of_area = vec![None; w.areas.len()];
        // Layouts that fail over: one group per home region (the region an area's writes
        // go to), in the order areas first name them; active-passive has one.
        if plan.behaviour.failover.is_some() {
            for (a, g) in group_of_area.iter_mut().enumerate() {
                let Some(home) = plan.write_region[a] else {
                    continue;
                };
                let idx = match groups.iter().position(|x| x.primary == home) {
                    Some(i) => i,
                    None => {
                        groups.push(Group {
                            home,
                            primary: home,
                            standby: plan.replicas[home].first().copied(),
                            promoting: false,
                        });
                        groups.len() - 1
                    }
                };
                *g = Some(idx);
            }
        }
        let mut c = Control {
            reads_nearest: plan.behaviour.reads_nearest_standby,
            ttl: s.routing.dns_ttl,
            threshold: s.routing.health_check.failure_threshold.max(1),
            healthy: vec![true; n],
            streak: vec![0; n],
            answers: Vec::new(),
            groups,
            group_of_area,
        };
        c.answers = (0..w.areas.len())
            .map(|a| {
                let (read, write) = c.compute(w, plan, a);
                Answer {
                    read,
                    write,
                    prev_read: read,
                    prev_write: write,
                    changed_at: None,
                }
            })
            .collect();
        c
    }

    fn compute(&self, w: &World, plan: &Plan, a: usize) -> (usize, usize) {
        match self.group_of_area[a] {
            Some(g) => {
                let grp = &self.groups[g];
                let write = grp.primary;
                let read = match (self.reads_nearest, grp.standby) {
                    (true, Some(sb)) => {
                        let cands = [write, sb];
                        let healthy: Vec<usize> =
                            cands.iter().copied().filter(|&r| self.healthy[r]).collect();
                        let pool = if healthy.is_empty() {
                            cands.to_vec()
                        } else {
                            healthy
                        };
                        pool.into_iter()
                            .min_by_key(|&r| (w.user_rtt(a, r), r))
                            .unwrap_or(write)
                    }
                    _ => write,
                };
                (read, write)
            }
            None => {
                let order = &plan.routing_order[a];
                let r = order
                    .iter()
                    .copied()
                    .find(|&r| self.healthy[r])
                    .unwrap_or(order[0]);
                (r, r)
            }
        }
    }

    /// Recomputes every area's answer at `now`; returns whether any changed.
    pub fn refresh(&mut self, w: &World, plan: &Plan, now: SimTime) -> bool {
        let mut any = false;
        for a in 0..self.answers.len() {
            let (read, write) = self.compute(w, plan, a);
            let ans = &mut self.answers[a];
            if (read, write) != (ans.read, ans.write) {
                ans.prev_read = ans.read;
                ans.prev_write = ans.write;
                ans.read = read;
                ans.write = write;
                ans.changed_at = Some(now);
                any = true;
            }
        }
        any
    }

    /// The region a client of `area` sends a request of `kind` to at `now`; `u` is the
    /// request's cache age as a fraction of the TTL (uniform, drawn once per request): the
    /// client holds the previous answer while `now < changed_at + (1 − u) × TTL`.
    pub fn resolve(&self, area: usize, kind: Kind, now: SimTime, u: f64) -> usize {
        let a = &self.answers[area];
        let (cur, prev) = match kind {
            Kind::Read => (a.read, a.prev_read),
            Kind::Write => (a.write, a.prev_write),
        };
        match a.changed_at {
            Some(c) if !self.ttl.is_zero() => {
                let x = now.since(c).as_secs_f64() / self.ttl.as_secs_f64();
                if x < 1.0 && u < 1.0 - x {
                    prev
                } else {
                    cur
                }
            }
            _ => cur,
        }
    }

    /// Whether `region` accepts writes of `area`'s users: in a failover group only the
    /// current primary does (fencing); without groups every region does.
    pub fn accepts_writes(&self, area: usize, region: usize) -> bool {
        self.group_of_area[area].is_none_or(|g| self.groups[g].primary == region)
    }

    /// The current answers of `area` (read, write) — what the balancer would say now.
    pub fn current(&self, area: usize) -> (usize, usize) {
        (self.answers[area].read, self.answers[area].write)
    }

    /// Records a probe of `region`; returns `true` if the balancer's view flipped.
    pub fn probe(&mut self, region: usize, ok: bool) -> bool {
        if ok == self.healthy[region] {
            self.streak[region] = 0;
            return false;
        }
        self.streak[region] += 1;
        if self.streak[region] >= self.threshold {
            self.healthy[region] = ok;
            self.streak[region] = 0;
            return true;
        }
        false
    }

    /// Groups whose primary is `region` and whose healthy standby should be promoted.
    pub fn groups_to_promote(&mut self, region: usize) -> Vec<usize> {
        let mut out = Vec::new();
        for (i, g) in self.groups.iter_mut().enumerate() {
            if g.primary == region && !g.promoting && g.standby.is_some_and(|s| self.healthy[s]) {
                g.promoting = true;
                out.push(i);
            }
        }
        out
    }

    /// Completes the promotion of group `g`: the standby becomes the primary and the old
    /// primary its standby. Returns (old primary, new primary).
    pub fn promote(&mut self, g: usize) -> Option<(usize, usize)> {
        let grp = &mut self.groups[g];
        grp.promoting = false;
        let sb = grp.standby?;
        let old = grp.primary;
        grp.primary = sb;
        grp.standby = Some(old);
        Some((old, sb))
    }
}
