//! Committing a write and replicating it; what a failure leaves unreplicated.
//!
//! A write commits at its origin region when served. Each replica applies it after the
//! one-way delay (× any link slowdown), plus the replication lag when asynchronous:
//!
//! - **asynchronous** (active-passive, sharded standby, async multi-master): acknowledged
//!   at commit; a replica that is down or cut off applies it when the link is back;
//! - **synchronous** (active-active sync-all / sync-quorum): acknowledged when `quorum − 1`
//!   replicas have applied it and their answers have come back (a round trip each);
//!   replicas that are down or cut off do not answer. The origin sees at once which of
//!   its replicas it can reach (its replication links are down or blocked); if too few
//!   can answer, it refuses the write with an error and the client sees `unavailable`
//!   (after its retries) instead of waiting out its timeout. An acknowledged synchronous write with a
//!   quorum of at least 2 therefore always exists on a second region. A replica that missed
//!   a write catches up when it can reach the origin again (one-way delay after the outage
//!   or partition ends), so it does not serve stale data for ever after its recovery.
//!
//! An acknowledged write is *at risk* while no replica holds it. When its origin fails,
//! the writes at risk at that instant are **lost** if the system fails over without them
//! (active-passive and sharded promotion; async multi-master with
//! `async_recovery = "lost"`). RPO is the age of the oldest such write at the failure.

use super::layout::Ack;
use super::requests::RequestModel;
use crate::engine::{SimDuration, SimTime};
use crate::scenario::AsyncRecovery;

/// Totals about writes and failures beyond the recorder.
#[derive(Clone, Debug, Default)]
pub struct WriteStats {
    /// Measured writes committed at their origin.
    pub committed: u64,
    /// Σ over committed writes of Σ over their replicas of the transfer price (USD/GB).
    pub replica_usd_per_gb: f64,
    /// Per area: measured writes committed and Σ of their replica transfer prices
    /// (USD/GB), for [`cost`](super::cost::cost) to weigh areas by their whole day.
    pub by_area: Vec<(u64, f64)>,
    /// Concurrent writes to one key from different regions (asynchronous multi-master).
    pub conflicts: u64,
    /// Acknowledged writes that were lost in a failover (never reached a surviving copy).
    pub lost_writes: u64,
    /// Age of the oldest lost acknowledged write at its failure.
    pub rpo: SimDuration,
    /// Failovers completed (promotions).
    pub failovers: u64,
    /// Write attempts of measured requests refused by a demoted primary (fencing; their
    /// requests end `unavailable` unless a retry reaches the new primary).
    pub fenced: u64,
    /// Acknowledged writes that no other region held when their origin failed — lost or
    /// not depending on what happens next. Always 0 with synchronous quorums ≥ 2.
    pub exposed: u64,
}

/// An acknowledged write that no replica held yet when it was committed.
#[derive(Clone, Copy, Debug)]
pub struct Pending {
    pub commit: SimTime,
    pub acked: SimTime,
    /// When the first replica applies it.
    pub durable_at: SimTime,
    pub measured: bool,
}

impl RequestModel<'_> {
    /// Commits a write at `origin`; returns when it is acknowledged, or `None` if its
    /// quorum cannot be reached. By stage: send it to the replicas, find when enough of
    /// them answered, book it, keep it at risk until a replica holds it, track the key.
    pub(super) fn commit(
        &mut self,
        now: SimTime,
        origin: usize,
        area: usize,
        key: u64,
        measured: bool,
    ) -> Option<SimTime> {
        let price = self.replicate(now, origin);
        let acked = self.acked_at(now)?;
        if measured {
            self.book(now, origin, area, key, price);
        }
        self.remember_at_risk(now, origin, acked, measured);
        // Sharded layouts never read a key away from its home: nothing to track.
        if self.plan.behaviour.shares_keys {
            let applied = &self.applied;
            self.keys.write(key, origin, acked, |r| applied[r]);
        }
        Some(acked)
    }

    /// Sends the write from `origin` to its replicas: when each applies it (`applied`),
    /// and for synchronous writes when each answer is back (`acks`). Returns the sum of the
    /// transfer prices (USD/GB) to the replicas.
    fn replicate(&mut self, now: SimTime, origin: usize) -> f64 {
        let n = self.world.n_regions();
        self.acks.clear();
        for r in 0..n {
            self.applied[r] = SimTime::MAX;
        }
        self.applied[origin] = now;
        let mut price = 0.0;
        for i in 0..self.replicas[origin].len() {
            let rep = self.replicas[origin][i];
            price += self.world.transfer_usd_per_gb(origin, rep);
            let reachable = !self.cond.is_down(rep) && !self.cond.link_blocked(origin, rep);
            let there = self.region_one_way(origin, rep);
            match self.plan.ack {
                Ack::Async => {
                    let lag = self.lag.sample(&mut self.replication[origin]);
                    let from = if reachable {
                        now
                    } else {
                        self.cond
                            .link_unblocked_at(&self.incidents, origin, rep)
                            .max(now)
                    };
                    self.applied[rep] = from + there + lag;
                }
                Ack::Sync { .. } => {
                    if reachable {
                        self.applied[rep] = now + there;
                        let back = self.region_one_way(rep, origin);
                        self.acks.push(now + there + back);
                    } else {
                        // No answer towards the quorum; the replica catches up from the
                        // origin once it can reach it again.
                        let from = self
                            .cond
                            .link_unblocked_at(&self.incidents, origin, rep)
                            .max(now);
                        self.applied[rep] = from + there;
                    }
                }
            }
        }
        price
    }

    /// When the write committed at `now` is acknowledged: at once (asynchronous, or a
    /// quorum of one), else when the (quorum − 1)-th replica's answer is back; `None` when
    /// fewer replicas can answer.
    fn acked_at(&mut self, now: SimTime) -> Option<SimTime> {
        match self.plan.ack {
            Ack::Async => Some(now),
            Ack::Sync { quorum } => {
                let need = quorum.saturating_sub(1);
                if need == 0 {
                    Some(now)
                } else if need > self.acks.len() {
                    None
                } else {
                    self.acks.sort_unstable();
                    Some(self.acks[need - 1])
                }
            }
        }
    }

    /// Counts a measured write: committed, its transfer price, and a conflict if another
    /// region wrote the key concurrently (asynchronous multi-master).
    fn book(&mut self, now: SimTime, origin: usize, area: usize, key: u64, price: f64) {
        self.writes.committed += 1;
        self.writes.replica_usd_per_gb += price;
        if let Some(a) = self.writes.by_area.get_mut(area) {
            a.0 += 1;
            a.1 += price;
        }
        if self.plan.behaviour.multi_master
            && self.plan.ack == Ack::Async
            && self.keys.conflicts(key, origin, now)
        {
            self.writes.conflicts += 1;
        }
    }

    /// Keeps an acknowledged write in `origin`'s queue of writes no replica holds yet,
    /// until one does (what a failure of `origin` would lose).
    fn remember_at_risk(&mut self, now: SimTime, origin: usize, acked: SimTime, measured: bool) {
        if self.replicas[origin].is_empty() {
            return;
        }
        let durable_at = self.replicas[origin]
            .iter()
            .map(|&r| self.applied[r])
            .min()
            .unwrap_or(SimTime::MAX);
        let q = &mut self.pending[origin];
        while q.front().is_some_and(|p| p.durable_at <= now) {
            q.pop_front();
        }
        if durable_at > acked {
            q.push_back(Pending {
                commit: now,
                acked,
                durable_at,
                measured,
            });
        }
    }

    /// At the failure of `origin` at `now`: the acknowledged writes no replica holds yet.
    /// Returns (measured count, commit time of the oldest) and forgets them.
    pub(super) fn take_at_risk(&mut self, origin: usize, now: SimTime) -> (u64, Option<SimTime>) {
        let mut count = 0;
        let mut oldest: Option<SimTime> = None;
        for p in self.pending[origin].drain(..) {
            if p.acked <= now && p.durable_at > now && p.measured {
                count += 1;
                oldest = Some(oldest.map_or(p.commit, |o| o.min(p.commit)));
            }
        }
        (count, oldest)
    }

    /// Books writes as lost at failure time `failed_at`.
    pub(super) fn lose(&mut self, (count, oldest): (u64, Option<SimTime>), failed_at: SimTime) {
        self.writes.lost_writes += count;
        if let Some(o) = oldest {
            self.writes.rpo = self.writes.rpo.max(failed_at.since(o));
        }
    }

    /// Whether writes at risk at a failure of a region are lost at once (no failover
    /// decides their fate): asynchronous multi-master with `async_recovery = "lost"`.
    pub(super) fn lost_at_failure(&self) -> bool {
        self.plan.behaviour.multi_master
            && self.plan.ack == Ack::Async
            && self.s.active_active.async_recovery == AsyncRecovery::Lost
    }
}
